package com.example.mfa.gitlab;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.HttpRules;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.spi.Sleeper;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A PluginContext whose time the test owns: the sleeper records each wait and moves the clock and the ticker on
 * instead of sleeping; the redactor knows the secrets given. (Until mfa-testkit's TestContext is on main.)
 */
final class ManualContext implements PluginContext {
    private final String id;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Instant start = Instant.now();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    ManualContext(String id, String... secrets) {
        this.id = id;
        this.secrets.addAll(List.of(secrets));
    }

    /** The waits so far, in order. */
    List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** Moves the clock and the ticker on, as time passing between runs. */
    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    /** A deadline {@code in} from now on this context's ticker. */
    Deadline deadline(Duration in) {
        return Deadline.after(in, nanoTime());
    }

    @Override
    public String instanceId() {
        return id;
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return start.plusNanos(nanos.get() - 1_000_000_000L);
            }
        };
    }

    @Override
    public LongSupplier nanoTime() {
        return nanos::get;
    }

    @Override
    public Sleeper sleeper() {
        return duration -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            sleeps.add(duration);
            nanos.addAndGet(duration.toNanos());
        };
    }

    @Override
    public Redactor redactor() {
        return text -> {
            if (text == null) {
                return null;
            }
            String result = text;
            for (String secret : secrets) {
                result = result.replace(secret, "****");
            }
            return result;
        };
    }

    @Override
    public HttpRules http() {
        return new HttpRules() {
            @Override
            public URI requireSecureEndpoint(String key, URI endpoint) {
                String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
                if (endpoint.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                    throw new ConfigException(id + ": property '" + key + "': '" + endpoint + "' is not an http(s) URL");
                }
                if (scheme.equals("http") && !loopback(endpoint.getHost())) {
                    throw new ConfigException(id + ": property '" + key + "': plain http to " + endpoint.getHost()
                            + " would send credentials in clear; use https (plain http is allowed only to a loopback address)");
                }
                return endpoint;
            }

            @Override
            public boolean sameOrigin(URI a, URI b) {
                return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
            }

            @Override
            public void requireSameOrigin(URI configured, URI next) {
                if (!sameOrigin(configured, next)) {
                    throw new IllegalStateException(id + ": the server sent us on to " + scheme(next) + "://" + host(next)
                            + (next.getPort() >= 0 ? ":" + next.getPort() : "") + ", another origin than the configured one;"
                            + " the credential is not sent there");
                }
            }
        };
    }

    private static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return scheme(uri).equals("https") ? 443 : scheme(uri).equals("http") ? 80 : -1;
    }
}
