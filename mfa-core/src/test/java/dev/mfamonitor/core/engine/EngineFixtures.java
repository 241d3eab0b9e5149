package dev.mfamonitor.core.engine;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Time, monitors and notifiers for the engine's tests: nothing sleeps, every wait is recorded. */
final class EngineFixtures {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private EngineFixtures() {
    }

    /** A wall clock and a monotonic ticker that move only when told, and a sleeper that moves both and records. */
    static final class Time {
        final AtomicLong nanos = new AtomicLong();
        volatile Instant wall = T0;
        final List<Duration> sleeps = new ArrayList<>();

        Clock clock() {
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return wall;
                }
            };
        }

        long nanoTime() {
            return nanos.get();
        }

        void sleep(Duration d) {
            synchronized (sleeps) {
                sleeps.add(d);
            }
            nanos.addAndGet(d.toNanos());
            wall = wall.plus(d);
        }

        void advanceWall(Duration d) {
            wall = wall.plus(d);
        }

        Duration slept() {
            return sleeps().stream().reduce(Duration.ZERO, Duration::plus);
        }

        List<Duration> sleeps() {
            synchronized (sleeps) {
                return List.copyOf(sleeps);
            }
        }
    }

    /** A monitor answering with the next scripted snapshot (or failure); the last one repeats. */
    static final class Scripted implements Monitor {
        private final Deque<Object> script = new ArrayDeque<>();
        private Object last;

        Scripted then(Snapshot snapshot) {
            script.add(snapshot);
            return this;
        }

        Scripted thenFail(String message) {
            script.add(new IllegalStateException(message));
            return this;
        }

        @Override
        public synchronized Snapshot snapshot(ScanRequest request) throws Exception {
            Object next = script.isEmpty() ? last : script.poll();
            last = next;
            if (next instanceof Exception e) {
                throw e;
            }
            return (Snapshot) next;
        }
    }

    /** A notifier answering each attempt with the next scripted result (the last one repeats), recording what it got. */
    static class Channel implements Notifier {
        private final Deque<Supplier<DeliveryResult>> script = new ArrayDeque<>();
        private Supplier<DeliveryResult> last = DeliveryResult::delivered;
        final List<Notification> attempts = new ArrayList<>();
        final List<Notification> delivered = new ArrayList<>();

        Channel answering(DeliveryResult... results) {
            for (DeliveryResult result : results) {
                script.add(() -> result);
            }
            return this;
        }

        Channel answering(Supplier<DeliveryResult> result) {
            script.add(result);
            return this;
        }

        @Override
        public DeliveryResult send(Notification notification) {
            Supplier<DeliveryResult> next;
            synchronized (this) {
                next = script.isEmpty() ? last : script.poll();
                last = next;
                attempts.add(notification);
            }
            DeliveryResult result = next.get();
            if (result instanceof DeliveryResult.Delivered) {
                synchronized (this) {
                    delivered.add(notification);
                }
            }
            return result;
        }

        synchronized List<ChangeEvent> deliveredEvents() {
            return delivered.stream().flatMap(n -> n.events().stream()).toList();
        }

        synchronized int attemptCount() {
            return attempts.size();
        }
    }

    static Account member(String id, MfaStatus mfa) {
        return new Account(id, "user-" + id, "member", mfa);
    }

    static Snapshot github(Instant at, Account... accounts) {
        return Snapshot.of("github", at, List.of(accounts));
    }

    static List<String> describe(List<ChangeEvent> events) {
        return events.stream().map(e -> e.type().name() + " " + e.account().map(Account::name).orElse("@" + e.monitorId())).toList();
    }
}
