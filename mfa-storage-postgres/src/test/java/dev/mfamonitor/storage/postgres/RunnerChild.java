package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One mfa-monitor run in a JVM of its own, as a runner on another machine would do it: the real engine, the PostgreSQL
 * store, a monitor whose accounts {@code 0 .. generation-1} are without MFA, and a notifier that appends every event
 * it sends to a file ({@code trial eventId type accountId}). It prints where it is ({@code locked}, {@code committing},
 * {@code committed}, {@code sending}, {@code sent}, {@code marking}, {@code marked}) so that a test can kill it there,
 * and exits with the run's exit code.
 *
 * <p>Arguments: {@code URL USER SCHEMA GENERATION SENT_FILE TRIAL [hold]}; with {@code hold} it waits for a line on
 * standard input after taking the lock, so that a test can keep the lock held while another runner tries.
 */
public final class RunnerChild {
    static final int ACCOUNTS = 80;

    private RunnerChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String schema = args[2];
        int generation = Integer.parseInt(args[3]);
        Path sent = Path.of(args[4]);
        String trial = args[5];
        boolean hold = args.length > 6 && args[6].equals("hold");
        PostgresStateStore store = new PostgresStateStore(PostgresSettings.of(url, Optional.of(user), Optional.empty(), schema));
        RunEngine engine = RunEngine.builder()
                .stateStore(new Announcing(store, hold))
                .monitor("github-acme", request -> snapshot(generation, Instant.now()))
                .notifier("recorder", new Recorder(sent, trial))
                .build();
        RunReport report;
        try {
            report = engine.run();
        } finally {
            engine.close();
        }
        say("exit " + report.exitCode().code() + " " + report.message());
        System.exit(report.exitCode().code());
    }

    static Snapshot snapshot(int generation, Instant at) {
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(new Account("a" + i, "user-" + i, "member", i < generation ? MfaStatus.DISABLED : MfaStatus.ENABLED));
        }
        return Snapshot.of("github", at, accounts);
    }

    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Appends each event with one write to a file opened for appending: the record survives a SIGKILL right after. */
    static final class Recorder implements Notifier {
        private final Path file;
        private final String trial;

        Recorder(Path file, String trial) {
            this.file = file;
            this.trial = trial;
        }

        @Override
        public DeliveryResult send(dev.mfamonitor.spi.Notification notification) {
            say("sending");
            StringBuilder lines = new StringBuilder();
            for (ChangeEvent event : notification.events()) {
                lines.append(trial).append(' ').append(event.id()).append(' ').append(event.type().name()).append(' ')
                        .append(event.account().map(Account::id).orElse("-")).append('\n');
            }
            try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
                out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            say("sent");
            return DeliveryResult.delivered();
        }
    }

    /** The store, telling the test where the run is. */
    static final class Announcing implements StateStore {
        private final StateStore store;
        private final boolean hold;

        Announcing(StateStore store, boolean hold) {
            this.store = store;
            this.hold = hold;
        }

        @Override
        public Lock lock() throws StateLockedException, IOException {
            Lock lock = store.lock();
            say("locked");
            if (hold) {
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            return lock;
        }

        @Override
        public StoredState load() throws StateUnreadableException, IOException {
            return store.load();
        }

        @Override
        public void commit(RunCommit commit) throws IOException {
            say("committing");
            store.commit(commit);
            say("committed");
        }

        @Override
        public void mark(List<DeliveryMark> marks) throws IOException {
            say("marking");
            store.mark(marks);
            say("marked");
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
