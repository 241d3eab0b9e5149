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
 * {@code gap: SCOPE} reports that scope as unseen.
 */
public final class FixtureMonitorProvider implements MonitorProvider {
    /** The accounts of every fixture monitor. */
    static final List<Account> ACCOUNTS = List.of(
            new Account("1", "octo-owner", "member", MfaStatus.ENABLED, "acme", Map.of("role", "admin", "weakMfa", "true")),
            new Account("2", "=HYPERLINK(\"http://evil.example/\",\"x\")", "member", MfaStatus.DISABLED, "acme", Map.of("role", "member")),
            new Account("3", "mal\u001b[31mlory\r\nforged line", "member", MfaStatus.UNKNOWN, "acme", Map.of("note", "@SUM(A1)")),
            new Account("4", "-2+3", "outside-collaborator", MfaStatus.NOT_APPLICABLE, "", Map.of()));

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
        return request -> {
            if (failWith.isPresent()) {
                throw new IllegalStateException(failWith.get());
            }
            return new Snapshot(service, context.clock().instant(), ACCOUNTS, Map.of(), Map.of(),
                    gap.map(scope -> List.of(new Gap(scope, "the fixture hides it"))).orElse(List.of()));
        };
    }
}
