package dev.mfamonitor.runner.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol (a WebSocket, with the JDK's own client): each
 * {@link #open} loads a page in a new tab and records every JavaScript exception, console error, log error and
 * Content-Security-Policy violation the page causes. For tests of the report in a real browser.
 *
 * <p>Chromium runs with a fresh profile under {@code target/}, without its sandbox (which cannot start as root in a
 * container) and on a loopback debugging port it picks itself. Missing Chromium fails the test, saying what to install.
 */
public final class Chromium implements AutoCloseable {
    /** How long one protocol answer or page load may take; a guard against a hung browser, not a timing assertion. */
    private static final long WAIT_SECONDS = 30;
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    /** Installed before any of the page's own content runs: counts what the page's policy refuses. */
    private static final String VIOLATION_RECORDER = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
            + "e.violatedDirective + ' ' + (e.blockedURI || 'inline')));";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final URI browserEndpoint;
    private final List<String> log;

    private Chromium(Process process, Path profile, URI browserEndpoint, List<String> log) {
        this.process = process;
        this.profile = profile;
        this.browserEndpoint = browserEndpoint;
        this.log = log;
    }

    /** The Chromium executable: {@code $CHROMIUM}, else {@code chromium}, {@code chromium-browser} or {@code google-chrome} on the PATH. */
    public static Path executable() {
        Optional<String> configured = Optional.ofNullable(System.getenv("CHROMIUM")).filter(s -> !s.isBlank());
        if (configured.isPresent()) {
            Path path = Path.of(configured.get());
            if (!Files.isExecutable(path)) {
                fail("$CHROMIUM names " + path + ", which is not an executable file");
            }
            return path;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("Chromium is not installed, and the report's browser test needs it: install Debian's package with"
                + " 'apt-get update && apt-get install -y chromium' (.ci/run does it), or point $CHROMIUM at a Chromium"
                + " or Chrome executable");
    }

    /** Starts Chromium with a fresh profile in a new directory under {@code workDirectory}. */
    public static Chromium start(Path workDirectory) throws IOException {
        Path executable = executable();
        Files.createDirectories(workDirectory);
        Path profile = Files.createTempDirectory(workDirectory, "chromium-profile-");
        Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--metrics-recording-only", "--mute-audio",
                "--window-size=1280,1000", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<URI> endpoint = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    log.add(line);
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        endpoint.complete(URI.create(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                endpoint.completeExceptionally(e);
            }
            endpoint.completeExceptionally(new IllegalStateException("Chromium ended without opening its DevTools port"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return new Chromium(process, profile, endpoint.get(WAIT_SECONDS, TimeUnit.SECONDS), log);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium (" + executable + ") did not start: " + e + "\n" + String.join("\n", log), e);
        }
    }

    /** Opens {@code url} in a new tab, waits for its load event, and returns the tab with what it recorded. */
    public Page open(URI url) throws Exception {
        String targetId;
        try (Connection browser = Connection.to(browserEndpoint)) {
            targetId = browser.call("Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
        }
        URI pageEndpoint = browserEndpoint.resolve("/devtools/page/" + targetId);
        Connection page = Connection.to(pageEndpoint);
        page.call("Runtime.enable", Map.of());
        page.call("Log.enable", Map.of());
        page.call("Page.enable", Map.of());
        page.call("Page.addScriptToEvaluateOnNewDocument", Map.of("source", VIOLATION_RECORDER));
        CompletableFuture<JsonNode> loaded = page.next("Page.loadEventFired", e -> true);
        JsonNode navigation = page.call("Page.navigate", Map.of("url", url.toString()));
        if (navigation.has("errorText")) {
            fail("Chromium could not load " + url + ": " + navigation.get("errorText").asText());
        }
        loaded.get(WAIT_SECONDS, TimeUnit.SECONDS);
        return new Page(page);
    }

    /** What Chromium printed, for failure messages. */
    public String log() {
        return String.join("\n", log);
    }

    @Override
    public void close() throws Exception {
        try (Connection browser = Connection.to(browserEndpoint)) {
            browser.send("Browser.close", Map.of());
        } catch (Exception e) {
            // It may already be gone: it is destroyed below either way.
        }
        process.destroy();
        if (!process.onExit().completeOnTimeout(null, WAIT_SECONDS, TimeUnit.SECONDS).thenApply(p -> p != null).get()) {
            process.destroyForcibly().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One loaded tab. */
    public static final class Page implements AutoCloseable {
        private final Connection connection;

        private Page(Connection connection) {
            this.connection = connection;
        }

        /**
         * Every error the page caused: uncaught exceptions, {@code console.error}/{@code assert}, log entries of level
         * error (Chromium logs a refused resource there), and the policy's violations.
         */
        public List<String> errors() throws Exception {
            List<String> errors = new ArrayList<>();
            connection.events("Runtime.exceptionThrown").forEach(e -> errors.add("exception: " + e.path("exceptionDetails")));
            connection.events("Runtime.consoleAPICalled").stream()
                    .filter(e -> Stream.of("error", "assert").anyMatch(e.path("type").asText()::equals))
                    .forEach(e -> errors.add("console." + e.path("type").asText() + ": " + e.path("args")));
            connection.events("Log.entryAdded").stream().filter(e -> e.path("entry").path("level").asText().equals("error"))
                    .forEach(e -> errors.add("log: " + e.path("entry").path("text").asText()));
            evaluate("window.__cspViolations").forEach(v -> errors.add("policy violation: " + v.asText()));
            return errors;
        }

        /** JavaScript dialogs the page opened ({@code alert(1)} would be one). */
        public int dialogs() {
            return connection.events("Page.javascriptDialogOpening").size();
        }

        /** The value of a JavaScript expression in the page, as JSON. */
        public JsonNode evaluate(String expression) throws Exception {
            JsonNode result = connection.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
            if (result.has("exceptionDetails")) {
                fail("evaluating " + expression + " threw: " + result.get("exceptionDetails"));
            }
            return result.path("result").path("value");
        }

        /** A PNG of the whole page, 1280 pixels wide. */
        public byte[] screenshot() throws Exception {
            int height = evaluate("document.documentElement.scrollHeight").asInt();
            connection.call("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", height,
                    "deviceScaleFactor", 1, "mobile", false));
            String data = connection.call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText();
            return java.util.Base64.getDecoder().decode(data);
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** One DevTools WebSocket: commands with ids and their answers, and the events received so far. */
    private static final class Connection implements WebSocket.Listener, AutoCloseable {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
        private final List<JsonNode> events = new ArrayList<>();
        private final List<Map.Entry<Predicate<JsonNode>, CompletableFuture<JsonNode>>> waiters = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Connection to(URI endpoint) throws Exception {
            Connection connection = new Connection();
            connection.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, connection)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            return connection;
        }

        JsonNode call(String method, Map<String, ?> params) throws Exception {
            JsonNode answer = send(method, params).get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (answer.has("error")) {
                fail("DevTools " + method + " failed: " + answer.get("error"));
            }
            return answer.path("result");
        }

        CompletableFuture<JsonNode> send(String method, Map<String, ?> params) {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            answers.put(id, answer);
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", JSON.valueToTree(params));
            socket.sendText(message.toString(), true);
            return answer;
        }

        /** The next event {@code method} that matches, registered before the command that causes it is sent. */
        synchronized CompletableFuture<JsonNode> next(String method, Predicate<JsonNode> matches) {
            CompletableFuture<JsonNode> future = new CompletableFuture<>();
            waiters.add(Map.entry(e -> e.path("method").asText().equals(method) && matches.test(e.path("params")), future));
            return future;
        }

        synchronized List<JsonNode> events(String method) {
            return events.stream().filter(e -> e.path("method").asText().equals(method)).map(e -> e.path("params")).toList();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private synchronized void received(JsonNode message) {
            if (message.has("id")) {
                CompletableFuture<JsonNode> answer = answers.remove(message.get("id").asInt());
                if (answer != null) {
                    answer.complete(message);
                }
                return;
            }
            events.add(message);
            waiters.removeIf(w -> w.getKey().test(message) && w.getValue().complete(message));
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            answers.values().forEach(a -> a.completeExceptionally(error));
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            socket.abort();
        }
    }
}
