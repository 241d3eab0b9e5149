package dev.mfamonitor.notifier.pagerduty;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NetworkNotifierContract;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty.Answer;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notifier contract against the fake Events API. PagerDuty takes one request per incident change, so what the
 * contract calls "a message" is here all the events one {@code send} got accepted, joined: the notifier under test is
 * the real one, wrapped only to note where each {@code send} ended in the fake's request log.
 */
class PagerDutyNotifierContractTest extends NetworkNotifierContract {
    /** A canary with characters whose URL-encoded and JSON-escaped forms differ from the plain one. */
    private static final String CANARY_KEY = "c4n4ry/+\"k3y-of-32-characters-xy";

    private final FakePagerDuty pagerDuty = FakePagerDuty.start(CANARY_KEY);
    /** The size of the fake's request log after each send, in order. */
    private final List<Integer> sendEnds = new ArrayList<>();

    @AfterEach
    void stop() {
        pagerDuty.close();
    }

    @Override
    protected List<String> secrets() {
        return List.of(CANARY_KEY);
    }

    @Override
    protected Notifier createNotifier() {
        Notifier real = PagerDutyTestSupport.create(PagerDutyTestSupport.config(pagerDuty, CANARY_KEY, Map.of()), context());
        return new Notifier() {
            @Override
            public DeliveryResult send(Notification notification) {
                DeliveryResult result = real.send(notification);
                synchronized (sendEnds) {
                    sendEnds.add(pagerDuty.requests().size());
                }
                return result;
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    @Override
    protected List<String> deliveredMessages() {
        List<FakePagerDuty.Request> requests = pagerDuty.requests();
        List<String> messages = new ArrayList<>();
        int start = 0;
        synchronized (sendEnds) {
            for (int end : sendEnds) {
                StringBuilder message = new StringBuilder();
                for (FakePagerDuty.Request request : requests.subList(start, end)) {
                    if (request.status() == 202) {
                        message.append(request.body()).append('\n');
                    }
                }
                if (message.length() > 0) {
                    messages.add(message.toString());
                }
                start = end;
            }
        }
        return messages;
    }

    @Override
    protected void channelIsDown() {
        pagerDuty.goDown();
    }

    @Override
    protected void channelAnswers(int status, String body, Optional<String> retryAfter) {
        Answer answer = Answer.status(status).withBody(body);
        pagerDuty.answerEveryRequestWith(retryAfter.map(answer::withRetryAfter).orElse(answer));
    }

    @Override
    protected void channelNeverAnswers() {
        pagerDuty.answerEveryRequestWith(Answer.noAnswer());
    }
}
