package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NetworkNotifierContract;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.Answer;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.ReceivedRequest;
import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver.SignatureCheck;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook notifier against the notifier contract: a message is the body of an accepted, correctly signed POST; the
 * URL's path holds a canary token, and a header another one.
 */
class WebhookNotifierContractTest extends NetworkNotifierContract {
    private static final String PATH_CANARY = "canaryPATHtoken/0c4a77e1";
    private static final String HEADER_CANARY = "canary+header\"token/93be1d";

    private final FakeWebhookReceiver receiver;

    WebhookNotifierContractTest() throws IOException {
        receiver = FakeWebhookReceiver.start(FakeWebhookReceiver.keyOf(TestSupport.SECRET));
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private String url() {
        return receiver.url("/hooks/" + PATH_CANARY);
    }

    @Override
    protected List<String> secrets() {
        return List.of(url(), TestSupport.SECRET, HEADER_CANARY);
    }

    @Override
    protected Notifier createNotifier() {
        return TestSupport.create(Map.of("url", url(), "secret", TestSupport.SECRET,
                "headers", Map.of("X-Token", HEADER_CANARY)), context());
    }

    @Override
    protected List<String> deliveredMessages() {
        List<ReceivedRequest> accepted = receiver.accepted();
        assertThat(accepted).extracting(ReceivedRequest::signature).containsOnly(SignatureCheck.VALID);
        return accepted.stream().map(ReceivedRequest::body).toList();
    }

    @Override
    protected void channelIsDown() {
        receiver.goDown();
    }

    @Override
    protected void channelAnswers(int status, String body, Optional<String> retryAfter) {
        Answer answer = Answer.status(status).withBody(body);
        receiver.answerByDefault(retryAfter.map(answer::withRetryAfter).orElse(answer));
    }

    @Override
    protected void channelNeverAnswers() {
        receiver.answerByDefault(Answer.noAnswer());
    }
}
