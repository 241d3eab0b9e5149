package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.PluginContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AssignmentStatusType;
import software.amazon.awssdk.services.iam.model.CredentialReportExpiredException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotPresentException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotReadyException;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.ListVirtualMfaDevicesResponse;
import software.amazon.awssdk.services.iam.model.ReportStateType;
import software.amazon.awssdk.services.iam.model.VirtualMFADevice;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads one AWS account: assume its role (when there is one), have IAM generate the credential report and poll until
 * it is complete, fetch it, and list the assigned virtual MFA devices. A constant number of calls per account, however
 * many users it has: no call is made per user.
 */
final class AccountScanner {
    /** Report polls and re-generations before giving up, besides the deadline. */
    private static final int MAX_POLLS = 60;

    private final AwsSettings settings;
    private final AwsClients clients;
    private final Pause pause;
    private final PluginContext context;

    AccountScanner(AwsSettings settings, AwsClients clients, Pause pause, PluginContext context) {
        this.settings = settings;
        this.clients = clients;
        this.pause = pause;
        this.context = context;
    }

    /** One account to read: its id when known beforehand, and the role to assume, if any. */
    record Target(Optional<String> accountId, Optional<String> roleArn) {
        String label() {
            return accountId.map(id -> "account " + id).orElse("the account of the monitor's credentials")
                    + roleArn.map(r -> " (role " + r + ")").orElse("");
        }
    }

    /** What one account held. */
    record Result(String accountId, List<Account> accounts, Instant reportGeneratedAt) {
    }

    Result scan(Target target, StsClient sts, Deadline deadline) throws AwsCallFailedException, InterruptedException {
        List<String> secrets = new ArrayList<>();
        UnaryOperator<String> redact = text -> {
            String result = text;
            for (String secret : secrets) {
                result = result.replace(secret, "****");
            }
            return context.redactor().redact(result);
        };
        AwsCalls calls = new AwsCalls(target.label(), settings.endpointText(), deadline, pause, redact);
        AwsCredentialsProvider credentials = clients.base();
        if (target.roleArn().isPresent()) {
            String roleArn = target.roleArn().get();
            Credentials session = calls.call("sts:AssumeRole", () -> sts.assumeRole(r -> {
                r.roleArn(roleArn).roleSessionName(settings.sessionName()).durationSeconds(900);
                settings.externalId().ifPresent(r::externalId);
            }).credentials());
            secrets.add(session.secretAccessKey());
            secrets.add(session.sessionToken());
            credentials = StaticCredentialsProvider.create(AwsSessionCredentials.create(session.accessKeyId(),
                    session.secretAccessKey(), session.sessionToken()));
        }
        try (IamClient iam = clients.iam(credentials, deadline)) {
            GetCredentialReportResponse report = fetchReport(iam, calls);
            CredentialReport parsed;
            try {
                parsed = CredentialReport.parse(report.content().asByteArray());
            } catch (CredentialReport.FormatException e) {
                throw new AwsCallFailedException("cannot read the credential report of " + calls.where() + ": " + e.getMessage());
            }
            Set<String> virtual = settings.deviceTypes() ? virtualDeviceOwners(iam, calls) : Set.of();
            String accountId = parsed.rows().get(0).accountId();
            for (CredentialReport.Row row : parsed.rows()) {
                if (!row.accountId().equals(accountId) || target.accountId().filter(id -> !id.equals(row.accountId())).isPresent()) {
                    throw new AwsCallFailedException("the credential report of " + calls.where() + " lists " + row.arn()
                            + ", of another account; check the role ARN");
                }
            }
            Instant generatedAt = Objects.requireNonNullElse(report.generatedTime(), context.clock().instant());
            return new Result(accountId, accounts(parsed, virtual), generatedAt);
        }
    }

