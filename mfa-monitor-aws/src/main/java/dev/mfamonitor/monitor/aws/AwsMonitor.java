package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanProgress;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.AccountStatus;
import software.amazon.awssdk.services.organizations.model.ListAccountsResponse;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code aws} monitor: IAM users and roots of one account, a list of accounts, or every account of an
 * organisation. With many accounts each is read on its own (a bounded number at a time) and one that cannot be read
 * becomes a {@link Gap} of its scope, so that its users are carried over rather than reported as gone.
 */
final class AwsMonitor implements Monitor {
    private final String id;
    private final AwsSettings settings;
    private final AwsClients clients;
    private final AccountScanner scanner;
    private final Pause pause;
    private final PluginContext context;

    AwsMonitor(String id, AwsSettings settings, AwsCredentialsProvider base, PluginContext context, Pause pause) {
        this.id = id;
        this.settings = settings;
        this.context = context;
        this.pause = pause;
        this.clients = new AwsClients(settings, base);
        this.scanner = new AccountScanner(settings, clients, pause, context);
    }

    @Override
    public Snapshot snapshot(ScanRequest request) throws Exception {
        Deadline deadline = request.deadline();
        try (StsClient sts = clients.sts(deadline)) {
            if (!settings.multiAccount()) {
                AccountScanner.Target target = new AccountScanner.Target(settings.roleArn().flatMap(AwsSettings::accountOf),
                        settings.roleArn());
                AccountScanner.Result result = scanOne(target, sts, deadline);
                request.progress().read(result.accounts().size(), "users");
                return snapshot(List.of(result), List.of(), Map.of());
            }
            Map<String, String> facts = new LinkedHashMap<>();
            List<AccountScanner.Target> targets = targets(deadline, facts);
            return scanAll(targets, sts, deadline, facts, request.progress());
        }
    }

    private AccountScanner.Result scanOne(AccountScanner.Target target, StsClient sts, Deadline deadline) throws Exception {
        try {
            return scanner.scan(target, sts, deadline);
        } catch (AwsCallFailedException e) {
            throw new AwsMonitorException("monitor '" + id + "': " + e.getMessage());
        }
    }

    private List<AccountScanner.Target> targets(Deadline deadline, Map<String, String> facts) throws Exception {
        if (settings.organization().isEmpty()) {
            return settings.accounts().stream()
                    .map(arn -> new AccountScanner.Target(AwsSettings.accountOf(arn), Optional.of(arn))).toList();
        }
        String roleName = settings.organization().get();
        List<AccountScanner.Target> targets = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        AwsCalls calls = new AwsCalls("the organisation", settings.endpointText(), deadline, pause,
                context.redactor()::redact);
        try (OrganizationsClient organizations = clients.organizations(deadline)) {
            String token = null;
            do {
                String from = token;
                ListAccountsResponse page;
                try {
                    page = calls.call("organizations:ListAccounts", () -> organizations.listAccounts(r -> r.nextToken(from)));
                } catch (AwsCallFailedException e) {
                    throw new AwsMonitorException("monitor '" + id + "' cannot list the organisation's accounts: " + e.getMessage()
                            + ". ListAccounts works only from the management account or a delegated administrator");
                }
                for (software.amazon.awssdk.services.organizations.model.Account account : page.accounts()) {
                    if (account.status() == AccountStatus.ACTIVE) {
                        String partition = account.arn() == null ? "aws" : account.arn().split(":", 3)[1];
                        targets.add(new AccountScanner.Target(Optional.of(account.id()),
                                Optional.of("arn:" + partition + ":iam::" + account.id() + ":role/" + roleName)));
                    } else {
                        skipped.add(account.id() + " (" + account.statusAsString() + ")");
                    }
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
        }
        if (!skipped.isEmpty()) {
            facts.put("skippedAccounts", String.join(", ", skipped));
        }
        if (targets.isEmpty()) {
            throw new AwsMonitorException("monitor '" + id + "': the organisation lists no active account");
        }
        return targets;
    }

    private Snapshot scanAll(List<AccountScanner.Target> targets, StsClient sts, Deadline deadline, Map<String, String> facts,
                             ScanProgress progress) throws Exception {
        AtomicInteger done = new AtomicInteger();
        String unit = "of " + targets.size() + " AWS accounts";
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), targets.size()), r -> {
            Thread t = new Thread(r, "mfa-aws-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<AccountScanner.Target, Future<AccountScanner.Result>> futures = new LinkedHashMap<>();
            for (AccountScanner.Target target : targets) {
                futures.put(target, pool.submit(() -> {
                    try {
                        return scanner.scan(target, sts, deadline);
                    } finally {
                        // A failed account is read too (it becomes a gap): the count says how far the scan got.
                        progress.read(done.incrementAndGet(), unit);
                    }
                }));
            }
            List<AccountScanner.Result> results = new ArrayList<>();
            List<Gap> gaps = new ArrayList<>();
            for (Map.Entry<AccountScanner.Target, Future<AccountScanner.Result>> entry : futures.entrySet()) {
                String accountId = entry.getKey().accountId().orElseThrow();
                try {
                    results.add(entry.getValue().get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                    String reason = cause instanceof AwsCallFailedException ? cause.getMessage()
                            : "unexpected " + cause.getClass().getSimpleName() + " while reading account " + accountId;
                    gaps.add(new Gap(accountId, reason));
                }
            }
            if (results.isEmpty()) {
                throw new AwsMonitorException("monitor '" + id + "' could read none of its " + targets.size() + " accounts; first: "
                        + gaps.get(0).reason());
            }
            return snapshot(results, gaps, facts);
        } finally {
            pool.shutdownNow();
        }
    }

    private Snapshot snapshot(List<AccountScanner.Result> results, List<Gap> gaps, Map<String, String> extraFacts) {
        List<Account> accounts = new ArrayList<>();
        Map<String, String> facts = new TreeMap<>(extraFacts);
        Instant oldest = null;
        for (AccountScanner.Result result : results) {
            accounts.addAll(result.accounts());
            facts.put("reportGeneratedAt." + result.accountId(), result.reportGeneratedAt().toString());
            if (oldest == null || result.reportGeneratedAt().isBefore(oldest)) {
                oldest = result.reportGeneratedAt();
            }
        }
        // observedAt is the oldest report's time: what the snapshot says is true as of then, not as of the run.
        return new Snapshot("aws", oldest, accounts, Map.of(), facts, gaps);
    }

    @Override
    public void close() {
        clients.close();
    }
}
