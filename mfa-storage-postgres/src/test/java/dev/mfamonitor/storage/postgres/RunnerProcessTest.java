package dev.mfamonitor.storage.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Real runner JVMs on one database: two at once, and runners killed with SIGKILL at chosen points of a run. */
class RunnerProcessTest {
    private static final Duration RUN = Duration.ofSeconds(60);

    private final TestPostgres server = TestPostgres.shared();

    @TempDir
    Path directory;

    @Test
    void ofTwoRunnersStartedTogetherExactlyOneProceedsAndTheOtherExits4TouchingNothing() throws Exception {
        String schema = TestPostgres.freshSchema("pair");
        Path sent = directory.resolve("sent.txt");
        Files.createFile(sent);
        int pairs = 8;
        for (int generation = 0; generation < pairs; generation++) {
            try (Child one = Child.start(server, schema, generation, sent, "p" + generation + "a", true);
                 Child two = Child.start(server, schema, generation, sent, "p" + generation + "b", true)) {
                // The loser exits 4 while the winner holds the lock (waited for as an exit, not polled); then the
                // winner is let go.
                java.util.concurrent.CompletableFuture.anyOf(one.exited(), two.exited())
                        .get(RUN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                Child winner = one.alive() ? one : two;
                Child loser = winner == one ? two : one;
                assertThat(loser.exitCode(RUN)).as("the loser's exit, output %s", loser.output()).isEqualTo(4);
                assertThat(loser.output()).noneMatch(l -> l.equals("locked") || l.equals("committing") || l.equals("sending"));
                assertThat(loser.output()).anyMatch(l -> l.startsWith("exit 4 ") && l.contains("is in use by another mfa-monitor run"));
                assertThat(winner.awaitLine("locked", RUN)).isTrue();
                winner.tell("go");
                assertThat(winner.exitCode(RUN)).as("the winner's output %s", winner.output()).isEqualTo(0);
            }
            List<String[]> lines = sentLines(sent);
            // Generation 0 is the baseline; each later one disables one more account: exactly one alert each.
            assertThat(lines).hasSize(generation + 1);
            assertThat(lines.get(generation)[2]).isEqualTo(generation == 0 ? "BASELINE" : "MFA_DISABLED");
            if (generation > 0) {
                assertThat(lines.get(generation)[3]).isEqualTo("a" + (generation - 1));
            }
        }
        assertThat(lines(sent).stream().map(l -> l[1]).distinct().count()).isEqualTo(pairs);
    }

    @Test
    void runnersKilledAtAnyPointOfARunLoseNoAlertAndRepeatOnlySendsThatPrecededTheKill() throws Exception {
        String schema = TestPostgres.freshSchema("kill");
        Path sent = directory.resolve("sent.txt");
        Files.createFile(sent);
        try (Child baseline = Child.start(server, schema, 0, sent, "base", false)) {
            assertThat(baseline.exitCode(RUN)).as("baseline %s", baseline.output()).isEqualTo(0);
        }
        String[] points = {"locked", "committing", "committed", "sending", "sent", "marking", "marked"};
        Random random = new Random(17);
        int trials = 55;
        Set<String> killed = new HashSet<>();
        Map<String, Integer> killsAt = new HashMap<>();
        for (int trial = 1; trial <= trials; trial++) {
            String name = "t" + trial;
            String point = points[random.nextInt(points.length)];
            try (Child child = Child.start(server, schema, trial, sent, name, false)) {
                if (child.awaitLine(point, RUN)) {
                    child.kill();
                    killed.add(name);
                    killsAt.merge(point, 1, Integer::sum);
                } else {
                    assertThat(child.exitCode(RUN)).as("trial %s: %s", name, child.output()).isIn(0, 3);
                }
            }
            awaitLockReleased(schema);
        }
        try (Child last = Child.start(server, schema, trials, sent, "last", false)) {
            assertThat(last.exitCode(RUN)).as("the run after the kills: %s", last.output()).isEqualTo(0);
        }
        try (Child quiet = Child.start(server, schema, trials, sent, "quiet", false)) {
            assertThat(quiet.exitCode(RUN)).isEqualTo(0);
        }

        List<String[]> lines = sentLines(sent);
        // Every account disabled along the way was alerted on, and never with a baseline again.
        Set<String> alerted = new HashSet<>();
        for (String[] line : lines) {
            if (line[2].equals("MFA_DISABLED")) {
                alerted.add(line[3]);
            }
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < trials; i++) {
            expected.add("a" + i);
        }
        assertThat(alerted).isEqualTo(expected);
        assertThat(lines.stream().filter(l -> l[2].equals("BASELINE")).count()).isEqualTo(1);
        assertThat(lines).noneMatch(l -> l[0].equals("quiet"));
        // A repeated event: every send but the last was made by a runner killed before it could record it.
        Map<String, List<String>> trialsByEvent = new HashMap<>();
        for (String[] line : lines) {
            trialsByEvent.computeIfAbsent(line[1], k -> new ArrayList<>()).add(line[0]);
        }
        trialsByEvent.forEach((event, byTrial) -> {
            for (String earlier : byTrial.subList(0, byTrial.size() - 1)) {
                assertThat(killed).as("event %s sent by %s", event, byTrial).contains(earlier);
            }
            assertThat(new HashSet<>(byTrial)).as("event %s sent twice by one runner: %s", event, byTrial).hasSameSizeAs(byTrial);
        });
        assertThat(killsAt.keySet()).as("kills landed at %s", killsAt).contains("committing", "sending", "sent");
    }

    /**
     * The server ends a killed runner's session at once: take the same advisory lock, blocking (bounded by a statement
     * timeout), and let it go. No polling.
     */
    private void awaitLockReleased(String schema) throws Exception {
        try (Connection admin = server.admin(); java.sql.Statement settings = admin.createStatement();
             PreparedStatement lock = admin.prepareStatement("SELECT pg_advisory_lock(?, ?)");
             PreparedStatement unlock = admin.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            settings.execute("SET statement_timeout = '10s'");
            for (PreparedStatement statement : List.of(lock, unlock)) {
                statement.setInt(1, PostgresStateStore.LOCK_NAMESPACE);
                statement.setInt(2, PostgresStateStore.lockKey(schema));
                statement.executeQuery().close();
            }
        }
    }

    private static List<String[]> sentLines(Path sent) throws Exception {
        return lines(sent);
    }

    private static List<String[]> lines(Path sent) throws Exception {
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(sent)) {
            if (!line.isBlank()) {
                lines.add(line.split(" "));
            }
        }
        return lines;
    }
}