    private GetCredentialReportResponse fetchReport(IamClient iam, AwsCalls calls) throws AwsCallFailedException, InterruptedException {
        for (int poll = 1; poll <= MAX_POLLS; poll++) {
            ReportStateType state = calls.call("iam:GenerateCredentialReport", () -> iam.generateCredentialReport().state());
            if (state == ReportStateType.COMPLETE) {
                try {
                    return calls.call("iam:GetCredentialReport", iam::getCredentialReport,
                            CredentialReportNotReadyException.class, CredentialReportExpiredException.class,
                            CredentialReportNotPresentException.class);
                } catch (CredentialReportNotReadyException | CredentialReportExpiredException | CredentialReportNotPresentException e) {
                    // Another generation may have replaced or expired the report between the two calls: generate again.
                    calls.pause(poll, "the credential report of " + calls.where() + " was never ready ("
                            + e.awsErrorDetails().errorCode() + ")");
                    continue;
                }
            }
            if (state != ReportStateType.STARTED && state != ReportStateType.INPROGRESS) {
                throw new AwsCallFailedException("IAM answered GenerateCredentialReport with state '" + state + "' in "
                        + calls.where() + ", which the monitor does not know");
            }
            calls.pause(poll, "the credential report of " + calls.where() + " was still being generated");
        }
        throw new AwsCallFailedException("the credential report of " + calls.where() + " was not complete after " + MAX_POLLS
                + " polls; try again later");
    }

    /** User ARNs (and the root's) with an assigned virtual device, from as few pages as IAM allows. */
    private Set<String> virtualDeviceOwners(IamClient iam, AwsCalls calls) throws AwsCallFailedException, InterruptedException {
        Set<String> owners = new HashSet<>();
        String marker = null;
        Set<String> seenMarkers = new HashSet<>();
        while (true) {
            String from = marker;
            ListVirtualMfaDevicesResponse page = calls.call("iam:ListVirtualMFADevices", () -> iam.listVirtualMFADevices(r -> r
                    .assignmentStatus(AssignmentStatusType.ASSIGNED).maxItems(1000).marker(from)));
            for (VirtualMFADevice device : page.virtualMFADevices()) {
                if (device.user() != null && device.user().arn() != null) {
                    owners.add(device.user().arn());
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return owners;
            }
            marker = page.marker();
            if (marker == null || !seenMarkers.add(marker)) {
                throw new AwsCallFailedException("IAM's ListVirtualMFADevices pages do not advance in " + calls.where()
                        + " (marker " + (marker == null ? "missing" : "repeated") + "); the device types cannot be told");
            }
        }
    }

    private List<Account> accounts(CredentialReport report, Set<String> virtualOwners) {
        List<Account> accounts = new ArrayList<>();
        for (CredentialReport.Row row : report.rows()) {
            Map<String, String> facts = new LinkedHashMap<>();
            boolean console = row.root() ? row.password() != CredentialReport.Password.DISABLED
                    : row.password() == CredentialReport.Password.ENABLED;
            facts.put("consoleAccess", String.valueOf(console));
            facts.put("activeAccessKeys", String.valueOf(row.activeKeys()));
            row.passwordLastUsed().ifPresent(t -> facts.put("passwordLastUsed", t));
            row.keyLastUsed().ifPresent(t -> facts.put("accessKeyLastUsed", t));
            if (row.mfaActive() && settings.deviceTypes()) {
                facts.put("mfaDevice", virtualOwners.contains(row.arn()) ? "virtual" : "hardware");
            }
            MfaStatus status;
            if (row.root()) {
                if (row.mfaActive()) {
                    status = MfaStatus.ENABLED;
                    if (settings.deviceTypes() && virtualOwners.contains(row.arn())) {
                        // A virtual device on the root is MFA, only a weaker kind than a hardware or FIDO key.
                        facts.put("weakMfa", "true");
                    }
                } else if (row.password() == CredentialReport.Password.DISABLED && row.activeKeys() == 0) {
                    // Centralised root access: no password, no keys, nothing to sign in with.
                    status = MfaStatus.NOT_APPLICABLE;
                } else {
                    status = MfaStatus.DISABLED;
                }
                accounts.add(new Account(row.arn(), "root (" + row.accountId() + ")", "root", status, row.accountId(), facts));
            } else {
                facts.put("created", row.createdAt());
                if (console || settings.allUsers()) {
                    status = row.mfaActive() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
                } else {
                    status = MfaStatus.NOT_APPLICABLE;
                }
                accounts.add(new Account(row.arn() + "@" + row.createdAt(), row.user(), "iam-user", status, row.accountId(), facts));
            }
        }
        return accounts;
    }
}
