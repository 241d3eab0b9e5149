package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated configuration of one {@code type: aws} monitor.
 *
 * @param region          the region for STS ({@code us-east-1} unless set); IAM and Organizations are global
 * @param endpoint        one endpoint for IAM, STS and Organizations instead of AWS's (FIPS, private, tests)
 * @param roleArn         a role to assume before reading a single account
 * @param externalId      the external id for {@code roleArn}, {@code accounts} or the organisation's role
 * @param accounts        role ARNs, one per account, for many accounts in one instance
 * @param organization    the role name to assume in every active account of the organisation, found through
 *                        Organizations {@code ListAccounts}
 * @param sessionName     the role session name, visible in CloudTrail
 * @param allUsers        {@code scope: all}: every IAM user needs MFA, not only those with a console password
 * @param deviceTypes     tell virtual from hardware MFA through {@code ListVirtualMFADevices}
 * @param concurrency     accounts read at the same time
 * @param accessKeyId     static credentials instead of the SDK's default chain (with {@code secretAccessKey})
 * @param secretAccessKey the secret of {@code accessKeyId}
 */
record AwsSettings(String region, Optional<URI> endpoint, Optional<String> roleArn, Optional<String> externalId,
                   List<String> accounts, Optional<String> organization, String sessionName, boolean allUsers,
                   boolean deviceTypes, int concurrency, Optional<String> accessKeyId, Optional<Secret> secretAccessKey) {

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/[\\w+=,.@/-]+");

    AwsSettings {
        Objects.requireNonNull(region, "region");
        accounts = List.copyOf(accounts);
    }

    /** "the endpoint https://...", or "AWS's endpoint", for messages. */
    String endpointText() {
        return endpoint.map(uri -> "the endpoint " + uri).orElse("AWS's endpoint");
    }

    /** Whether one instance reads many accounts (each becomes its own scope, failing alone). */
    boolean multiAccount() {
        return !accounts.isEmpty() || organization.isPresent();
    }

    /** The account id of a role ARN, or empty when the text is no IAM role ARN. */
    static Optional<String> accountOf(String roleArn) {
        Matcher m = ROLE_ARN.matcher(roleArn.trim());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
