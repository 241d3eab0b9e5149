package com.example.mfa.mattermost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.*;
import java.io.IOException;
import java.net.URI;
import java.net.http.*;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Monitor type {@code mattermost}: whether each user of a Mattermost server has MFA on. */
public final class MattermostMonitorProvider implements MonitorProvider {
    private static final int PER_PAGE = 200;

    @Override
    public String type() { return "mattermost"; }

    @Override
    public int spiVersion() { return SpiVersion.CURRENT; }   // compiled into this class: the runner checks it

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        URI url = context.http().requireSecureEndpoint("url", URI.create(config.string("url")));
        Secret token = config.secret("token");                // a system admin's personal access token
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        ObjectMapper json = new ObjectMapper();
        return request -> {
            List<Account> accounts = new ArrayList<>();
            for (int page = 0; ; page++) {
                Duration left = request.deadline().remaining();
                if (left.isZero()) {
                    throw new IOException("the deadline passed after " + page + " page(s) of users");
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                url.resolve("/api/v4/users?per_page=" + PER_PAGE + "&page=" + page))
                        .header("Authorization", "Bearer " + token.reveal()).timeout(left).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {           // one page missing fails the whole snapshot
                    String answer = context.redactor().redact(response.body());   // redact, then cut
                    throw new IOException("Mattermost answered " + response.statusCode() + " for page " + page
                            + " of users: " + answer.substring(0, Math.min(200, answer.length())));
                }
                JsonNode users = json.readTree(response.body());
                for (JsonNode user : users) {
                    JsonNode mfa = user.get("mfa_active");     // absent: this token may not see it
                    MfaStatus status = user.path("is_bot").asBoolean() || user.path("delete_at").asLong() > 0
                            ? MfaStatus.NOT_APPLICABLE        // bots and deactivated users cannot sign in
                            : mfa == null ? MfaStatus.UNKNOWN : mfa.asBoolean() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
                    accounts.add(new Account(user.path("id").asText(), user.path("username").asText(), "user", status));
                }
                if (users.size() < PER_PAGE) {                // the last page; a user listed twice fails the snapshot
                    return Snapshot.of("mattermost", context.clock().instant(), accounts);
                }
            }
        };
    }
}
