package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.SpiVersion;

/**
 * {@code type: entra}: the MFA registration of every user of a Microsoft Entra ID tenant. Keys: {@code tenantId},
 * {@code clientId}, {@code clientSecret} or {@code certificate} (secrets), {@code graphEndpoint},
 * {@code loginEndpoint}, {@code timeout}, {@code fullScanInterval}, {@code mfaField} ({@code registered|capable}).
 */
public final class EntraMonitorProvider implements MonitorProvider {

    @Override
    public String type() {
        return "entra";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Monitor create(PluginConfig config, PluginContext context) {
        return new EntraMonitor(EntraSettings.from(config, context), context);
    }
}
