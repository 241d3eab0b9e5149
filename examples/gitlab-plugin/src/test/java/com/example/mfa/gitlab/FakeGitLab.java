package com.example.mfa.gitlab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * A GitLab on loopback that serves the parts of the REST API v4 the monitor reads, as GitLab documents them:
 * {@code GET /api/v4/users}, {@code GET /api/v4/groups/:id} and {@code GET /api/v4/groups/:id/members/all}, offset
 * pagination with {@code Link}, {@code x-next-page} and {@code x-total} headers, {@code PRIVATE-TOKEN}
 * authentication, and {@code two_factor_enabled} shown only to a privileged token (an administrator, or an owner of
 * the group). Failures are scripted per page.
 *
 * <p>Public so that the end-to-end test of {@code examples/plugin-e2e} can run it beside the runnable jar.
 */
public final class FakeGitLab implements AutoCloseable {
    /** How the fake tells the client about the next page. */
    public enum Paging { LINK_AND_HEADERS, X_NEXT_PAGE_ONLY }

    /** One user of the instance. */
    public record User(long id, String username, boolean twoFactor, String state, boolean bot, boolean admin) {
        public static User active(long id, String username, boolean twoFactor) {
            return new User(id, username, twoFactor, "active", false, false);
        }
    }

    /** One request the fake received. */
    public record Request(String path, Map<String, String> query, String token) {
        public int page() {
            return Integer.parseInt(query.getOrDefault("page", "1"));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ObjectMapper json = new ObjectMapper();
    private final String token;
    private final Map<Long, User> users = new TreeMap<>();
    private final Map<String, List<Long>> groups = new HashMap<>();
    private final Map<String, Boolean> groupRequires = new HashMap<>();
    private final Map<Integer, List<Integer>> pageFailures = new HashMap<>();
    private final Map<Integer, Consumer<FakeGitLab>> beforePage = new HashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean privileged = true;
    private volatile int pageSize = 100;
    private volatile Paging paging = Paging.LINK_AND_HEADERS;
    private volatile String linkBase;
    private volatile URI redirectTo;
    private volatile boolean echoTokenInErrors;
    private volatile boolean omitTotals;

    private FakeGitLab(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        linkBase = url().toString();
    }

    /** A fake on 127.0.0.1 that accepts only {@code token}. */
    public static FakeGitLab start(String token) throws IOException {
        return new FakeGitLab(token);
    }

    /** The base URL to configure as {@code url:}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized FakeGitLab user(User user) {
        users.put(user.id(), user);
        return this;
    }

    public synchronized FakeGitLab user(long id, String username, boolean twoFactor) {
        return user(User.active(id, username, twoFactor));
    }

    /** Users {@code 1..count} named {@code user1...}, every tenth without 2FA. */
    public synchronized FakeGitLab users(int count) {
        for (long id = 1; id <= count; id++) {
            user(id, "user" + id, id % 10 != 0);
        }
        return this;
    }

    public synchronized FakeGitLab removeUser(long id) {
        users.remove(id);
        groups.values().forEach(members -> members.remove(id));
        return this;
    }

    /** Switches a user's 2FA on or off. */
    public synchronized FakeGitLab twoFactor(long id, boolean enabled) {
        User u = users.get(id);
        users.put(id, new User(u.id(), u.username(), enabled, u.state(), u.bot(), u.admin()));
        return this;
    }

    /** A group (by full path) with its members, and its "require 2FA" setting. */
    public synchronized FakeGitLab group(String fullPath, boolean requiresTwoFactor, long... memberIds) {
        List<Long> members = new ArrayList<>();
        for (long id : memberIds) {
            members.add(id);
        }
        groups.put(fullPath, members);
        groupRequires.put(fullPath, requiresTwoFactor);
        return this;
    }

    /** Whether the token sees {@code two_factor_enabled} (an administrator's, or a group owner's). */
    public FakeGitLab privileged(boolean value) {
        privileged = value;
        return this;
    }

    public FakeGitLab pageSize(int value) {
        pageSize = value;
        return this;
    }

    public FakeGitLab paging(Paging value) {
        paging = value;
        return this;
    }

    /** Next-page links point to this base URL instead of the fake's own. */
    public FakeGitLab linkBase(URI base) {
        linkBase = base.toString();
        return this;
    }

    /** Every request is answered with a redirect to this URL. */
    public FakeGitLab redirectTo(URI target) {
        redirectTo = target;
        return this;
    }

    /** Error bodies quote the token the request carried, as a careless proxy might. */
    public FakeGitLab echoTokenInErrors(boolean value) {
        echoTokenInErrors = value;
        return this;
    }

    /** Leaves out {@code x-total} and {@code x-total-pages}, as GitLab does for lists of more than 10,000. */
    public FakeGitLab omitTotals() {
        omitTotals = true;
        return this;
    }

    /** Page {@code page} of any list answers these statuses, one per request, then succeeds. */
    public synchronized FakeGitLab failPage(int page, Integer... statuses) {
        pageFailures.put(page, new ArrayList<>(List.of(statuses)));
        return this;
    }

    /** Runs {@code change} just before page {@code page} of a list is served: the list changes while it is read. */
    public synchronized FakeGitLab beforePage(int page, Consumer<FakeGitLab> change) {
        beforePage.put(page, change);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String sent = exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN");
            requests.add(new Request(rawPath, query, sent));
            if (redirectTo != null) {
                exchange.getResponseHeaders().set("Location", redirectTo.toString());
                send(exchange, 302, "{\"message\":\"moved\"}");
                return;
            }
            if (!token.equals(sent)) {
                send(exchange, 401, error("401 Unauthorized", sent));
                return;
            }
            if (rawPath.equals("/api/v4/users")) {
                list(exchange, rawPath, query, null);
                return;
            }
            if (rawPath.startsWith("/api/v4/groups/")) {
                String rest = rawPath.substring("/api/v4/groups/".length());
                boolean members = rest.endsWith("/members/all");
                String group = URLDecoder.decode(members ? rest.substring(0, rest.length() - "/members/all".length()) : rest,
                        StandardCharsets.UTF_8);
                synchronized (this) {
                    if (!groups.containsKey(group)) {
                        send(exchange, 404, error("404 Group Not Found", sent));
                        return;
                    }
                }
                if (members) {
                    list(exchange, rawPath, query, group);
                } else {
                    ObjectNode body = json.createObjectNode().put("id", 42).put("full_path", group);
                    synchronized (this) {
                        body.put("require_two_factor_authentication", groupRequires.get(group));
                    }
                    send(exchange, 200, body.toString());
                }
                return;
            }
            send(exchange, 404, error("404 Not Found", sent));
        }
    }

