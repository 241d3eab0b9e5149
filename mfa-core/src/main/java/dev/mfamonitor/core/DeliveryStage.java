package dev.mfamonitor.core;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Sleeper;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.support.Backoff;
import dev.mfamonitor.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The one delivery stage of a run, Alertmanager's model: every notifier is served on its own thread, at the same time
 * as the others and as the scan, so a channel that is down delays nobody else. A worker first delivers what earlier
 * runs left pending, then, once the run's commit is stored, what this run raised. Transient failures are retried here,
 * for every notifier alike, with one backoff policy (exponential, jittered, {@code Retry-After} as a floor, capped, a
 * bounded number of tries, within the delivery deadline); a notifier makes one attempt per call.
 */
final class DeliveryStage {
    private static final Logger log = LoggerFactory.getLogger(DeliveryStage.class);

    /** Where the stage reads what is pending and records what happened; the engine serialises both. */
    interface Ledger {
        /** The committed entries pending for this notifier, in the order they were raised. */
        List<OutboxEntry> pendingFor(String notifierId);

        /** Records the outcome of one notification: delivered (no error) or still pending (the error). */
        void record(String notifierId, List<OutboxEntry> entries, Instant at, Optional<String> error, int tries);
    }

    private final Map<String, Notifier> notifiers;
    private final List<String> order;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final java.time.Clock clock;
    private final PluginText text;
    private final Instant runAt;
    private final Ledger ledger;

    private final CountDownLatch committed = new CountDownLatch(1);
    private volatile boolean commitStored;
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final Map<String, Integer> delivered = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    DeliveryStage(Map<String, Notifier> notifiers, List<String> order, RetryPolicy retry, Duration timeout,
                  LongSupplier nanoTime, Sleeper sleeper, java.time.Clock clock, PluginText text, Instant runAt, Ledger ledger) {
        this.notifiers = notifiers;
        this.order = order;
        this.retry = retry;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.clock = clock;
        this.text = text;
        this.runAt = runAt;
        this.ledger = ledger;
    }

    /** Starts every notifier's worker on what earlier runs left pending. */
    void start() {
        for (String id : order) {
            Worker worker = new Worker(id, notifiers.get(id));
            workers.put(id, worker);
            worker.start();
        }
    }

    /** The run's commit is over: workers may deliver what it stored, or, when it failed, nothing new. */
    void committed(boolean stored) {
        commitStored = stored;
        committed.countDown();
    }

    /** Waits for every worker; one that overruns its deadline and the grace is interrupted and counted as failed. */
    void finish() {
        committed.countDown();
        for (Worker worker : workers.values()) {
            worker.await();
        }
    }

    Map<String, Integer> delivered() {
        return Map.copyOf(delivered);
    }

    Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    private final class Worker {
        private final String id;
        private final Notifier notifier;
        private final ExecutorService thread;
        private Future<?> future;
        /** The deadline of the batch under way; the engine's wait follows it. */
        private volatile Deadline current;
        private volatile boolean cancelled;

        Worker(String id, Notifier notifier) {
            this.id = id;
            this.notifier = notifier;
            this.thread = PluginThreads.single("mfa-monitor-deliver-" + id, notifier);
        }

        void start() {
            future = thread.submit(this::serve);
        }

        private Void serve() throws InterruptedException {
            boolean ok = deliver(ledger.pendingFor(id));
            committed.await();
            if (ok && commitStored && !cancelled) {
                deliver(ledger.pendingFor(id));
            }
            return null;
        }

        /** @return whether the batch was delivered (an empty one is) */
        private boolean deliver(List<OutboxEntry> entries) {
            if (entries.isEmpty() || cancelled) {
                return true;
            }
            List<ChangeEvent> events = entries.stream().map(OutboxEntry::event).toList();
            Deadline deadline = Deadline.after(timeout, nanoTime);
            current = deadline;
            Notification notification = Notification.of(runAt, events, deadline);
            int[] tries = {0};
            Optional<String> error = attempts(notification, deadline, tries);
            if (cancelled) {
                return false; // the engine gave up on us and reported the failure; a late success is re-sent next run
            }
            ledger.record(id, entries, clock.instant(), error, tries[0]);
            if (error.isEmpty()) {
                delivered.merge(id, events.size(), Integer::sum);
                log.info("notifier '{}' delivered {} event(s)", id, events.size());
                return true;
            }
            failures.put(id, error.get());
            log.warn("notifier '{}' failed; {} event(s) stay pending: {}", id, events.size(), error.get());
            return false;
        }

        private Optional<String> attempts(Notification notification, Deadline deadline, int[] tries) {
            Backoff backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
            for (int attempt = 1; ; attempt++) {
                tries[0] = attempt;
                DeliveryResult result = attempt(notification);
                if (result instanceof DeliveryResult.Delivered) {
                    return Optional.empty();
                }
                if (result instanceof DeliveryResult.Permanent permanent) {
                    return Optional.of(text.clean(permanent.reason()));
                }
                DeliveryResult.Transient failed = (DeliveryResult.Transient) result;
                String reason = text.clean(failed.reason());
                if (attempt >= retry.maxAttempts()) {
                    return Optional.of(reason + " (" + attempt + (attempt == 1 ? " try" : " tries") + "; the next run tries again)");
                }
                Optional<Duration> wait = backoff.next(attempt, failed.retryAfter());
                if (wait.isEmpty()) {
                    return Optional.of(reason + " (asked to wait " + Durations.format(failed.retryAfter().orElseThrow())
                            + ", longer than policy.retry.maxBackoff; the next run tries again)");
                }
                if (!deadline.allows(wait.get())) {
                    return Optional.of(reason + " (no time left for another try within " + Durations.format(timeout)
                            + " (policy.deliveryTimeout); the next run tries again)");
                }
                try {
                    sleeper.sleep(wait.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.of(reason + " (interrupted)");
                }
            }
        }

        private DeliveryResult attempt(Notification notification) {
            try {
                DeliveryResult result = notifier.send(notification);
                return result != null ? result : DeliveryResult.retry("the notifier returned no result");
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                log.debug("notifier '{}' failed: {} ({})", id, text.describe(e), PluginText.causeChain(e));
                return DeliveryResult.retry("unexpected " + e.getClass().getName() + ": " + text.describe(e));
            }
        }

        void await() {
            try {
                while (true) {
                    Deadline watched = current;
                    long wait = watched == null ? TimeUnit.MILLISECONDS.toNanos(50)
                            : watched.remaining().plus(retry.grace()).toNanos();
                    try {
                        future.get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
                        return;
                    } catch (TimeoutException e) {
                        if (watched != null && watched == current) {
                            cancelled = true;
                            future.cancel(true);
                            failures.put(id, "did not finish within " + Durations.format(timeout)
                                    + " (policy.deliveryTimeout) and " + Durations.format(retry.grace())
                                    + " (policy.retry.grace)");
                            log.warn("notifier '{}' did not finish in time; its events stay pending", id);
                            return;
                        }
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof OutOfMemoryError oom) {
                    throw oom; // not the notifier's failure: the runner exits 70 and says to raise the heap
                }
                failures.put(id, "unexpected " + e.getCause().getClass().getName() + ": " + text.describe(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelled = true;
                future.cancel(true);
                failures.put(id, "interrupted");
            } finally {
                thread.shutdownNow();
            }
        }
    }
}
