package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code status}: what the store holds, for people: monitors and notifiers in configuration order (then any the state
 * still knows under an old id), times to the second in UTC with their age, statuses in words. Reads only the state;
 * takes no lock, so it works while a run is going.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        exitCodeListHeading = Main.EXIT_CODES_HEADING, exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3,
                Main.EXIT_4, Main.EXIT_5, Main.EXIT_70},
        description = "Show what the state holds: last snapshot per monitor, pending deliveries per notifier.")
final class StatusCommand extends ConfiguredCommand {

    /** What is pending for one notifier. */
    private record Pending(int events, Instant oldest, Optional<String> lastError) {
    }

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        YamlPluginConfig stateConfig = configuration.state();
        StoredState state;
        String where;
        try (StateStore store = registry.create(PluginRegistry.Kind.STATE, stateConfig,
                EnginePluginContext.system(stateConfig.id(), stateConfig.describe(), new SecretRedactor()), StateStore.class)) {
            where = store.describe();
            System.out.println("state: " + where);
            state = store.load();
        } catch (StateUnreadableException | IOException | RuntimeException e) {
            return stateReadFailure(e, "the state");
        }
        Instant now = Instant.now();
        if (state.firstRun()) {
            System.out.println("first run: no state at " + where + "; the next run records a baseline");
        }

        List<String> configuredMonitors = configuration.monitors().stream().map(YamlPluginConfig::id).toList();
        for (String id : inOrder(configuredMonitors, state.monitors().keySet())) {
            MonitorState monitor = state.monitors().get(id);
            String name = "monitor '" + PeopleText.clean(id) + "'" + (configuredMonitors.contains(id) ? "" : " (not in the configuration)");
            System.out.println(name + ": " + (monitor == null ? "no run yet" : describe(monitor, now)));
        }

        Map<String, Pending> pending = pending(state.outbox());
        List<String> configuredNotifiers = configuration.notifiers().stream().map(YamlPluginConfig::id).toList();
        for (String id : inOrder(configuredNotifiers, pending.keySet())) {
            String name = "notifier '" + PeopleText.clean(id) + "'" + (configuredNotifiers.contains(id) ? "" : " (not in the configuration)");
            Pending waiting = pending.get(id);
            if (waiting == null) {
                System.out.println(name + ": nothing pending");
            } else {
                System.out.println(name + ": " + PeopleText.count(waiting.events(), "event", "events") + " pending, the oldest since "
                        + PeopleText.timeAgo(waiting.oldest(), now)
                        + waiting.lastError().map(e -> "; last error: " + PeopleText.clean(e)).orElse(""));
            }
        }
        // The same meaning as after a run: 3 when a monitor is failing or deliveries are pending.
        boolean failing = state.monitors().values().stream().anyMatch(m -> m.failureStreak() > 0);
        return failing || !pending.isEmpty() ? ExitCode.INCOMPLETE : ExitCode.OK;
    }

    /** The configured ids in their order, then ids only the state knows (renamed or removed), sorted. */
    private static List<String> inOrder(List<String> configured, Set<String> stored) {
        Set<String> ids = new LinkedHashSet<>(configured);
        ids.addAll(new TreeSet<>(stored));
        return new ArrayList<>(ids);
    }

    private static Map<String, Pending> pending(List<OutboxEntry> outbox) {
        Map<String, Pending> pending = new LinkedHashMap<>();
        for (OutboxEntry entry : outbox) {
            entry.deliveries().forEach((notifier, delivery) -> {
                if (delivery.state() != Delivery.State.PENDING) {
                    return;
                }
                Pending before = pending.get(notifier);
                Instant oldest = before == null || entry.createdAt().isBefore(before.oldest()) ? entry.createdAt() : before.oldest();
                Optional<String> error = delivery.lastError().or(() -> before == null ? Optional.empty() : before.lastError());
                pending.put(notifier, new Pending(before == null ? 1 : before.events() + 1, oldest, error));
            });
        }
        return pending;
    }

    private static String describe(MonitorState monitor, Instant now) {
        StringBuilder line = new StringBuilder();
        if (monitor.lastGood().isEmpty()) {
            line.append("no good snapshot yet");
        } else {
            var snapshot = monitor.lastGood().get();
            Map<MfaStatus, Integer> counts = new EnumMap<>(MfaStatus.class);
            for (MfaStatus status : MfaStatus.values()) {
                counts.put(status, 0);
            }
            for (Account account : snapshot.accounts()) {
                counts.merge(account.mfa(), 1, Integer::sum);
            }
            List<String> parts = new ArrayList<>();
            counts.forEach((status, n) -> parts.add(n + " " + PeopleText.status(status)));
            line.append(PeopleText.clean(snapshot.service())).append(", last good snapshot ")
                    .append(PeopleText.timeAgo(snapshot.observedAt(), now)).append(": ")
                    .append(PeopleText.count(snapshot.accounts().size(), "account", "accounts")).append(": ")
                    .append(String.join(", ", parts));
            if (!snapshot.gaps().isEmpty()) {
                line.append("; could not see ").append(PeopleText.count(snapshot.gaps().size(), "part", "parts"));
            }
        }
        if (monitor.failureStreak() > 0) {
            line.append("; failing for ").append(PeopleText.count(monitor.failureStreak(), "run", "runs"))
                    .append(monitor.lastFailure().map(f -> ": " + PeopleText.clean(f)).orElse(""));
        }
        return line.toString();
    }
}
