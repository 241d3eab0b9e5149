package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.MonitorState;
import dev.mfamonitor.spi.OutboxEntry;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.StoredState;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@link FileStateStore} saving and loading the state of one monitor of N accounts (GitHub-shaped, 5% without
 * MFA) plus the outbox of a run in which 1% changed. A save is the whole durable write: JSON, temporary file, fsync,
 * atomic rename, directory fsync; {@code writeAndForceOnly} is the disk's share of it. The setup prints the bytes on
 * disk.
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
    private FileStateStore store;
    private FileStateStore written;
    private StoredState state;
    private byte[] fileBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException, StateUnreadableException {
        DiffWorkload workload = new DiffWorkload(accounts);
        DiffEngine.Result result = new DiffEngine(Policy.defaults())
                .diff("github-acme", workload.state, workload.current, DiffWorkload.NOW, false);
        List<OutboxEntry> outbox = new ArrayList<>();
        for (ChangeEvent event : result.events()) {
            outbox.add(new OutboxEntry(event, DiffWorkload.NOW, Map.of()));
        }
        MonitorState monitor = new MonitorState(Optional.of(result.accepted()), 0, Optional.empty(), result.alertedAt());
        state = new StoredState(Map.of("github-acme", monitor), outbox);

        Path base = Path.of(System.getProperty("mfa.bench.dir", System.getProperty("java.io.tmpdir")));
        directory = Files.createTempDirectory(Files.createDirectories(base), "mfa-state-bench");
        store = new FileStateStore(directory.resolve("saved/mfa-state.json"));
        written = new FileStateStore(directory.resolve("loaded/mfa-state.json"));
        written.save(state);
        StoredState back = written.load();
        if (!back.equals(state)) {
            throw new IllegalStateException("the state read back differs from the state written");
        }
        fileBytes = Files.readAllBytes(written.path());
        System.out.printf("%n[state] %,d accounts, %,d outbox entries: %,d bytes on disk (%s)%n", accounts, outbox.size(),
                Files.size(written.path()), written.path());
    }

    @Benchmark
    public void save() throws IOException {
        store.save(state);
    }

    /** The disk's share of a save: the same bytes written and forced, without JSON, rename or directory fsync. */
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
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
