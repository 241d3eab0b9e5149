package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;

/**
 * The diff engine's cost in CPU time of the diffing thread, beside wall time: on a shared machine the wall time of
 * {@link DiffEngineBenchmark} includes the time other processes held the core, the thread's CPU time does not.
 * Also prints the bytes one diff allocates and the heap its two input snapshots retain.
 *
 * <pre>java -Xmx2g -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.DiffEngineCpuTime [N ...]</pre>
 */
public final class DiffEngineCpuTime {
    private static final int WARMUP = 5;
    private static final int MEASURED = 10;

    private DiffEngineCpuTime() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DiffEngine engine = new DiffEngine(Policy.defaults().withRemind(Duration.ofDays(7)));
        System.out.printf("%-10s %8s %14s %14s %16s %14s%n", "accounts", "events", "median wall ms", "median cpu ms",
                "allocated MB/op", "inputs MB");
        for (int n : sizes) {
            long heapBefore = DiffEngineBenchmark.usedHeapAfterGc();
            DiffWorkload workload = new DiffWorkload(n);
            long retained = DiffEngineBenchmark.usedHeapAfterGc() - heapBefore;
            long[] wall = new long[MEASURED];
            long[] cpu = new long[MEASURED];
            long allocated = 0;
            int events = 0;
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                long thread = Thread.currentThread().getId();
                long bytes = threads.getThreadAllocatedBytes(thread);
                long cpuStart = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                DiffEngine.Result result = engine.diff("github-acme", workload.state, workload.current, DiffWorkload.NOW, false);
                long elapsed = System.nanoTime() - start;
                long cpuElapsed = threads.getCurrentThreadCpuTime() - cpuStart;
                events = result.events().size();
                if (i >= WARMUP) {
                    wall[i - WARMUP] = elapsed;
                    cpu[i - WARMUP] = cpuElapsed;
                    allocated = threads.getThreadAllocatedBytes(thread) - bytes;
                }
            }
            System.out.printf("%-10d %8d %14.1f %14.1f %16.1f %14d%n", n, events, median(wall) / 1e6, median(cpu) / 1e6,
                    allocated / 1e6, retained / (1024 * 1024));
        }
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
