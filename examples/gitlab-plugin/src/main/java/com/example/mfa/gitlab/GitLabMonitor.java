package com.example.mfa.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads every user of a GitLab instance ({@code GET /api/v4/users}) or every member of a group, inherited ones
 * included ({@code GET /api/v4/groups/:id/members/all}), page by page, and returns them with their 2FA status.
 *
 * <p>Never silently wrong: every page must be read or the snapshot fails; a list that changed while it was read
 * (a user listed twice, fewer users than GitLab's {@code x-total}) fails; a user whose {@code two_factor_enabled}
 * GitLab did not show is {@link MfaStatus#UNKNOWN} and fails the snapshot naming the right the token lacks.
 * Redirects are not followed and a next-page link to another origin is refused ({@link PluginContext#http()}), so the
 * token goes only to {@code url}. Time, waits and redaction come from the {@link PluginContext}: tests replace time
 * instead of sleeping, and every text from GitLab is redacted before it is cut short.
 */
final class GitLabMonitor implements Monitor {
    static final String SERVICE = "gitlab";
    /** The source-level fact of a group: GitLab's "require all users in this group to set up 2FA". */
    static final String GROUP_REQUIREMENT = "group requires 2FA";
    static final int PAGE_SIZE = 100;
    static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(GitLabMonitor.class);
    private static final Pattern LINK = Pattern.compile("<([^>]*)>([^<]*)");
    private static final Pattern REL_NEXT = Pattern.compile("(?i)\\brel\\s*=\\s*\"?[^\"]*\\bnext\\b");

    /** The first retry waits up to this long, doubling, with jitter; never longer than {@link #MAX_DELAY}. */
    static final Duration FIRST_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final GitLabSettings settings;
    private final PluginContext context;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    GitLabMonitor(GitLabSettings settings, PluginContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.context = Objects.requireNonNull(context, "context");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws Exception {
        Instant started = context.clock().instant();
        Map<String, MfaStatus> requirements = new HashMap<>();
        boolean members = settings.group().isPresent();
        List<JsonNode> entries;
        String what;
        if (members) {
            String group = settings.encodedGroup();
            JsonNode details = get(settings.api("/groups/" + group), "group '" + settings.group().get() + "'", request.deadline());
            JsonNode required = details.get("require_two_factor_authentication");
            requirements.put(GROUP_REQUIREMENT, required == null || !required.isBoolean() ? MfaStatus.UNKNOWN
                    : required.booleanValue() ? MfaStatus.ENABLED : MfaStatus.DISABLED);
            what = "the members of group '" + settings.group().get() + "'";
            entries = list("/groups/" + group + "/members/all?per_page=" + PAGE_SIZE, what, request.deadline());
        } else {
            what = "the users";
            entries = list("/users?per_page=" + PAGE_SIZE + "&order_by=id&sort=asc", what, request.deadline());
        }

        List<Account> accounts = new ArrayList<>(entries.size());
        Set<String> ids = new HashSet<>();
        for (JsonNode entry : entries) {
            Account account = GitLabUsers.account(entry, members, what);
            if (!ids.add(account.id())) {
                throw new GitLabMonitorException("GitLab listed user " + account.id() + " (" + account.name() + ") twice "
                        + "while " + what + " of " + settings.url() + " were read page by page: the list changed during "
                        + "the read, so a user may also have been skipped; the next run reads it again");
            }
            accounts.add(account);
        }
        List<Account> unknown = accounts.stream().filter(a -> a.mfa() == MfaStatus.UNKNOWN).toList();
        if (!unknown.isEmpty()) {
            throw new GitLabMonitorException(missingRight(unknown, accounts.size()));
        }
        log.debug("GitLab {}: {} account(s) read", settings.url(), accounts.size());
        return new Snapshot(SERVICE, started, accounts, requirements, Map.of("source", settings.describeSource()), List.of());
    }

    private String missingRight(List<Account> unknown, int total) {
        String examples = unknown.stream().limit(3).map(Account::name).collect(Collectors.joining(", "))
                + (unknown.size() > 3 ? ", ..." : "");
        String right = settings.group()
                .map(g -> "GitLab shows it in a group's member list only to an owner of the group or an administrator: "
                        + "use the token of an owner of group '" + g + "' or of an administrator")
                .orElse("GitLab shows it only to administrators: use a personal access token (scope read_api) of an "
                        + "administrator, or watch one group with group: and an owner's token");
        return "GitLab " + settings.url() + " did not show two_factor_enabled for " + unknown.size() + " of " + total
                + " account(s) (" + examples + "), so their 2FA status is unknown: " + right;
    }

    /** Every page of a list; fails unless all of them were read and they add up. */
    private List<JsonNode> list(String firstPage, String what, Deadline deadline) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        OptionalLong total = OptionalLong.empty();
        URI page = settings.api(firstPage);
        for (int number = 1; page != null; number++) {
            if (!seen.add(page)) {
                throw new GitLabMonitorException("GitLab's pages of " + what + " came back to a page already read ("
                        + page.getRawPath() + "?" + page.getRawQuery() + "); the list cannot be trusted, so this run has no snapshot");
            }
            String where = "page " + number + " of " + what;
            HttpResponse<byte[]> response = send(page, where, deadline);
            JsonNode body = parse(response, where);
            if (!body.isArray()) {
                throw new GitLabMonitorException("GitLab " + settings.url() + " answered " + where
                        + " with a JSON " + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + " instead of a list; is url: the instance's base URL?");
            }
            body.forEach(entries::add);
            OptionalLong pageTotal = header(response, "x-total");
            if (total.isEmpty()) {
                total = pageTotal;
            } else if (pageTotal.isPresent() && pageTotal.getAsLong() != total.getAsLong()) {
                throw changed(what, total.getAsLong(), pageTotal.getAsLong() + " on " + where);
            }
            log.debug("GitLab {}: {} held {} entries", settings.url(), where, body.size());
            page = next(response, firstPage, where);
        }
        if (total.isPresent() && total.getAsLong() != entries.size()) {
            throw changed(what, total.getAsLong(), entries.size() + " in its pages");
        }
        return entries;
    }

    private GitLabMonitorException changed(String what, long total, String found) {
        return new GitLabMonitorException("GitLab said there are " + total + " of " + what + " of GitLab " + settings.url()
                + " but then " + found + ": the list changed while it was read, so it may be incomplete; the next run reads it again");
    }

    /** The next page: the {@code Link} header's {@code rel="next"}, else {@code x-next-page}, else none. */
    private URI next(HttpResponse<?> response, String firstPage, String where) throws GitLabMonitorException {
        for (String header : response.headers().allValues("link")) {
            Matcher link = LINK.matcher(header);
            while (link.find()) {
                if (REL_NEXT.matcher(link.group(2)).find()) {
                    URI next;
                    try {
                        next = response.uri().resolve(link.group(1).trim());
                    } catch (IllegalArgumentException e) {
                        throw new GitLabMonitorException("GitLab's next-page link after " + where + " is not a URL");
                    }
                    if (!context.http().sameOrigin(next, settings.url())) {
                        throw new GitLabMonitorException("GitLab's next-page link after " + where + " points to "
                                + next.getScheme() + "://" + next.getAuthority() + ", not to " + settings.url()
                                + "; the token is not sent elsewhere: set url: to the address GitLab calls itself (its external_url)");
                    }
                    return next;
                }
            }
        }
        String nextPage = response.headers().firstValue("x-next-page").orElse("").trim();
        if (nextPage.isEmpty()) {
            return null;
        }
        if (!nextPage.matches("[0-9]{1,9}")) {
            throw new GitLabMonitorException("GitLab answered " + where + " with x-next-page '" + nextPage + "', not a page number");
        }
        return settings.api(firstPage + "&page=" + nextPage);
    }

    private static OptionalLong header(HttpResponse<?> response, String name) {
        String value = response.headers().firstValue(name).orElse("").trim();
        return value.matches("[0-9]{1,18}") ? OptionalLong.of(Long.parseLong(value)) : OptionalLong.empty();
    }

    private JsonNode get(URI uri, String what, Deadline deadline) throws Exception {
        return parse(send(uri, what, deadline), what);
    }

    private JsonNode parse(HttpResponse<byte[]> response, String what) throws GitLabMonitorException {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new GitLabMonitorException("GitLab " + settings.url() + " answered " + what + " with something that is not JSON ("
                    + response.headers().firstValue("content-type").orElse("no content type") + "); is url: the instance's base URL?");
        }
    }

    /** One GET with the token; 429 and 5xx are retried within the deadline, honouring {@code Retry-After}. */
    private HttpResponse<byte[]> send(URI uri, String what, Deadline deadline) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Duration left = deadline.remaining();
            if (left.isZero()) {
                throw new GitLabMonitorException("the deadline passed before " + what + " of " + settings.url() + " was read");
            }
            Duration timeout = left.compareTo(settings.timeout()) < 0 ? left : settings.timeout();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("PRIVATE-TOKEN", settings.token().reveal())
                    .header("Accept", "application/json")
                    .header("User-Agent", "mfa-gitlab-plugin")
                    .GET()
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpTimeoutException e) {
                throw new GitLabMonitorException("GitLab " + settings.url() + " did not answer " + what + " within "
                        + timeout.toMillis() + " ms; raise timeout: or check the instance", e);
            } catch (IOException e) {
                if (attempt < ATTEMPTS && sleepWithin(delay(attempt), deadline)) {
                    continue;
                }
                throw new GitLabMonitorException("cannot reach GitLab " + settings.url() + " for " + what + " ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redact(e.getMessage()))
                        + ") after " + attempt + " attempt(s); check url: and the network", e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return response;
            }
            if ((status == 429 || status >= 500) && attempt < ATTEMPTS) {
                Optional<Duration> wait = next(attempt, retryAfter(response.headers().firstValue("retry-after").orElse(null)));
                if (wait.isPresent() && sleepWithin(wait.get(), deadline)) {
                    continue;
                }
            }
            throw new GitLabMonitorException(failure(response, what, attempt));
        }
    }

    private String failure(HttpResponse<byte[]> response, String what, int attempts) {
        int status = response.statusCode();
        String said = gitlabMessage(response).map(m -> " ('" + m + "')").orElse("");
        String head = "GitLab " + settings.url() + " answered " + status + said + " for " + what;
        if (status == 401) {
            return head + ": the token is invalid, expired or revoked; set token: to a personal access token with the read_api scope";
        }
        if (status == 403) {
            return head + ": the token needs the read_api scope" + settings.group()
                    .map(g -> " and its user must be able to see group '" + g + "'")
                    .orElse(", and listing every user's 2FA status needs an administrator's token");
        }
        if (status == 404) {
            return head + settings.group()
                    .map(g -> ": group '" + g + "' does not exist or the token's user cannot see it; check group:")
                    .orElse(": is url: the instance's base URL?");
        }
        if (status >= 300 && status < 400) {
            return head + " (a redirect to " + redact(response.headers().firstValue("location").orElse("nowhere"))
                    + "): redirects are not followed, so the token goes nowhere else; set url: to the instance's address";
        }
        return head + (attempts > 1 ? " after " + attempts + " attempts" : "") + "; the next run tries again";
    }

    /** GitLab's own words from an error body ({@code message} or {@code error}), short and without the token. */
    private Optional<String> gitlabMessage(HttpResponse<byte[]> response) {
        try {
            JsonNode body = json.readTree(response.body());
            JsonNode message = body == null ? null : body.has("message") ? body.get("message") : body.get("error");
            if (message == null || message.isNull()) {
                return Optional.empty();
            }
            // Redact first, then cut: a token cut in half is no longer recognised.
            String text = redact(message.isTextual() ? message.asText() : message.toString()).replaceAll("\\s+", " ").trim();
            return Optional.of(text.length() > 200 ? text.substring(0, 200) + "..." : text);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The configured token and every secret the engine knows, removed. */
    private String redact(String text) {
        return context.redactor().redact(settings.token().redact(text));
    }

    /** The delay before retry number {@code retry}: half to all of {@code FIRST_DELAY * 2^(retry-1)}, capped. */
    static Duration delay(int retry) {
        long ceiling = FIRST_DELAY.toMillis();
        for (int i = 1; i < retry && ceiling < MAX_DELAY.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, MAX_DELAY.toMillis());
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1));
    }

    /**
     * The wait before retry number {@code retry}: never less than {@link #delay} ({@code Retry-After: 0} must not become
     * a tight loop), the server's wait when it asked for more; empty when it asked for more than {@link #MAX_DELAY}
     * (retrying sooner would only be refused again: this run gives up).
     */
    static Optional<Duration> next(int retry, Optional<Duration> retryAfter) {
        Duration backoff = delay(retry);
        if (retryAfter.isEmpty()) {
            return Optional.of(backoff);
        }
        if (retryAfter.get().compareTo(MAX_DELAY) > 0) {
            return Optional.empty();
        }
        return Optional.of(retryAfter.get().compareTo(backoff) > 0 ? retryAfter.get() : backoff);
    }

    /** {@code Retry-After} as seconds or an HTTP date; empty when absent or unreadable. */
    private Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(context.clock().instant(),
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** Waits through the context's sleeper, only when the wait ends before the deadline. */
    private boolean sleepWithin(Duration wait, Deadline deadline) throws InterruptedException {
        if (!deadline.allows(wait)) {
            return false;
        }
        context.sleeper().sleep(wait);
        return true;
    }
}
