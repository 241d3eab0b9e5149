package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.aws.FakeAwsServer;
import dev.mfamonitor.testkit.aws.FakeIamUser;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ListUsersResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The API budget, as a command that prints figures (not a test): the monitor's report-based scan against the per-user
 * approach of the original tool (ListUsers, then GetLoginProfile and ListMFADevices for every user), both with the
 * real SDK against the same fake endpoint with the same injected latency.
 *
 * <pre>
 * mvn -q -B -pl mfa-monitor-aws -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.mfamonitor.monitor.aws.AwsApiBudgetBenchmark [-Dexec.args="20"]   # latency in ms
 * </pre>
 */
public final class AwsApiBudgetBenchmark {
    private static final String MGMT = "100000000000";
    /** The per-user approach gets the same parallelism per account the monitor gets across accounts, and no less. */
    private static final int PER_USER_THREADS = 8;

    private AwsApiBudgetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int latencyMs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        // Warm-up: the first SDK client of a JVM spends seconds loading classes; keep that out of the figures.
        runQuietly(latencyMs);
        System.out.printf("latency %d ms per call; per-user approach with %d concurrent calls per account%n%n", latencyMs, PER_USER_THREADS);
        System.out.printf("%-22s | %-26s | %-26s%n", "scenario", "report-based: calls, time", "per-user: calls, time");
        System.out.println("-".repeat(80));
        run("1 account, 100 users", 1, 100, latencyMs);
        run("1 account, 1,000 users", 1, 1000, latencyMs);
        run("1 account, 5,000 users", 1, 5000, latencyMs);
        run("20 accounts, 100 each", 20, 100, latencyMs);
        System.exit(0);
    }

    private static void runQuietly(int latencyMs) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            run("warm-up", 2, 10, latencyMs);
        } finally {
            System.setOut(out);
        }
    }

    private static void run(String name, int accounts, int usersPerAccount, int latencyMs) throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start(MGMT)) {
            List<String> roles = new ArrayList<>();
            for (int a = 0; a < accounts; a++) {
                String id = accounts == 1 ? MGMT : String.format("2000000000%02d", a);
                if (accounts > 1) {
                    roles.add("arn:aws:iam::" + id + ":role/MfaMonitorReadOnly");
                }
                for (int u = 0; u < usersPerAccount; u++) {
                    FakeIamUser.Mfa mfa = u % 3 == 0 ? FakeIamUser.Mfa.VIRTUAL : u % 3 == 1 ? FakeIamUser.Mfa.HARDWARE : FakeIamUser.Mfa.NONE;
                    fake.account(id).addUser(u % 10 == 9 ? FakeIamUser.programmatic("svc" + u, Instant.parse("2020-01-01T00:00:00Z"))
                            : FakeIamUser.console("user" + u, Instant.parse("2020-01-01T00:00:00Z"), mfa));
                }
                fake.account(id).reportNeedsPolls(1);
            }
            fake.latency(Duration.ofMillis(latencyMs));

            fake.resetCalls();
            long start = System.nanoTime();
            Snapshot snapshot = reportBased(fake, roles);
            long reportMs = (System.nanoTime() - start) / 1_000_000;
            int reportCalls = fake.totalCalls();
            long withoutMfa = snapshot.accounts().stream().filter(a -> a.mfa() == MfaStatus.DISABLED && a.kind().equals("iam-user")).count();

            fake.resetCalls();
            start = System.nanoTime();
            long perUserWithoutMfa = perUser(fake, roles);
            long perUserMs = (System.nanoTime() - start) / 1_000_000;
            int perUserCalls = fake.totalCalls();
            if (perUserWithoutMfa != withoutMfa) {
                throw new IllegalStateException("the two approaches disagree: " + withoutMfa + " vs " + perUserWithoutMfa);
            }
            System.out.printf("%-22s | %7d calls %9.2f s | %7d calls %9.2f s%n", name, reportCalls, reportMs / 1000.0,
                    perUserCalls, perUserMs / 1000.0);
        }
    }

    private static Snapshot reportBased(FakeAwsServer fake, List<String> roles) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("endpoint", fake.endpoint().toString());
        values.put("accessKeyId", "AKIDTEST");
        values.put("secretAccessKey", "secret");
        values.put("concurrency", 4);
        if (!roles.isEmpty()) {
            values.put("accounts", roles);
        }
        YamlPluginConfig config = new YamlPluginConfig("monitor", "bench", "aws", values, Path.of("."), n -> null);
        // Report polls are recorded, not slept: the wall time printed is that of the calls alone.
        TestContext context = TestContext.at("bench", Instant.now());
        try (AwsMonitor monitor = new AwsMonitorProvider().create(config, context)) {
            Snapshot snapshot = monitor.snapshot(new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(10), context.nanoTime())));
            if (!snapshot.complete()) {
                throw new IllegalStateException("incomplete snapshot: " + snapshot.gaps());
            }
            return snapshot;
        }
    }

    /** The original tool's way, without its bugs: every page of ListUsers, then two calls per user. */
    private static long perUser(FakeAwsServer fake, List<String> roles) throws Exception {
        SdkHttpClient http = UrlConnectionHttpClient.create();
        ExecutorService pool = Executors.newFixedThreadPool(PER_USER_THREADS);
        try {
            StaticCredentialsProvider base = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
            List<StaticCredentialsProvider> perAccount = new ArrayList<>();
            if (roles.isEmpty()) {
                perAccount.add(base);
            } else {
                try (StsClient sts = StsClient.builder().httpClient(http).endpointOverride(fake.endpoint()).region(Region.AWS_GLOBAL)
                        .credentialsProvider(base).build()) {
                    for (String role : roles) {
                        Credentials c = sts.assumeRole(r -> r.roleArn(role).roleSessionName("bench")).credentials();
                        perAccount.add(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(),
                                c.secretAccessKey(), c.sessionToken())));
                    }
                }
            }
            long withoutMfa = 0;
            for (StaticCredentialsProvider credentials : perAccount) {
                try (IamClient iam = IamClient.builder().httpClient(http).endpointOverride(fake.endpoint()).region(Region.AWS_GLOBAL)
                        .credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build()) {
                    List<User> users = new ArrayList<>();
                    String marker = null;
                    do {
                        String from = marker;
                        ListUsersResponse page = iam.listUsers(r -> r.maxItems(1000).marker(from));
                        users.addAll(page.users());
                        marker = Boolean.TRUE.equals(page.isTruncated()) ? page.marker() : null;
                    } while (marker != null);
                    List<Future<Boolean>> findings = new ArrayList<>();
                    for (User user : users) {
                        findings.add(pool.submit(() -> {
                            boolean console;
                            try {
                                iam.getLoginProfile(r -> r.userName(user.userName()));
                                console = true;
                            } catch (NoSuchEntityException e) {
                                console = false;
                            }
                            boolean mfa = !iam.listMFADevices(r -> r.userName(user.userName())).mfaDevices().isEmpty();
                            return console && !mfa;
                        }));
                    }
                    for (Future<Boolean> finding : findings) {
                        if (finding.get()) {
                            withoutMfa++;
                        }
                    }
                }
            }
            return withoutMfa;
        } finally {
            pool.shutdownNow();
            http.close();
        }
    }
}
