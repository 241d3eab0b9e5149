package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code type: aws}: every IAM user and the root of one or many AWS accounts, from the IAM credential report.
 *
 * <pre>
 * monitors:
 *   - { id: aws-prod, type: aws }                                                    # the SDK's default credentials
 *   - { id: aws-dev, type: aws, roleArn: "arn:aws:iam::123456789012:role/MfaMonitorReadOnly", externalId: x }
 *   - { id: aws-some, type: aws, accounts: ["arn:aws:iam::111111111111:role/MfaMonitorReadOnly", ...] }
 *   - { id: aws-org, type: aws, organization: { roleName: MfaMonitorReadOnly } }
 * </pre>
 *
 * <p>Only the configuration is checked here; nothing talks to AWS before the first snapshot.
 */
public final class AwsMonitorProvider implements MonitorProvider {

    @Override
    public String type() {
        return "aws";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public AwsMonitor create(PluginConfig config, PluginContext context) {
        String region = config.string("region", "us-east-1").trim();
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            throw config.error("region", "'" + region + "' is not an AWS region such as us-east-1");
        }
        Optional<URI> endpoint = config.optionalString("endpoint").map(text -> {
            try {
                URI uri = URI.create(text.trim());
                if (uri.getScheme() == null || uri.getHost() == null
                        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw config.error("endpoint", "'" + text + "' is not an http(s) URL such as https://iam-fips.amazonaws.com");
            }
            // https, or plain http to a loopback address only: role credentials and the report must not cross in clear.
            return context.http().requireSecureEndpoint("endpoint", URI.create(text.trim()));
        });
        Optional<String> roleArn = config.optionalString("roleArn").map(String::trim);
        roleArn.ifPresent(arn -> requireRoleArn(config, "roleArn", arn));
        Optional<String> externalId = config.optionalString("externalId").map(String::trim);
        List<String> accounts = config.list("accounts").stream().map(String::trim).toList();
        Set<String> seen = new HashSet<>();
        for (String arn : accounts) {
            requireRoleArn(config, "accounts", arn);
            if (!seen.add(AwsSettings.accountOf(arn).orElseThrow())) {
                throw config.error("accounts", "lists account " + AwsSettings.accountOf(arn).orElseThrow() + " twice");
            }
        }
        Optional<String> organizationRole = config.section("organization").map(section -> {
            String roleName = section.string("roleName").trim();
            if (!roleName.matches("[\\w+=,.@-]{1,64}")) {
                throw section.error("roleName", "'" + roleName + "' is not an IAM role name (write the name, not the ARN)");
            }
            return roleName;
        });
        int sources = (roleArn.isPresent() ? 1 : 0) + (accounts.isEmpty() ? 0 : 1) + (organizationRole.isPresent() ? 1 : 0);
        if (sources > 1) {
            throw config.error(roleArn.isPresent() ? "roleArn" : "accounts",
                    "use only one of roleArn (one account), accounts (a list of role ARNs) and organization (every account)");
        }
        String sessionName = config.string("roleSessionName", "mfa-monitor").trim();
        if (!sessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw config.error("roleSessionName", "'" + sessionName + "' is not a role session name (2-64 of letters, digits, +=,.@-_)");
        }
        String scope = config.string("scope", "console").trim().toLowerCase(Locale.ROOT);
        if (!scope.equals("console") && !scope.equals("all")) {
            throw config.error("scope", "'" + scope + "' is not valid; use console (users with a console password need MFA) or all");
        }
        boolean deviceTypes = config.bool("deviceTypes", true);
        int concurrency = config.integer("concurrency", 4);
        if (concurrency < 1 || concurrency > 32) {
            throw config.error("concurrency", "'" + concurrency + "' is out of range; use 1 to 32 accounts at a time");
        }
        Optional<String> accessKeyId = config.optionalString("accessKeyId").map(String::trim);
        Optional<Secret> secretAccessKey = config.optionalSecret("secretAccessKey");
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw config.error(accessKeyId.isPresent() ? "secretAccessKey" : "accessKeyId",
                    "set both accessKeyId and secretAccessKey, or neither to use the SDK's default credential chain");
        }
        AwsSettings settings = new AwsSettings(region, endpoint, roleArn, externalId, accounts, organizationRole, sessionName,
                scope.equals("all"), deviceTypes, concurrency, accessKeyId, secretAccessKey);
        return new AwsMonitor(config.id(), settings, AwsClients.baseCredentials(settings), context,
                new Pause(Duration.ofSeconds(1), Duration.ofSeconds(20), context.sleeper()));
    }

    private static void requireRoleArn(PluginConfig config, String key, String arn) {
        if (AwsSettings.accountOf(arn).isEmpty()) {
            throw config.error(key, "'" + arn + "' is not an IAM role ARN such as arn:aws:iam::123456789012:role/MfaMonitorReadOnly");
        }
    }
}
