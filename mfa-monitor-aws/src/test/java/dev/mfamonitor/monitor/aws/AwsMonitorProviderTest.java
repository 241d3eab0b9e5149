package dev.mfamonitor.monitor.aws;

import java.time.Instant;
import dev.mfamonitor.testkit.TestContext;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.testkit.aws.FakeAwsServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsMonitorProviderTest {

    static final TestContext CONTEXT = TestContext.at("aws-prod", Instant.now());

    static YamlPluginConfig config(Map<String, Object> values) {
        return new YamlPluginConfig("monitor", "aws-prod", "aws", values, Path.of("."), n -> null);
    }

    @Test
    void isFoundByServiceLoaderUnderTypeAws() {
        assertThat(ServiceLoader.load(MonitorProvider.class).stream().map(p -> p.get().type())).contains("aws");
    }

    @Test
    void aMisspeltKeyIsReportedWithTheKnownOnes() {
        YamlPluginConfig config = config(Map.of("rolArn", "x"));
        try (Monitor ignored = new AwsMonitorProvider().create(config, CONTEXT)) {
            assertThatThrownBy(config::requireAllUsed).isInstanceOf(ConfigException.class)
                    .hasMessage("property 'rolArn' is not used by monitor 'aws-prod' (type aws); known: accessKeyId, accounts, "
                            + "concurrency, deviceTypes, endpoint, externalId, organization, region, roleArn, roleSessionName, "
                            + "scope, secretAccessKey");
        }
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        AwsMonitorProvider provider = new AwsMonitorProvider();
        assertThatThrownBy(() -> provider.create(config(Map.of("roleArn", "arn:aws:iam::12:user/x")), CONTEXT))
                .hasMessage("monitor 'aws-prod' (type aws): property 'roleArn': 'arn:aws:iam::12:user/x' is not an IAM role ARN "
                        + "such as arn:aws:iam::123456789012:role/MfaMonitorReadOnly");
        assertThatThrownBy(() -> provider.create(config(Map.of("roleArn", "arn:aws:iam::123456789012:role/R",
                "accounts", List.of("arn:aws:iam::123456789012:role/R"))), CONTEXT))
                .hasMessage("monitor 'aws-prod' (type aws): property 'roleArn': use only one of roleArn (one account), accounts "
                        + "(a list of role ARNs) and organization (every account)");
        assertThatThrownBy(() -> provider.create(config(Map.of("organization", Map.of("roleName", "arn:aws:iam::1:role/R"))), CONTEXT))
                .hasMessage("monitor 'aws-prod' (type aws): property 'organization.roleName': 'arn:aws:iam::1:role/R' is not an "
                        + "IAM role name (write the name, not the ARN)");
        assertThatThrownBy(() -> provider.create(config(Map.of("scope", "everyone")), CONTEXT))
                .hasMessage("monitor 'aws-prod' (type aws): property 'scope': 'everyone' is not valid; use console (users with a "
                        + "console password need MFA) or all");
        assertThatThrownBy(() -> provider.create(config(Map.of("accessKeyId", "AKIDTEST")), CONTEXT))
                .hasMessage("monitor 'aws-prod' (type aws): property 'secretAccessKey': set both accessKeyId and secretAccessKey, "
                        + "or neither to use the SDK's default credential chain");
        assertThatThrownBy(() -> provider.create(config(Map.of("accounts", List.of("arn:aws:iam::123456789012:role/A",
                "arn:aws:iam::123456789012:role/B"))), CONTEXT))
                .hasMessage("monitor 'aws-prod' (type aws): property 'accounts': lists account 123456789012 twice");
    }

    /** Issue 12, item 12: AssumeRole credentials and the credential report never cross a network in clear. */
    @Test
    void anEndpointInPlainHttpToAnotherHostIsRefused() {
        AwsMonitorProvider provider = new AwsMonitorProvider();
        assertThatThrownBy(() -> provider.create(config(Map.of("endpoint", "http://10.0.0.5:4566")), CONTEXT))
                .isInstanceOf(dev.mfamonitor.spi.ConfigException.class)
                .hasMessageContaining("property 'endpoint': plain http to 10.0.0.5 would send credentials in clear; use https");
        provider.create(config(Map.of("endpoint", "https://iam-fips.amazonaws.com")), CONTEXT).close();
        provider.create(config(Map.of("endpoint", "http://127.0.0.1:4566")), CONTEXT).close();
    }

    @Test
    void declaresTheSpiItWasBuiltAgainst() {
        assertThat(new AwsMonitorProvider().spiVersion()).isEqualTo(dev.mfamonitor.spi.SpiVersion.CURRENT);
    }

    @Test
    void theFakeRefusesARequestWithoutAnAuthorizationHeaderAsAwsDoes() throws Exception {
        try (FakeAwsServer fake = FakeAwsServer.start("111111111111")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fake.endpoint() + "/"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=GenerateCredentialReport&Version=2010-05-08")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
                    + "<Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token"
                    + "</Message></Error><RequestId>");
            assertThat(fake.calls("GenerateCredentialReport")).isEqualTo(1);
        }
    }
}
