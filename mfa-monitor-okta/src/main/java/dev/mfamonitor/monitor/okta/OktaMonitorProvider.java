package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.SpiVersion;

import java.util.List;

/**
 * {@code type: okta}: the MFA factors of every user of one Okta org.
 *
 * <pre>
 * monitors:
 *   - id: okta-acme
 *     type: okta
 *     orgUrl: https://acme.okta.com
 *     token: "${env:OKTA_API_TOKEN}"                     # an API token of a read-only admin, or:
 *     # clientId: 0oa1b2c3d4e5f6g7h8i9                   # an API Services app with private_key_jwt
 *     # privateKey: "${file:/run/secrets/okta-key.pem}"   # PKCS#8 PEM or the private JWK; keyId: optional
 *     # timeout: 30s   fullScanInterval: 24h   rateLimitReservePercent: 20
 * </pre>
 *
 * <p>Validation only (the key is parsed); no request is made until the first snapshot.
 */
public final class OktaMonitorProvider implements MonitorProvider {
    /** Role assignments could not be read: admins are not marked, so an admin without MFA is not escalated. */
    static final EventType ADMIN_ROLES_UNREADABLE = EventType.declare("okta.ADMIN_ROLES_UNREADABLE",
            "Okta admin roles not readable", Severity.LOW, false);
    /** The System Log could not be read: every run reads every user's factors. */
    static final EventType SYSTEM_LOG_UNREADABLE = EventType.declare("okta.SYSTEM_LOG_UNREADABLE",
            "Okta System Log not readable", Severity.MEDIUM, false);

    @Override
    public String type() {
        return "okta";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public List<EventType> eventTypes() {
        return List.of(ADMIN_ROLES_UNREADABLE, SYSTEM_LOG_UNREADABLE);
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        return new OktaMonitor(OktaSettings.from(config, context), context);
    }
}
