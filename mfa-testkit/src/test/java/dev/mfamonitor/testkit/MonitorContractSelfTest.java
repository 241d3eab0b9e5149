package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The monitor contract itself: it passes a monitor that behaves, and fails each way of misbehaving it is there to
 * catch (a short list as if whole, a failed part reported as the whole source, a failed part not named, a secret in a
 * message or a snapshot).
 */
class MonitorContractSelfTest {
    static final String SECRET = "contract-canary-secret-0123456789";

    /** How a fake monitor over two scopes (a and b, two accounts each) behaves once part b is broken. */
    enum Broken { THROWS, GAP_OF_B, SHORT_LIST, WHOLE_SOURCE_GAP, WRONG_GAP, SHORT_OTHER_SCOPE }

    /** A contract test over the fake monitor, run by hand here rather than by JUnit. */
    static final class Contract extends MonitorContract {
        final Broken broken;
        final boolean leaks;
        boolean logsSecret;
        boolean claimsProgress;
        long progressCount = -1;
        volatile boolean partBroken;
        volatile boolean echoing;

        Contract(Broken broken, boolean leaks) {
            this.broken = broken;
            this.leaks = leaks;
        }

        @Override
        protected Monitor createMonitor() {
            return request -> {
                if (progressCount >= 0) {
                    request.progress().read(progressCount, "accounts");
                }
                return snapshot();
            };
        }

        @Override
        protected boolean reportsProgress() {
            return claimsProgress;
        }

        private Snapshot snapshot() throws Exception {
            if (logsSecret) {
                org.slf4j.LoggerFactory.getLogger("fake.monitor").debug("calling with Authorization: Bearer {}", SECRET);
            }
            if (echoing && leaks) {
                throw new Exception("server said: bad token " + SECRET);
            }
            List<Account> accounts = new ArrayList<>(List.of(account("a1", "a"), account("a2", "a")));
            if (!partBroken) {
                accounts.addAll(List.of(account("b1", "b"), account("b2", "b")));
                return new Snapshot("fake", Instant.EPOCH, accounts, Map.of(), Map.of(), List.of());
            }
            return switch (broken) {
                case THROWS -> throw new Exception("part b failed");
                case GAP_OF_B -> new Snapshot("fake", Instant.EPOCH, accounts, Map.of(), Map.of(), List.of(new Gap("b", "b failed")));
                case SHORT_LIST -> new Snapshot("fake", Instant.EPOCH, accounts, Map.of(), Map.of(), List.of());
                case WHOLE_SOURCE_GAP -> new Snapshot("fake", Instant.EPOCH, accounts, Map.of(), Map.of(),
                        List.of(new Gap(Gap.WHOLE_SOURCE, "something failed")));
                case WRONG_GAP -> new Snapshot("fake", Instant.EPOCH, accounts, Map.of(), Map.of(), List.of(new Gap("c", "c failed")));
                case SHORT_OTHER_SCOPE -> new Snapshot("fake", Instant.EPOCH, List.of(account("a1", "a")), Map.of(), Map.of(),
                        List.of(new Gap("b", "b failed")));
            };
        }

        private static Account account(String id, String scope) {
            return new Account(id, id, "user", MfaStatus.ENABLED, scope, Map.of());
        }

        @Override
        protected void breakPartOfSource() {
            partBroken = true;
        }

        @Override
        protected Optional<String> secretCanary() {
            return Optional.of(SECRET);
        }

        @Override
        protected void makeSourceEchoTheSecret() {
            echoing = true;
        }

    }

    private static void partWay(Contract contract) throws Exception {
        try {
            contract.aSourceThatFailsPartWayIsAFailureOrAGapOfThatPartNeverAShortList();
        } finally {
            contract.closeMonitors();
        }
    }

    private static void secret(Contract contract) throws Exception {
        try {
            contract.theSecretNeverReachesASnapshotAFailureOrALogLine();
        } finally {
            contract.closeMonitors();
        }
    }

    @Test
    void aMonitorThatThrowsOrNamesTheFailedPartPasses() {
        assertThatCode(() -> partWay(new Contract(Broken.THROWS, false))).doesNotThrowAnyException();
        assertThatCode(() -> partWay(new Contract(Broken.GAP_OF_B, false))).doesNotThrowAnyException();
        assertThatCode(() -> secret(new Contract(Broken.THROWS, false))).doesNotThrowAnyException();
    }

    @Test
    void aShortListReturnedAsWholeFails() {
        assertThatThrownBy(() -> partWay(new Contract(Broken.SHORT_LIST, false)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("gave a complete snapshot of 2 of 4 accounts");
    }

    @Test
    void aFailedPartReportedAsTheWholeSourceFails() {
        assertThatThrownBy(() -> partWay(new Contract(Broken.WHOLE_SOURCE_GAP, false)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("was reported as unseen as a whole (gap '*'");
    }

    @Test
    void aGapThatNamesAnotherPartOrAShortPartThatAnsweredFails() {
        assertThatThrownBy(() -> partWay(new Contract(Broken.WRONG_GAP, false))).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> partWay(new Contract(Broken.SHORT_OTHER_SCOPE, false)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("accounts of scopes no gap names, missing from the snapshot");
    }

    @Test
    void aSecretInALogLineAtAnyLevelFails() {
        Contract contract = new Contract(Broken.THROWS, false);
        contract.logsSecret = true;
        assertThatThrownBy(() -> secret(contract))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the configuration's secret appears in a log line: DEBUG fake.monitor - calling with "
                        + "Authorization: Bearer <THE SECRET>");
    }

    private static void progress(Contract contract) throws Exception {
        try {
            contract.aScanReportsHowFarItGotWhenTheMonitorSaysItDoes();
        } finally {
            contract.closeMonitors();
        }
    }

    @Test
    void aMonitorThatSaysItReportsProgressMustReportAPositiveCount() {
        Contract silent = new Contract(Broken.THROWS, false);
        silent.claimsProgress = true;
        assertThatThrownBy(() -> progress(silent)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("progress reports of a first run");
        Contract zero = new Contract(Broken.THROWS, false);
        zero.progressCount = 0;
        assertThatThrownBy(() -> progress(zero)).isInstanceOf(AssertionError.class).hasMessageContaining("count of accounts");
        Contract reporting = new Contract(Broken.THROWS, false);
        reporting.claimsProgress = true;
        reporting.progressCount = 4;
        assertThatCode(() -> progress(reporting)).doesNotThrowAnyException();
        assertThatCode(() -> progress(new Contract(Broken.THROWS, false))).as("a plugin that does not report").doesNotThrowAnyException();
    }

    @Test
    void aSecretInAFailureMessageFails() {
        assertThatThrownBy(() -> secret(new Contract(Broken.THROWS, true)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the configuration's secret appears in a snapshot or failure")
                .hasMessageNotContaining(SECRET);
    }
}
