package dev.mfamonitor.benchmarks;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Delivery;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.MonitorState;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * NOT COMPILED HERE: the "before" side of StateRunBenchmark, for the release before SPI 2 (commit baf5d69), kept so
 * that the comparison in the README can be reproduced. The same workload as StateWorkload (N GitHub-shaped accounts,
 * 5% without MFA, 1% of N outbox entries for three notifiers), and one run's state work as that engine did it: a load,
 * one save of the run's state, then one full save per notifier as it marked its deliveries.
 *
 * <pre>
 * git worktree add /tmp/before baf5d69
 * cp mfa-benchmarks/before/StateRunBeforeBenchmark.java /tmp/before/mfa-benchmarks/src/main/java/dev/mfamonitor/benchmarks/
 * (cd /tmp/before &amp;&amp; mvn -q -B -o -pl mfa-benchmarks -am package -DskipTests)
 * java -cp /tmp/before/mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.StateRunBeforeBenchmark 100000 7
 * </pre>
 */
public final class StateRunBeforeBenchmark {
    private static final int WARM_UP = 3;
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<String> NOTIFIERS = List.of("slack", "webhook", "pagerduty");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("load")) {
            StoredState loaded = new FileStateStore(Path.of(args[1])).load();
            System.out.println("loaded " + loaded.monitors().get("github-acme").lastGood().orElseThrow().accounts().size());
            return;
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path base = Path.of(System.getProperty("mfa.bench.dir", System.getProperty("java.io.tmpdir")));
        Path directory = Files.createTempDirectory(Files.createDirectories(base), "mfa-state-run-before");
        try {
            measure(count, runs, directory);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void measure(int count, int runs, Path directory) throws Exception {
        List<Account> accounts = new ArrayList<>(count);
        Map<String, Instant> alertedAt = new HashMap<>();
        for (int i = 0; i < count; i++) {
            MfaStatus mfa = i % 20 == 7 ? MfaStatus.DISABLED : MfaStatus.ENABLED;
            Account account = new Account(Integer.toString(1_000_000 + i), "user" + i, "member", mfa, "",
                    Map.of("role", i % 1000 == 0 ? "admin" : "member"));
            accounts.add(account);
            if (mfa == MfaStatus.DISABLED) {
                alertedAt.put(account.id(), START);
            }
        }
        Path file = directory.resolve("state").resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        store.save(state(accounts, alertedAt, 0, List.of()));
        List<long[]> load = new ArrayList<>();
        List<long[]> save = new ArrayList<>();
        long size = 0;
        for (int run = 1; run <= WARM_UP + runs; run++) {
            try (StateStore.Lock lock = store.lock()) {
                long[] t = start();
                StoredState before = store.load();
                long[] loadTime = stop(t);
                StoredState next = state(accounts, alertedAt, run, List.of());
                long[] saves = {0, 0, 0};
                t = start();
                store.save(next);
                add(saves, stop(t));
                List<String> delivered = new ArrayList<>();
                for (String notifier : NOTIFIERS) {
                    delivered.add(notifier);
                    next = state(accounts, alertedAt, run, delivered);
                    t = start();
                    store.save(next);
                    add(saves, stop(t));
                }
                if (run > WARM_UP) {
                    load.add(loadTime);
                    save.add(new long[] {saves[0] / 4, saves[1] / 4, saves[2] / 4});
                    size = Files.size(file);
                }
                if (before.outbox().size() != count / 100 && run > 1) {
                    throw new IllegalStateException("loaded " + before.outbox().size() + " entries");
                }
            }
        }
        double floor = floorMillis(directory.resolve("floor.bin"), 4 * size, runs);
        double saveFloor = floorMillis(directory.resolve("floor.bin"), size, runs);
        int heap = smallestHeap(file);
        System.out.printf(Locale.ROOT, "%n[state run, before] %,d accounts, %,d outbox entries, %d notifiers; median of %d runs after %d of warm-up%n",
                count, count / 100, NOTIFIERS.size(), runs, WARM_UP);
        System.out.printf(Locale.ROOT, "state file: %,d bytes (%.1f bytes per account)%n", size, (double) size / count);
        System.out.printf(Locale.ROOT, "load:        %s%n", times(load));
        System.out.printf(Locale.ROOT, "save (each): %s, %,d bytes written%n", times(save), size);
        System.out.printf(Locale.ROOT, "one run (load + 4 saves): %.1f ms wall, %.1f ms CPU (%.1f ms of the process), %,d bytes written%n",
                median(load, 0) + 4 * median(save, 0), median(load, 1) + 4 * median(save, 1),
                median(load, 2) + 4 * median(save, 2), 4 * size);
        System.out.printf(Locale.ROOT, "floor: the run's %,d bytes written and fsynced alone: %.1f ms (one save's %,d: %.1f ms)%n",
                4 * size, floor, size, saveFloor);
        System.out.printf(Locale.ROOT, "smallest heap that loads the state: -Xmx%dm%n", heap);
    }

    private static StoredState state(List<Account> accounts, Map<String, Instant> alertedAt, int run, List<String> delivered) {
        Instant at = START.plus(Duration.ofHours(run));
        MonitorState monitor = new MonitorState(Optional.of(Snapshot.of("github", at, accounts)), 0, Optional.empty(), alertedAt);
        List<OutboxEntry> outbox = new ArrayList<>();
        Delivery done = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(at.plusSeconds(2)), Optional.empty());
        Map<String, Delivery> deliveries = new HashMap<>();
        NOTIFIERS.forEach(n -> deliveries.put(n, delivered.contains(n) ? done : Delivery.NEW));
        for (int i = 50; i < accounts.size(); i += 100) {
            Account account = accounts.get(i).withMfa(MfaStatus.DISABLED);
            ChangeEvent event = new ChangeEvent(ChangeEvent.idOf("github-acme", account.id(), EventType.MFA_DISABLED, at),
                    EventType.MFA_DISABLED, Severity.HIGH, "github-acme", "github", Optional.of(account),
                    Optional.of(MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED), at, "");
            outbox.add(new OutboxEntry(event, at, deliveries));
        }
        return new StoredState(Map.of("github-acme", monitor), outbox);
    }

    private static void add(long[] sum, long[] one) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += one[i];
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Wall time, this thread's CPU time, and the whole process's CPU time (the garbage collector's included). */
    private static long[] start() {
        return new long[] {System.nanoTime(), THREADS.getCurrentThreadCpuTime(), OS.getProcessCpuTime()};
    }

    private static long[] stop(long[] start) {
        return new long[] {System.nanoTime() - start[0], THREADS.getCurrentThreadCpuTime() - start[1],
                OS.getProcessCpuTime() - start[2]};
    }

    private static String times(List<long[]> samples) {
        return String.format(Locale.ROOT, "%7.1f ms wall, %7.1f ms CPU (%7.1f ms CPU of the process, GC included)",
                median(samples, 0), median(samples, 1), median(samples, 2));
    }

    private static double median(List<long[]> samples, int index) {
        List<Long> values = new ArrayList<>();
        samples.forEach(s -> values.add(s[index]));
        values.sort(null);
        int n = values.size();
        double nanos = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2.0;
        return nanos / 1e6;
    }

    static double floorMillis(Path file, long bytes, int runs) throws java.io.IOException {
        byte[] chunk = new byte[256 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        List<long[]> times = new ArrayList<>();
        for (int i = 0; i < WARM_UP + runs; i++) {
            Files.deleteIfExists(file);
            long start = System.nanoTime();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long left = bytes;
                while (left > 0) {
                    left -= channel.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, left)));
                }
                channel.force(true);
            }
            if (i >= WARM_UP) {
                times.add(new long[] {System.nanoTime() - start});
            }
        }
        Files.deleteIfExists(file);
        return median(times, 0);
    }

    static int smallestHeap(Path file) throws Exception {
        int low = 4;
        int high = 4096;
        if (!loads(file, high)) {
            return -1;
        }
        while (high - low > 4) {
            int middle = (low + high) / 2 / 4 * 4;
            if (loads(file, middle)) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return high;
    }

    private static boolean loads(Path file, int megabytes) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx" + megabytes + "m", "-cp", System.getProperty("java.class.path"),
                StateRunBeforeBenchmark.class.getName(), "load", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }
}
