package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *         return new GitLabMonitor(settings(gitlab.url(), TOKEN), Clock.systemUTC());
 *     }
 *
 *     protected void breakPartOfSource() {
 *         gitlab.failPage(2, 500, 500, 500);                                          // page 2 keeps failing
 *     }
 * }
 * }</pre>
 *
 * <p>The source behind {@link #createMonitor()} must hold at least two accounts, spread over more than one request
 * where the service pages, and must not change during a test unless {@link #breakPartOfSource()} is called. JUnit
 * creates one instance of the test class per test, so fields initialised in the declaration give each test a fresh
 * source. Monitors are closed after each test. Add the monitor's own tests (its messages, its service's quirks)
 * beside this class.
 */
public abstract class MonitorContract {
    private final List<Monitor> created = new ArrayList<>();

    /** A new monitor over this test's source. */
    protected abstract Monitor createMonitor() throws Exception;

    /**
     * Makes part of the source unreadable from now on while the rest still answers: a later page that keeps failing,
     * one of several accounts whose credentials are refused. The monitor must then fail or report a gap.
     */
    protected abstract void breakPartOfSource() throws Exception;

    /** The request of a first run: no previous snapshot, a full scan, a deadline a minute away. */
    protected ScanRequest firstRun() {
        return new ScanRequest(Optional.empty(), true, dev.mfamonitor.spi.Deadline.after(Duration.ofMinutes(1), System::nanoTime));
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

        Snapshot snapshot = monitor().snapshot(new ScanRequest(Optional.of(previous), true, dev.mfamonitor.spi.Deadline.after(Duration.ofMinutes(1), System::nanoTime)));

        assertThat(snapshot.accounts()).as("accounts of a full scan given a previous snapshot with an account that is gone")
                .doesNotContain(ghost)
                .containsExactlyInAnyOrderElementsOf(truth.accounts());
    }

    @Test
    void aSourceThatFailsPartWayIsAFailureOrAGapNeverAShortList() throws Exception {
        Monitor monitor = monitor();
        int whole = monitor.snapshot(firstRun()).accounts().size();
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
    }

    @Test
    void closeAfterUseDoesNotThrow() throws Exception {
        Monitor monitor = createMonitor();
        monitor.snapshot(firstRun());

        assertThatCode(monitor::close).doesNotThrowAnyException();
    }
}
