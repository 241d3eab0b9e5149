package dev.mfamonitor.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.Exemption;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code check}: the current status of every account of every monitor; no state read or written, nothing sent.
 *
 * <p>Every format is made of cleaned text: control and invisible characters are removed from every value that came
 * from a source or a plugin, so an account name can neither forge a table line nor hide in a cell. CSV cells that a
 * spreadsheet would run as a formula are escaped as OWASP advises.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3,
                Main.EXIT_4, Main.EXIT_5, Main.EXIT_70},
        description = "Print the current MFA status of every account; reads and writes no state, sends nothing.")
final class CheckCommand extends ConfiguredCommand {
    enum Format { table, json, csv, ocsf }

    @Option(names = "--format", defaultValue = "table", description = "table, json, csv, or ocsf: one OCSF 1.3.0 Detection "
            + "Finding a line per account without MFA or with weak MFA (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Scan progress on standard error: live (a line per monitor, redrawn), log (a line every 30 s), off, "
                    + "or auto: live on a terminal, else log (default: ${DEFAULT-VALUE}).")
    ProgressDisplay.Mode progress;

    @Option(names = "--fail-on-missing-mfa", description = "Exit 1 when an account without an active exception lacks MFA.")
    boolean failOnMissingMfa;

    /** One account as the formats show it, every text already cleaned. */
    record Row(String monitor, String service, String id, String name, String kind, String scope, MfaStatus mfa,
               String role, boolean weakMfa, Map<String, String> facts, Optional<String> exception, boolean privileged) {

        static Row of(String monitor, String service, Account account, Optional<Exemption> exemption) {
            Map<String, String> facts = new java.util.TreeMap<>();
            account.facts().forEach((k, v) -> facts.put(PeopleText.clean(k), PeopleText.clean(v)));
            return new Row(PeopleText.clean(monitor), PeopleText.clean(service), PeopleText.clean(account.id()),
                    PeopleText.clean(account.name()), PeopleText.clean(account.kind()), PeopleText.clean(account.scope()),
                    account.mfa(), facts.getOrDefault("role", ""), "true".equals(facts.get("weakMfa")), facts,
                    exemption.map(e -> PeopleText.clean(e.reason())), dev.mfamonitor.core.Privileged.is(account));
        }
    }

    /** One monitor's outcome: {@code complete}, {@code partial} (gaps) or {@code failed}. */
    record MonitorOutcome(String id, Optional<String> service, String outcome, Optional<String> error, List<Gap> gaps,
                          int accounts) {
    }

