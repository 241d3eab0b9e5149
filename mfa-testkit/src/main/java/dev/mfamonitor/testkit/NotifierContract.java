package dev.mfamonitor.testkit;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The behaviour every {@link Notifier} owes the engine, as tests. Every notifier's test class, ours and third-party,
 * extends it (as SLF4J's {@code MDCAdapterTestBase} is extended by every MDC adapter's test):
 *
 * <pre>{@code
 * class ConsoleNotifierContractTest extends NotifierContract {
 *     private final ByteArrayOutputStream out = new ByteArrayOutputStream();   // the channel
 *
 *     protected Notifier createNotifier() {
 *         return new ConsoleNotifier(new PrintStream(out));
 *     }
 *
 *     protected List<String> deliveredMessages() {
 *         return slack.receivedTexts();                            // what the channel got, in order
 *     }
 *
 *     protected String rendered(String accountName) {              // only if the channel escapes names
 *         return "`" + accountName.replace("&", "&amp;") + "`";
 *     }
 *
 *     protected int maxMessageChars() {                             // only if the channel has a limit
 *         return 40_000;
 *     }
 * }
 * }</pre>
 *
 * <p>Each test creates a fresh notifier with {@link #createNotifier()} and closes it afterwards; the subclass gives a
 * fresh, empty channel for each test (JUnit creates one instance of the test class per test method, so fields
 * initialised in the declaration are fresh). Add channel-specific tests (escaping, signatures) in the subclass beside
 * these. A notifier that sends over a network (Slack, webhooks, e-mail, any HTTP API) extends
 * {@link NetworkNotifierContract} instead, which adds what such a channel owes on failure: a channel that is down is a
 * transient failure, a rejection is permanent, an attempt ends by the notification's deadline, and no failure message
 * carries a secret.
 */
public abstract class NotifierContract {
    /** The time of the sample events and notifications. */
    public static final Instant SAMPLE_TIME = Instant.parse("2026-03-02T09:00:00Z");

    private final List<Notifier> created = new ArrayList<>();

    /** A new notifier that delivers to the channel {@link #deliveredMessages()} reads. */
    protected abstract Notifier createNotifier() throws Exception;

    /** The text or body of each message the channel received so far, oldest first. */
    protected abstract List<String> deliveredMessages() throws Exception;

    /** How an account name appears in a message of this channel; identity unless the channel escapes names. */
    protected String rendered(String accountName) {
        return accountName;
    }

    /** The most characters one message of this channel may have; unlimited unless the channel has a limit. */
    protected int maxMessageChars() {
        return Integer.MAX_VALUE;
    }

    /**
     * A run with something of everything across two monitors: {@code github-acme} (github) with one account that lost
     * MFA and one that arrived without it, and {@code aws-prod} (aws) with a baseline and a failure.
     */
    public static List<ChangeEvent> sampleEvents() {
        Account carol = new Account("1001", "carol", "member", MfaStatus.DISABLED);
        Account bot = new Account("1002", "r&d-<bot>", "outside-collaborator", MfaStatus.DISABLED);
        return List.of(
                accountEvent("github-acme", "github", EventType.MFA_DISABLED, carol, Optional.of(MfaStatus.ENABLED)),
                accountEvent("github-acme", "github", EventType.NEW_ACCOUNT_WITHOUT_MFA, bot, Optional.empty()),
                sourceEvent("aws-prod", "aws", EventType.BASELINE, "baseline",
                        "3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown"),
                sourceEvent("aws-prod", "aws", EventType.MONITOR_FAILED, "monitor",
                        "IAM answered AccessDenied for GenerateCredentialReport: grant iam:GenerateCredentialReport"));
    }

    /** An event about one account, as the diff engine makes it. */
    public static ChangeEvent accountEvent(String monitorId, String service, EventType type, Account account,
                                           Optional<MfaStatus> previous) {
        return ChangeEvent.builder(type, monitorId, service, SAMPLE_TIME)
                .id(ChangeEvent.idOf(monitorId, account.id(), type, SAMPLE_TIME))
                .account(account).previous(previous.orElse(null)).current(account.mfa()).build();
    }

    /** An event about a monitor or its source rather than one account. */
    public static ChangeEvent sourceEvent(String monitorId, String service, EventType type, String subject, String detail) {
        return ChangeEvent.builder(type, monitorId, service, SAMPLE_TIME)
                .id(ChangeEvent.idOf(monitorId, subject, type, SAMPLE_TIME)).detail(detail).build();
    }

    /** A notification of the given events whose deadline is a minute from now, so that a notifier's retries may run. */
    public static Notification notificationOf(List<ChangeEvent> events) {
        return Notification.of(SAMPLE_TIME, events, dev.mfamonitor.spi.Deadline.after(Duration.ofMinutes(1), System::nanoTime));
    }

    private Notifier notifier() throws Exception {
        Notifier notifier = createNotifier();
        created.add(notifier);
        return notifier;
    }

    @AfterEach
    void closeNotifiers() throws Exception {
        for (Notifier notifier : created) {
            notifier.close();
        }
    }

    @Test
    void oneNotificationIsOneMessageNamingEveryAccountAndMonitor() throws Exception {
        assertThat(notifier().send(notificationOf(sampleEvents()))).isEqualTo(dev.mfamonitor.spi.DeliveryResult.delivered());

        List<String> messages = deliveredMessages();
        assertThat(messages).as("messages received for one notification").hasSize(1);
        assertThat(messages.get(0)).contains(rendered("carol"), rendered("r&d-<bot>"), "github-acme", "aws-prod");
    }

    @Test
    void everyDeliveryIsSentEvenWhenItRepeatsTheLastOne() throws Exception {
        Notifier notifier = notifier();
        Notification notification = notificationOf(sampleEvents());

        // The engine redelivers the same notification when it could not record the first success; a channel that
        // drops it as a duplicate would lose the alert if the first send never arrived.
        assertThat(notifier.send(notification)).isEqualTo(dev.mfamonitor.spi.DeliveryResult.delivered());
        assertThat(notifier.send(notification)).isEqualTo(dev.mfamonitor.spi.DeliveryResult.delivered());

        List<String> messages = deliveredMessages();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1)).contains(rendered("carol"));
    }

    @Test
    void aLargeRunStaysWithinTheChannelsLimitAndSaysWhatWasLeftOut() throws Exception {
        int total = 2_000;
        List<ChangeEvent> events = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String name = String.format("user-%04d", i);
            names.add(name);
            Account account = new Account(String.valueOf(50_000 + i), name, "member", MfaStatus.DISABLED);
            events.add(accountEvent("github-acme", "github", EventType.NEW_ACCOUNT_WITHOUT_MFA, account, Optional.empty()));
        }

        assertThat(notifier().send(notificationOf(events))).isEqualTo(dev.mfamonitor.spi.DeliveryResult.delivered());

        List<String> messages = deliveredMessages();
        assertThat(messages).as("messages for one large notification").isNotEmpty();
        for (String message : messages) {
            assertThat(message.length()).as("length of a message").isLessThanOrEqualTo(maxMessageChars());
        }
        String all = String.join("\n", messages);
        long shown = names.stream().filter(name -> all.contains(rendered(name))).count();
        assertThat(shown).as("account names shown").isPositive();
        long leftOut = total - shown;
        if (leftOut > 0) {
            assertThat(all).as("the text says how many names were left out")
                    .containsPattern("(?<![0-9])" + Pattern.quote(String.valueOf(leftOut)) + "(?![0-9])");
        }
    }

    @Test
    void closeAfterUseDoesNotThrow() throws Exception {
        Notifier notifier = createNotifier();
        assertThat(notifier.send(notificationOf(sampleEvents()))).isEqualTo(dev.mfamonitor.spi.DeliveryResult.delivered());

        assertThatCode(notifier::close).doesNotThrowAnyException();
    }
}
