package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextMessageTest {
    private static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void rendersAMixedRunGroupedByMonitorInSeverityOrder() {
        // Given in an order unlike the output's, to prove the rendering sorts with EventGroup.of.
        List<ChangeEvent> events = List.of(
                source("quickstart", EventType.BASELINE,
                        "5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown"),
                source("hr-sheet", EventType.MONITOR_FAILED, "inventory y.csv line 3: empty id"),
                account("quickstart", EventType.MFA_DISABLED, "carol", Optional.of(MfaStatus.ENABLED)),
                account("quickstart", EventType.MFA_ENABLED, "erin", Optional.of(MfaStatus.DISABLED)),
                account("quickstart", EventType.MFA_DISABLED, "bob", Optional.of(MfaStatus.NOT_APPLICABLE)),
                account("hr-sheet", EventType.NEW_ACCOUNT_WITHOUT_MFA, "frank", Optional.empty()));

        assertThat(TextMessage.render(events)).isEqualTo("""
                mfa-monitor: 6 events (2 MFA disabled, 1 New account without MFA, 1 Monitor failed, 1 MFA enabled, 1 Baseline)

                quickstart (inventory)
                  MFA disabled (2, high): "bob" (was not applicable), "carol" (was enabled)
                  MFA enabled (1, info): "erin"
                  Baseline (info): 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown
                hr-sheet (inventory)
                  New account without MFA (1, high): "frank"
                  Monitor failed (medium): inventory y.csv line 3: empty id""");
    }

    @Test
    void rendersTheExampleOfTheDocumentation() {
        List<ChangeEvent> events = List.of(
                account("quickstart", EventType.MFA_DISABLED, "carol", Optional.of(MfaStatus.ENABLED)),
                source("quickstart", EventType.BASELINE,
                        "5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown"),
                source("hr-sheet", EventType.MONITOR_FAILED, "inventory /x/y.csv line 3: empty id"));

        assertThat(TextMessage.render(events)).isEqualTo("""
                mfa-monitor: 3 events (1 MFA disabled, 1 Monitor failed, 1 Baseline)

                quickstart (inventory)
                  MFA disabled (1, high): "carol" (was enabled)
                  Baseline (info): 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown
                hr-sheet (inventory)
                  Monitor failed (medium): inventory /x/y.csv line 3: empty id""");
    }

    @Test
    void oneEventIsCalledAnEvent() {
        List<ChangeEvent> events = List.of(account("quickstart", EventType.REMINDER, "dave", Optional.of(MfaStatus.DISABLED)));

        assertThat(TextMessage.render(events)).isEqualTo("""
                mfa-monitor: 1 event (1 Still without MFA)

                quickstart (inventory)
                  Still without MFA (1, low): "dave\"""");
    }

    @Test
    void listsFiftyNamesAndCountsTheRest() {
        List<ChangeEvent> events = new ArrayList<>();
        List<String> firstFifty = new ArrayList<>();
        for (int i = 1; i <= 53; i++) {
            String name = "u" + i;
            if (i <= 50) {
                firstFifty.add(name);
            }
            events.add(account("quickstart", EventType.NEW_ACCOUNT_WITHOUT_MFA, name, Optional.empty()));
        }

        assertThat(TextMessage.render(events)).isEqualTo("mfa-monitor: 53 events (53 New account without MFA)\n\n"
                + "quickstart (inventory)\n"
                + "  New account without MFA (53, high): \"" + String.join("\", \"", firstFifty) + "\", and 3 more");
    }

    @Test
    void listsExactlyFiftyNamesWithoutACut() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            events.add(account("quickstart", EventType.ACCOUNT_REMOVED, "u" + i, Optional.of(MfaStatus.ENABLED)));
        }

        String text = TextMessage.render(events);

        assertThat(text).endsWith("\"u49\", \"u50\"").doesNotContain("more");
    }

    @Test
    void stripsControlZeroWidthAndBidiCharactersFromNamesIdsAndDetails() {
        String hostileName = "mal\u001b[2J\u001b]0;pwned\u0007lory\r\n\u202Egnp.exe\u2066\u2069\u200B\u200F\u009b";
        List<ChangeEvent> events = List.of(
                account("quick\u001bstart", EventType.MFA_DISABLED, hostileName, Optional.of(MfaStatus.ENABLED)),
                source("hr-sheet", EventType.MONITOR_FAILED, "first line\nsecond\u202Aline\u0000"));

        assertThat(TextMessage.render(events)).isEqualTo("""
                mfa-monitor: 2 events (1 MFA disabled, 1 Monitor failed)

                quickstart (inventory)
                  MFA disabled (1, high): "mal[2J]0;pwnedlorygnp.exe" (was enabled)
                hr-sheet (inventory)
                  Monitor failed (medium): first linesecondline""");
    }

    @Test
    void anOwnerWhoLostMfaIsShownCriticalWithTheirRoleAheadOfTheOthers() {
        // Issue 12 item 31: the engine raises an owner's MFA_DISABLED to critical; people must see it as such.
        dev.mfamonitor.spi.Account owner = new dev.mfamonitor.spi.Account("9", "root-owner", "member", MfaStatus.DISABLED,
                "", java.util.Map.of("role", "admin"));
        ChangeEvent critical = ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "inventory", AT).account(owner)
                .severity(dev.mfamonitor.spi.Severity.CRITICAL).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED).build();
        List<ChangeEvent> events = List.of(account("github-acme", EventType.MFA_DISABLED, "carol", Optional.of(MfaStatus.ENABLED)),
                critical);

        assertThat(TextMessage.render(events)).isEqualTo("""
                mfa-monitor: 2 events (2 MFA disabled)

                github-acme (inventory)
                  MFA disabled (1, critical): "root-owner" (role=admin, was enabled)
                  MFA disabled (1, high): "carol" (was enabled)""");
    }

    @Test
    void aNameCannotReadAsTwoAccounts() {
        List<ChangeEvent> events = List.of(account("quickstart", EventType.MFA_DISABLED, "mallory [was enabled], eve",
                Optional.of(MfaStatus.ENABLED)));

        assertThat(TextMessage.render(events)).endsWith("MFA disabled (1, high): \"mallory [was enabled], eve\" (was enabled)");
    }

    @Test
    void keepsOrdinaryUnicodeInNames() {
        assertThat(dev.mfamonitor.support.SafeText.clean("Zoë O'Brien-日本 & <co> \uD83D\uDC69 \u05E9\u05DC\u05D5\u05DD"))
                .isEqualTo("Zoë O'Brien-日本 & <co> \uD83D\uDC69 \u05E9\u05DC\u05D5\u05DD");
    }

    @Test
    void refusesAnEmptyRun() {
        assertThatThrownBy(() -> TextMessage.render(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("there are no events to render");
    }

    static ChangeEvent account(String monitorId, EventType type, String name, Optional<MfaStatus> previous) {
        MfaStatus now = type.equals(EventType.MFA_ENABLED) || type.equals(EventType.ACCOUNT_REMOVED)
                ? MfaStatus.ENABLED : MfaStatus.DISABLED;
        Account account = new Account("id-" + name, name, "user", now);
        return new ChangeEvent(ChangeEvent.idOf(monitorId, account.id(), type, AT), type, type.defaultSeverity(),
                monitorId, "inventory", Optional.of(account), previous, Optional.of(now), AT, "");
    }

    static ChangeEvent source(String monitorId, EventType type, String detail) {
        return new ChangeEvent(ChangeEvent.idOf(monitorId, "source", type, AT), type, type.defaultSeverity(),
                monitorId, "inventory", Optional.empty(), Optional.empty(), Optional.empty(), AT, detail);
    }
}
