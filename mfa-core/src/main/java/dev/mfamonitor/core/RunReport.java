package dev.mfamonitor.core;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.state.MonitorState;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run did.
 *
 * @param exitCode        the outcome
 * @param message         a line for people when the run could not start (locked, unreadable state), else empty
 * @param newEvents       the events this run committed (or, in a dry run, would have)
 * @param monitorFailures per monitor id that failed this run, why
 * @param delivered       per notifier id, how many events it received this run
 * @param pending         per notifier id, how many events still wait for it after the run
 * @param planned         in a dry run, per notifier id, the events it would have been sent; empty otherwise
 * @param monitors        per monitor id, its state after the run (in a dry run: as it would be stored); empty when the
 *                        run was refused (locked, unreadable state)
 */
public record RunReport(ExitCode exitCode, String message, List<ChangeEvent> newEvents, Map<String, String> monitorFailures,
                        Map<String, Integer> delivered, Map<String, Integer> pending, Map<String, List<ChangeEvent>> planned,
                        Map<String, MonitorState> monitors) {

    public RunReport {
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(message, "message");
        newEvents = List.copyOf(newEvents);
        monitorFailures = Map.copyOf(monitorFailures);
        delivered = Map.copyOf(delivered);
        pending = Map.copyOf(pending);
        planned = Map.copyOf(planned);
        monitors = Map.copyOf(monitors);
    }

    static RunReport refused(ExitCode code, String message) {
        return new RunReport(code, message, List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }
}
