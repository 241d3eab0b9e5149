package dev.mfamonitor.runner;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.SpiVersion;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test-only monitor ({@code type: fixture}) whose accounts carry what the inventory cannot: scope, a role, weak MFA,
 * and hostile names (a formula, control characters). {@code failWith: TEXT} makes every snapshot fail with that text;
 * {@code gap: SCOPE} reports that scope as unseen; {@code adminWithoutMfa: true} adds an admin without MFA;
 * {@code progressPages: N} reports N pages read before it answers, each after {@link #PAGE_TIME} on the test clock.
 */
public final class FixtureMonitorProvider implements MonitorProvider {
    /** The accounts of every fixture monitor. */
    static final List<Account> ACCOUNTS = List.of(
            new Account("1", "octo-owner", "member", MfaStatus.ENABLED, "acme", Map.of("role", "admin", "weakMfa", "true")),
            new Account("2", "=HYPERLINK(\"http://evil.example/\",\"x\")", "member", MfaStatus.DISABLED, "acme", Map.of("role", "member")),
            new Account("3", "mal\u001b[31mlory\r\nforged line", "member", MfaStatus.UNKNOWN, "acme", Map.of("note", "@SUM(A1)")),
            new Account("4", "-2+3", "outside-collaborator", MfaStatus.NOT_APPLICABLE, "", Map.of()));

    /** An admin without MFA, added by {@code adminWithoutMfa: true}. */
    static final Account ADMIN_WITHOUT_MFA = new Account("5", "root-like", "member", MfaStatus.DISABLED, "acme", Map.of("role", "owner"));
    /** How long each page of {@code progressPages} takes on {@link #testTime}, in nanoseconds. */
    static final long PAGE_TIME = java.time.Duration.ofSeconds(12).toNanos();
    /** The monotonic clock that {@code progressPages} advances; tests hand it to {@link RunnerEnvironment}. */
    static final java.util.concurrent.atomic.AtomicLong testTime = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public String type() {
        return "fixture";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        Optional<String> failWith = config.optionalString("failWith");
        Optional<String> gap = config.optionalString("gap");
        String service = config.string("service", "fixture");
        boolean admin = config.bool("adminWithoutMfa", false);
        int pages = config.integer("progressPages", 0);
        return request -> {
            for (int page = 1; page <= pages; page++) {
                testTime.addAndGet(PAGE_TIME);
                request.progress().read(page, "pages");
            }
            if (failWith.isPresent()) {
                throw new IllegalStateException(failWith.get());
            }
            List<Account> accounts = new java.util.ArrayList<>(ACCOUNTS);
            if (admin) {
                accounts.add(ADMIN_WITHOUT_MFA);
            }
            return new Snapshot(service, context.clock().instant(), accounts, Map.of(), Map.of(),
                    gap.map(scope -> List.of(new Gap(scope, "the fixture hides it"))).orElse(List.of()));
        };
    }
}