    private void list(HttpExchange exchange, String rawPath, Map<String, String> query, String group) throws IOException {
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        Consumer<FakeGitLab> change;
        Integer failure = null;
        synchronized (this) {
            change = beforePage.remove(page);
            List<Integer> failures = pageFailures.get(page);
            if (failures != null && !failures.isEmpty()) {
                failure = failures.remove(0);
            }
        }
        if (change != null) {
            change.accept(this);
        }
        if (failure != null) {
            exchange.getResponseHeaders().set("Retry-After", "0");
            send(exchange, failure, error(failure + " scripted failure", exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN")));
            return;
        }
        List<User> all = new ArrayList<>();
        synchronized (this) {
            if (group == null) {
                all.addAll(users.values());
            } else {
                groups.get(group).stream().map(users::get).forEach(all::add);
            }
        }
        int size = pageSize;
        int pages = Math.max(1, (all.size() + size - 1) / size);
        ArrayNode body = json.createArrayNode();
        for (User user : all.subList(Math.min(all.size(), (page - 1) * size), Math.min(all.size(), page * size))) {
            ObjectNode node = body.addObject()
                    .put("id", user.id())
                    .put("username", user.username())
                    .put("name", user.username().toUpperCase(java.util.Locale.ROOT))
                    .put("state", user.state())
                    .put("bot", user.bot())
                    .put("web_url", url() + "/" + user.username());
            if (group != null) {
                node.put("access_level", 30);
            }
            if (privileged) {
                node.put("two_factor_enabled", user.twoFactor());
                if (group == null) {
                    node.put("is_admin", user.admin());
                }
            }
        }
        var headers = exchange.getResponseHeaders();
        headers.set("x-page", String.valueOf(page));
        headers.set("x-per-page", String.valueOf(size));
        if (!omitTotals) {
            headers.set("x-total", String.valueOf(all.size()));
            headers.set("x-total-pages", String.valueOf(pages));
        }
        headers.set("x-next-page", page < pages ? String.valueOf(page + 1) : "");
        headers.set("x-prev-page", page > 1 ? String.valueOf(page - 1) : "");
        if (paging == Paging.LINK_AND_HEADERS) {
            List<String> links = new ArrayList<>();
            if (page < pages) {
                links.add("<" + pageUrl(rawPath, query, page + 1) + ">; rel=\"next\"");
            }
            links.add("<" + pageUrl(rawPath, query, 1) + ">; rel=\"first\"");
            if (!omitTotals) {
                links.add("<" + pageUrl(rawPath, query, pages) + ">; rel=\"last\"");
            }
            headers.set("Link", String.join(", ", links));
        }
        send(exchange, 200, body.toString());
    }

    private String pageUrl(String rawPath, Map<String, String> query, int page) {
        Map<String, String> params = new LinkedHashMap<>(query);
        params.put("page", String.valueOf(page));
        StringBuilder url = new StringBuilder(linkBase).append(rawPath).append('?');
        params.forEach((k, v) -> url.append(k).append('=').append(v).append('&'));
        return url.substring(0, url.length() - 1);
    }

    private String error(String message, String sentToken) {
        String text = echoTokenInErrors && sentToken != null ? message + " (token " + sentToken + ")" : message;
        return json.createObjectNode().put("message", text).toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                result.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return result;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
