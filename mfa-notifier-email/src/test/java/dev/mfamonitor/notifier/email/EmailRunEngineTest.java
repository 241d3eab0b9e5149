package dev.mfamonitor.notifier.email;

import com.icegreen.greenmail.util.GreenMail;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RetryPolicy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.testkit.MemoryStateStore;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.mfamonitor.notifier.email.EmailTestSupport.starttls;
import static dev.mfamonitor.notifier.email.EmailTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The e-mail notifier inside the real run engine (state in memory): a server that defers (451) is retried by the
 * engine with its backoff, the alert stays pending across runs and arrives once, with the Message-ID it would have had
 * the first time; a refused login (535) is tried once per run and recorded in the state without the password.
 */
class EmailRunEngineTest {
    private final GreenMail greenMail = EmailTestSupport.greenMail();
    private final StartTlsFront front = StartTlsFront.start(greenMail.getSmtp().getPort(), TestTls.SERVER_KEYS);
    private final MemoryStateStore store = new MemoryStateStore();
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        front.close();
        greenMail.stop();
    }

    private RunReport run(Map<String, Object> values) {
        List<Account> accounts = List.of(new Account("1", "alice", "member", MfaStatus.ENABLED),
                new Account("2", "bob", "member", MfaStatus.DISABLED));
        Policy policy = Policy.defaults().withRetry(new RetryPolicy(Duration.ofMillis(1), Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1)));
        try (RunEngine engine = RunEngine.builder()
                .stateStore(store)
                .monitor("hr-sheet", request -> Snapshot.of("inventory", Instant.now(), accounts))
                .notifier("security-mail", EmailTestSupport.create(values))
                .policy(policy)
                .sleeper(waits::add)
                .build()) {
            return engine.run();
        }
    }

    private Delivery mailDelivery() {
        List<OutboxEntry> outbox = store.load().outbox();
        assertThat(outbox).hasSize(1);
        return outbox.get(0).deliveries().get("security-mail");
    }

    @Test
    void aDeferringServerIsRetriedAndTheAlertArrivesOnceInALaterRunWithTheSameMessageId() throws Exception {
        Map<String, Object> values = with(with(starttls(front.port()), "to", List.of("security@example.com")), "cc", null);
        front.answer("MAIL", "451 4.3.0 Try again later");
        for (int run = 1; run <= 2; run++) {
            RunReport report = run(values);

            assertThat(report.exitCode()).as("run %d", run).isEqualTo(ExitCode.INCOMPLETE);
            assertThat(report.pending()).as("run %d", run).isEqualTo(Map.of("security-mail", 1));
        }
        assertThat(front.commands().stream().filter("tls:MAIL"::equals)).as("3 tries in each of 2 runs").hasSize(6);
        assertThat(waits).as("the engine waited between tries, through the sleeper").hasSize(4);
        assertThat(mailDelivery().lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("the server asked to try later (451 4.3.0 Try again later)"));
        assertThat(greenMail.getReceivedMessages()).isEmpty();

        front.answer("MAIL", null);
        RunReport third = run(values);

        assertThat(third.exitCode()).isEqualTo(ExitCode.OK);
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("[mfa-monitor] 1 baseline");
        assertThat(EmailDeliveryTest.header(received[0], "Message-ID")).startsWith("<mfa-monitor.msg_")
                .endsWith("@example.com>");
        assertThat(run(values).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(greenMail.getReceivedMessages()).as("delivered once, not again").hasSize(1);
    }

    @Test
    void aRefusedLoginIsTriedOnceAndItsReasonInTheStateHoldsNoPassword() {
        String wrong = "wrong-CANARY-pass-5e1d";
        RunReport report = run(with(starttls(front.port()), "password", wrong));

        assertThat(report.exitCode()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(front.commands().stream().filter("tls:AUTH"::equals)).as("no retry of a permanent error").hasSize(1);
        assertThat(mailDelivery().state()).isEqualTo(Delivery.State.PENDING);
        assertThat(mailDelivery().lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("the server refused the login of username 'mfa-sender' (535")
                .doesNotContain(wrong).doesNotContain("CANARY"));
        assertThat(store.load().toString()).doesNotContain("CANARY");
    }
}
