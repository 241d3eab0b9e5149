package dev.mfamonitor.monitor.github;

import dev.mfamonitor.testkit.States;
import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.mfamonitor.monitor.github.GitHubFixture.ORG;
import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** A steady-state scan finds an account on whichever 2FA-disabled list it is now on, whatever its kind was before. */
class KindChangeTest {
    private FakeGitHub fake;
    private GitHubFixture fx;

    @BeforeEach
    void start() throws Exception {
        fake = FakeGitHub.start(ORG).token(TOKEN, true);
        fx = new GitHubFixture(fake);
        for (int id = 1; id <= 50; id++) {
            fake.member(id, "user" + id, TwoFactor.ENABLED, id == 1);
        }
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static Account account(Snapshot s, long id) {
        return s.accounts().stream().filter(a -> a.id().equals(Long.toString(id))).findFirst().orElseThrow();
    }

    private static List<ChangeEvent> diff(Snapshot before, Snapshot after) {
        return new DiffEngine(Policy.defaults()).diff("github-acme", States.after(before), after, after.observedAt(), false).events();
    }

    /** An outside collaborator without 2FA is made a member, still without 2FA: reported as "MFA enabled". */
    @Test
    void outsideCollaboratorWithout2faPromotedToMemberIsNotReportedEnabled() throws Exception {
        fake.outsideCollaborator(900, "contractor", TwoFactor.DISABLED);
        try (Monitor monitor = fx.monitor()) {
            Snapshot baseline = monitor.snapshot(fx.first());
            assertThat(account(baseline, 900).mfa()).isEqualTo(MfaStatus.DISABLED);

            fake.member(900, "contractor", TwoFactor.DISABLED, false);   // now on /members?filter=2fa_disabled
            Snapshot steady = monitor.snapshot(fx.after(baseline));

            assertThat(diff(baseline, steady)).extracting(ChangeEvent::type).doesNotContain(EventType.MFA_ENABLED);
            assertThat(account(steady, 900).mfa()).isEqualTo(MfaStatus.DISABLED);
        }
    }

    /** An outside collaborator with 2FA is made a member and turns 2FA off: no alert until the next full scan. */
    @Test
    void outsideCollaboratorPromotedToMemberWhoDisables2faIsAlerted() throws Exception {
        fake.outsideCollaborator(901, "contractor2", TwoFactor.ENABLED);
        try (Monitor monitor = fx.monitor()) {
            Snapshot baseline = monitor.snapshot(fx.first());

            fake.member(901, "contractor2", TwoFactor.DISABLED, true);  // an owner now, without 2FA
            Snapshot steady = monitor.snapshot(fx.after(baseline));

            assertThat(account(steady, 901).mfa()).isEqualTo(MfaStatus.DISABLED);
            assertThat(diff(baseline, steady)).extracting(ChangeEvent::type).contains(EventType.MFA_DISABLED);
        }
    }

    /** A member with 2FA is converted to an outside collaborator and turns 2FA off: no alert until the next full scan. */
    @Test
    void memberConvertedToOutsideCollaboratorWhoDisables2faIsAlerted() throws Exception {
        try (Monitor monitor = fx.monitor()) {
            Snapshot baseline = monitor.snapshot(fx.first());

            fake.outsideCollaborator(7, "user7", TwoFactor.DISABLED);   // on /outside_collaborators?filter=2fa_disabled
            Snapshot steady = monitor.snapshot(fx.after(baseline));

            assertThat(account(steady, 7).mfa()).isEqualTo(MfaStatus.DISABLED);
            assertThat(diff(baseline, steady)).extracting(ChangeEvent::type).contains(EventType.MFA_DISABLED);
        }
    }

    /** A member made an owner after the last full scan who turns 2FA off is alerted as an owner: critical. */
    @Test
    void aMemberPromotedToOwnerSinceTheFullScanWhoDisables2faIsCritical() throws Exception {
        try (Monitor monitor = fx.monitor()) {
            Snapshot baseline = monitor.snapshot(fx.first());
            assertThat(account(baseline, 7).facts()).containsEntry("role", "member");

            fake.member(7, "user7", TwoFactor.DISABLED, true);   // promoted to owner, then 2FA off
            Snapshot steady = monitor.snapshot(fx.after(baseline));

            assertThat(account(steady, 7).facts()).containsEntry("role", "admin");
            List<ChangeEvent> events = diff(baseline, steady);
            assertThat(events).extracting(ChangeEvent::type, ChangeEvent::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.MFA_DISABLED, dev.mfamonitor.spi.Severity.CRITICAL));
        }
    }
}
