package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.monitor.okta.OktaMonitorProvider;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Bucket;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Okta monitor's API budget and wall time against the testkit's fake Okta, with Okta's per-minute rate limits
 * modelled and the monitor keeping its default 20% of each bucket free. Orgs of N users (1% without MFA, 0.5% admins);
 * between two runs 1% of the users change (half enrol a factor, half have theirs reset). Runs: the first (full) run; a
 * steady-state run after 1% changed; and, beside it, the naive approach: a full read on every run, after the same 1%
 * change. Runs are 15 minutes apart (the previous run's rate-limit windows have passed).
 *
 * <p>Time is modelled, not slept: the monitor runs on a {@link TestContext} whose sleeper advances a virtual clock (the
 * fake's rate-limit windows run on it), and every request advances it by the latency (default 100 ms). "modelled s" is
 * what a real org would take; "real s" the time the run took here against the loopback fake. Okta's per-endpoint limits
 * differ by edition and org (Admin Console > Reports > Rate Limits); the defaults here are parameters: 600 a minute for
 * the users listing and for a user and its factors, 120 for the System Log, 100 for role assignments. Prints a table;
 * asserts nothing.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.OktaApiBenchmark [--latency MS]
 *     [--users-limit N] [--user-limit N] [--logs-limit N] [N ...]</pre>
 */
public final class OktaApiBenchmark {
    private static final String TOKEN = "benchmark-okta-api-token-0123456789";

    private OktaApiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration latency = Duration.ofMillis(100);
        int usersLimit = 600;
        int userLimit = 600;
        int logsLimit = 120;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--latency" -> latency = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--users-limit" -> usersLimit = Integer.parseInt(args[++i]);
                case "--user-limit" -> userLimit = Integer.parseInt(args[++i]);
                case "--logs-limit" -> logsLimit = Integer.parseInt(args[++i]);
                default -> sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(1_000, 20_000));
        }
        System.out.printf("Okta, fake org on loopback, %d ms latency per request; rate limits per minute: /api/v1/users %d,"
                + " /api/v1/users/{id} (factors) %d, /api/v1/logs %d, /api/v1/iam 100; 20%% of each kept free%n",
                latency.toMillis(), usersLimit, userLimit, logsLimit);
        System.out.printf("%-7s %-36s %9s %6s %7s %11s %7s %9s%n", "users", "run", "requests", "429s", "waits",
                "modelled s", "real s", "accounts");
        for (int n : sizes) {
            run(n, latency, usersLimit, userLimit, logsLimit);
        }
    }

    private static void run(int n, Duration latency, int usersLimit, int userLimit, int logsLimit) throws Exception {
        TestContext context = TestContext.of("okta-benchmark").withSecretValues(TOKEN);
        try (FakeOkta fake = FakeOkta.start().apiToken(TOKEN).clock(context::now)) {
            fake.rateLimit(Bucket.USERS, usersLimit).rateLimit(Bucket.USER, userLimit).rateLimit(Bucket.LOGS, logsLimit)
                    .rateLimit(Bucket.ROLES, 100).onRequest(request -> context.advance(latency));
            fake.users(n);
            for (int i = 1; i <= n; i++) {
                if (i % 100 == 50) {
                    fake.get(FakeOkta.idOf(i)).clearFactors();
                }
                if (i % 200 == 1) {
                    fake.get(FakeOkta.idOf(i)).admin(true);
                }
            }
            try (Monitor steadyMonitor = monitor(fake, context); Monitor naiveMonitor = monitor(fake, context)) {
                Snapshot first = measure(n, "first run (full read)", fake, context,
                        () -> steadyMonitor.snapshot(request(Optional.empty(), true, context)));
                churn(fake, n, 0);
                context.advance(Duration.ofMinutes(15));
                measure(n, "steady state, 1% changed", fake, context,
                        () -> steadyMonitor.snapshot(request(Optional.of(first), false, context)));
                churn(fake, n, 1);
                context.advance(Duration.ofMinutes(15));
                measure(n, "naive: full read every run, 1% changed", fake, context,
                        () -> naiveMonitor.snapshot(request(Optional.of(first), true, context)));
            }
        }
    }

    /** 1% of the users change: half enrol a factor (those without one first), half have their factors reset. */
    private static void churn(FakeOkta fake, int n, int round) {
        int changes = Math.max(1, n / 100);
        for (int c = 0; c < changes; c++) {
            int i = 1 + (int) ((long) (c * 97 + round * 13) * 101 % n);
            if (c % 2 == 0) {
                fake.activateFactor(FakeOkta.idOf(i), "token:software:totp");
            } else {
                fake.resetFactors(FakeOkta.idOf(i));
            }
        }
    }

    private interface Scan {
        Snapshot run() throws Exception;
    }

    private static Snapshot measure(int n, String run, FakeOkta fake, TestContext context, Scan scan) throws Exception {
        fake.resetRequests();
        int throttledBefore = fake.throttledCount();
        int sleepsBefore = context.sleeps().size();
        Instant virtualStart = context.now();
        long start = System.nanoTime();
        Snapshot snapshot = scan.run();
        double real = (System.nanoTime() - start) / 1e9;
        double modelled = Duration.between(virtualStart, context.now()).toMillis() / 1e3;
        System.out.printf("%-7d %-36s %9d %6d %7d %11.1f %7.1f %9d%n", n, run, fake.requests().size(),
                fake.throttledCount() - throttledBefore, context.sleeps().size() - sleepsBefore, modelled, real,
                snapshot.accounts().size());
        if (fake.count(Kind.TOKEN) > 0) {
            throw new IllegalStateException("an API token needs no token request");
        }
        return snapshot;
    }

    private static ScanRequest request(Optional<Snapshot> previous, boolean full, TestContext context) {
        // A deadline far enough for the largest org: the point is to see how long it takes, not to cut it.
        return new ScanRequest(previous, full, Deadline.after(Duration.ofHours(12), context.nanoTime()));
    }

    /** The monitor as the runner builds it: through its provider, from a configuration block. */
    private static Monitor monitor(FakeOkta fake, TestContext context) {
        Map<String, Object> values = Map.of("orgUrl", fake.url().toString(), "token", "${env:OKTA_TOKEN}");
        YamlPluginConfig config = new YamlPluginConfig("monitor", "okta-benchmark", "okta", values, Path.of("."),
                name -> name.equals("OKTA_TOKEN") ? TOKEN : null);
        Monitor monitor = new OktaMonitorProvider().create(config, context);
        if (!config.unusedKeys().isEmpty()) {
            throw new IllegalStateException("unused keys " + config.unusedKeys());
        }
        return monitor;
    }
}
