package com.example.mfa.mattermost;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Mattermost's {@code GET /api/v4/users?per_page=&page=} on loopback: a JSON array of user objects ({@code id},
 * {@code username}, {@code is_bot}, {@code delete_at}, and {@code mfa_active} when the caller may see it), an empty
 * array past the last page, and {@code {"id":..., "message":..., "status_code":...}} errors. A failing page answers
 * with the request's Authorization header in its message, as a careless proxy would, so tests see redaction work.
 */
final class FakeMattermost implements AutoCloseable {
    /** One user as the API lists it; {@code mfa} null leaves {@code mfa_active} out. */
    record User(String id, String username, Boolean mfa, boolean bot, long deleteAt) {
        static User of(String id, String username, boolean mfa) {
            return new User(id, username, mfa, false, 0);
        }

        String json() {
            return "{\"id\":\"" + id + "\",\"username\":\"" + username + "\",\"is_bot\":" + bot + ",\"delete_at\":" + deleteAt
                    + (mfa == null ? "" : ",\"mfa_active\":" + mfa) + ",\"roles\":\"system_user\"}";
        }
    }

    private final HttpServer server;
    private final String token;
    private final List<User> users = new CopyOnWriteArrayList<>();
    private final Map<Integer, Integer> failingPages = new ConcurrentHashMap<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    private FakeMattermost(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v4/users", this::users);
        server.start();
    }

    static FakeMattermost start(String token) throws IOException {
        return new FakeMattermost(token);
    }

    FakeMattermost user(User user) {
        users.add(user);
        return this;
    }

    /** {@code count} users, {@code u0000}..., every third without MFA. */
    FakeMattermost users(int count) {
        for (int i = 0; i < count; i++) {
            users.add(User.of("id" + i, String.format("u%04d", i), i % 3 != 0));
        }
        return this;
    }

    /** Page {@code page} (from 0) answers {@code status} from now on. */
    FakeMattermost failPage(int page, int status) {
        failingPages.put(page, status);
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void users(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        if (!("Bearer " + token).equals(authorization)) {
            answer(exchange, 401, error("api.context.session_expired.app_error", "Invalid or expired session, please login again.", 401));
            return;
        }
        Map<String, String> query = new ConcurrentHashMap<>();
        for (String pair : String.valueOf(exchange.getRequestURI().getRawQuery()).split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "60"));
        int page = Integer.parseInt(query.getOrDefault("page", "0"));
        Integer failure = failingPages.get(page);
        if (failure != null) {
            answer(exchange, failure, error("app.user.get.app_error", "database busy for " + authorization, failure));
            return;
        }
        List<String> listed = new ArrayList<>();
        for (int i = page * perPage; i < Math.min(users.size(), (page + 1) * perPage); i++) {
            listed.add(users.get(i).json());
        }
        answer(exchange, 200, "[" + String.join(",", listed) + "]");
    }

    private static String error(String id, String message, int status) {
        return "{\"id\":\"" + id + "\",\"message\":\"" + message + "\",\"status_code\":" + status + "}";
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
