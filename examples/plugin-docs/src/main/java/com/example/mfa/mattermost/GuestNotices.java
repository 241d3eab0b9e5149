package com.example.mfa.mattermost;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Notice;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;

import java.util.List;
import java.util.Optional;

/** An event type of the plugin's own, as PLUGINS.md shows it: declared, listed by the provider, raised by notices. */
final class GuestNotices {
    /** Namespaced ("mattermost."), so that it can never clash with a built-in type or another plugin's. */
    static final EventType GUEST_WITHOUT_MFA = EventType.declare("mattermost.GUEST_WITHOUT_MFA",
            "Guest account without MFA", Severity.MEDIUM, false);

    private GuestNotices() {
    }

    /** What the provider returns from {@code MonitorProvider.eventTypes()}: the engine refuses undeclared types. */
    static List<EventType> eventTypes() {
        return List.of(GUEST_WITHOUT_MFA);
    }

    /** The snapshot with one notice per guest without MFA; the same notice in the next snapshot is not raised again. */
    static Snapshot withNotices(Snapshot snapshot, List<Account> guestsWithoutMfa) {
        List<Notice> notices = guestsWithoutMfa.stream()
                .map(guest -> new Notice(GUEST_WITHOUT_MFA, Optional.of(guest.id()), "guest:" + guest.id(),
                        "guest " + guest.name() + " can sign in without MFA"))
                .toList();
        return new Snapshot(snapshot.service(), snapshot.observedAt(), snapshot.accounts(), snapshot.requirements(),
                snapshot.facts(), snapshot.gaps(), notices);
    }
}
