package dev.mfamonitor.core;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Runs every monitor at once, each on its own thread and within its deadline, and collects what each saw or why it failed. */
final class ScanStage {
    private static final Logger log = LoggerFactory.getLogger(ScanStage.class);

    /** What one monitor came back with: a snapshot, or a failure for people (already cleaned). */
    record Outcome(Optional<Snapshot> snapshot, Optional<String> failure) {
        static Outcome failed(String why) {
            return new Outcome(Optional.empty(), Optional.of(why));
        }
    }

    private final Map<String, Monitor> monitors;
    private final List<String> order;
    private final PluginText text;
    private final Duration timeout;
    private final Function<String, List<EventType>> declared;

    ScanStage(Map<String, Monitor> monitors, List<String> order, PluginText text, Duration timeout,
              Function<String, List<EventType>> declared) {
        this.monitors = monitors;
        this.order = order;
        this.text = text;
        this.timeout = timeout;
        this.declared = declared;
    }

    /** Scans every monitor; never throws for a monitor's failure. The outcomes come in configuration order. */
    Map<String, Outcome> scan(Function<String, ScanRequest> requests) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        List<ExecutorService> threads = new ArrayList<>();
        try {
            Map<String, Future<Snapshot>> futures = new LinkedHashMap<>();
            Map<String, Deadline> deadlines = new HashMap<>();
            for (String id : order) {
                ScanRequest request = requests.apply(id);
                deadlines.put(id, request.deadline());
                Monitor monitor = monitors.get(id);
                ExecutorService thread = PluginThreads.single("mfa-monitor-scan-" + id, monitor);
                threads.add(thread);
                futures.put(id, thread.submit(() -> Objects.requireNonNull(monitor.snapshot(request), "monitor returned no snapshot")));
            }
            for (Map.Entry<String, Future<Snapshot>> entry : futures.entrySet()) {
                String id = entry.getKey();
                outcomes.put(id, checkNotices(id, await(id, entry.getValue(), deadlines.get(id))));
            }
        } finally {
            threads.forEach(ExecutorService::shutdownNow);
        }
        return outcomes;
    }

    /** A notice of a type its provider did not declare is a bug in the plugin: fail the read, saying which type. */
    private Outcome checkNotices(String id, Outcome outcome) {
        if (outcome.snapshot().isEmpty()) {
            return outcome;
        }
        List<EventType> allowed = declared.apply(id);
        for (Notice notice : outcome.snapshot().get().notices()) {
            if (!notice.type().declaredByPlugin() || !allowed.contains(notice.type())) {
                return Outcome.failed("the monitor raised a notice of event type '" + text.clean(notice.type().name())
                        + "', which its provider does not declare in MonitorProvider.eventTypes()"
                        + (allowed.isEmpty() ? " (it declares none)" : " (it declares "
                        + String.join(", ", allowed.stream().map(EventType::name).toList()) + ")")
                        + "; the plugin needs fixing");
            }
        }
        return outcome;
    }

    private Outcome await(String id, Future<Snapshot> future, Deadline deadline) {
        try {
            return new Outcome(Optional.of(future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)), Optional.empty());
        } catch (TimeoutException e) {
            future.cancel(true);
            return Outcome.failed("did not finish within " + Durations.format(timeout) + " (policy.monitorTimeout)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OutOfMemoryError oom) {
                throw oom; // not the monitor's failure: the runner exits 70 and says to raise the heap
            }
            String why = text.describe(cause);
            log.debug("monitor '{}' failed: {} ({})", id, why, PluginText.causeChain(cause));
            return Outcome.failed(why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return Outcome.failed("interrupted");
        }
    }
}
