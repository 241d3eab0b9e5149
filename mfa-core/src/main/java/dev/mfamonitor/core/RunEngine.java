package dev.mfamonitor.core;

import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.ScanProgress;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.Sleeper;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.RunSummary;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs monitors, diffs what they saw against what the store remembers, and delivers the changes through every
 * notifier, at least once (DESIGN.md, "One run").
 *
 * <p>A run: lock, load, start delivering what earlier runs left pending (every notifier on its own thread), scan
 * every monitor at once, diff, commit the new snapshots and events in one store operation, deliver what the commit
 * stored, report. Nothing is delivered that was not committed. The commit also adds the run's events and a summary of
 * each monitor to the store's history, and drops what is older than {@code policy.history}.
 *
 * <p>The engine owns the plugins it is given and closes them in {@link #close()}. Build one with {@link #builder()},
 * from plugins created in code (embedding) or from a configuration file (the CLI).
 */
public final class RunEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunEngine.class);

    private final StateStore store;
    private final Map<String, Monitor> monitors;
    private final Map<String, Notifier> notifiers;
    /** Configuration order: monitors are reported and notifiers served in the order the user wrote them. */
    private final List<String> monitorOrder;
    private final List<String> notifierOrder;
    private final Policy policy;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final PluginText text;
    private final Map<String, List<dev.mfamonitor.spi.EventType>> declaredTypes;
    private final Map<String, Route> routes;
    private final Function<String, ScanProgress> progress;

    private RunEngine(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "a state store is required");
        this.monitors = Map.copyOf(builder.monitors);
        this.notifiers = Map.copyOf(builder.notifiers);
        this.monitorOrder = List.copyOf(builder.monitors.keySet());
        this.notifierOrder = List.copyOf(builder.notifiers.keySet());
        this.policy = builder.policy;
        this.clock = builder.clock;
        this.nanoTime = builder.nanoTime;
        this.sleeper = builder.sleeper;
        this.text = new PluginText(builder.redactor);
        this.declaredTypes = Map.copyOf(builder.eventTypes);
        this.routes = Map.copyOf(builder.routes);
        this.progress = builder.progress;
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
     * One run. Never throws for a failing monitor, notifier or unreadable state: the report's exit code says what
     * happened.
     */
    public RunReport run(RunOptions options) {
        if (options.dryRun()) {
            try {
                return new Run(store.load(), options).dryRun();
            } catch (StateUnreadableException e) {
                return RunReport.refused(ExitCode.STATE_UNREADABLE, text.clean(e.getMessage()));
            } catch (OutOfMemoryError e) {
                throw e; // no store's failure: the caller says to raise the heap (the runner exits 70)
            } catch (IOException | RuntimeException | Error e) {
                return RunReport.refused(ExitCode.INTERNAL, "cannot read state from " + store.describe() + ": " + storeError(e));
            }
        }
        StateStore.Lock lock;
        try {
            lock = store.lock();
        } catch (StateLockedException e) {
            return RunReport.refused(ExitCode.LOCKED, text.clean(e.getMessage()));
        } catch (OutOfMemoryError e) {
            throw e; // no store's failure: the caller says to raise the heap (the runner exits 70)
        } catch (IOException | RuntimeException | Error e) {
            return RunReport.refused(ExitCode.INTERNAL, "cannot lock the state " + store.describe() + ": " + storeError(e));
        }
        try {
            return new Run(store.load(), options).execute();
        } catch (StateUnreadableException e) {
            return RunReport.refused(ExitCode.STATE_UNREADABLE, text.clean(e.getMessage()));
        } catch (OutOfMemoryError e) {
            throw e; // no store's failure: the caller says to raise the heap (the runner exits 70)
        } catch (IOException | RuntimeException | Error e) {
            return RunReport.refused(ExitCode.INTERNAL, "state store " + store.describe() + " failed: " + storeError(e));
        } finally {
            try {
                lock.close();
            } catch (IOException | RuntimeException e) {
                // The run is over and committed; the OS releases the lock when the process ends anyway.
                log.warn("releasing the lock of {} failed: {}", store.describe(), storeError(e));
            }
        }
    }

    /** What {@code check} reports of one monitor: its snapshot or why it failed. */
    public record CheckResult(String monitorId, Optional<Snapshot> snapshot, Optional<String> failure) {
    }

    /** Reads every monitor afresh, without reading or writing state. Exemptions are the caller's to apply. */
    public List<CheckResult> check() {
        Deadline deadline = Deadline.after(policy.monitorTimeout(), nanoTime);
        Map<String, ScanStage.Outcome> outcomes = scanStage().scan(id -> new ScanRequest(Optional.empty(), true, deadline,
                progress.apply(id)));
        List<CheckResult> results = new ArrayList<>();
        for (String id : monitorOrder) {
            ScanStage.Outcome outcome = outcomes.get(id);
            results.add(new CheckResult(id, outcome.snapshot().map(this::withCleanGaps), outcome.failure()));
        }
        return results;
    }

    /** The policy the engine judges by. */
    public Policy policy() {
        return policy;
    }

    /** The ids of the monitors, in configuration order. */
    public List<String> monitorIds() {
        return monitorOrder;
    }

    /** The ids of the notifiers, in configuration order. */
    public List<String> notifierIds() {
        return notifierOrder;
    }

    /** Closes every plugin, each in its own try, so one failing close does not leak the others. */
    @Override
    public void close() {
        for (String id : monitorOrder) {
            closeQuietly("monitor", id, monitors.get(id));
        }
        for (String id : notifierOrder) {
            closeQuietly("notifier", id, notifiers.get(id));
        }
        closeQuietly("state store", store.describe(), store);
    }

    private void closeQuietly(String kind, String id, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} '{}' failed: {}", kind, id, storeError(e));
        }
    }

    private Route route(String notifierId) {
        return routes.getOrDefault(notifierId, Route.EVERYTHING);
    }

    /** A store's or plugin's exception for a log line or a message: its class, and its text redacted and cleaned. */
    private String storeError(Throwable e) {
        return e.getClass().getName() + ": " + text.describe(e);
    }

    private ScanStage scanStage() {
        return new ScanStage(monitors, monitorOrder, text, policy.monitorTimeout(),
                id -> declaredTypes.getOrDefault(id, List.of()));
    }

    /** A gap's reason is plugin text that is stored and sent like a failure message: clean it the same way. */
    private Snapshot withCleanGaps(Snapshot snapshot) {
        if (snapshot.gaps().isEmpty()) {
            return snapshot;
        }
        return snapshot.withGaps(snapshot.gaps().stream().map(g -> new Gap(g.scope(), text.clean(g.reason()))).toList());
    }

    /** One run: its plan, its events and its bookkeeping. */
    private final class Run {
        private final Instant start;
        private final RunOptions options;
        private final boolean firstRun;
        private final Map<String, MonitorState> monitorStates;
        /** Guarded by itself: the delivery workers record marks while the scan runs. */
        private final Outbox outbox;
        private final Map<String, String> failures = new TreeMap<>();
        private final List<ChangeEvent> newEvents = new ArrayList<>();
        /** The history entries of {@link #newEvents}, in the same order. */
        private final List<HistoryEntry> newHistory = new ArrayList<>();
        /** Per monitor, in configuration order: what this run saw of it, for the history. */
        private final List<RunSummary> summaries = new ArrayList<>();
        private final List<DeliveryMark> abandonMarks = new ArrayList<>();
        /** Marks the store refused; the commit stores them again, and a good commit clears the failure. */
        private final List<DeliveryMark> unrecorded = new ArrayList<>();
        private boolean commitFailed;
        private boolean abandonedAny;

        Run(StoredState state, RunOptions options) {
            this.start = clock.instant();
            this.options = options;
            this.firstRun = state.firstRun();
            this.monitorStates = new TreeMap<>(state.monitors());
            this.outbox = new Outbox(state.outbox());
        }

        RunReport execute() {
            List<String> unknown = outbox.unconfigured(notifierOrder);
            if (!unknown.isEmpty()) {
                log.warn("the outbox holds undelivered events for notifiers no longer configured: {}; they count as pending "
                        + "until those notifiers come back or the give-up age passes, when the configured notifiers are told",
                        unknown);
            }
            if (firstRun) {
                log.warn("first run: no state at {}; every monitor starts with a baseline", store.describe());
            }
            abandonStale();
            DeliveryStage delivery = new DeliveryStage(notifiers, notifierOrder, policy.retry(), policy.deliveryTimeout(),
                    nanoTime, sleeper, clock, text, start, new DeliveryStage.Ledger() {
                        @Override
                        public List<OutboxEntry> pendingFor(String notifierId) {
                            synchronized (outbox) {
                                return outbox.pendingFor(notifierId);
                            }
                        }

                        @Override
                        public void record(String notifierId, List<OutboxEntry> entries, Instant at, Optional<String> error,
                                           int tries) {
                            mark(Outbox.marks(notifierId, entries, at, error, tries));
                        }
                    });
            delivery.start();
            try {
                scanAndDiff();
                delivery.committed(commit());
            } finally {
                delivery.finish();
            }
            return report(delivery.delivered(), Map.of());
        }

        RunReport dryRun() {
            abandonStale();
            scanAndDiff();
            Map<String, List<ChangeEvent>> planned = new LinkedHashMap<>();
            for (String id : notifierOrder) {
                List<ChangeEvent> events = outbox.plannedFor(id).stream().map(OutboxEntry::event).toList();
                if (!events.isEmpty()) {
                    planned.put(id, events);
                }
            }
            return report(Map.of(), planned);
        }

        private RunReport report(Map<String, Integer> delivered, Map<String, List<ChangeEvent>> planned) {
            Map<String, Integer> pending;
            synchronized (outbox) {
                pending = outbox.pendingByNotifier();
            }
            boolean recordFailed;
            synchronized (outbox) {
                recordFailed = !unrecorded.isEmpty();
            }
            boolean incomplete = !failures.isEmpty() || abandonedAny || (!options.dryRun() && !pending.isEmpty());
            ExitCode code = commitFailed || recordFailed ? ExitCode.INTERNAL : incomplete ? ExitCode.INCOMPLETE : ExitCode.OK;
            String message = commitFailed ? "could not write the state to " + store.describe()
                    + "; nothing new was delivered; see the log"
                    : recordFailed ? "alerts were delivered but could not be recorded in " + store.describe()
                    + "; the next run may send them again; see the log" : "";
            return new RunReport(code, message, newEvents, failures, delivered, options.dryRun() ? Map.of() : pending, planned,
                    monitorStates);
        }

        /** The give-up age: deliveries pending too long are abandoned where that loses nothing, and the others told. */
        private void abandonStale() {
            Outbox.Abandonment abandonment;
            synchronized (outbox) {
                abandonment = outbox.abandonStale(start.minus(policy.giveUpAfter()), start, notifierOrder,
                        id -> route(id).acceptsHealth(dev.mfamonitor.spi.EventType.DELIVERY_ABANDONED));
            }
            abandonMarks.addAll(abandonment.marks());
            abandonment.byNotifier().forEach((notifierId, carried) -> {
                ChangeEvent notice = HealthEvents.deliveryAbandoned(notifierId, carried, policy.giveUpAfter(),
                        Optional.ofNullable(abandonment.lastErrors().get(notifierId)), start);
                log.error(notice.detail());
                raise(notice, id -> !id.equals(notifierId) && route(id).accepts(notice));
            });
            abandonedAny = !abandonment.marks().isEmpty();
        }

        private void scanAndDiff() {
            // The monitors' time starts now, on the monotonic clock.
            Deadline deadline = Deadline.after(policy.monitorTimeout(), nanoTime);
            Map<String, ScanStage.Outcome> outcomes = scanStage().scan(id -> {
                MonitorState state = monitorStates.getOrDefault(id, MonitorState.NEW);
                return new ScanRequest(state.lastGood(), state.lastGood().isEmpty(), deadline, progress.apply(id));
            });
            DiffEngine diff = new DiffEngine(policy);
            for (String id : monitorOrder) {
                MonitorState state = monitorStates.getOrDefault(id, MonitorState.NEW);
                ScanStage.Outcome outcome = outcomes.get(id);
                Object basis = state.lastGood().<Object>map(Snapshot::observedAt).orElse("never");
                if (outcome.failure().isPresent()) {
                    String why = outcome.failure().get();
                    failures.put(id, why);
                    log.warn("monitor '{}' failed: {}", id, why);
                    if (state.failureStreak() == 0) {
                        String service = state.lastGood().map(Snapshot::service).orElse("unknown");
                        emit(HealthEvents.monitorFailed(id, service, basis, start, why));
                    }
                    // A failed read is never diffed: the last good snapshot stays as it was.
                    monitorStates.put(id, new MonitorState(state.lastGood(), state.failureStreak() + 1,
                            Optional.of(why), state.alertedAt()));
                    summaries.add(RunSummary.of(id, start, RunSummary.Health.FAILED, Optional.of(why), state.lastGood()));
                    continue;
                }
                Snapshot snapshot = withCleanGaps(outcome.snapshot().orElseThrow());
                if (state.failureStreak() > 0) {
                    emit(HealthEvents.monitorRecovered(id, snapshot.service(), basis, start, state.failureStreak()));
                }
                DiffEngine.Result result = diff.diff(id, state, snapshot, start, options.acceptChanges());
                for (ChangeEvent event : result.events()) {
                    emit(firstRun && event.type().equals(dev.mfamonitor.spi.EventType.BASELINE)
                            ? withDetail(event, event.detail() + "; first run: no state at " + store.describe()) : event);
                }
                Optional<String> incomplete = Optional.empty();
                if (!snapshot.gaps().isEmpty()) {
                    incomplete = Optional.of("incomplete: " + snapshot.gaps().stream().map(g -> g.scope() + " (" + g.reason() + ")")
                            .reduce((a, b) -> a + "; " + b).orElse(""));
                    failures.put(id, incomplete.get());
                }
                summaries.add(RunSummary.of(id, start, incomplete.isPresent() ? RunSummary.Health.INCOMPLETE
                        : RunSummary.Health.OK, incomplete, Optional.of(result.accepted())));
                monitorStates.put(id, new MonitorState(Optional.of(result.accepted()), 0, Optional.empty(), result.alertedAt()));
            }
        }

        private ChangeEvent withDetail(ChangeEvent e, String detail) {
            return new ChangeEvent(e.id(), e.type(), e.severity(), e.monitorId(), e.service(), e.account(), e.previous(),
                    e.current(), e.at(), detail, e.notifierId(), e.carried());
        }

        private void emit(ChangeEvent event) {
            raise(event, id -> route(id).accepts(event));
        }

        private void raise(ChangeEvent event, java.util.function.Predicate<String> forNotifier) {
            newEvents.add(event);
            synchronized (outbox) {
                newHistory.add(outbox.raise(event, start, notifierOrder, forNotifier));
            }
        }

        /**
         * New snapshots, new events and the marks not stored yet, in one store operation, with the run's history:
         * its events and summaries, and the bound before which the store drops history ({@code policy.history}).
         */
        private boolean commit() {
            synchronized (outbox) {
                List<DeliveryMark> marks = new ArrayList<>(abandonMarks);
                marks.addAll(unrecorded);
                RunCommit commit = new RunCommit(monitorStates, outbox.uncommitted(), marks, outbox.settled(),
                        distinct(newHistory), summaries, Optional.of(start.minus(policy.history())));
                try {
                    store.commit(commit);
                } catch (IOException | RuntimeException | Error e) {
                    log.error("could not write the state to {}: {}; nothing of this run is delivered", store.describe(), storeError(e));
                    commitFailed = true;
                    return false;
                }
                unrecorded.clear();
                outbox.committed();
                outbox.dropSettled();
                return true;
            }
        }

        /**
         * The run's history entries, one per id: an event raised twice in one run (the same change seen through two
         * paths) is one outbox entry, as the store's ids require.
         */
        private List<HistoryEntry> distinct(List<HistoryEntry> entries) {
            Map<String, HistoryEntry> byId = new LinkedHashMap<>();
            entries.forEach(e -> byId.putIfAbsent(e.id(), e));
            return List.copyOf(byId.values());
        }

        private void mark(List<DeliveryMark> marks) {
            synchronized (outbox) {
                outbox.apply(marks);
                try {
                    store.mark(marks);
                } catch (IOException | RuntimeException | Error e) {
                    log.error("could not record deliveries in {}: {}", store.describe(), storeError(e));
                    unrecorded.addAll(marks);
                }
            }
        }
    }

    /** Builds a {@link RunEngine}. */
    public static final class Builder {
        private StateStore store;
        private final Map<String, Monitor> monitors = new LinkedHashMap<>();
        private final Map<String, Notifier> notifiers = new LinkedHashMap<>();
        private final Map<String, List<dev.mfamonitor.spi.EventType>> eventTypes = new LinkedHashMap<>();
        private final Map<String, Route> routes = new LinkedHashMap<>();
        private Policy policy = Policy.defaults();
        private Clock clock = Clock.systemUTC();
        private LongSupplier nanoTime = System::nanoTime;
        private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
        private dev.mfamonitor.spi.Redactor redactor = new SecretRedactor();
        private Function<String, ScanProgress> progress = id -> ScanProgress.NONE;

        private Builder() {
        }

        /**
         * Where each monitor's scan progress goes, by monitor id ({@code check} and every run); nowhere unless set.
         * The CLI shows it on standard error.
         */
        public Builder progress(Function<String, ScanProgress> perMonitor) {
            this.progress = Objects.requireNonNull(perMonitor, "perMonitor");
            return this;
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

        /**
         * The plugin event types a monitor may raise through {@link Snapshot#notices()}, as its provider declared them
         * ({@link dev.mfamonitor.spi.MonitorProvider#eventTypes()}); a notice of any other type fails that monitor's run.
         */
        public Builder eventTypes(String monitorId, List<dev.mfamonitor.spi.EventType> declared) {
            eventTypes.put(Objects.requireNonNull(monitorId, "monitorId"), List.copyOf(declared));
            return this;
        }

        /** Which events a notifier is sent; {@link Route#EVERYTHING} unless set. */
        public Builder route(String notifierId, Route route) {
            routes.put(Objects.requireNonNull(notifierId, "notifierId"), Objects.requireNonNull(route, "route"));
            return this;
        }

        /** Adds a notifier under a unique id; at least one is required. */
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
         * Secrets the plugins were given; the engine redacts them from plugin messages before it logs, stores or
         * sends them.
         */
        public Builder redact(java.util.Collection<Secret> values) {
            SecretRedactor own = redactor instanceof SecretRedactor r ? r : new SecretRedactor();
            values.forEach(own::add);
            this.redactor = own;
            return this;
        }

        /** The redactor the plugins were given ({@link Configuration#createEngine} passes the configuration's). */
        public Builder redactor(dev.mfamonitor.spi.Redactor value) {
            this.redactor = Objects.requireNonNull(value, "redactor");
            return this;
        }

        /** The wall clock, for timestamps; for tests. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The monotonic clock deadlines are measured on; for tests. */
        public Builder nanoTime(LongSupplier value) {
            this.nanoTime = Objects.requireNonNull(value, "nanoTime");
            return this;
        }

        /** How the delivery stage waits between tries; for tests, which replace time instead of sleeping. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
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