    @Override
    protected ProgressDisplay.Mode progressMode() {
        return progress;
    }

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        Optional<RunEngine> created = createEngine(configuration, registry);
        if (created.isEmpty()) {
            return ExitCode.USAGE;
        }
        try (RunEngine engine = created.get()) {
            Instant now = RunnerEnvironment.clock.instant();
            List<Row> rows = new ArrayList<>();
            List<MonitorOutcome> outcomes = new ArrayList<>();
            List<RunEngine.CheckResult> results;
            startProgress(engine);
            try {
                results = engine.check();
            } finally {
                finishProgress();
            }
            for (RunEngine.CheckResult result : results) {
                if (result.failure().isPresent()) {
                    String error = PeopleText.clean(result.failure().get());
                    log.error("monitor '{}' failed: {}", PeopleText.clean(result.monitorId()), error);
                    outcomes.add(new MonitorOutcome(result.monitorId(), Optional.empty(), "failed", Optional.of(error), List.of(), 0));
                    continue;
                }
                Snapshot snapshot = result.snapshot().orElseThrow();
                List<Gap> gaps = snapshot.gaps().stream()
                        .map(g -> new Gap(PeopleText.clean(g.scope()), PeopleText.clean(g.reason()))).toList();
                gaps.forEach(gap -> log.warn("monitor '{}' could not see {}: {}", PeopleText.clean(result.monitorId()),
                        gap.scope(), gap.reason()));
                outcomes.add(new MonitorOutcome(result.monitorId(), Optional.of(snapshot.service()),
                        gaps.isEmpty() ? "complete" : "partial", Optional.empty(), gaps, snapshot.accounts().size()));
                for (Account account : snapshot.accounts()) {
                    Optional<Exemption> exemption = engine.policy().exemptionFor(result.monitorId(), account, now);
                    rows.add(Row.of(result.monitorId(), snapshot.service(), account, exemption));
                }
            }
            System.out.print(switch (format) {
                case table -> table(rows);
                case json -> json(now, outcomes, rows);
                case csv -> csv(rows);
                case ocsf -> ocsf(now, rows);
            });
            boolean findings = rows.stream().anyMatch(r -> r.mfa() == MfaStatus.DISABLED && r.exception().isEmpty());
            if (outcomes.stream().anyMatch(o -> !o.outcome().equals("complete"))) {
                return ExitCode.INCOMPLETE;
            }
            return failOnMissingMfa && findings ? ExitCode.FINDINGS : ExitCode.OK;
        }
    }

    static String table(List<Row> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"MONITOR", "SERVICE", "ACCOUNT", "KIND", "ROLE", "MFA", "NOTE"});
        for (Row row : rows) {
            String mfa = PeopleText.statusWord(row.mfa()) + (row.weakMfa() ? " (weak)" : "");
            lines.add(new String[] {row.monitor(), row.service(), row.name(), row.kind(), row.role(), mfa,
                    row.exception().map(e -> "exception: " + e).orElse("")});
        }
        return PeopleText.columns(lines);
    }

    /** An envelope: when, which version, every monitor's outcome (an error when it failed), then the accounts. */
    static String json(Instant when, List<MonitorOutcome> outcomes, List<Row> rows) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("when", when.truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("version", BuildInfo.current().version());
        ArrayNode monitors = root.putArray("monitors");
        for (MonitorOutcome outcome : outcomes) {
            ObjectNode node = monitors.addObject();
            node.put("id", PeopleText.clean(outcome.id()));
            outcome.service().ifPresent(s -> node.put("service", PeopleText.clean(s)));
            node.put("outcome", outcome.outcome());
            outcome.error().ifPresent(e -> node.put("error", e));
            if (!outcome.gaps().isEmpty()) {
                ArrayNode gaps = node.putArray("gaps");
                outcome.gaps().forEach(g -> gaps.addObject().put("scope", g.scope()).put("reason", g.reason()));
            }
            node.put("accounts", outcome.accounts());
        }
        ArrayNode accounts = root.putArray("accounts");
        for (Row row : rows) {
            ObjectNode node = accounts.addObject();
            node.put("monitor", row.monitor());
            node.put("service", row.service());
            node.put("id", row.id());
            node.put("name", row.name());
            node.put("kind", row.kind());
            node.put("scope", row.scope());
            node.put("mfa", row.mfa().configName());
            node.put("weakMfa", row.weakMfa());
            if (!row.role().isEmpty()) {
                node.put("role", row.role());
            }
            ObjectNode facts = node.putObject("facts");
            row.facts().forEach(facts::put);
            row.exception().ifPresent(e -> node.put("exception", e));
        }
        return root.toPrettyString() + System.lineSeparator();
    }

    static String ocsf(Instant now, List<Row> rows) {
        String version = new Main.Version().getVersion()[0].replaceFirst("^mfa-monitor ", "");
        return OcsfFindings.lines(rows.stream()
                .flatMap(row -> OcsfFindings.finding(row, row.privileged(), now, version).stream()).toList());
    }

    static String csv(List<Row> rows) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                .setHeader("monitor", "service", "id", "name", "kind", "scope", "mfa", "role", "weakMfa", "facts", "exception").get())) {
            for (Row row : rows) {
                String facts = row.facts().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; "));
                printer.printRecord(cell(row.monitor()), cell(row.service()), cell(row.id()), cell(row.name()), cell(row.kind()),
                        cell(row.scope()), row.mfa().configName(), cell(row.role()), String.valueOf(row.weakMfa()), cell(facts),
                        cell(row.exception().orElse("")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A CSV cell a spreadsheet will not run: one starting with {@code =}, {@code +}, {@code -}, {@code @}, TAB or CR
     * gets a leading {@code '} (OWASP's CSV injection advice); the printer then quotes it as needed.
     */
    static String cell(String text) {
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            return "'" + text;
        }
        return text;
    }
}
