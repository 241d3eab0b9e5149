package dev.mfamonitor.core;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Delivery;
import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorState;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.StoredState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs monitors, diffs what they saw against what the store remembers, and delivers the changes through every
 * notifier, at least once (DESIGN.md, "One run").
 *
 * <p>The engine owns the plugins it is given and closes them in {@link #close()}. Build one with {@link #builder()},
 * from plugins created in code (embedding) or from a configuration file (the CLI).
 */
public final class RunEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunEngine.class);
    /** How long past its deadline a notifier may take to give up by itself before it is interrupted. */
    private static final long DELIVERY_GRACE_MILLIS = 5_000;

    private final StateStore store;
    private final Map<String, Monitor> monitors;
    private final Map<String, Notifier> notifiers;
    /** Configuration order: monitors are reported and notifiers served in the order the user wrote them. */
    private final List<String> monitorOrder;
    private final List<String> notifierOrder;
    private final Policy policy;
    private final Clock clock;
    /** Secrets of the configuration, scrubbed from plugin messages before they are logged, stored or sent. */
    private final List<Secret> secrets;

    private RunEngine(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "a state store is required");
        this.monitors = Map.copyOf(builder.monitors);
        this.notifiers = Map.copyOf(builder.notifiers);
        this.monitorOrder = List.copyOf(builder.monitors.keySet());
        this.notifierOrder = List.copyOf(builder.notifiers.keySet());
        this.policy = builder.policy;
        this.clock = builder.clock;
        this.secrets = List.copyOf(builder.secrets);
        if (monitors.isEmpty()) {
            throw new IllegalArgumentException("at least one monitor is required");
        }
        if (notifiers.isEmpty()) {
            // Without one, every event would be settled the moment it is committed: alerts lost, exit 0.
            throw new IllegalArgumentException("at least one notifier is required");
        }
    }

    /** A builder for an engine. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of one run. */
    public record RunOptions(boolean dryRun, boolean acceptChanges) {
        /** A normal run. */
        public static RunOptions normal() {
            return new RunOptions(false, false);
        }
    }

    /** One normal run. */
    public RunReport run() {
        return run(RunOptions.normal());
    }

    /**
     * One run: lock, load, deliver what is pending, scan, diff, commit, deliver. Never throws for a failing monitor,
     * notifier or unreadable state: the report's exit code says what happened.
     */
    public RunReport run(RunOptions options) {
        if (options.dryRun()) {
            try {
                return new Run(store.load(), options).dryRun();
            } catch (StateUnreadableException e) {
                return RunReport.refused(ExitCode.STATE_UNREADABLE, e.getMessage());
            } catch (IOException e) {
                return RunReport.refused(ExitCode.INTERNAL, "cannot read state from " + store.describe() + ": " + e.getMessage());
            }
        }
        StateStore.Lock lock;
        try {
            lock = store.lock();
        } catch (StateLockedException e) {
            return RunReport.refused(ExitCode.LOCKED, e.getMessage());
        } catch (IOException e) {
            return RunReport.refused(ExitCode.INTERNAL, "cannot lock the state " + store.describe() + ": " + e.getMessage());
        }
        try {
            return new Run(store.load(), options).execute();
        } catch (StateUnreadableException e) {
            return RunReport.refused(ExitCode.STATE_UNREADABLE, e.getMessage());
        } catch (IOException e) {
            return RunReport.refused(ExitCode.INTERNAL, "state store " + store.describe() + " failed: " + e.getMessage());
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                // The run is over and committed; the OS releases the lock when the process ends anyway.
                log.warn("releasing the lock of {} failed: {}", store.describe(), e.toString());
            }
        }
    }

    /** What {@code check} reports of one monitor: its snapshot or why it failed. */
    public record CheckResult(String monitorId, Optional<Snapshot> snapshot, Optional<String> failure) {
    }

    /** Reads every monitor afresh, without reading or writing state. Exemptions are the caller's to apply. */
    public List<CheckResult> check() {
        Instant start = clock.instant();
        Map<String, ScanOutcome> outcomes = scanAll(id -> new ScanRequest(Optional.empty(), true, start.plus(policy.monitorTimeout())));
        List<CheckResult> results = new ArrayList<>();
        for (String id : monitorOrder) {
            ScanOutcome outcome = outcomes.get(id);
            results.add(new CheckResult(id, Optional.ofNullable(outcome.snapshot()), Optional.ofNullable(outcome.failure())));
        }
        return results;
    }

    /** The policy the engine judges by. */
    public Policy policy() {
        return policy;
    }

    /** Closes every plugin, each in its own try, so one failing close does not leak the others. */
    @Override
    public void close() {
        for (Map.Entry<String, Monitor> e : monitors.entrySet()) {
            closeQuietly("monitor", e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Notifier> e : notifiers.entrySet()) {
            closeQuietly("notifier", e.getKey(), e.getValue());
        }
        closeQuietly("state store", store.describe(), store);
    }

    private static void closeQuietly(String kind, String id, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} '{}' failed: {}", kind, id, e.toString());
        }
    }

    private record ScanOutcome(Snapshot snapshot, String failure) {
    }

    private Map<String, ScanOutcome> scanAll(java.util.function.Function<String, ScanRequest> requests) {
        Map<String, ScanOutcome> outcomes = new HashMap<>();
        // One thread per monitor: they run concurrently, each with its own class loader as context class loader.
        List<ExecutorService> threads = new ArrayList<>();
        try {
            Map<String, Future<Snapshot>> futures = new LinkedHashMap<>();
            Map<String, ScanRequest> sent = new HashMap<>();
            for (String id : monitorOrder) {
                ScanRequest request = requests.apply(id);
                sent.put(id, request);
                Monitor monitor = monitors.get(id);
                ExecutorService thread = Executors.newSingleThreadExecutor(pluginThreads("mfa-monitor-scan-" + id, monitor));
                threads.add(thread);
                futures.put(id, thread.submit(() -> Objects.requireNonNull(monitor.snapshot(request), "monitor returned no snapshot")));
            }
            for (Map.Entry<String, Future<Snapshot>> entry : futures.entrySet()) {
                String id = entry.getKey();
                Instant deadline = sent.get(id).deadline();
                long waitMillis = Math.max(0, deadline.toEpochMilli() - clock.millis());
                try {
                    outcomes.put(id, new ScanOutcome(entry.getValue().get(waitMillis, TimeUnit.MILLISECONDS), null));
                } catch (TimeoutException e) {
                    entry.getValue().cancel(true);
                    outcomes.put(id, new ScanOutcome(null, "did not finish within "
                            + dev.mfamonitor.spi.Durations.format(policy.monitorTimeout()) + " (policy.monitorTimeout)"));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    log.debug("monitor '{}' failed: {} ({})", id, describe(cause), causeChain(cause));
                    outcomes.put(id, new ScanOutcome(null, describe(cause)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    entry.getValue().cancel(true);
                    outcomes.put(id, new ScanOutcome(null, "interrupted"));
                }
            }
        } finally {
            threads.forEach(ExecutorService::shutdownNow);
        }
        return outcomes;
    }

    /** A gap's reason is plugin text that is stored and sent like a failure message: scrub it the same way. */
    private Snapshot withScrubbedGaps(Snapshot snapshot) {
        if (snapshot.gaps().isEmpty() || secrets.isEmpty()) {
            return snapshot;
        }
        List<Gap> gaps = snapshot.gaps().stream().map(g -> new Gap(g.scope(), scrub(g.reason()))).toList();
        return new Snapshot(snapshot.service(), snapshot.observedAt(), snapshot.accounts(), snapshot.requirements(),
                snapshot.facts(), gaps);
    }

    private String scrub(String text) {
        String scrubbed = text;
        for (Secret secret : secrets) {
            scrubbed = secret.redact(scrubbed);
        }
        return scrubbed;
    }

    /**
     * The classes of a failure and its causes, for debugging. Not the stack trace with its messages: a plugin's
     * exception may quote a secret the engine does not know about.
     */
    private static String causeChain(Throwable failure) {
        StringBuilder chain = new StringBuilder(failure.getClass().getName());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            chain.append(" <- ").append(cause.getClass().getName());
        }
        return chain.toString();
    }

    /** A plugin's failure for people, with every configured secret scrubbed: a third-party plugin may quote its URL. */
    private String describe(Throwable failure) {
        String message = failure.getMessage();
        return scrub(message == null || message.isBlank() ? failure.getClass().getName() : message);
    }

    /** The state of one run, changed as the run goes and saved at each step. */
    private final class Run {
        private final Instant start;
        private final RunOptions options;
        private final Map<String, MonitorState> monitorStates;
        private final List<OutboxEntry> outbox;
        private final Map<String, String> failures = new TreeMap<>();
        private final Map<String, Integer> delivered = new TreeMap<>();
        private final Set<String> failedNotifiers = new LinkedHashSet<>();
        private final List<ChangeEvent> newEvents = new ArrayList<>();
        private boolean commitFailed;
        /** A delivery marked delivered could not be recorded: the next run may send it again. */
        private boolean recordFailed;
        private boolean abandonedAny;

        Run(StoredState state, RunOptions options) {
            this.start = clock.instant();
            this.options = options;
            this.monitorStates = new TreeMap<>(state.monitors());
            this.outbox = new ArrayList<>(state.outbox());
        }

        RunReport execute() {
            List<String> unknown = outbox.stream().flatMap(e -> e.deliveries().entrySet().stream())
                    .filter(d -> d.getValue().state() == Delivery.State.PENDING && !notifiers.containsKey(d.getKey()))
                    .map(Map.Entry::getKey).distinct().toList();
            if (!unknown.isEmpty()) {
                log.warn("the outbox holds undelivered events for notifiers no longer configured: {}; they count as pending "
                        + "until those notifiers come back or the give-up age passes, when the configured notifiers are told",
                        unknown);
            }
            abandonStale();
            deliverAll();
            scanAndDiff();
            commit();
            deliverAll();
            return report(Map.of());
        }

        RunReport dryRun() {
            abandonStale();
            scanAndDiff();
            Map<String, List<ChangeEvent>> planned = new LinkedHashMap<>();
            for (String id : notifierOrder) {
                List<ChangeEvent> events = pendingFor(id).stream().map(OutboxEntry::event).toList();
                if (!events.isEmpty()) {
                    planned.put(id, sorted(events));
                }
            }
            return report(planned);
        }

        private RunReport report(Map<String, List<ChangeEvent>> planned) {
            // Every notifier the outbox still waits for counts, a renamed or removed one too: its alerts are not sent.
            Map<String, Integer> pending = StoredState.pendingByNotifier(outbox);
            boolean incomplete = !failures.isEmpty() || abandonedAny || (!options.dryRun() && !pending.isEmpty());
            ExitCode code = commitFailed || recordFailed ? ExitCode.INTERNAL : incomplete ? ExitCode.INCOMPLETE : ExitCode.OK;
            String message = commitFailed ? "could not write the state to " + store.describe() + "; see the log"
                    : recordFailed ? "alerts were delivered but could not be recorded in " + store.describe()
                    + "; the next run may send them again; see the log" : "";
            return new RunReport(code, message, newEvents, failures, delivered, options.dryRun() ? Map.of() : pending, planned);
        }

        /** Step 10's give-up age: a delivery pending too long is abandoned and the other notifiers are told. */
        private void abandonStale() {
            Instant cutoff = start.minus(policy.giveUpAfter());
            Map<String, Integer> abandoned = new TreeMap<>();
            Map<String, String> lastErrors = new HashMap<>();
            for (int i = 0; i < outbox.size(); i++) {
                OutboxEntry entry = outbox.get(i);
                if (!entry.createdAt().isBefore(cutoff)) {
                    continue;
                }
                Map<String, Delivery> deliveries = new TreeMap<>(entry.deliveries());
                boolean changed = false;
                for (Map.Entry<String, Delivery> d : entry.deliveries().entrySet()) {
                    // Abandon only where someone else can be told: with no other notifier the alert stays pending
                    // (exit 3, every run) rather than vanish.
                    boolean someoneElse = notifierOrder.stream().anyMatch(id -> !id.equals(d.getKey()));
                    if (d.getValue().state() == Delivery.State.PENDING && someoneElse) {
                        deliveries.put(d.getKey(), new Delivery(Delivery.State.ABANDONED, d.getValue().attempts(),
                                d.getValue().lastAttemptAt(), d.getValue().lastError()));
                        abandoned.merge(d.getKey(), 1, Integer::sum);
                        d.getValue().lastError().ifPresent(err -> lastErrors.put(d.getKey(), err));
                        changed = true;
                    }
                }
                if (changed) {
                    outbox.set(i, new OutboxEntry(entry.event(), entry.createdAt(), deliveries));
                }
            }
            List<ChangeEvent> events = new ArrayList<>();
            abandoned.forEach((notifierId, count) -> {
                String detail = count + " event(s) for notifier '" + notifierId + "' could not be delivered within "
                        + dev.mfamonitor.spi.Durations.format(policy.giveUpAfter()) + " and were abandoned"
                        + Optional.ofNullable(lastErrors.get(notifierId)).map(e -> "; last error: " + e).orElse("");
                log.error(detail);
                events.add(new ChangeEvent(ChangeEvent.idOf("notifier:" + notifierId, notifierId, EventType.DELIVERY_ABANDONED, start),
                        EventType.DELIVERY_ABANDONED, Severity.HIGH, "notifier:" + notifierId, "mfa-monitor", Optional.empty(),
                        Optional.empty(), Optional.empty(), start, detail));
            });
            for (ChangeEvent event : events) {
                newEvents.add(event);
                String abandonedBy = event.monitorId().substring("notifier:".length());
                append(event, id -> !id.equals(abandonedBy));
            }
            abandonedAny = !events.isEmpty();
        }

        private void scanAndDiff() {
            // The monitors' time starts now, not at the start of the run: delivering what was pending may have taken long.
            Instant deadline = clock.instant().plus(policy.monitorTimeout());
            Map<String, ScanOutcome> outcomes = scanAll(id -> {
                MonitorState state = monitorStates.getOrDefault(id, MonitorState.NEW);
                return new ScanRequest(state.lastGood(), state.lastGood().isEmpty(), deadline);
            });
            DiffEngine diff = new DiffEngine(policy);
            for (String id : monitorOrder) {
                MonitorState state = monitorStates.getOrDefault(id, MonitorState.NEW);
                ScanOutcome outcome = outcomes.get(id);
                if (outcome.failure() != null) {
                    failures.put(id, outcome.failure());
                    log.warn("monitor '{}' failed: {}", id, outcome.failure());
                    if (state.failureStreak() == 0) {
                        String service = state.lastGood().map(Snapshot::service).orElse("unknown");
                        emit(new ChangeEvent(ChangeEvent.idOf(id, "monitor", EventType.MONITOR_FAILED, start),
                                EventType.MONITOR_FAILED, Severity.MEDIUM, id, service, Optional.empty(), Optional.empty(),
                                Optional.empty(), start, outcome.failure()));
                    }
                    // A failed read is never diffed: the last good snapshot stays as it was.
                    monitorStates.put(id, new MonitorState(state.lastGood(), state.failureStreak() + 1,
                            Optional.of(outcome.failure()), state.alertedAt()));
                    continue;
                }
                Snapshot snapshot = withScrubbedGaps(outcome.snapshot());
                if (state.failureStreak() > 0) {
                    emit(new ChangeEvent(ChangeEvent.idOf(id, "monitor", EventType.MONITOR_RECOVERED, start),
                            EventType.MONITOR_RECOVERED, Severity.INFO, id, snapshot.service(), Optional.empty(),
                            Optional.empty(), Optional.empty(), start, "works again after " + state.failureStreak()
                            + " failed run(s)"));
                }
                DiffEngine.Result result = diff.diff(id, state, snapshot, start, options.acceptChanges());
                result.events().forEach(this::emit);
                if (!snapshot.gaps().isEmpty()) {
                    failures.put(id, "incomplete: " + snapshot.gaps().stream().map(g -> g.scope() + " (" + g.reason() + ")")
                            .reduce((a, b) -> a + "; " + b).orElse(""));
                }
                monitorStates.put(id, new MonitorState(Optional.of(result.accepted()), 0, Optional.empty(), result.alertedAt()));
            }
        }

        private void emit(ChangeEvent event) {
            newEvents.add(event);
            append(event, id -> true);
        }

        private void append(ChangeEvent event, java.util.function.Predicate<String> forNotifier) {
            Map<String, Delivery> deliveries = new TreeMap<>();
            for (String id : notifierOrder) {
                if (forNotifier.test(id)) {
                    deliveries.put(id, Delivery.NEW);
                }
            }
            outbox.add(new OutboxEntry(event, start, deliveries));
        }

        /** Step 9: new snapshots and new events in one store write. */
        private void commit() {
            if (!persist()) {
                commitFailed = true;
            }
        }

        private boolean persist() {
            outbox.removeIf(OutboxEntry::settled);
            try {
                store.save(new StoredState(monitorStates, outbox));
                return true;
            } catch (IOException | RuntimeException e) {
                log.error("could not write the state to {}: {}", store.describe(), e.toString());
                return false;
            }
        }

        private List<OutboxEntry> pendingFor(String notifierId) {
            return outbox.stream().filter(e -> Optional.ofNullable(e.deliveries().get(notifierId))
                    .map(d -> d.state() == Delivery.State.PENDING).orElse(false)).toList();
        }

        /** Steps 4 and 10: each notifier independently; a failure leaves its events pending and holds back nobody. */
        private void deliverAll() {
            for (String id : notifierOrder) {
                if (failedNotifiers.contains(id)) {
                    continue; // already failed this run: do not make it wait twice
                }
                List<OutboxEntry> pending = pendingFor(id);
                if (pending.isEmpty()) {
                    continue;
                }
                List<ChangeEvent> events = sorted(pending.stream().map(OutboxEntry::event).toList());
                Instant now = clock.instant();
                Notification notification = Notification.of(start, events, now.plus(policy.deliveryTimeout()));
                Optional<String> error = deliverWithin(id, notifiers.get(id), notification);
                if (error.isEmpty()) {
                    delivered.merge(id, events.size(), Integer::sum);
                    log.info("notifier '{}' delivered {} event(s)", id, events.size());
                }
                error.ifPresent(message -> {
                    failedNotifiers.add(id);
                    log.warn("notifier '{}' failed; {} event(s) stay pending: {}", id, events.size(), message);
                });
                mark(id, pending, now, error);
                if (!commitFailed && !persist()) {
                    recordFailed = true;
                }
            }
        }

        private void mark(String notifierId, List<OutboxEntry> entries, Instant at, Optional<String> error) {
            Set<String> ids = new java.util.HashSet<>();
            entries.forEach(e -> ids.add(e.event().id() + '\u0000' + e.createdAt()));
            for (int i = 0; i < outbox.size(); i++) {
                OutboxEntry entry = outbox.get(i);
                if (!ids.contains(entry.event().id() + '\u0000' + entry.createdAt())) {
                    continue;
                }
                Delivery old = entry.deliveries().get(notifierId);
                Delivery updated = new Delivery(error.isPresent() ? Delivery.State.PENDING : Delivery.State.DELIVERED,
                        old.attempts() + 1, Optional.of(at), error);
                Map<String, Delivery> deliveries = new TreeMap<>(entry.deliveries());
                deliveries.put(notifierId, updated);
                outbox.set(i, new OutboxEntry(entry.event(), entry.createdAt(), deliveries));
            }
        }
    }

    /**
     * One delivery on its own thread, so that a notifier that ignores its deadline cannot hold up the run: past the
     * deadline and a short grace it is interrupted and counted as failed (its events stay pending).
     *
     * @return the failure, or empty when delivered
     */
    private Optional<String> deliverWithin(String id, Notifier notifier, Notification notification) {
        ExecutorService thread = Executors.newSingleThreadExecutor(pluginThreads("mfa-monitor-deliver-" + id, notifier));
        Future<?> delivery = thread.submit(() -> {
            notifier.deliver(notification);
            return null;
        });
        long waitMillis = Math.max(0, notification.deadline().toEpochMilli() - clock.millis()) + DELIVERY_GRACE_MILLIS;
        try {
            delivery.get(waitMillis, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            delivery.cancel(true);
            return Optional.of("did not finish within " + dev.mfamonitor.spi.Durations.format(policy.deliveryTimeout())
                    + " (policy.deliveryTimeout)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DeliveryException) {
                return Optional.of(describe(cause));
            }
            log.debug("notifier '{}' failed: {} ({})", id, describe(cause), causeChain(cause));
            return Optional.of("unexpected " + cause.getClass().getName() + ": " + describe(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delivery.cancel(true);
            return Optional.of("interrupted");
        } finally {
            thread.shutdownNow();
        }
    }

    /**
     * Daemon threads that run one plugin with its own class loader as the context class loader, as libraries inside a
     * plugin jar (ServiceLoader users, JAXB, SDK client builders) expect. The threads end with the task.
     */
    private static java.util.concurrent.ThreadFactory pluginThreads(String name, Object plugin) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(plugin.getClass().getClassLoader());
            return thread;
        };
    }

    private static List<ChangeEvent> sorted(List<ChangeEvent> events) {
        return events.stream().sorted(Comparator.comparing(ChangeEvent::severity)
                .thenComparing(ChangeEvent::monitorId).thenComparing(ChangeEvent::type)).toList();
    }

    /** Builds a {@link RunEngine}. */
    public static final class Builder {
        private StateStore store;
        private final Map<String, Monitor> monitors = new LinkedHashMap<>();
        private final Map<String, Notifier> notifiers = new LinkedHashMap<>();
        private Policy policy = Policy.defaults();
        private Clock clock = Clock.systemUTC();
        private final List<Secret> secrets = new ArrayList<>();

        private Builder() {
        }

        /** Where state lives; required. */
        public Builder stateStore(StateStore stateStore) {
            this.store = Objects.requireNonNull(stateStore, "stateStore");
            return this;
        }

        /** Adds a monitor under a unique id; at least one is required. */
        public Builder monitor(String id, Monitor monitor) {
            putUnique(monitors, id, monitor, "monitor");
            return this;
        }

        /** Adds a notifier under a unique id. */
        public Builder notifier(String id, Notifier notifier) {
            putUnique(notifiers, id, notifier, "notifier");
            return this;
        }

        /** The policy; {@link Policy#defaults()} unless set. */
        public Builder policy(Policy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /**
         * Secrets the plugins were given; the engine scrubs them from plugin error messages before it logs, stores or
         * sends them. {@link Configuration#createEngine} passes every secret of the configuration.
         */
        public Builder redact(java.util.Collection<Secret> values) {
            secrets.addAll(values);
            return this;
        }

        /** The clock; for tests. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public RunEngine build() {
            return new RunEngine(this);
        }

        private static <T> void putUnique(Map<String, T> map, String id, T plugin, String kind) {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(plugin, kind);
            if (map.putIfAbsent(id, plugin) != null) {
                throw new IllegalArgumentException(kind + " id '" + id + "' is used twice");
            }
        }
    }
}
