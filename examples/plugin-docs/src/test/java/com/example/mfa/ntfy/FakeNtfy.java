package com.example.mfa.ntfy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An ntfy server's publish endpoint ({@code POST /TOPIC}) on loopback: 200 with the message as JSON, or the answers a
 * test scripts ({@code {"code":40101,"http":401,"error":"unauthorized"}} and the like, with optional headers).
 */
final class FakeNtfy implements AutoCloseable {
    /** One scripted answer. */
    record Answer(int status, String body, Map<String, String> headers) {
    }

    /** One message received. */
    record Message(String title, String authorization, String body) {
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer always;
    private volatile boolean silent;
    final List<Message> received = new CopyOnWriteArrayList<>();

    private FakeNtfy() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::publish);
        server.setExecutor(threads);
        server.start();
    }

    static FakeNtfy start() throws IOException {
        return new FakeNtfy();
    }

    /** The next request gets this answer (then 200s again). */
    FakeNtfy answer(int status, String body, Map<String, String> headers) {
        script.add(new Answer(status, body, headers));
        return this;
    }

    /** Every request from now on gets this answer. */
    FakeNtfy answerAlways(int status, String body, Map<String, String> headers) {
        always = new Answer(status, body, headers);
        return this;
    }

    /** Requests are read but never answered. */
    FakeNtfy neverAnswer() {
        silent = true;
        return this;
    }

    /** The server goes away: connections are refused. */
    void goDown() {
        close();
    }

    URI topic() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mfa-alerts");
    }

    private void publish(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (silent) {
            try {
                closing.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        Answer answer = always != null ? always : script.poll();
        if (answer == null) {
            received.add(new Message(exchange.getRequestHeaders().getFirst("Title"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            answer = new Answer(200, "{\"id\":\"hwQ2YpKdmg\",\"event\":\"message\",\"topic\":\"mfa-alerts\"}", Map.of());
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
