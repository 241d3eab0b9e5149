package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.ReceivedRequest;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.SignatureCheck;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook notifier against the notifier contract: a message is the body of an accepted, correctly signed POST. */
class WebhookNotifierContractTest extends NotifierContract {
    private final FakeWebhookReceiver receiver;

    WebhookNotifierContractTest() throws IOException {
        receiver = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(TestSupport.SECRET));
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Override
    protected Notifier createNotifier() {
        return TestSupport.create(Map.of("url", receiver.url(), "secret", TestSupport.SECRET));
    }

    @Override
    protected List<String> deliveredMessages() {
        List<ReceivedRequest> accepted = receiver.accepted();
        assertThat(accepted).extracting(ReceivedRequest::signature).containsOnly(SignatureCheck.VALID);
        return accepted.stream().map(ReceivedRequest::body).toList();
    }
}
