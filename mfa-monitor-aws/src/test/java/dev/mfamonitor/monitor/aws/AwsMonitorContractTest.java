package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.testkit.MonitorContract;
import dev.mfamonitor.testkit.aws.FakeAwsServer;
import dev.mfamonitor.testkit.aws.FakeIamUser;
import dev.mfamonitor.testkit.aws.FakeIamUser.Mfa;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS monitor against mfa-testkit's monitor contract: two accounts read through their roles, one of which stops
 * letting the monitor in.
 */
class AwsMonitorContractTest extends MonitorContract {
    static final String SECRET = "canaryContractSecretKey0123456789abcdef";
    private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");
    private final FakeAwsServer fake;
    private final TestContext context = TestContext.at("aws-contract", Instant.now()).withSecretValues(SECRET);

    AwsMonitorContractTest() throws Exception {
        fake = FakeAwsServer.start("111111111111");
        fake.account("222222222222").addUser(FakeIamUser.console("alice", T0, Mfa.HARDWARE))
                .addUser(FakeIamUser.console("bob", T0, Mfa.NONE));
        fake.account("333333333333").addUser(FakeIamUser.console("carol", T0, Mfa.VIRTUAL))
                .addUser(FakeIamUser.programmatic("ci", T0));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Override
    protected Monitor createMonitor() {
        YamlPluginConfig config = new YamlPluginConfig("monitor", "aws-contract", "aws", Map.of(
                "endpoint", fake.endpoint().toString(), "accessKeyId", "AKIDCONTRACT", "secretAccessKey", "${env:AWS_SECRET}",
                "accounts", List.of("arn:aws:iam::222222222222:role/MfaMonitorReadOnly",
                        "arn:aws:iam::333333333333:role/MfaMonitorReadOnly")),
                Path.of("."), name -> name.equals("AWS_SECRET") ? SECRET : null);
        Monitor monitor = new AwsMonitorProvider().create(config, context);
        config.requireAllUsed();
        return monitor;
    }

    @Override
    protected ScanRequest firstRun() {
        return new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofMinutes(1), context.nanoTime()));
    }

    /** Account 333333333333 no longer lets the monitor assume its role. */
    @Override
    protected void breakPartOfSource() {
        fake.account("333333333333").denyAssumeRole();
    }

    @Override
    protected boolean reportsProgress() {
        return true;
    }

    @Override
    protected Optional<String> secretCanary() {
        return Optional.of(SECRET);
    }

    /** SigV4 never sends the secret key, so no server can quote it back: nothing to do. */
    @Override
    protected void makeSourceEchoTheSecret() {
    }
}
