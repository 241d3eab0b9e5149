package dev.mfamonitor.support;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationTextTest {
    private static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");

    /** How a plain-text channel would print it: the shape every channel's renderer follows. */
    private static String plain(NotificationText text) {
        List<String> lines = new ArrayList<>();
        lines.add(text.title() + " (" + text.counts() + ")");
        for (NotificationText.Monitor monitor : text.monitors()) {
            lines.add(monitor.heading(NotificationText.PLAIN));
            for (NotificationText.Group group : monitor.groups()) {
                group.lines(NotificationText.PLAIN, NotificationText.MAX_NAMES, Integer.MAX_VALUE)
                        .forEach(line -> lines.add("  " + line));
            }
        }
        return String.join("\n", lines);
    }

    @Test
    void groupsByMonitorTypeAndSeverityMostSevereFirst() {
        // Given in the order they occurred, unlike the output's.
        List<ChangeEvent> events = List.of(
                source("quickstart", EventType.BASELINE, "5 accounts: 3 with MFA, 1 without (dave)"),
                source("hr-sheet", EventType.MONITOR_FAILED, "inventory y.csv line 3: empty id"),
                account("quickstart", EventType.MFA_DISABLED, "carol", MfaStatus.ENABLED, Map.of()),
                account("quickstart", EventType.MFA_ENABLED, "erin", MfaStatus.DISABLED, Map.of()),
                account("hr-sheet", EventType.NEW_ACCOUNT_WITHOUT_MFA, "frank", null, Map.of()),
                account("quickstart", EventType.MFA_DISABLED, "bob", MfaStatus.NOT_APPLICABLE, Map.of()));

        assertThat(plain(NotificationText.of(events))).isEqualTo("""
                mfa-monitor: 6 events (2 MFA disabled, 1 New account without MFA, 1 Monitor failed, 1 MFA enabled, 1 Baseline)
                quickstart (inventory)
                  MFA disabled (2, high): "bob" (was not applicable), "carol" (was enabled)
                  MFA enabled (1, info): "erin"
                  Baseline (info): 5 accounts: 3 with MFA, 1 without (dave)
                hr-sheet (inventory)
                  New account without MFA (1, high): "frank"
                  Monitor failed (medium): inventory y.csv line 3: empty id""");
    }

    @Test
    void anOwnerWhoLostMfaIsACriticalGroupOfItsOwnWithTheRole() {
        List<ChangeEvent> events = List.of(
                account("github-acme", EventType.MFA_DISABLED, "carol", MfaStatus.ENABLED, Map.of("role", "member")),
                critical(account("github-acme", EventType.MFA_DISABLED, "zed-owner", MfaStatus.ENABLED, Map.of("role", "admin"))));

        NotificationText text = NotificationText.of(events);

        assertThat(plain(text)).isEqualTo("""
                mfa-monitor: 2 events (2 MFA disabled)
                github-acme (inventory)
                  MFA disabled (1, critical): "zed-owner" (role=admin, was enabled)
                  MFA disabled (1, high): "carol" (role=member, was enabled)""");
        assertThat(text.monitors().get(0).groups()).extracting(NotificationText.Group::severity)
                .containsExactly(Severity.CRITICAL, Severity.HIGH);
    }

    @Test
    void monitorsComeInTheOrderOfTheirMostSevereGroup() {
        List<ChangeEvent> events = List.of(
                source("a-first-by-name", EventType.BASELINE, "1 account"),
                critical(account("z-last-by-name", EventType.NEW_ACCOUNT_WITHOUT_MFA, "root", null, Map.of())));

        assertThat(NotificationText.of(events).monitors()).extracting(NotificationText.Monitor::monitorId)
                .containsExactly("z-last-by-name", "a-first-by-name");
    }

    @Test
    void namesAreInNaturalOrder() {
        List<ChangeEvent> events = new ArrayList<>();
        for (String name : List.of("u10", "u2", "U1", "u0", "u02", "a", "u", "u1b", "u1a", "b10x", "b9x")) {
            events.add(account("m", EventType.REMINDER, name, null, Map.of()));
        }

        List<String> names = NotificationText.of(events).monitors().get(0).groups().get(0).entries().stream()
                .map(NotificationText.Entry::name).toList();

        assertThat(names).containsExactly("a", "b9x", "b10x", "u", "u0", "U1", "u1a", "u1b", "u02", "u2", "u10");
    }

    @Test
    void naturalOrderIsTotalAndComparesLongNumbers() {
        assertThat(NotificationText.NATURAL_ORDER.compare("x99999999999999999999", "x100000000000000000000")).isNegative();
        assertThat(NotificationText.NATURAL_ORDER.compare("u1", "u1")).isZero();
        assertThat(NotificationText.NATURAL_ORDER.compare("U1", "u1")).isNotZero();
        assertThat(NotificationText.NATURAL_ORDER.compare("u01", "u1")).isNotZero();
    }

    @Test
    void aNameThatLooksLikeSeveralAccountsReadsAsOne() {
        List<ChangeEvent> events = List.of(
                account("m", EventType.MFA_DISABLED, "mallory [was enabled], eve", MfaStatus.ENABLED, Map.of()),
                account("m", EventType.MFA_DISABLED, "x\" (was enabled), \"y", MfaStatus.ENABLED, Map.of()),
                account("m", EventType.MFA_DISABLED, "back\\slash", MfaStatus.ENABLED, Map.of()));

        List<String> lines = NotificationText.of(events).monitors().get(0).groups().get(0)
                .lines(NotificationText.PLAIN, 50, Integer.MAX_VALUE);

        assertThat(lines).containsExactly("MFA disabled (3, high): \"back\\\\slash\" (was enabled), "
                + "\"mallory [was enabled], eve\" (was enabled), \"x\\\" (was enabled), \\\"y\" (was enabled)");
    }

    @Test
    void cleansAndCutsEveryTextFromTheSource() {
        String longName = "n".repeat(200);
        List<ChangeEvent> events = List.of(
                account("m\u001b[2J", EventType.MFA_DISABLED, "ad\u2060min\u202E", MfaStatus.ENABLED, Map.of("role", "ad\u200Bmin")),
                account("m\u001b[2J", EventType.MFA_DISABLED, longName, MfaStatus.ENABLED, Map.of()),
                source("m\u001b[2J", EventType.MONITOR_FAILED, "line one\nline\u0000two " + "d".repeat(600)));

        NotificationText text = NotificationText.of(events);
        NotificationText.Monitor monitor = text.monitors().get(0);

        assertThat(monitor.heading(NotificationText.PLAIN)).isEqualTo("m[2J (inventory)");
        assertThat(monitor.groups().get(0).entries()).extracting(NotificationText.Entry::name)
                .containsExactly("admin", "n".repeat(79) + "…");
        assertThat(monitor.groups().get(0).entries().get(0).role()).hasValue("admin");
        assertThat(monitor.groups().get(0).entries().get(0).notes()).containsExactly("was enabled");
        assertThat(monitor.groups().get(1).details()).singleElement()
                .satisfies(d -> assertThat(d).startsWith("line onelinetwo ddd").hasSize(NotificationText.MAX_TEXT_CHARS)
                        .endsWith("d…"));
    }

    @Test
    void listsAtMostMaxNamesAndCountsTheRest() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 1; i <= 53; i++) {
            events.add(account("m", EventType.NEW_ACCOUNT_WITHOUT_MFA, "u" + i, null, Map.of()));
        }
        NotificationText.Group group = NotificationText.of(events).monitors().get(0).groups().get(0);

        String expectedNames = java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(i -> "\"u" + i + "\"")
                .collect(Collectors.joining(", "));
        assertThat(group.lines(NotificationText.PLAIN, 50, Integer.MAX_VALUE))
                .containsExactly("New account without MFA (53, high): " + expectedNames + ", and 3 more");
        assertThat(group.lines(NotificationText.PLAIN, 2, Integer.MAX_VALUE))
                .containsExactly("New account without MFA (53, high): \"u1\", \"u2\", and 51 more");
        assertThat(group.lines(NotificationText.PLAIN, 0, Integer.MAX_VALUE))
                .containsExactly("New account without MFA (53, high): 53 accounts");
    }

    @Test
    void aNamesLineStaysWithinItsCharacterBudget() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 1; i <= 53; i++) {
            events.add(account("m", EventType.NEW_ACCOUNT_WITHOUT_MFA, "user-" + i, null, Map.of()));
        }
        NotificationText.Group group = NotificationText.of(events).monitors().get(0).groups().get(0);

        for (int budget : List.of(60, 100, 333, 1000)) {
            String line = group.lines(NotificationText.PLAIN, 50, budget).get(0);
            assertThat(line.length()).as("line for budget %d", budget).isLessThanOrEqualTo(budget);
            int shown = line.split("\"user-", -1).length - 1;
            assertThat(line).endsWith(shown == 0 ? "53 accounts" : ", and " + (53 - shown) + " more");
        }
        assertThat(group.lines(NotificationText.PLAIN, 50, 60))
                .containsExactly("New account without MFA (53, high): \"user-1\", and 52 more");
    }

    @Test
    void aStyleWritesNamesTextAndLabelsItsOwnWay() {
        NotificationText.Style brackets = new NotificationText.Style() {
            @Override
            public String name(String name) {
                return "[" + name + "]";
            }

            @Override
            public String text(String text) {
                return text.toUpperCase(java.util.Locale.ROOT);
            }

            @Override
            public String label(String words) {
                return "*" + words + "*";
            }
        };
        List<ChangeEvent> events = List.of(
                account("acme", EventType.MFA_DISABLED, "carol", MfaStatus.ENABLED, Map.of("role", "admin")),
                source("acme", EventType.MONITOR_FAILED, "denied"));
        NotificationText.Monitor monitor = NotificationText.of(events).monitors().get(0);

        assertThat(monitor.heading(brackets)).isEqualTo("ACME (INVENTORY)");
        assertThat(monitor.groups().get(0).lines(brackets, 50, 1000))
                .containsExactly("*MFA disabled* (1, high): [carol] (role=ADMIN, was enabled)");
        assertThat(monitor.groups().get(1).lines(brackets, 50, 1000)).containsExactly("*Monitor failed* (medium): DENIED");
    }

    @Test
    void oneEventIsCalledAnEventAndAnEmptyRunIsRefused() {
        assertThat(NotificationText.of(List.of(source("m", EventType.BASELINE, "x"))).title()).isEqualTo("mfa-monitor: 1 event");
        assertThatThrownBy(() -> NotificationText.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("there are no events to render");
    }

    @Test
    void quoteEscapesQuotesAndBackslashes() {
        assertThat(NotificationText.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }

    private static ChangeEvent account(String monitorId, EventType type, String name, MfaStatus previous,
                                       Map<String, String> facts) {
        MfaStatus now = type.goodNews() ? MfaStatus.ENABLED : MfaStatus.DISABLED;
        Account account = new Account("id-" + name, name, "user", now, "", facts);
        return ChangeEvent.builder(type, monitorId, "inventory", AT).account(account).previous(previous).current(now).build();
    }

    private static ChangeEvent critical(ChangeEvent event) {
        return ChangeEvent.builder(event.type(), event.monitorId(), event.service(), event.at())
                .account(event.account().orElseThrow()).previous(event.previous().orElse(null))
                .current(event.current().orElse(null)).severity(Severity.CRITICAL).build();
    }

    private static ChangeEvent source(String monitorId, EventType type, String detail) {
        return ChangeEvent.builder(type, monitorId, "inventory", AT).detail(detail).build();
    }
}
