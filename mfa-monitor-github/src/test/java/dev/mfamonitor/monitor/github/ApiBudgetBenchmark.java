package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;

import java.util.Map;

/**
 * The API budget of a first (full) run and a steady-state run against the fake GitHub, for N = 10,000 and 50,000
 * members of which 1% have no 2FA (and no outside collaborators, no insecure 2FA). Prints figures; asserts nothing.
 *
 * <p>exec:java with {@code -am} also runs in the parent and the core module, where the class is missing, so the command
 * is two steps (see the module README):
 * <pre>
 * mvn -q -B -pl mfa-monitor-github -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * M=mfa-monitor-github/target; java -cp $M/test-classes:$M/classes:$(cat $M/test-classpath.txt) \
 *     dev.mfamonitor.monitor.github.ApiBudgetBenchmark [N ...]
 * </pre>
 */
public final class ApiBudgetBenchmark {
    private ApiBudgetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {10_000, 50_000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("%-8s %-14s %9s %9s %12s%n", "N", "run", "requests", "expected", "wall ms");
        for (int n : sizes) {
            try (FakeGitHub fake = FakeGitHub.start(GitHubFixture.ORG).token(GitHubFixture.TOKEN, true)) {
                int disabled = 0;
                for (int id = 1; id <= n; id++) {
                    boolean without = id % 100 == 0;
                    disabled += without ? 1 : 0;
                    fake.member(id, "user" + id, without ? TwoFactor.DISABLED : TwoFactor.ENABLED, id <= 5);
                }
                GitHubFixture fx = new GitHubFixture(fake);
                try (Monitor monitor = fx.monitor(Map.of())) {
                    long start = System.nanoTime();
                    Snapshot first = monitor.snapshot(fx.first());
                    long firstMs = (System.nanoTime() - start) / 1_000_000;
                    int firstRequests = fake.requestCount();
                    // org + disabled + insecure + outside disabled + outside insecure + all members + owners + all outside
                    int firstExpected = 1 + GitHubFixture.pages(disabled) + 1 + 1 + 1 + GitHubFixture.pages(n) + 1 + 1;
                    System.out.printf("%-8d %-14s %9d %9d %12d%n", n, "first (full)", firstRequests, firstExpected, firstMs);

                    fake.resetRequests();
                    start = System.nanoTime();
                    Snapshot steady = monitor.snapshot(fx.after(first));
                    long steadyMs = (System.nanoTime() - start) / 1_000_000;
                    // ceil(D/100) + ceil(C/100) + ceil(W/100) + ceil(Wc/100) + 1 + k, with C = W = Wc = 0 (one empty page
                    // each) and k = 0
                    int steadyExpected = GitHubFixture.pages(disabled) + 1 + 1 + 1 + 1;
                    System.out.printf("%-8d %-14s %9d %9d %12d%n", n, "steady state", fake.requestCount(), steadyExpected, steadyMs);
                    if (steady.accounts().size() != n || first.accounts().size() != n) {
                        throw new IllegalStateException("expected " + n + " accounts, saw " + first.accounts().size()
                                + " then " + steady.accounts().size());
                    }
                }
            }
        }
    }
}
