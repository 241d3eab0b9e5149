package dev.mfamonitor.benchmarks;

import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run's state work with the real {@link FileStateStore}, as the engine does it: load, one commit (the run's new
 * snapshot of N accounts and its 1% of new outbox entries, the last run's entries settled), then one mark per notifier
 * (three notifiers, each marking every entry delivered). Prints the median wall and CPU time of each step over the
 * measured runs, the bytes each writes, a floor (the same bytes written to a file and fsynced, nothing else), and the
 * smallest heap ({@code -Xmx}, found by starting child JVMs) in which a load of the state succeeds.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.StateRunBenchmark [ACCOUNTS [RUNS]]</pre>
 *
 * The state lives under {@code -Dmfa.bench.dir} (default: java.io.tmpdir); fsync figures mean something only where
 * that is a real disk, not a tmpfs. {@code mfa-benchmarks/before/StateRunBeforeBenchmark.java} is the same workload on
 * the release before SPI 2 (a load and four full saves per run), for the comparison in the README.
 */
public final class StateRunBenchmark {
    private static final int WARM_UP = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StateRunBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("load")) {
            StoredState loaded = new FileStateStore(Path.of(args[1])).load();
            System.out.println("loaded " + loaded.monitors().get("github-acme").lastGood().orElseThrow().accounts().size());
            return;
        }
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path base = Path.of(System.getProperty("mfa.bench.dir", System.getProperty("java.io.tmpdir")));
        Path directory = Files.createTempDirectory(Files.createDirectories(base), "mfa-state-run");
        try {
            measure(accounts, runs, directory);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void measure(int accounts, int runs, Path directory) throws Exception {
        StateWorkload workload = new StateWorkload(accounts);
        Path file = directory.resolve("state").resolve("mfa-state.json");
        Path journal = file.resolveSibling("mfa-state.json.journal");
        FileStateStore store = new FileStateStore(file);
        try (StateStore.Lock lock = store.lock()) {
            store.commit(workload.commit(0, StoredState.EMPTY));
        }
        List<long[]> load = new ArrayList<>();
        List<long[]> commit = new ArrayList<>();
        List<long[]> mark = new ArrayList<>();
        long commitBytes = 0;
        long markBytes = 0;
        for (int run = 1; run <= WARM_UP + runs; run++) {
            boolean measured = run > WARM_UP;
            try (StateStore.Lock lock = store.lock()) {
                long[] t = start();
                StoredState before = store.load();
                long[] loadTime = stop(t);
                if (before.outbox().size() != accounts / 100) {
                    throw new IllegalStateException("loaded " + before.outbox().size() + " entries");
                }
                var next = workload.commit(run, before);
                t = start();
                store.commit(next);
                long[] commitTime = stop(t);
                long size = Files.size(file);
                long[] markTime = {0, 0, 0};
                long marked = 0;
                for (String notifier : StateWorkload.NOTIFIERS) {
                    var marks = workload.marks(run, notifier);
                    long journalBefore = Files.exists(journal) ? Files.size(journal) : 0;
                    t = start();
                    store.mark(marks);
                    long[] one = stop(t);
                    add(markTime, one);
                    marked += Files.size(journal) - journalBefore;
                }
                if (measured) {
                    load.add(loadTime);
                    commit.add(commitTime);
                    mark.add(new long[] {markTime[0] / 3, markTime[1] / 3, markTime[2] / 3});
                    commitBytes = size;
                    markBytes = marked / 3;
                }
            }
        }
        long size = Files.size(file);
        long runBytes = commitBytes + 3 * markBytes;
        double floor = floorMillis(directory.resolve("floor.bin"), runBytes, runs);
        double commitFloor = floorMillis(directory.resolve("floor.bin"), commitBytes, runs);
        int heap = smallestHeap(file);

        System.out.printf(Locale.ROOT, "%n[state run, after] %,d accounts, %,d outbox entries, %d notifiers; median of %d runs after %d of warm-up%n",
                accounts, accounts / 100, StateWorkload.NOTIFIERS.size(), runs, WARM_UP);
        System.out.printf(Locale.ROOT, "state file: %,d bytes (%.1f bytes per account)%n", size, (double) size / accounts);
        System.out.printf(Locale.ROOT, "load:        %s%n", times(load));
        System.out.printf(Locale.ROOT, "commit:      %s, %,d bytes written%n", times(commit), commitBytes);
        System.out.printf(Locale.ROOT, "mark (each): %s, %,d bytes written%n", times(mark), markBytes);
        System.out.printf(Locale.ROOT, "one run (load + commit + 3 marks): %.1f ms wall, %.1f ms CPU (%.1f ms of the process), %,d bytes written%n",
                median(load, 0) + median(commit, 0) + 3 * median(mark, 0),
                median(load, 1) + median(commit, 1) + 3 * median(mark, 1),
                median(load, 2) + median(commit, 2) + 3 * median(mark, 2), runBytes);
        System.out.printf(Locale.ROOT, "floor: the run's %,d bytes written and fsynced alone: %.1f ms (the commit's %,d: %.1f ms)%n",
                runBytes, floor, commitBytes, commitFloor);
        System.out.printf(Locale.ROOT, "smallest heap that loads the state: -Xmx%dm%n", heap);
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Wall time, this thread's CPU time, and the whole process's CPU time (the garbage collector's included). */
    private static void add(long[] sum, long[] one) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += one[i];
        }
    }

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

    /** Median time to write {@code bytes} to a fresh file and fsync it: what the disk itself costs. */
    static double floorMillis(Path file, long bytes, int runs) throws IOException {
        byte[] chunk = new byte[256 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        List<long[]> times = new ArrayList<>();
        for (int i = 0; i < WARM_UP + runs; i++) {
            Files.deleteIfExists(file);
            long start = System.nanoTime();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long left = bytes;
                while (left > 0) {
                    ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, left));
                    left -= channel.write(buffer);
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

    /** The smallest -Xmx, in steps of 4 MB, in which a child JVM loads the state file. */
    static int smallestHeap(Path file) throws IOException, InterruptedException {
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

    private static boolean loads(Path file, int megabytes) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx" + megabytes + "m", "-cp", System.getProperty("java.class.path"),
                StateRunBenchmark.class.getName(), "load", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }
}
