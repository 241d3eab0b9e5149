package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Delivery;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.MonitorState;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.StoredState;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code status}: what the store holds. Reads only the state; takes no lock, so it works while a run is going. */
@Command(name = "status", description = "Show what the state holds: last snapshot per monitor, pending deliveries per notifier.")
final class StatusCommand extends ConfiguredCommand {

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        PluginConfig stateConfig = configuration.state();
        StoredState state;
        try (StateStore store = registry.create(PluginRegistry.Kind.STATE, stateConfig, StateStore.class)) {
            System.out.println("state: " + store.describe());
            state = store.load();
        } catch (ConfigException e) {
            configurationError(e);
            return ExitCode.USAGE;
        } catch (StateUnreadableException e) {
            log.error("{}", e.getMessage());
            return ExitCode.STATE_UNREADABLE;
        } catch (IOException e) {
            log.error("cannot read the state: {}", e.getMessage());
            return ExitCode.INTERNAL;
        } catch (RuntimeException e) {
            log.error("reading the state failed: {}", e.toString());
            return ExitCode.INTERNAL;
        }
        if (state.monitors().isEmpty()) {
            System.out.println("no run has completed yet");
        }
        state.monitors().forEach((id, monitor) -> System.out.println(describe(id, monitor)));
        Map<String, Integer> pending = StoredState.pendingByNotifier(state.outbox());
        Map<String, String> errors = new TreeMap<>();
        for (OutboxEntry entry : state.outbox()) {
            entry.deliveries().forEach((notifier, delivery) -> {
                if (delivery.state() == Delivery.State.PENDING) {
                    delivery.lastError().ifPresent(e -> errors.put(notifier, e));
                }
            });
        }
        if (pending.isEmpty()) {
            System.out.println("pending deliveries: none");
        }
        pending.forEach((notifier, count) -> System.out.println("pending for notifier '" + notifier + "': " + count
                + " event(s)" + (errors.containsKey(notifier) ? "; last error: " + errors.get(notifier) : "")));
        // The same meaning as after a run: 3 when a monitor is failing or deliveries are pending.
        boolean failing = state.monitors().values().stream().anyMatch(m -> m.failureStreak() > 0);
        return failing || !pending.isEmpty() ? ExitCode.INCOMPLETE : ExitCode.OK;
    }

    private static String describe(String id, MonitorState monitor) {
        StringBuilder line = new StringBuilder("monitor '").append(id).append("': ");
        if (monitor.lastGood().isEmpty()) {
            line.append("no good snapshot yet");
        } else {
            var snapshot = monitor.lastGood().get();
            Map<MfaStatus, Long> counts = snapshot.accounts().stream()
                    .collect(Collectors.groupingBy(Account::mfa, () -> new EnumMap<>(MfaStatus.class), Collectors.counting()));
            line.append(snapshot.service()).append(", last good snapshot ").append(snapshot.observedAt()).append(": ")
                    .append(snapshot.accounts().size()).append(" accounts (")
                    .append(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().configName())
                            .collect(Collectors.joining(", "))).append(')');
        }
        if (monitor.failureStreak() > 0) {
            line.append("; failing for ").append(monitor.failureStreak()).append(" run(s): ").append(monitor.lastFailure().orElse(""));
        }
        return line.toString();
    }
}
