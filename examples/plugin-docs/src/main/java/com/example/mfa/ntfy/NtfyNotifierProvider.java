package com.example.mfa.ntfy;

import dev.mfamonitor.spi.*;
import dev.mfamonitor.support.Backoff;
import dev.mfamonitor.support.NotificationText;
import java.io.IOException;
import java.net.URI;
import java.net.http.*;
import java.time.Duration;

/** Notifier type {@code ntfy}: each notification as one plain-text message to an ntfy topic, in one attempt. */
public final class NtfyNotifierProvider implements NotifierProvider {

    @Override
    public String type() { return "ntfy"; }

    @Override
    public int spiVersion() { return SpiVersion.CURRENT; }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        URI topic = context.http().requireSecureEndpoint("topic", URI.create(config.string("topic")));
        Secret token = config.secret("token");                // an ntfy access token, tk_...
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        return notification -> {
            NotificationText text = NotificationText.of(notification);   // grouped, most severe first, names quoted
            StringBuilder body = new StringBuilder();
            for (NotificationText.Monitor monitor : text.monitors()) {
                body.append(monitor.heading(NotificationText.PLAIN)).append('\n');
                for (NotificationText.Group group : monitor.groups()) {
                    for (String line : group.lines(NotificationText.PLAIN, NotificationText.MAX_NAMES, 2_000)) {
                        body.append("  ").append(line).append('\n');
                    }
                }
            }
            HttpRequest request = HttpRequest.newBuilder(topic)
                    .header("Authorization", "Bearer " + token.reveal())
                    .header("Title", text.title())
                    .timeout(Duration.ofMillis(Math.max(1, notification.deadline().remaining().toMillis())))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return DeliveryResult.delivered();
                }
                // Redact before cutting: a secret cut in two is no longer recognised.
                String reason = "ntfy answered " + status + ": "
                        + NotificationText.cut(context.redactor().redact(response.body()), 200);
                if (status == 408 || status == 429 || status >= 500) {   // the engine retries, with backoff
                    return response.headers().firstValue("Retry-After")
                            .flatMap(value -> Backoff.parseRetryAfter(value, context.clock().instant()))
                            .map(wait -> DeliveryResult.retryAfter(reason, wait))
                            .orElseGet(() -> DeliveryResult.retry(reason));
                }
                return DeliveryResult.permanent(reason + "; check the topic and the token");
            } catch (IOException e) {
                return DeliveryResult.retry("ntfy could not be reached: " + context.redactor().redact(String.valueOf(e.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();               // the engine's deadline passed
                return DeliveryResult.retry("interrupted at the delivery deadline");
            }
        };
    }
}
