package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.monitor.google.GoogleWorkspaceMonitorProvider;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.testkit.google.FakeGoogleWorkspace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Google Workspace monitor's API budget and wall time against the testkit's fake Directory API and token endpoint,
 * for customers of N users: a first run (a new process: one token, ceil(N/500) pages), a steady-state run of the same
 * daemon an hour later with nothing changed (the token is renewed: it lives an hour), and a steady-state run in which
 * 0.1% of the users newly look disabled (one users.get each to confirm). Prints a table; asserts nothing.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.GoogleWorkspaceApiBenchmark [--latency MS] [N ...]</pre>
 */
public final class GoogleWorkspaceApiBenchmark {

    private GoogleWorkspaceApiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration latency = Duration.ZERO;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--latency")) {
                latency = Duration.ofMillis(Long.parseLong(args[++i]));
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(10_000, 100_000));
        }
        System.out.printf("Google Workspace, fake Directory API on loopback, %d ms latency per request, pages of 500%n",
                latency.toMillis());
        System.out.printf("%-8s %-44s %6s %6s %6s %9s %8s%n", "users", "run", "token", "pages", "gets", "wall ms", "accounts");
        for (int n : sizes) {
            try (FakeGoogleWorkspace fake = FakeGoogleWorkspace.start()) {
                TestContext context = TestContext.of("workspace-bench");
                fake.clock(context::now);
                fake.addUser("100000000000000000000", fake.adminEmail()).admin(true);
                fake.users(n - 1);
                String key = fake.serviceAccountKeyJson();
                context.withSecretValues(key);
                YamlPluginConfig config = new YamlPluginConfig("monitor", "workspace-bench", "google-workspace",
                        Map.of("serviceAccountKey", "${env:KEY}", "adminEmail", fake.adminEmail(),
                                "endpoint", fake.endpoint().toString()),
                        Path.of("."), name -> name.equals("KEY") ? key : null);
                // Warm the JVM (and the JIT) on a small read first, so that the first row is not mostly class loading.
                try (Monitor warm = new GoogleWorkspaceMonitorProvider().create(config, context)) {
                    fake.latency(Duration.ZERO);
                    warm.snapshot(request(Optional.empty(), context));
                }
                fake.latency(latency);
                try (Monitor monitor = new GoogleWorkspaceMonitorProvider().create(config, context)) {
                    context.advance(Duration.ofHours(2));
                    Snapshot first = row(n, "first run (new process)", fake, monitor, Optional.empty(), context);
                    context.advance(Duration.ofHours(1));
                    Snapshot steady = row(n, "steady state 1 h later, unchanged (new token)", fake, monitor, Optional.of(first), context);
                    int disabled = Math.max(1, n / 1000);
                    for (int i = 1; i <= disabled; i++) {
                        fake.userAt(i * (n / disabled) - 1).enrolled(false);
                    }
                    context.advance(Duration.ofMinutes(15));
                    row(n, "steady state, " + disabled + " newly without 2SV (token kept)", fake, monitor, Optional.of(steady), context);
                }
            }
        }
    }

    private static ScanRequest request(Optional<Snapshot> previous, TestContext context) {
        return new ScanRequest(previous, previous.isEmpty(), Deadline.after(Duration.ofMinutes(30), context.nanoTime()));
    }

    private static Snapshot row(int n, String run, FakeGoogleWorkspace fake, Monitor monitor, Optional<Snapshot> previous,
                                TestContext context) throws Exception {
        int tokens = fake.tokenRequests();
        int lists = fake.listRequests();
        int gets = fake.getRequests();
        long start = System.nanoTime();
        Snapshot snapshot = monitor.snapshot(request(previous, context));
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%-8d %-44s %6d %6d %6d %9d %8d%n", n, run, fake.tokenRequests() - tokens,
                fake.listRequests() - lists, fake.getRequests() - gets, wallMillis, snapshot.accounts().size());
        return snapshot;
    }
}
