package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.aws.FakeAwsServer;
import dev.mfamonitor.testkit.aws.FakeIamUser;
import dev.mfamonitor.testkit.aws.FakeIamUser.Mfa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12, items 11 and 13 (item 12 is in {@link AwsMonitorProviderTest}). */
class AwsHardeningTest {
    static final String MGMT = "111111111111";
    static final String BASE_SESSION_TOKEN = "IQoJb3JpZ2luX2VjCANARYbaseSESSIONtoken0123456789";
    static final String ROLE_SESSION_TOKEN = "FQoGCANARYroleSESSIONtoken-";
    static final String BASE_SECRET = "canaryBASEsecretKey0123456789abcdef";
    static final String ROLE_SECRET = "canaryROLEsecretKey0123456789abcdef";

    FakeAwsServer fake;
    final TestContext context = TestContext.at("aws-test", Instant.now());

    @BeforeEach
    void start() throws Exception {
        fake = FakeAwsServer.start(MGMT);
        fake.managementAccount().addUser(FakeIamUser.console("alice", Instant.parse("2020-01-01T00:00:00Z"), Mfa.HARDWARE));
        fake.account("222222222222").addUser(FakeIamUser.console("bob", Instant.parse("2020-01-01T00:00:00Z"), Mfa.NONE));
    }

    @AfterEach
    void stop() {
        fake.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
    }

    private AwsMonitor monitor(Map<String, Object> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("endpoint", fake.endpoint().toString());
        values.putAll(extra);
        YamlPluginConfig config = new YamlPluginConfig("monitor", "aws-test", "aws", values, Path.of("."),
                name -> name.equals("X") ? "secretX" : null);
        AwsMonitor monitor = new AwsMonitorProvider().create(config, context);
        config.requireAllUsed();
        return monitor;
    }

    private ScanRequest request() {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(1), context.nanoTime()));
    }

    /**
     * Item 11: under {@code -v} (the runner's own logging configuration, with the root at DEBUG as {@code Main -v}
     * sets it), neither the session token of the base credentials (AWS_SESSION_TOKEN, an instance role) nor that of an
     * assumed role, nor a secret key, appears in any log line. At DEBUG the SDK's signer prints the canonical request,
     * {@code x-amz-security-token} included, and no library setting turns that off: the runner's configuration keeps
     * third-party loggers at INFO, and this test runs that very file.
     */
    @Test
    void underVerboseLoggingNoSessionTokenOrSecretKeyIsLogged() throws Exception {
        System.setProperty("aws.accessKeyId", "ASIABASECANARY");
        System.setProperty("aws.secretAccessKey", BASE_SECRET);
        System.setProperty("aws.sessionToken", BASE_SESSION_TOKEN);
        fake.sessionTokenPrefix(ROLE_SESSION_TOKEN);
        fake.sessionSecret(ROLE_SECRET);
        List<String> lines;
        try (RunnerLogging logs = RunnerLogging.verbose(); AwsMonitor monitor = monitor(Map.of("accounts",
                List.of("arn:aws:iam::222222222222:role/MfaMonitorReadOnly")))) {
            org.slf4j.LoggerFactory.getLogger(AwsHardeningTest.class).debug("verbose is on");
            Snapshot snapshot = monitor.snapshot(request());
            assertThat(snapshot.complete()).as(snapshot.gaps().toString()).isTrue();
            assertThat(snapshot.accounts()).extracting(a -> a.name()).contains("bob");
            lines = logs.lines();
        }
        // -v did turn DEBUG on (so the check below means something) ...
        assertThat(lines).contains("DEBUG " + AwsHardeningTest.class.getName() + " - verbose is on");
        // ... and no line carries a credential.
        assertThat(lines).noneMatch(line -> line.contains(BASE_SESSION_TOKEN) || line.contains(ROLE_SESSION_TOKEN)
                || line.contains(BASE_SECRET) || line.contains(ROLE_SECRET));
    }

    /** Item 13: a redirect from IAM is said as such, never a NullPointerException. */
    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308})
    void aRedirectFromIamSaysWhatHappened(int status) {
        fake.redirect("GenerateCredentialReport", status);
        try (AwsMonitor monitor = monitor(Map.of("accessKeyId", "AKIDTEST", "secretAccessKey", "${env:X}"))) {
            assertThatThrownBy(() -> monitor.snapshot(request()))
                    .isInstanceOf(AwsMonitorException.class)
                    .hasMessage("monitor 'aws-test': AWS answered " + status + " (a redirect to https://login.example.net) "
                            + "to iam:GenerateCredentialReport in the account of the monitor's credentials: redirects are not "
                            + "followed, so the request and its signature stay with the endpoint " + fake.endpoint()
                            + ". Check endpoint: (or a proxy between the monitor and AWS)");
        }
    }
}
