package dev.mfamonitor.core;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.support.Durations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The engine's own events about its plugins' health: monitors failing and recovering, alerts abandoned. */
final class HealthEvents {
    /** The service named in events about a notifier rather than a monitor. */
    static final String ENGINE = "mfa-monitor";

    private HealthEvents() {
    }

    /**
     * A monitor failed, sent once per failure streak. The id hashes the last good snapshot's time, so that the same
     * failure raised again after a failed commit keeps its id.
     */
    static ChangeEvent monitorFailed(String monitorId, String service, Object basis, Instant at, String why) {
        return ChangeEvent.builder(EventType.MONITOR_FAILED, monitorId, service, at)
                .id(ChangeEvent.idOf(monitorId, "monitor", EventType.MONITOR_FAILED, basis)).detail(why).build();
    }

    static ChangeEvent monitorRecovered(String monitorId, String service, Object basis, Instant at, int failedRuns) {
        return ChangeEvent.builder(EventType.MONITOR_RECOVERED, monitorId, service, at)
                .id(ChangeEvent.idOf(monitorId, "monitor", EventType.MONITOR_RECOVERED, basis))
                .detail("works again after " + failedRuns + " failed run(s)").build();
    }

    /** Events a notifier was never told, carried in full to the others. */
    static ChangeEvent deliveryAbandoned(String notifierId, List<ChangeEvent> carried, Duration giveUpAfter,
                                         Optional<String> lastError, Instant at) {
        String detail = carried.size() + " event(s) for notifier '" + notifierId + "' could not be delivered within "
                + Durations.format(giveUpAfter) + " and were abandoned for it; they are listed here"
                + lastError.map(e -> "; last error: " + e).orElse("");
        return ChangeEvent.builder(EventType.DELIVERY_ABANDONED, "", ENGINE, at)
                .id(ChangeEvent.idOf("", notifierId, EventType.DELIVERY_ABANDONED,
                        carried.stream().map(ChangeEvent::id).sorted().toList()))
                .notifierId(notifierId).carried(carried).detail(detail).build();
    }
}
