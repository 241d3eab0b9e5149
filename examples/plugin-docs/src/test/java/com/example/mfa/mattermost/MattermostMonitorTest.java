package com.example.mfa.mattermost;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Mattermost example monitor of PLUGINS.md against a fake Mattermost on loopback. */
class MattermostMonitorTest {
    private static final String TOKEN = "mm-CANARY-token-91bd";
    private static final ScanRequest FIRST_RUN = new ScanRequest(Optional.empty(), true,
            Deadline.after(Duration.ofMinutes(1), System::nanoTime));

    private final FakeMattermost mattermost = FakeMattermost.start(TOKEN);
    private final TestContext context = TestContext.of("mm").withSecretValues(TOKEN);

    MattermostMonitorTest() throws IOException {
    }

    @AfterEach
    void stop() {
        mattermost.close();
    }

    private Monitor monitor(String url) {
        return new MattermostMonitorProvider().create(config(url), context);
    }

    private static YamlPluginConfig config(String url) {
        return new YamlPluginConfig("monitor", "mm", "mattermost", Map.of("url", url, "token", "${env:MM_TOKEN}"),
                Path.of("."), name -> name.equals("MM_TOKEN") ? TOKEN : null);
    }

    @Test
    void everyUserOfEveryPageWithTheStatusMattermostShows() throws Exception {
        mattermost.users(200)   // a full first page, so the monitor reads on
                .user(FakeMattermost.User.of("a1", "alice", true))
                .user(FakeMattermost.User.of("b1", "bob", false))
                .user(new FakeMattermost.User("c1", "carol", null, false, 0))
                .user(new FakeMattermost.User("bot1", "deploy-bot", false, true, 0))
                .user(new FakeMattermost.User("d1", "dave", false, false, 1_700_000_000_000L));

        Snapshot snapshot = monitor(mattermost.url().toString()).snapshot(FIRST_RUN);

        assertThat(snapshot.service()).isEqualTo("mattermost");
        assertThat(snapshot.observedAt()).isEqualTo(context.now());
        assertThat(snapshot.accounts()).hasSize(205);
        assertThat(snapshot.accounts().subList(200, 205)).containsExactly(
                new Account("a1", "alice", "user", MfaStatus.ENABLED),
                new Account("b1", "bob", "user", MfaStatus.DISABLED),
                new Account("c1", "carol", "user", MfaStatus.UNKNOWN),
                new Account("bot1", "deploy-bot", "user", MfaStatus.NOT_APPLICABLE),
                new Account("d1", "dave", "user", MfaStatus.NOT_APPLICABLE));
        assertThat(mattermost.authorizations).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN);
    }

    @Test
    void aFailingPageFailsTheSnapshotWithTheAnswerRedacted() {
        mattermost.users(250).failPage(1, 500);

        assertThatThrownBy(() -> monitor(mattermost.url().toString()).snapshot(FIRST_RUN))
                .isInstanceOf(IOException.class)
                .hasMessage("Mattermost answered 500 for page 1 of users: {\"id\":\"app.user.get.app_error\","
                        + "\"message\":\"database busy for Bearer ****\",\"status_code\":500}")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aUserListedTwiceFailsTheSnapshotRatherThanCountTwice() {
        mattermost.users(200).user(FakeMattermost.User.of("id7", "u0007-again", true));

        assertThatThrownBy(() -> monitor(mattermost.url().toString()).snapshot(FIRST_RUN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot of mattermost lists account id 'id7' twice");
    }

    @Test
    void plainHttpToAnotherHostIsRefusedAtStartUp() {
        assertThatThrownBy(() -> monitor("http://chat.example.com"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("url");
    }

    @Test
    void guestNoticesAreOfTheDeclaredType() {
        Account guest = new Account("g1", "gina", "user", MfaStatus.DISABLED);
        Snapshot snapshot = GuestNotices.withNotices(Snapshot.of("mattermost", context.now(), List.of(guest)), List.of(guest));

        assertThat(GuestNotices.eventTypes()).containsExactly(GuestNotices.GUEST_WITHOUT_MFA);
        assertThat(GuestNotices.GUEST_WITHOUT_MFA.declaredByPlugin()).isTrue();
        assertThat(snapshot.notices()).containsExactly(new Notice(GuestNotices.GUEST_WITHOUT_MFA, Optional.of("g1"),
                "guest:g1", "guest gina can sign in without MFA"));
    }
}
