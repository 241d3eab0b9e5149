package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One diff of a monitor's new snapshot against its last good one: N accounts, 1% changed (see {@link DiffWorkload}),
 * reminders on (7 days, none due). Average time per diff on one thread; {@code -prof gc} adds the allocation per diff,
 * and the setup prints the heap the two input snapshots retain.
 *
 * <pre>java -jar mfa-benchmarks/target/benchmarks.jar DiffEngineBenchmark -f 1 -wi 2 -i 3 -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DiffEngineBenchmark {

    @Param({"10000", "100000", "1000000"})
    public int accounts;

    private DiffEngine engine;
    private DiffWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new DiffEngine(Policy.defaults().withRemind(Duration.ofDays(7)));
        long before = usedHeapAfterGc();
        workload = new DiffWorkload(accounts);
        long after = usedHeapAfterGc();
        DiffEngine.Result result = engine.diff("github-acme", workload.state, workload.current, DiffWorkload.NOW, false);
        System.out.printf("%n[diff] %,d accounts, %,d changed, %,d events, %,d withheld; inputs retain about %,d MB of heap%n",
                accounts, workload.changed, result.events().size(), result.withheld(), (after - before) / (1024 * 1024));
    }

    @Benchmark
    public DiffEngine.Result diff() {
        return engine.diff("github-acme", workload.state, workload.current, DiffWorkload.NOW, false);
    }

    public static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
