package dev.mfamonitor.engine;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Small in-test monitors, notifiers and a clock for the run engine scenarios. */
final class EngineDoubles {
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    /** The engine's waits between delivery tries, without waiting: the tests replace time instead of sleeping. */
    static final dev.mfamonitor.spi.Sleeper NO_SLEEP = duration -> { };

    private EngineDoubles() {
    }

    /**
     * The outbox entries some notifier still waits for. A store may keep settled entries until the next commit drops
     * them; they are done and count for nothing.
     */
    static List<dev.mfamonitor.spi.state.OutboxEntry> unsettled(dev.mfamonitor.spi.state.StoredState state) {
        return state.outbox().stream().filter(e -> !e.settled()).toList();
    }

    /** A clock that stands still until a test moves it. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** A monitor that answers each call with the next scripted snapshot or exception; an empty script fails the test. */
    static final class ScriptedMonitor implements Monitor {
        private final Deque<Object> script = new ArrayDeque<>();
        private final AtomicInteger calls = new AtomicInteger();
        private final List<ScanRequest> requests = new ArrayList<>();
        private volatile boolean closed;

        synchronized ScriptedMonitor then(Snapshot snapshot) {
            script.add(snapshot);
            return this;
        }

        synchronized ScriptedMonitor thenFail(String message) {
            script.add(new IllegalStateException(message));
            return this;
        }

        @Override
        public synchronized Snapshot snapshot(ScanRequest request) throws Exception {
            calls.incrementAndGet();
            requests.add(request);
            Object next = script.poll();
            if (next == null) {
                throw new AssertionError("the test scripted no outcome for call " + calls.get());
            }
            if (next instanceof Exception e) {
                throw e;
            }
            return (Snapshot) next;
        }

        int calls() {
            return calls.get();
        }

        synchronized List<ScanRequest> requests() {
            return List.copyOf(requests);
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A monitor that sleeps far past any deadline; it records that the engine interrupted it. */
    static final class SleepingMonitor implements Monitor {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);

        @Override
        public Snapshot snapshot(ScanRequest request) throws Exception {
            started.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(10).toMillis());
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            throw new AssertionError("slept ten minutes without being interrupted");
        }
    }

    /** A notifier that records every notification it accepted. */
    static class RecordingNotifier implements Notifier {
        private final List<Notification> received = new ArrayList<>();
        private final AtomicInteger attempts = new AtomicInteger();
        private volatile boolean closed;

        @Override
        public synchronized DeliveryResult send(Notification notification) {
            attempts.incrementAndGet();
            received.add(notification);
            return DeliveryResult.delivered();
        }

        /** Every notification delivered, oldest first. */
        synchronized List<Notification> received() {
            return List.copyOf(received);
        }

        /** The notifications delivered after the first {@code skip}. */
        synchronized List<Notification> receivedSince(int skip) {
            return List.copyOf(received.subList(skip, received.size()));
        }

        /** Every event delivered, in order. */
        synchronized List<ChangeEvent> events() {
            return received.stream().flatMap(n -> n.events().stream()).toList();
        }

        int attempts() {
            return attempts.get();
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A notifier whose first {@code failures} deliveries fail as a channel that is down would; it records the rest. */
    static final class FailingNotifier extends RecordingNotifier {
        static final String ERROR = "hooks.example.com answered 503 Service Unavailable; will retry next run";
        private final AtomicInteger failuresLeft;

        FailingNotifier(int failures) {
            this.failuresLeft = new AtomicInteger(failures);
        }

        static FailingNotifier always() {
            return new FailingNotifier(Integer.MAX_VALUE);
        }

        @Override
        public synchronized DeliveryResult send(Notification notification) {
            if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                super.attempts.incrementAndGet();
                return DeliveryResult.retry(ERROR);
            }
            return super.send(notification);
        }
    }

    /** A member account with a stable id derived from its number. */
    static Account member(int number, MfaStatus mfa) {
        return new Account("id-" + number, "user" + number, "member", mfa);
    }

    /** Members {@code from} (inclusive) to {@code to} (exclusive), all with the given status. */
    static List<Account> members(int from, int to, MfaStatus mfa) {
        return IntStream.range(from, to).mapToObj(i -> member(i, mfa)).toList();
    }

    static Snapshot github(Instant at, List<Account> accounts) {
        return Snapshot.of("github", at, accounts);
    }

    /** "TYPE account" (or just "TYPE monitor" for events without an account), for exact, readable assertions. */
    static List<String> describe(List<ChangeEvent> events) {
        return events.stream().map(e -> e.type().name() + " " + e.account().map(Account::name).orElse("@" + e.monitorId())).toList();
    }

    static List<String> describeNotification(Notification notification) {
        return describe(notification.events());
    }

    static long count(List<ChangeEvent> events, EventType type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }
}
