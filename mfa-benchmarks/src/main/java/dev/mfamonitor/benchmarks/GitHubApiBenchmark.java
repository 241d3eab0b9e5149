package dev.mfamonitor.benchmarks;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.monitor.github.GitHubMonitorProvider;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;

import org.kohsuke.github.GHUser;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The GitHub monitor's API budget and wall time against the testkit's fake GitHub with a fixed latency per request
 * (default 50 ms, about what api.github.com answers in from Europe), for organisations of N members of which 1% have
 * no 2FA and 5 are owners: a first (full) run, a steady-state run, and beside them a naive full listing of the
 * members through github-api's default iteration (page size 30), as a tool that simply lists everyone would do.
 * Requests are served one at a time, as GitHub asks of integrations. Prints a table; asserts nothing.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.GitHubApiBenchmark [--latency MS] [N ...]</pre>
 *
 * 50,000 members take about two minutes of wall time at 50 ms (the naive listing alone is about 1,700 requests).
 */
public final class GitHubApiBenchmark {
    private static final String ORG = "acme";
    private static final String TOKEN = "ghp_benchmark0123456789abcdefTOKEN";

    private GitHubApiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration latency = Duration.ofMillis(50);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--latency")) {
                latency = Duration.ofMillis(Long.parseLong(args[++i]));
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes.addAll(List.of(10_000, 50_000));
        }
        System.out.printf("GitHub, fake server on loopback, %d ms latency per request%n", latency.toMillis());
        System.out.printf("%-8s %-38s %9s %10s %9s%n", "members", "run", "requests", "wall s", "accounts");
        for (int n : sizes) {
            try (FakeGitHub fake = FakeGitHub.start(ORG).token(TOKEN, true)) {
                for (int id = 1; id <= n; id++) {
                    fake.member(id, "user" + id, id % 100 == 0 ? TwoFactor.DISABLED : TwoFactor.ENABLED, id <= 5);
                }
                fake.latency(latency);
                try (Monitor monitor = monitor(fake)) {
                    Deadline deadline = Deadline.after(Duration.ofMinutes(30), System::nanoTime);
                    fake.resetRequests();
                    long start = System.nanoTime();
                    Snapshot first = monitor.snapshot(new ScanRequest(Optional.empty(), true, deadline));
                    print(n, "mfa-monitor first run (full scan)", fake.requestCount(), start, first.accounts().size());

                    fake.resetRequests();
                    start = System.nanoTime();
                    Snapshot steady = monitor.snapshot(new ScanRequest(Optional.of(first), false, deadline));
                    print(n, "mfa-monitor steady state", fake.requestCount(), start, steady.accounts().size());
                }

                fake.resetRequests();
                long start = System.nanoTime();
                GitHub github = new GitHubBuilder().withEndpoint(fake.endpoint()).withOAuthToken(TOKEN).build();
                int listed = 0;
                for (GHUser ignored : github.getOrganization(ORG).listMembers()) {
                    listed++;
                }
                print(n, "naive: listMembers(), default paging", fake.requestCount(), start, listed);
            }
        }
    }

    /** The monitor as the runner builds it: through its provider, from a configuration block, with a real-time context. */
    private static Monitor monitor(FakeGitHub fake) {
        Map<String, Object> values = Map.of("organization", ORG, "token", "${env:GITHUB_TOKEN}", "endpoint", fake.endpoint());
        YamlPluginConfig config = new YamlPluginConfig("monitor", "github-acme", "github", values, Path.of("."),
                name -> name.equals("GITHUB_TOKEN") ? TOKEN : null);
        SecretRedactor redactor = new SecretRedactor();
        redactor.add(TOKEN);
        Monitor monitor = new GitHubMonitorProvider().create(config,
                EnginePluginContext.system("github-acme", config.describe(), redactor));
        config.requireAllUsed();
        return monitor;
    }

    private static void print(int n, String run, int requests, long startNanos, int accounts) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-8d %-38s %9d %10.1f %9d%n", n, run, requests, seconds, accounts);
    }
}
