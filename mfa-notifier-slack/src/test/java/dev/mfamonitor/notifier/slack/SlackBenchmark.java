package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.slack.FakeSlack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prints how long rendering and delivering a run takes, for runs of 10 to 20,000 events over 1 to 200 monitors,
 * against the fake Slack on loopback. A benchmark, not a test:
 * {@code mvn -q -B -pl mfa-notifier-slack -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.mfamonitor.notifier.slack.SlackBenchmark}
 */
public final class SlackBenchmark {
    private SlackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[][] shapes = {{10, 1}, {2_000, 1}, {2_000, 200}, {20_000, 200}};
        System.out.printf("%8s %8s %12s %14s %8s %10s %10s%n", "events", "monitors", "render ms", "deliver ms", "blocks",
                "text chars", "json KB");
        try (FakeSlack slack = FakeSlack.start();
             SlackNotifier notifier = SlackTestSupport.create(SlackTestSupport.webhookConfig(slack, Map.of()), slack)) {
            for (int[] shape : shapes) {
                Notification notification = NotifierContract.notificationOf(events(shape[0], shape[1]));
                for (int warm = 0; warm < 5; warm++) {
                    SlackMessage.render(notification, Optional.empty());
                    notifier.send(notification);
                }
                int rounds = 20;
                long renderStart = System.nanoTime();
                SlackMessage message = null;
                for (int i = 0; i < rounds; i++) {
                    message = SlackMessage.render(notification, Optional.empty());
                }
                double renderMs = (System.nanoTime() - renderStart) / 1e6 / rounds;
                long deliverStart = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    notifier.send(notification);
                }
                double deliverMs = (System.nanoTime() - deliverStart) / 1e6 / rounds;
                List<FakeSlack.Request> requests = slack.requests();
                int bytes = requests.get(requests.size() - 1).body().length();
                System.out.printf("%8d %8d %12.2f %14.2f %8d %10d %10.1f%n", shape[0], shape[1], renderMs, deliverMs,
                        message.blocks().size(), message.blockTextLength(), bytes / 1024.0);
            }
        }
    }

    private static List<ChangeEvent> events(int count, int monitors) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EventType type = i % 3 == 0 ? EventType.MFA_DISABLED : i % 3 == 1 ? EventType.NEW_ACCOUNT_WITHOUT_MFA : EventType.MFA_ENABLED;
            events.add(NotifierContract.accountEvent("monitor-" + (i % monitors), "github", type,
                    new Account(String.valueOf(i), "user-" + i, "member", MfaStatus.DISABLED), Optional.of(MfaStatus.ENABLED)));
        }
        return events;
    }
}
