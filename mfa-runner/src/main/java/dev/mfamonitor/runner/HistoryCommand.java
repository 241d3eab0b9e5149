package dev.mfamonitor.runner;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.support.Durations;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code history}: every change the store kept, oldest first, with its time, type, previous and current status, and
 * when each notifier was told. {@code --account} matches an account's id or any name it has had, so that "bob" is
 * found after a rename. Reads only; takes no lock, so it works while a run is going.
 *
 * <p>Every value that came from a source is neutralised for its format: control and invisible characters are removed
 * in the table (a name cannot move the cursor or forge a line), CSV cells that a spreadsheet would run as a formula get
 * a leading {@code '} and are quoted by the printer, and JSON is written by Jackson with every non-ASCII character
 * escaped, so it is exact and still safe to print to a terminal.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_2, Main.EXIT_5, Main.EXIT_70},
        description = "Show the changes the state kept (policy.history, default 400d), with when each notifier was told.")
final class HistoryCommand extends ConfiguredCommand {

    enum Format { table, json, csv }

    @Option(names = "--account", paramLabel = "NAME_OR_ID",
            description = "Only this account: its id, or any name it has had (names ignore case).")
    String account;

    @Option(names = "--monitor", paramLabel = "ID", description = "Only this monitor.")
    String monitor;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only changes of the last DURATION, such as 30d or 12h.")
    String since;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    protected Optional<String> usageError() {
        if (since == null) {
            return Optional.empty();
        }
        try {
            Duration duration = Durations.parse(since);
            if (duration.isZero()) {
                return Optional.of("--since " + since + " selects nothing; give a duration longer than zero, such as 30d");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("--since " + e.getMessage() + ", counted back from now");
        }
    }

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        Instant now = Instant.now();
        YamlPluginConfig stateConfig = configuration.state();
        HistoryQuery query = HistoryQuery.ALL;
        if (since != null) {
            query = query.withSince(now.minus(Durations.parse(since)));
        }
        if (monitor != null) {
            query = query.withMonitor(monitor);
        }
        History history;
        try (StateStore store = registry.create(PluginRegistry.Kind.STATE, stateConfig,
                EnginePluginContext.system(stateConfig.id(), stateConfig.describe(), new SecretRedactor()), StateStore.class)) {
            if (!store.keepsHistory()) {
                log.error("the state store {} keeps no history (a store plugin built before mfa-monitor had one);"
                        + " upgrade the plugin, or use the file or postgres store", PeopleText.clean(store.describe()));
                return ExitCode.USAGE;
            }
            if (account != null) {
                Set<String> ids = accountIds(store, account);
                if (ids.isEmpty()) {
                    log.warn("no account has the id or has had the name '{}' in the history or the state of {}",
                            PeopleText.clean(account), PeopleText.clean(store.describe()));
                }
                // An id no account has selects nothing, as it should.
                query = query.withAccounts(ids.isEmpty() ? Set.of(account) : ids);
            }
            history = store.history(query);
        } catch (StateUnreadableException | IOException | RuntimeException e) {
            return stateReadFailure(e, "the history");
        }
        List<String> configured = configuration.monitors().stream().map(YamlPluginConfig::id).toList();
        if (monitor != null && history.events().isEmpty() && !configured.contains(monitor)) {
            // A typo would otherwise look like a quiet history; a removed monitor's history is still shown when kept.
            log.warn("no monitor '{}' in the configuration, and the history holds nothing of it; configured monitors: {}",
                    PeopleText.clean(monitor), String.join(", ", configured));
        }
        System.out.print(switch (format) {
            case table -> table(history.events());
            case json -> json(history.events());
            case csv -> csv(history.events());
        });
        return ExitCode.OK;
    }

    /**
     * The ids of the accounts with this id or that ever had this name: in any event the history kept (in its whole
     * length, not only the {@code --since} window) or in a monitor's last snapshot.
     */
    static Set<String> accountIds(StateStore store, String nameOrId) throws IOException, StateUnreadableException {
        Set<String> ids = new LinkedHashSet<>(store.history(HistoryQuery.ALL).accountIdsMatching(nameOrId));
        StoredState state = store.load();
        String wanted = nameOrId.toLowerCase(Locale.ROOT);
        for (MonitorState monitorState : state.monitors().values()) {
            for (Account a : monitorState.lastGood().map(s -> s.accounts()).orElse(List.of())) {
                if (a.id().equals(nameOrId) || a.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                    ids.add(a.id());
                }
            }
        }
        return ids;
    }

    // ---- formats

