package dev.mfamonitor.benchmarks;

import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@link FileStateStore} committing, loading and marking the state of one monitor of N accounts (GitHub-shaped,
 * 5% without MFA) plus the outbox of a run in which 1% changed, for three notifiers ({@link StateWorkload}). A commit is
 * the whole durable write: JSON, temporary file, fsync, atomic rename, directory fsync; a mark is one notifier's marks
 * appended to the journal and fsynced; {@code writeAndForceOnly} is the disk's share of a commit. The setup prints the
 * bytes on disk. {@link StateRunBenchmark} measures one whole run (load, commit, three marks) and the heap a load needs.
 *
 * <p>The state file lives under {@code -Dmfa.bench.dir} (default: java.io.tmpdir); fsync figures mean something only
 * where that is a real disk, not a tmpfs.
 *
 * <pre>java -jar mfa-benchmarks/target/benchmarks.jar StateStoreBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StateStoreBenchmark {

    @Param({"100000"})
    public int accounts;

    private Path directory;
    private StateWorkload workload;
    private FileStateStore committed;
    private FileStateStore written;
    private FileStateStore marked;
    private StateStore.Lock committedLock;
    private StateStore.Lock markedLock;
    private RunCommit commit;
    /** The same run committed over itself: its entries settled and raised again, so the ids never clash. */
    private RunCommit again;
    /** {@link #again} with its history: every entry as a history event and a summary of the monitor. */
    private RunCommit againWithHistory;
    private FileStateStore historyKept;
    private StateStore.Lock historyKeptLock;
    private List<DeliveryMark> marks;
    private byte[] fileBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException, StateUnreadableException, dev.mfamonitor.spi.StateLockedException {
        workload = new StateWorkload(accounts);
        commit = workload.commit(1, StoredState.EMPTY);
        marks = workload.marks(1, "slack");
        again = workload.commit(1, workload.state(1));
        java.time.Instant runAt = java.time.Instant.parse("2026-01-01T00:00:00Z");
        againWithHistory = new RunCommit(again.monitors(), again.newEntries(), again.marks(), again.settled(),
                again.newEntries().stream().map(dev.mfamonitor.spi.state.HistoryEntry::of).toList(),
                again.monitors().entrySet().stream().map(e -> dev.mfamonitor.spi.state.RunSummary.of(e.getKey(), runAt,
                        dev.mfamonitor.spi.state.RunSummary.Health.OK, java.util.Optional.empty(), e.getValue().lastGood()))
                        .toList(),
                java.util.Optional.of(runAt.minus(java.time.Duration.ofDays(400))));
        Path base = Path.of(System.getProperty("mfa.bench.dir", System.getProperty("java.io.tmpdir")));
        directory = Files.createTempDirectory(Files.createDirectories(base), "mfa-state-bench");
        committed = new FileStateStore(directory.resolve("committed/mfa-state.json"));
        // Held as a run holds it: under the lock the store knows what it holds and never reads it back to commit.
        committedLock = committed.lock();
        committed.load();
        historyKept = new FileStateStore(directory.resolve("history/mfa-state.json"));
        historyKeptLock = historyKept.lock();
        historyKept.load();
        written = new FileStateStore(directory.resolve("loaded/mfa-state.json"));
        written.commit(commit);
        if (!written.load().equals(workload.state(1))) {
            throw new IllegalStateException("the state read back differs from the state written");
        }
        fileBytes = Files.readAllBytes(directory.resolve("loaded/mfa-state.json"));
        System.out.printf("%n[state] %,d accounts, %,d outbox entries: %,d bytes on disk%n", accounts,
                commit.newEntries().size(), fileBytes.length);
    }

    /** A fresh state for the marks of each iteration, so that the journal does not grow across iterations. */
    @Setup(Level.Iteration)
    public void freshMarkedState() throws IOException, StateUnreadableException, dev.mfamonitor.spi.StateLockedException {
        marked = new FileStateStore(directory.resolve("marked-" + System.nanoTime() + "/mfa-state.json"));
        markedLock = marked.lock();
        marked.load();
        marked.commit(commit);
    }

    @TearDown(Level.Iteration)
    public void releaseMarkedState() throws IOException {
        markedLock.close();
    }

    /** Writes the whole state of run 1 over itself: what a run's one commit costs. */
    @Benchmark
    public void commit() throws IOException {
        committed.commit(again);
    }

    /**
     * {@link #commit} with the run's history: its events and the monitor's summary appended to the history file (one
     * gzip chunk and one more fsync) before the state file is written.
     */
    @Benchmark
    public void commitWithHistory() throws IOException {
        historyKept.commit(againWithHistory);
    }

    /** One notifier's marks for every entry of the run: an append to the journal and an fsync. */
    @Benchmark
    public void mark() throws IOException {
        marked.mark(marks);
    }

    /** The disk's share of a commit: the same bytes written and forced, without JSON, rename or directory fsync. */
    @Benchmark
    public void writeAndForceOnly() throws IOException {
        try (FileChannel channel = FileChannel.open(directory.resolve("raw.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(fileBytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    @Benchmark
    public StoredState load() throws IOException, StateUnreadableException {
        return written.load();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        committedLock.close();
        historyKeptLock.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
