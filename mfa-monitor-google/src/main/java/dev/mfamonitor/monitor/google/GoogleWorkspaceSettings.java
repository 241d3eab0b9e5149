package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.PluginContext;

import java.net.URI;
import java.time.Duration;

/**
 * One configured instance.
 *
 * @param key        the service account's key
 * @param adminEmail the administrator the service account acts as ({@code sub})
 * @param customer   {@code my_customer} or a customer ID
 * @param endpoint   the Directory API's origin, without a trailing slash
 * @param timeout    the longest wait for one answer
 * @param context    the engine's context of this instance
 */
record GoogleWorkspaceSettings(ServiceAccountKey key, String adminEmail, String customer, URI endpoint, Duration timeout,
                               PluginContext context) {
}
