package dev.mfamonitor.monitor.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitHub REST calls of one scan, on {@code java.net.http}: one request at a time, as GitHub asks of integrations.
 *
 * <p>Every request, the GitHub App's token exchange included, goes through {@link #send}, the one place that
 * <ul>
 *   <li>waits out rate limits, primary ({@code x-ratelimit-remaining: 0}, until {@code x-ratelimit-reset}) and
 *       secondary ({@code retry-after}, or at least a minute without it, as GitHub asks), through the context's
 *       sleeper and only when the wait ends before the scan's deadline;</li>
 *   <li>never follows a redirect: a 3xx fails the scan, so the token stays with the configured endpoint and a
 *       redirected body is never taken for the organisation's;</li>
 *   <li>sends the token only to the configured endpoint's origin ({@code Link: rel="next"} elsewhere fails the scan);</li>
 *   <li>turns every other non-2xx answer into an {@link ErrorAnswer} whose quoted text is redacted, then cut.</li>
 * </ul>
 */
final class GitHubApi {
    private static final Logger log = LoggerFactory.getLogger(GitHubApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PAGE_SIZE = 100;
    /** GitHub: "If you receive a secondary rate limit without a retry-after header, wait at least one minute". */
    static final Duration SECONDARY_WITHOUT_RETRY_AFTER = Duration.ofSeconds(60);
    /** Rate-limit waits for one request before the scan gives up (with the rate limit as the reason). */
    static final int MAX_LIMIT_WAITS = 5;
    private static final Pattern LINK = Pattern.compile("<([^>]*)>([^<]*)");
    private static final Pattern REL_NEXT = Pattern.compile("(?i)\\brel\\s*=\\s*\"?[^\"]*\\bnext\\b");

    private final URI endpoint;
    private final String organization;
    private final Duration timeout;
    private final HttpClient client;
    private final PluginContext context;
    private final Redaction redaction;
    private final Deadline deadline;
    private final ScanProgress progress;
    private volatile String authorization;
    private long pagesRead;

    GitHubApi(URI endpoint, String organization, Duration timeout, HttpClient client, PluginContext context,
              Redaction redaction, Deadline deadline, ScanProgress progress) {
        this.endpoint = endpoint;
        this.organization = organization;
        this.timeout = timeout;
        this.client = client;
        this.context = context;
        this.redaction = redaction;
        this.deadline = deadline;
        this.progress = progress;
    }

    /** The {@code Authorization} header of the requests from now on ({@code token ...} or {@code Bearer JWT}). */
    void authorize(String header) {
        this.authorization = header;
    }

    /** An answer GitHub gave. */
    record Answer(int status, HttpHeaders headers, byte[] body, URI uri) {
        JsonNode json(String what, String org) throws Failure {
            try {
                JsonNode node = JSON.readTree(body);
                if (node == null || node.isMissingNode()) {
                    throw new IOException("empty");
                }
                return node;
            } catch (IOException e) {
                throw new Failure("GitHub answered " + what + " of org " + org + " (HTTP " + status + ") with something "
                        + "that is not JSON (" + headers.firstValue("content-type").orElse("no content type")
                        + "); is endpoint: the API root (https://api.github.com, or https://HOST/api/v3)?");
            }
        }
    }

    /** The scan fails; the message is for people, redacted, and says what to do. */
    static class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /**
     * GitHub answered an error (not a rate limit, not a redirect). The monitor turns it into a message that knows what
     * was being read; {@link #said()} is already redacted and cut.
     */
    static final class ErrorAnswer extends Failure {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String said;
        private final transient JsonNode body;
        private final transient HttpHeaders headers;
        private final String request;

        ErrorAnswer(int status, String said, JsonNode body, HttpHeaders headers, String request) {
            super("GitHub answered " + status + " '" + said + "' to " + request);
            this.status = status;
            this.said = said;
            this.body = body;
            this.headers = headers;
            this.request = request;
        }

        int status() {
            return status;
        }

        /** GitHub's {@code message}, or the start of the body; redacted, then cut. */
        String said() {
            return said;
        }

        /** The error body as JSON ({@code errors[]} says which field a 422 is about); a missing node when not JSON. */
        JsonNode body() {
            return body;
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** "GET /orgs/acme/members", for messages. */
        String request() {
            return request;
        }
    }

    /** GET of a path under the endpoint, as JSON; {@code what} ("the organization") is for messages. */
    JsonNode get(String path, String what) throws Failure, InterruptedException {
        Answer answer = send("GET", api(path), what);
        return answer.json(what, organization);
    }

    /**
     * Every page of a list, following {@code Link: rel="next"} exactly as given, 100 a page. Fails unless every page
     * was read: a partial list is never returned.
     */
    List<JsonNode> list(String pathAndQuery, String what) throws Failure, InterruptedException {
        String separator = pathAndQuery.contains("?") ? "&" : "?";
        URI page = api(pathAndQuery + separator + "per_page=" + PAGE_SIZE);
        List<JsonNode> entries = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        for (int number = 1; page != null; number++) {
            if (!seen.add(page)) {
                throw new Failure("GitHub's pages of " + what + " of org " + organization + " came back to a page already "
                        + "read; the list cannot be trusted, so the snapshot is not taken");
            }
            Answer answer = send("GET", page, what);
            JsonNode body = answer.json(what, organization);
            if (!body.isArray()) {
                throw new Failure("GitHub answered page " + number + " of " + what + " of org " + organization
                        + " with a JSON " + body.getNodeType().name().toLowerCase(Locale.ROOT) + " instead of a list");
            }
            body.forEach(entries::add);
            progress.read(++pagesRead, "pages");
            page = next(answer, what);
        }
        return entries;
    }

    private URI next(Answer answer, String what) throws Failure {
        for (String header : answer.headers().allValues("link")) {
            Matcher link = LINK.matcher(header);
            while (link.find()) {
                if (REL_NEXT.matcher(link.group(2)).find()) {
                    URI next;
                    try {
                        next = answer.uri().resolve(link.group(1).trim());
                    } catch (IllegalArgumentException e) {
                        throw new Failure("GitHub's next-page link of " + what + " of org " + organization + " is not a URL");
                    }
                    try {
                        context.http().requireSameOrigin(endpoint, next);
                    } catch (IllegalStateException elsewhere) {
                        throw new Failure("GitHub's next-page link of " + what + " of org " + organization + " leads "
                                + "away from endpoint " + endpoint + ": " + redaction.redact(elsewhere.getMessage())
                                + "; the snapshot is not taken");
                    }
                    return next;
                }
            }
        }
        return null;
    }

    /** A URI under the endpoint. */
    URI api(String pathAndQuery) {
        return URI.create(endpoint + pathAndQuery);
    }

    /**
     * One request and its answer (2xx or an error other than a limit); rate limits are waited out here.
     *
     * @throws ErrorAnswer  for any other non-2xx answer
     * @throws Failure      for a redirect, a limit that outlasts the deadline, a network failure
     */
    Answer send(String method, URI uri, String what) throws Failure, InterruptedException {
        String request = method + " " + uri.getRawPath();
        for (int waits = 0; ; waits++) {
            Answer answer = exchange(method, uri, what);
            int status = answer.status();
            if (status >= 300 && status < 400) {
                String location = answer.headers().firstValue("location").map(l -> ", to " + redaction.quote(l)).orElse("");
                throw new Failure("GitHub answered " + status + " (a redirect" + location + ") to " + request + " for org "
                        + organization + ": redirects are not followed, so the token stays with endpoint " + endpoint
                        + " and a redirected answer is never used. Set endpoint: to the API root itself "
                        + "(https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server)");
            }
            if (status >= 200 && status < 300) {
                return answer;
            }
            Optional<Limit> limit = limit(answer);
            if (limit.isEmpty()) {
                throw error(answer, request);
            }
            Duration wait = limit.get().delay();
            Instant resumeAt = context.clock().instant().plus(wait);
            if (waits >= MAX_LIMIT_WAITS) {
                throw new Failure("GitHub's " + limit.get().kind() + " for org " + organization + " (HTTP " + status + " on "
                        + request + ") did not lift after " + waits + " waits: the snapshot is not taken. Poll less often, "
                        + "or use a token whose budget is not shared with other tools");
            }
            if (!deadline.allows(wait)) {
                throw new Failure("GitHub's " + limit.get().kind() + " for org " + organization + " (HTTP " + status + " on "
                        + request + ") lasts until " + resumeAt + ", past this scan's deadline (" + seconds(deadline.remaining())
                        + " left): the snapshot is not taken. Poll less often, give the monitor a longer timeout, or use a "
                        + "token whose budget is not shared with other tools");
            }
            log.info("GitHub {} for org {} on {}: waiting {} s, then retrying", limit.get().kind(), organization, request,
                    wait.toSeconds());
            context.sleeper().sleep(wait);
        }
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    private Answer exchange(String method, URI uri, String what) throws Failure, InterruptedException {
        Duration left = deadline.remaining();
        if (left.isZero()) {
            throw new Failure("the scan's deadline passed before " + what + " of org " + organization + " was read");
        }
        Duration callTimeout = left.compareTo(timeout) < 0 ? left : timeout;
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(callTimeout)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "mfa-monitor");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        builder.method(method, HttpRequest.BodyPublishers.noBody());
        try {
            HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = response.body() == null ? new byte[0] : response.body();
            return new Answer(response.statusCode(), response.headers(), body, uri);
        } catch (HttpTimeoutException e) {
            throw new Failure("GitHub at " + endpoint + " did not answer " + method + " " + uri.getRawPath() + " (" + what
                    + " of org " + organization + ") within " + callTimeout.toMillis() + " ms: the snapshot is not taken; "
                    + "raise timeout: if GitHub is slow, the next run tries again");
        } catch (IOException e) {
            throw new Failure("could not read " + what + " of org " + organization + " from GitHub at " + endpoint + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redaction.quote(e.getMessage())));
        }
    }

    /** Which rate limit an answer is, and how long to wait, if it is one. */
    record Limit(String kind, Duration delay) {
    }

    private Optional<Limit> limit(Answer answer) {
        int status = answer.status();
        if (status != 403 && status != 429) {
            return Optional.empty();
        }
        Instant now = context.clock().instant();
        String remaining = answer.headers().firstValue("x-ratelimit-remaining").orElse("").trim();
        Optional<String> reset = answer.headers().firstValue("x-ratelimit-reset");
        Optional<String> retryAfter = answer.headers().firstValue("retry-after");
        if (remaining.equals("0") && reset.isPresent() && retryAfter.isEmpty()) {
            Duration wait = resetWait(reset.get(), now).orElse(SECONDARY_WITHOUT_RETRY_AFTER);
            // The reset is a second in the past or now: wait a second rather than spin on the same answer.
            return Optional.of(new Limit("primary rate limit (x-ratelimit-remaining: 0)",
                    wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait));
        }
        String message = message(answer.body()).toLowerCase(Locale.ROOT);
        boolean secondary = retryAfter.isPresent() || status == 429 || message.contains("secondary rate limit")
                || message.contains("abuse detection");
        if (!secondary) {
            return Optional.empty();
        }
        Duration wait = retryAfter.flatMap(value -> parseRetryAfter(value, now)).orElse(SECONDARY_WITHOUT_RETRY_AFTER);
        return Optional.of(new Limit("secondary rate limit" + (retryAfter.isPresent() ? "" : " (no retry-after: waiting "
                + "the minute GitHub asks for)"), wait));
    }

    private static Optional<Duration> resetWait(String header, Instant now) {
        try {
            Duration wait = Duration.between(now, Instant.ofEpochSecond(Long.parseLong(header.trim())));
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date. */
    static Optional<Duration> parseRetryAfter(String header, Instant now) {
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private ErrorAnswer error(Answer answer, String request) {
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null) {
            body = JSON.missingNode();
        }
        return new ErrorAnswer(answer.status(), redaction.quote(message(answer.body())), body, answer.headers(), request);
    }

    /** GitHub's {@code {"message": ...}}, or the raw body; not yet redacted. */
    private static String message(byte[] body) {
        String raw = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        try {
            JsonNode node = JSON.readTree(raw);
            if (node != null && node.path("message").isTextual()) {
                return node.path("message").asText();
            }
        } catch (IOException notJson) {
            // the raw text below
        }
        return raw.strip();
    }
}
