package dev.mfamonitor.monitor.google;

import dev.mfamonitor.support.RuntimeSecrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Deadline;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * The two Directory API calls the monitor makes: {@code users.list} one page at a time and {@code users.get}, both
 * trimmed with {@code fields=} to what the monitor reads.
 */
final class DirectoryClient {
    static final int PAGE_SIZE = 500;
    static final String USER_FIELDS = "id,primaryEmail,isEnrolledIn2Sv,isEnforcedIn2Sv,isAdmin,isDelegatedAdmin,suspended,archived";
    private static final Set<String> QUOTA_REASONS = Set.of("userRateLimitExceeded", "quotaExceeded", "rateLimitExceeded",
            "backendError");

    private final URI endpoint;
    private final String customer;
    private final String adminEmail;
    private final AccessTokens tokens;
    private final GoogleHttp http;
    private final RuntimeSecrets scrubber;
    private final ObjectMapper json;

    DirectoryClient(URI endpoint, String customer, String adminEmail, AccessTokens tokens, GoogleHttp http,
                    RuntimeSecrets scrubber, ObjectMapper json) {
        this.endpoint = endpoint;
        this.customer = customer;
        this.adminEmail = adminEmail;
        this.tokens = tokens;
        this.http = http;
        this.scrubber = scrubber;
        this.json = json;
    }

    /** One page of users.list; {@code pageToken} empty for the first. */
    JsonNode listPage(Optional<String> pageToken, int page, Deadline deadline) throws Exception {
        String query = "customer=" + encode(customer) + "&maxResults=" + PAGE_SIZE + "&projection=basic"
                + "&fields=" + encode("nextPageToken,users(" + USER_FIELDS + ")")
                + pageToken.map(t -> "&pageToken=" + encode(t)).orElse("");
        return call(URI.create(endpoint + "/admin/directory/v1/users?" + query),
                "users.list page " + page + " of customer " + customer, deadline, false).json();
    }

    /** users.get of one user, by id; empty when the user no longer exists (404). */
    Optional<JsonNode> getUser(String userId, Deadline deadline) throws Exception {
        GoogleHttp.Answer answer = call(URI.create(endpoint + "/admin/directory/v1/users/" + encode(userId)
                + "?projection=basic&fields=" + encode(USER_FIELDS)), "users.get of user " + userId, deadline, true);
        return answer.status() == 404 ? Optional.empty() : Optional.of(answer.json());
    }

    /** A GET with the access token; a 401 gets one new token and one more try. */
    private GoogleHttp.Answer call(URI uri, String what, Deadline deadline, boolean notFoundIsAnswer) throws Exception {
        for (int tokenTry = 1; ; tokenTry++) {
            String token = tokens.current(deadline);
            boolean lastTokenTry = tokenTry >= 2;
            GoogleHttp.Answer answer = http.send(() -> HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json")
                    .GET(), what, deadline, (status, body, response) -> status == 404 && notFoundIsAnswer
                            ? new GoogleHttp.Verdict.Hand() : classify(status, body, response, what, lastTokenTry));
            if (answer.status() != 401) {
                return answer;
            }
            tokens.invalidate();
        }
    }

    private GoogleHttp.Verdict classify(int status, String body, HttpResponse<String> response, String what,
                                        boolean lastTokenTry) {
        JsonNode error = readError(body);
        String message = error.path("message").asText("");
        String reason = "";
        for (JsonNode e : error.path("errors")) {
            reason = e.path("reason").asText("");
            if (!reason.isEmpty()) {
                break;
            }
        }
        String said = status + (reason.isEmpty() ? "" : " " + reason)
                + (message.isEmpty() ? (body.isBlank() ? "" : " '" + scrubber.quote(body) + "'") : " '" + scrubber.quote(message) + "'");
        if (status == 429 || status >= 500 || (status == 403 && QUOTA_REASONS.contains(reason))) {
            return new GoogleHttp.Verdict.Retry(said, http.retryAfter(response));
        }
        if (status == 401) {
            return lastTokenTry
                    ? new GoogleHttp.Verdict.Fail("Google refused the access token for " + what + " twice (" + said
                            + "); check that the service account's key is still valid")
                    : new GoogleHttp.Verdict.Hand();
        }
        if (status == 403 && message.toLowerCase().contains("not authorized to access this resource")) {
            return new GoogleHttp.Verdict.Fail("Google answered " + said + " for " + what + " as " + adminEmail
                    + ". Google does not say why; the possible causes are: (1) the token was not issued for an admin "
                    + "(no 'sub': adminEmail must be set to an administrator, and the service account acts as that "
                    + "admin); (2) the admin's role lacks the Admin API privilege Users > Read (give " + adminEmail
                    + " a role with it, such as User Management Admin, or a custom role with Admin API privileges > "
                    + "Users > Read); (3) customer '" + customer + "' is another customer than " + adminEmail
                    + "'s own (use my_customer)");
        }
        if (status == 403 && (reason.equals("accessNotConfigured") || message.contains("has not been used")
                || message.contains("is disabled"))) {
            return new GoogleHttp.Verdict.Fail("Google answered " + said + " for " + what + ": enable the Admin SDK API "
                    + "in the Google Cloud project of the service account (APIs & Services > Library > Admin SDK API)");
        }
        if (status == 404) {
            return new GoogleHttp.Verdict.Fail("Google answered " + said + " for " + what + "; check customer ('"
                    + customer + "': my_customer or the customer ID such as C01234abc) and endpoint");
        }
        return new GoogleHttp.Verdict.Fail("Google answered " + said + " for " + what);
    }

    private JsonNode readError(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.createObjectNode() : node.path("error");
        } catch (Exception notJson) {
            return json.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