    static String table(List<HistoryEntry> events) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"TIME", "MONITOR", "TYPE", "ACCOUNT", "PREVIOUS", "CURRENT", "TOLD"});
        for (HistoryEntry entry : events) {
            ChangeEvent event = entry.event();
            lines.add(new String[] {PeopleText.time(event.at()), PeopleText.clean(monitorOf(event)),
                    PeopleText.clean(event.type().words()),
                    event.account().map(a -> PeopleText.clean(a.name())).map(n -> n.isEmpty() ? "(no name)" : n).orElse("-"),
                    status(event.previous()), status(event.current()), told(entry, true)});
        }
        return PeopleText.columns(lines);
    }

    /** Events about a notifier have no monitor: they show as {@code notifier:ID}. */
    private static String monitorOf(ChangeEvent event) {
        return event.monitorId().isEmpty() ? event.notifierId().map(n -> "notifier:" + n).orElse("-") : event.monitorId();
    }

    private static String status(Optional<MfaStatus> status) {
        return status.map(PeopleText::statusWord).orElse("-");
    }

    /**
     * Per notifier, in name order: when it was told, or that it is pending or was abandoned. {@code -} when no
     * notifier's route took the event.
     */
    private static String told(HistoryEntry entry, boolean forPeople) {
        if (entry.deliveries().isEmpty()) {
            return forPeople ? "- (no notifier takes it)" : "";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(entry.deliveries()).forEach((notifier, delivery) -> {
            String name = forPeople ? PeopleText.clean(notifier) : notifier;
            String outcome = switch (delivery.state()) {
                case DELIVERED -> delivery.lastAttemptAt()
                        .map(t -> forPeople ? PeopleText.time(t) : t.toString()).orElse("delivered");
                case PENDING -> delivery.attempts() == 0 ? "pending"
                        : "pending (" + PeopleText.count(delivery.attempts(), "try", "tries") + ")";
                case ABANDONED -> "abandoned";
            };
            parts.add(name + (forPeople ? " " : "=") + outcome);
        });
        return String.join("; ", parts);
    }

    static String json(List<HistoryEntry> events) {
        JsonMapper mapper = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode list = root.putArray("events");
        for (HistoryEntry entry : events) {
            ChangeEvent event = entry.event();
            ObjectNode node = list.addObject();
            node.put("time", event.at().toString());
            node.put("committedAt", entry.committedAt().toString());
            node.put("monitor", event.monitorId());
            node.put("service", event.service());
            node.put("type", event.type().name());
            node.put("severity", event.severity().name().toLowerCase(Locale.ROOT));
            event.account().ifPresent(a -> node.putObject("account").put("id", a.id()).put("name", a.name())
                    .put("kind", a.kind()));
            event.previous().ifPresent(s -> node.put("previous", s.configName()));
            event.current().ifPresent(s -> node.put("current", s.configName()));
            event.notifierId().ifPresent(n -> node.put("notifier", n));
            node.put("detail", event.detail());
            node.put("eventId", event.id());
            ArrayNode deliveries = node.putArray("deliveries");
            new TreeMap<>(entry.deliveries()).forEach((notifier, delivery) -> {
                ObjectNode d = deliveries.addObject();
                d.put("notifier", notifier);
                d.put("state", delivery.state().name().toLowerCase(Locale.ROOT));
                if (delivery.state() == Delivery.State.DELIVERED) {
                    delivery.lastAttemptAt().ifPresent(t -> d.put("toldAt", t.toString()));
                }
                d.put("attempts", delivery.attempts());
                delivery.lastError().ifPresent(e -> d.put("lastError", e));
            });
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + System.lineSeparator();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String csv(List<HistoryEntry> events) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                .setHeader("time", "monitor", "service", "type", "account_id", "account", "previous", "current", "told",
                        "detail").get())) {
            for (HistoryEntry entry : events) {
                ChangeEvent event = entry.event();
                printer.printRecord(event.at().toString(), cell(monitorOf(event)), cell(event.service()),
                        cell(event.type().name()), cell(event.account().map(Account::id).orElse("")),
                        cell(event.account().map(Account::name).orElse("")),
                        event.previous().map(MfaStatus::configName).orElse(""),
                        event.current().map(MfaStatus::configName).orElse(""), cell(told(entry, false)),
                        cell(event.detail()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A cleaned cell a spreadsheet will not run as a formula ({@link CheckCommand#cell}). */
    private static String cell(String text) {
        return CheckCommand.cell(PeopleText.clean(text));
    }
}
