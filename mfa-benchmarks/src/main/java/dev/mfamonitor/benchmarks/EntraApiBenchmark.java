package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.monitor.entra.EntraMonitorProvider;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.entra.FakeEntra;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Entra monitor's API budget and wall time against the testkit's fake Graph, with Graph's throttling modelled:
 * the identity reports (the registration report and its rows) allow 5 requests per 10 s per app and tenant and answer
 * 429 with {@code Retry-After}; Conditional Access 1 per second without {@code Retry-After}; {@code /users} is not
 * limited at these rates. Tenants of N users of which 1% have no MFA, 0.1% are disabled and 5 are admins.
 *
 * <p>Time is modelled, not slept: the monitor runs on a {@link TestContext} whose sleeper advances a virtual clock, and
 * every request advances it by the latency (default 100 ms). "modelled s" is what a real tenant would take; "real s"
 * is the real time the run took here against the loopback fake. Graph does not document the report's page size; it
 * is a parameter (default 100, the conservative guess). Runs: a first (full) run, a steady-state run with nothing
 * changed, and one after churn (0.1% of users register MFA, 0.1% arrive without it). Prints a table; asserts nothing.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.EntraApiBenchmark [--latency MS] [--report-page N] [N ...]</pre>
 */
public final class EntraApiBenchmark {
    private static final String TENANT = "4f6e2a1b-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String CLIENT = "0b7c9d8e-7f6a-4b5c-9d8e-1f2a3b4c5d6e";
    private static final String SECRET = "benchmark~client.secret-0123456789";

    private EntraApiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration latency = Duration.ofMillis(100);
        int reportPage = 100;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--latency")) {
                latency = Duration.ofMillis(Long.parseLong(args[++i]));
            } else if (args[i].equals("--report-page")) {
                reportPage = Integer.parseInt(args[++i]);
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(10_000, 100_000));
        }
        System.out.printf("Entra ID, fake Graph on loopback, %d ms latency per request, report page %d, users page 999,"
                + " reports 5 req/10 s (Retry-After), Conditional Access 1 req/s (no Retry-After)%n", latency.toMillis(), reportPage);
        System.out.printf("%-8s %-34s %9s %6s %11s %7s %9s%n", "users", "run", "requests", "429s", "modelled s", "real s", "accounts");
        for (int n : sizes) {
            run(n, latency, reportPage);
        }
    }

    private static void run(int n, Duration latency, int reportPage) throws Exception {
        TestContext context = TestContext.of("entra-benchmark").withSecretValues(SECRET);
        try (FakeEntra fake = FakeEntra.start(TENANT, CLIENT).clientSecret(SECRET).clock(context::now)) {
            fake.reportPageSize(reportPage)
                    .throttle(5, Duration.ofSeconds(10), true, Kind.REPORT, Kind.REPORT_ROW)
                    .throttle(1, Duration.ofSeconds(1), false, Kind.CONDITIONAL_ACCESS)
                    .onRequest(request -> context.advance(latency));
            fake.users(n);
            for (int i = 1; i <= n; i++) {
                if (i % 100 == 0) {
                    fake.get(FakeEntra.idOf(i)).withoutMfa();
                } else if (i % 1000 == 1) {
                    fake.get(FakeEntra.idOf(i)).accountEnabled(false);
                }
                if (i <= 5) {
                    fake.get(FakeEntra.idOf(i)).admin(true);
                }
            }
            try (Monitor monitor = monitor(fake, context)) {
                Snapshot first = measure(n, "first run (full scan)", fake, context,
                        () -> monitor.snapshot(request(Optional.empty(), true, context)));
                // Runs are a cron interval apart: the throttling window of the previous run has passed.
                context.advance(Duration.ofMinutes(15));
                Snapshot steady = measure(n, "steady state, nothing changed", fake, context,
                        () -> monitor.snapshot(request(Optional.of(first), false, context)));
                int churn = Math.max(1, n / 1000);
                for (int i = 0; i < churn; i++) {
                    fake.get(FakeEntra.idOf(100 * (i + 1))).withMfa();
                    fake.user(String.format("c%07x-0000-4000-8000-%012d", i, i), "new" + i + "@contoso.onmicrosoft.com");
                }
                context.advance(Duration.ofMinutes(15));
                measure(n, "steady state, 0.1% + 0.1% churn", fake, context,
                        () -> monitor.snapshot(request(Optional.of(steady), false, context)));
            }
        }
    }

    private interface Scan {
        Snapshot run() throws Exception;
    }

    private static Snapshot measure(int n, String run, FakeEntra fake, TestContext context, Scan scan) throws Exception {
        fake.resetRequests();
        int throttledBefore = fake.throttledCount();
        Instant virtualStart = context.now();
        long start = System.nanoTime();
        Snapshot snapshot = scan.run();
        double real = (System.nanoTime() - start) / 1e9;
        double modelled = Duration.between(virtualStart, context.now()).toMillis() / 1e3;
        System.out.printf("%-8d %-34s %9d %6d %11.1f %7.1f %9d%n", n, run, fake.graphRequests(),
                fake.throttledCount() - throttledBefore, modelled, real, snapshot.accounts().size());
        return snapshot;
    }

    private static ScanRequest request(Optional<Snapshot> previous, boolean full, TestContext context) {
        // A deadline far enough for the largest tenant: the point is to see how long it takes, not to cut it.
        return new ScanRequest(previous, full, Deadline.after(Duration.ofHours(12), context.nanoTime()));
    }

    /** The monitor as the runner builds it: through its provider, from a configuration block. */
    private static Monitor monitor(FakeEntra fake, TestContext context) {
        Map<String, Object> values = Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", "${env:ENTRA_SECRET}",
                "graphEndpoint", fake.url().toString(), "loginEndpoint", fake.url().toString());
        YamlPluginConfig config = new YamlPluginConfig("monitor", "entra-benchmark", "entra", values, Path.of("."),
                name -> name.equals("ENTRA_SECRET") ? SECRET : null);
        Monitor monitor = new EntraMonitorProvider().create(config, context);
        if (!config.unusedKeys().isEmpty()) {
            throw new IllegalStateException("unused keys " + config.unusedKeys());
        }
        return monitor;
    }
}
