package dev.mfamonitor.monitor.github;

import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * github-api's transport, on {@code java.net.http} with our timeout, that also keeps the body of {@code GET
 * /orgs/{org}}.
 *
 * <p>Why: github-api has no getter for {@code two_factor_requirement_enabled} and keeps raw requests package-private.
 * Reading the organisation through the library (which needs it anyway to list members) and keeping its body costs one
 * request; a second, separate GET would cost two on every run. Redirects are not followed (DESIGN.md).
 */
final class CapturingConnector implements GitHubConnector {
    /** Headers java.net.http sets itself and refuses from callers; Accept-Encoding so bodies arrive uncompressed. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "host", "expect", "upgrade",
            "accept-encoding");

    private final HttpClient client;
    private final Duration timeout;
    private final String organizationPath;
    private volatile byte[] organizationBody;

    CapturingConnector(HttpClient client, Duration timeout, String organizationPath) {
        this.client = client;
        this.timeout = timeout;
        this.organizationPath = organizationPath;
    }

    /** The last 200 body of {@code GET /orgs/{org}}, if one was read. */
    Optional<byte[]> organizationBody() {
        return Optional.ofNullable(organizationBody);
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(request.url().toURI()).timeout(timeout);
        } catch (URISyntaxException e) {
            throw new IOException("bad request URL " + request.url(), e);
        }
        request.allHeaders().forEach((name, values) -> {
            if (name != null && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        HttpRequest.BodyPublisher publisher = request.hasBody()
                ? HttpRequest.BodyPublishers.ofInputStream(request::body)
                : HttpRequest.BodyPublishers.noBody();
        builder.method(request.method(), publisher);
        HttpResponse<byte[]> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for GitHub");
            interrupted.initCause(e);
            throw interrupted;
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (response.statusCode() == 200 && request.method().equals("GET")
                && URI.create(request.url().toString()).getPath().equals(organizationPath)) {
            organizationBody = body;
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.headers().map());
        return new BufferedResponse(request, response.statusCode(), headers, body);
    }

    private static final class BufferedResponse extends GitHubConnectorResponse {
        private final byte[] body;

        BufferedResponse(GitHubConnectorRequest request, int status, Map<String, List<String>> headers, byte[] body) {
            super(request, status, headers);
            this.body = body;
        }

        @Override
        public InputStream bodyStream() {
            return new ByteArrayInputStream(body);
        }

        @Override
        public void close() {
        }
    }
}
