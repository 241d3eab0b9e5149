package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.testkit.TestContext;
import com.sun.net.httpserver.HttpServer;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * AWS answers SignatureDoesNotMatch with the canonical request in the message, and that includes the
 * x-amz-security-token header of the caller's session credentials, which are not a configured secret (instance role,
 * web identity, AWS_SESSION_TOKEN). Such text never reaches a failure message or a gap reason.
 */
class SessionTokenNeverLeaksTest {
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjCANARYSESSIONTOKEN0123456789";
    HttpServer server;
    final TestContext context = TestContext.at("aws-test", Instant.now());

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String token = exchange.getRequestHeaders().getFirst("x-amz-security-token");
            String body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                    + "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the "
                    + "signature you provided. The Canonical String for this request should have been 'POST\n/\n\n"
                    + "host:sts.amazonaws.com\nx-amz-date:20260101T000000Z\nx-amz-security-token:" + token
                    + "\n'</Message></Error><RequestId>1</RequestId></ErrorResponse>";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(403, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        // The default chain's first source: what an instance/container role or AWS_SESSION_TOKEN provides.
        System.setProperty("aws.accessKeyId", "ASIAEXAMPLE");
        System.setProperty("aws.secretAccessKey", "basesecret");
        System.setProperty("aws.sessionToken", SESSION_TOKEN);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
    }

    private AwsMonitor monitor(Map<String, Object> extra) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
        values.putAll(extra);
        YamlPluginConfig config = new YamlPluginConfig("monitor", "aws-test", "aws", values, Path.of("."), name -> null);
        return new AwsMonitorProvider().create(config, context);
    }

    @Test
    void singleAccountFailureMessageHasNoSessionToken() throws Exception {
        try (AwsMonitor monitor = monitor(Map.of("roleArn", "arn:aws:iam::222222222222:role/R"))) {
            Throwable failure = catchThrowable(() -> monitor.snapshot(
                    new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofSeconds(30), context.nanoTime()))));
            assertThat(failure).isNotNull();
            assertThat(failure.getMessage()).doesNotContain(SESSION_TOKEN);
        }
    }

    @Test
    void gapReasonHasNoSessionToken() throws Exception {
        try (AwsMonitor monitor = monitor(Map.of("accounts", List.of("arn:aws:iam::222222222222:role/R",
                "arn:aws:iam::333333333333:role/R")))) {
            Throwable failure = catchThrowable(() -> monitor.snapshot(
                    new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofSeconds(30), context.nanoTime()))));
            // Both accounts fail: the monitor's message quotes the first gap's reason.
            assertThat(failure).isNotNull();
            assertThat(failure.getMessage()).doesNotContain(SESSION_TOKEN);
        }
    }
}
