package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour the engine relies on from every {@link Monitor}, ours and third-party. Extend it in the monitor's own
 * tests, over a fake of its service:
 *
 * <pre>{@code
 * class GitLabMonitorContractTest extends MonitorContract {
 *     private final FakeGitLab gitlab = FakeGitLab.start(TOKEN).users(250).pageSize(100);   // three pages
 *
 *     protected Monitor createMonitor() {
 *         return new GitLabMonitorProvider().create(config(gitlab.url(), "${env:GITLAB_TOKEN}"), context);
 *     }
 *
 *     protected void breakPartOfSource() {
 *         gitlab.failPage(2, 500, 500, 500);                  // page 2 keeps failing
 *     }
 *
 *     protected Optional<String> secretCanary() {
 *         return Optional.of(TOKEN);                          // the token the configuration holds
 *     }
 *
 *     protected void makeSourceEchoTheSecret() {
 *         gitlab.echoTokenInErrors();                         // answers 500 quoting the PRIVATE-TOKEN header
 *     }
 * }
 * }</pre>
 *
 * <p>The source behind {@link #createMonitor()} must hold at least two accounts, spread over more than one request
 * where the service pages, and must not change during a test unless {@link #breakPartOfSource()} or
 * {@link #makeSourceEchoTheSecret()} is called. JUnit creates one instance of the test class per test, so fields
 * initialised in the declaration give each test a fresh source. Monitors are closed after each test. Add the monitor's
 * own tests (its messages, its service's quirks) beside this class.
 *
 * <p>Log lines are checked for the secret too when Logback is the SLF4J binding of the test class path (add
 * {@code ch.qos.logback:logback-classic} in test scope): the contract then captures everything at DEBUG.
 */
public abstract class MonitorContract {
    private final List<Monitor> created = new ArrayList<>();

    /** A new monitor over this test's source. */
    protected abstract Monitor createMonitor() throws Exception;

    /**
     * Makes part of the source unreadable from now on while the rest still answers: a later page that keeps failing,
     * one of several accounts whose credentials are refused. The monitor must then fail or report a gap for that
     * part only.
     */
    protected abstract void breakPartOfSource() throws Exception;

    /**
     * The secret value the monitor's configuration holds (its token, key or password), unique enough to search text
     * for; empty when the monitor's configuration has no secret.
     */
    protected abstract Optional<String> secretCanary();

    /**
     * From now on, the source answers with errors that quote the credential it was sent, as a misconfigured proxy or
     * a debugging server does ("bad header: token ghp_..."). Do nothing if the fake cannot; the secret is then looked
     * for only in what a healthy source gives.
     */
    protected abstract void makeSourceEchoTheSecret() throws Exception;

    /**
     * Whether the monitor reports scan progress ({@link ScanRequest#progress()}); the bundled monitors do, and a plugin
     * that reads many pages should (issue 18). When true, a first run must report at least once.
     */
    protected boolean reportsProgress() {
        return false;
    }

    /** The request of a first run: no previous snapshot, a full scan, a deadline a minute away. */
    protected ScanRequest firstRun() {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(1), System::nanoTime));
    }

    private Monitor monitor() throws Exception {
        Monitor monitor = createMonitor();
        created.add(monitor);
        return monitor;
    }

    @AfterEach
    void closeMonitors() {
        created.forEach(Monitor::close);
    }

    @Test
    void aSnapshotIsCompleteAndNamesEveryAccountByANonBlankId() throws Exception {
        Snapshot snapshot = monitor().snapshot(firstRun());

        assertThat(snapshot.service()).as("service").isNotBlank();
        assertThat(snapshot.complete()).as("gaps of a healthy source: " + snapshot.gaps()).isTrue();
        assertThat(snapshot.accounts()).as("accounts of the source").hasSizeGreaterThanOrEqualTo(2);
        assertThat(snapshot.observedAt()).as("observedAt").isBeforeOrEqualTo(Instant.now());
        for (Account account : snapshot.accounts()) {
            assertThat(account.id()).as("id of " + account.name()).isNotBlank();
            assertThat(account.kind()).as("kind of " + account.name()).isNotBlank();
        }
    }

    @Test
    void aScanReportsHowFarItGotWhenTheMonitorSaysItDoes() throws Exception {
        List<String> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        ScanRequest first = firstRun();
        monitor().snapshot(new ScanRequest(first.previous(), first.fullScan(), first.deadline(), (read, unit) -> {
            assertThat(read).as("count of " + unit).isPositive();
            assertThat(unit).as("unit").isNotBlank();
            reports.add(read + " " + unit);
        }));
        if (reportsProgress()) {
            assertThat(reports).as("progress reports of a first run").isNotEmpty();
        }
    }

    @Test
    void readingAnUnchangedSourceAgainGivesTheSameAccounts() throws Exception {
        Monitor monitor = monitor();
        Snapshot first = monitor.snapshot(firstRun());
        Snapshot again = monitor.snapshot(firstRun());
        Snapshot fresh = monitor().snapshot(firstRun());

        assertThat(new HashSet<>(again.accounts())).as("a second read by the same monitor")
                .isEqualTo(new HashSet<>(first.accounts()));
        assertThat(new HashSet<>(fresh.accounts())).as("a read by a new monitor over the same source")
                .isEqualTo(new HashSet<>(first.accounts()));
        assertThat(again.service()).isEqualTo(first.service());
        assertThat(again.requirements()).isEqualTo(first.requirements());
    }

    @Test
    void aFullScanReadsTheSourceAndDoesNotCarryOverThePreviousSnapshot() throws Exception {
        Snapshot truth = monitor().snapshot(firstRun());
        Account ghost = new Account("contract-ghost-0001", "ghost", "member", MfaStatus.DISABLED);
        List<Account> previousAccounts = new ArrayList<>(truth.accounts());
        previousAccounts.add(ghost);
        Snapshot previous = new Snapshot(truth.service(), truth.observedAt().minusSeconds(3600), previousAccounts,
                truth.requirements(), Map.of(), List.of());
        ScanRequest first = firstRun();

        Snapshot snapshot = monitor().snapshot(new ScanRequest(Optional.of(previous), true, first.deadline()));

        assertThat(snapshot.accounts()).as("accounts of a full scan given a previous snapshot with an account that is gone")
                .doesNotContain(ghost)
                .containsExactlyInAnyOrderElementsOf(truth.accounts());
    }

    /**
     * Part of the source fails: the monitor throws, or returns a snapshot whose gaps name exactly the part it could not
     * see. It fails this contract when it returns a short list as if it were whole (the engine would report the
     * missing accounts as removed), when a part it did not name in a gap is short, and when it names the whole source
     * ({@link Gap#WHOLE_SOURCE}) in a gap while returning accounts: then a failure of one part would hide every change
     * of the parts that still answer.
     */
    @Test
    void aSourceThatFailsPartWayIsAFailureOrAGapOfThatPartNeverAShortList() throws Exception {
        Monitor monitor = monitor();
        Snapshot healthy = monitor.snapshot(firstRun());
        int whole = healthy.accounts().size();
        breakPartOfSource();

        Snapshot snapshot;
        try {
            snapshot = monitor.snapshot(firstRun());
        } catch (Exception expected) {
            assertThat(expected.getMessage()).as("the failure's message, shown to people").isNotBlank();
            return;
        }
        if (snapshot.complete()) {
            fail("a source that failed part-way gave a complete snapshot of " + snapshot.accounts().size() + " of "
                    + whole + " accounts; it must throw or list the part it could not see in gaps()");
        }
        for (Gap gap : snapshot.gaps()) {
            assertThat(gap.reason()).as("reason of the gap of scope '" + gap.scope() + "'").isNotBlank();
            if (gap.scope().equals(Gap.WHOLE_SOURCE)) {
                fail("a source that failed part-way was reported as unseen as a whole (gap '*': " + gap.reason() + ") "
                        + "beside " + snapshot.accounts().size() + " accounts: name the scope that failed, so the parts "
                        + "that still answer are watched, or throw when the source has no parts");
            }
        }
        Set<Account> now = new HashSet<>(snapshot.accounts());
        List<Account> missing = healthy.accounts().stream()
                .filter(a -> snapshot.gaps().stream().noneMatch(g -> g.covers(a.scope())))
                .filter(a -> !now.contains(a))
                .toList();
        assertThat(missing).as("accounts of scopes no gap names, missing from the snapshot: a part that answered was "
                + "returned short, or a failed part was not named in gaps()").isEmpty();
        assertThat(snapshot.gaps()).as("gaps name scopes the source has").allSatisfy(g -> assertThat(
                healthy.accounts().stream().map(Account::scope).toList()).contains(g.scope()));
    }

    /**
     * The configuration's secret never appears in a snapshot (accounts, facts, gaps), a failure's message or stack
     * trace, the monitor's {@code toString()} or, with Logback on the test class path, any log line: neither when the
     * source is healthy nor when it answers with errors that quote the credential.
     */
    @Test
    void theSecretNeverReachesASnapshotAFailureOrALogLine() throws Exception {
        Optional<String> canary = secretCanary();
        try (LogCapture logs = LogCapture.start()) {
            Monitor monitor = monitor();
            Snapshot healthy = monitor.snapshot(firstRun());
            canary.ifPresent(secret -> {
                assertNoSecret("the snapshot of a healthy source", healthy.toString(), secret);
                assertNoSecret("the monitor's toString()", monitor.toString(), secret);
            });

            makeSourceEchoTheSecret();
            List<String> seen = new ArrayList<>();
            for (ScanRequest request : List.of(firstRun(), new ScanRequest(Optional.of(healthy), false, firstRun().deadline()))) {
                try {
                    Snapshot snapshot = monitor.snapshot(request);
                    seen.add(snapshot.toString());
                } catch (Exception failure) {
                    seen.add(String.valueOf(failure.getMessage()));
                    seen.add(stackTrace(failure));
                }
            }
            canary.ifPresent(secret -> {
                seen.forEach(text -> assertNoSecret("a snapshot or failure of a source that echoes the credential", text, secret));
                logs.lines().forEach(line -> assertNoSecret("a log line", line, secret));
            });
        }
    }

    private static void assertNoSecret(String where, String text, String secret) {
        if (text != null && text.contains(secret)) {
            fail("the configuration's secret appears in " + where + ": " + text.replace(secret, "<THE SECRET>"));
        }
        // A secret cut short (a message truncated before redaction) leaks its start.
        String start = secret.length() >= 16 ? secret.substring(0, secret.length() / 2) : null;
        if (start != null && text != null && text.contains(start)) {
            fail("the first half of the configuration's secret appears in " + where + ": "
                    + text.replace(start, "<HALF THE SECRET>"));
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void closeAfterUseDoesNotThrow() throws Exception {
        Monitor monitor = createMonitor();
        monitor.snapshot(firstRun());

        assertThatCode(monitor::close).doesNotThrowAnyException();
    }
}
