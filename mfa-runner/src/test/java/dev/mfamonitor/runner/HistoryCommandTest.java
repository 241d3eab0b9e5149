package dev.mfamonitor.runner;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.storage.file.FileStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code history} (issue 18): exact output of each format, accounts found by any name they had, clear --since errors. */
class HistoryCommandTest {
    private static final Instant T1 = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-02T12:00:00Z");
    private static final Instant T3 = Instant.parse("2025-03-03T12:00:00Z");
    /** A name that tries everything: a formula, a terminal escape, a right-to-left override, a new line. */
    private static final String HOSTILE = "=HYPERLINK(\"http://x\")\u001b[31m\u202Eevil\nline";

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Files.writeString(dir.resolve("a.csv"), "id,name,mfa\n1001,robert,enabled\n");
        return Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: github-acme, type: inventory, path: a.csv, service: github }
                  - { id: aws-prod, type: inventory, path: a.csv, service: aws }
                notifiers:
                  - { id: security-slack, type: console }
                  - { id: siem, type: console }
                """);
    }

    /** Three runs' history, committed straight into the file store as the engine would. */
    private Path configWithHistory() throws Exception {
        Path config = config();
        Account bob = new Account("1001", "bob", "member", MfaStatus.DISABLED, "", Map.of("role", "admin"));
        Account robert = new Account("1001", "robert", "member", MfaStatus.ENABLED, "", Map.of("role", "admin"));
        Account hostile = new Account("1002", HOSTILE, "member", MfaStatus.DISABLED);
        List<HistoryEntry> history = List.of(
                new HistoryEntry("ob_1", ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github", T1).id("e1")
                        .account(bob).previous(MfaStatus.ENABLED).current(MfaStatus.DISABLED).detail("2FA off").build(), T1,
                        Map.of("security-slack", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(T1.plusSeconds(2)),
                                        Optional.empty()),
                                "siem", new Delivery(Delivery.State.PENDING, 2, Optional.of(T1.plusSeconds(9)),
                                        Optional.of("HTTP 503")))),
                new HistoryEntry("ob_2", ChangeEvent.builder(EventType.MFA_ENABLED, "github-acme", "github", T2).id("e2")
                        .account(robert).previous(MfaStatus.DISABLED).current(MfaStatus.ENABLED).detail("renamed, 2FA on")
                        .build(), T2,
                        Map.of("security-slack", new Delivery(Delivery.State.DELIVERED, 1, Optional.of(T2.plusSeconds(3)),
                                        Optional.empty()),
                                "siem", new Delivery(Delivery.State.ABANDONED, 40, Optional.of(T2), Optional.of("gave up")))),
                new HistoryEntry("ob_3", ChangeEvent.builder(EventType.NEW_ACCOUNT_WITHOUT_MFA, "github-acme", "github", T2)
                        .id("e3").account(hostile).current(MfaStatus.DISABLED).detail("-1+1 José").build(), T2, Map.of()),
                new HistoryEntry("ob_4", ChangeEvent.builder(EventType.MONITOR_FAILED, "aws-prod", "aws", T3).id("e4")
                        .detail("AccessDenied").build(), T3,
                        Map.of("security-slack", new Delivery(Delivery.State.PENDING, 0, Optional.empty(), Optional.empty()))));
        try (StateStore store = new FileStateStore(dir.resolve("state/mfa-state.json"))) {
            store.commit(new RunCommit(Map.of("github-acme", MonitorState.NEW), List.of(), List.of(), Set.of(), history,
                    List.of(), Optional.empty()));
        }
        return config;
    }

    @Test
    void theTableShowsEachChangeWithWhenEachNotifierWasToldAndNoControlCharacters() throws Exception {
        Cli.Result history = Cli.run("history", "--config", configWithHistory().toString());

        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.stdout()).isEqualTo("""
                TIME                     MONITOR      TYPE                     ACCOUNT                             PREVIOUS  CURRENT   TOLD
                2025-03-01 12:00:00 UTC  github-acme  MFA disabled             bob                                 enabled   disabled  security-slack 2025-03-01 12:00:02 UTC; siem pending (2 tries)
                2025-03-02 12:00:00 UTC  github-acme  MFA enabled              robert                              disabled  enabled   security-slack 2025-03-02 12:00:03 UTC; siem abandoned
                2025-03-02 12:00:00 UTC  github-acme  New account without MFA  =HYPERLINK("http://x")[31mevilline  -         disabled  - (no notifier takes it)
                2025-03-03 12:00:00 UTC  aws-prod     Monitor failed           -                                   -         -         security-slack pending
                """.replace("\n", System.lineSeparator()));
        assertThat(history.stdout()).doesNotContain("\u001b").doesNotContain("\u202E");
    }

    @Test
    void csvQuotesAndDefusesFormulas() throws Exception {
        Cli.Result history = Cli.run("history", "--config", configWithHistory().toString(), "--format", "csv");

        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.stdout()).isEqualTo("time,monitor,service,type,account_id,account,previous,current,told,detail\r\n"
                + "2025-03-01T12:00:00Z,github-acme,github,MFA_DISABLED,1001,bob,enabled,disabled,"
                + "security-slack=2025-03-01T12:00:02Z; siem=pending (2 tries),2FA off\r\n"
                + "2025-03-02T12:00:00Z,github-acme,github,MFA_ENABLED,1001,robert,disabled,enabled,"
                + "security-slack=2025-03-02T12:00:03Z; siem=abandoned,\"renamed, 2FA on\"\r\n"
                + "2025-03-02T12:00:00Z,github-acme,github,NEW_ACCOUNT_WITHOUT_MFA,1002,"
                + "\"'=HYPERLINK(\"\"http://x\"\")[31mevilline\",,disabled,,'-1+1 José\r\n"
                + "2025-03-03T12:00:00Z,aws-prod,aws,MONITOR_FAILED,,,,,security-slack=pending,AccessDenied\r\n");
    }

    @Test
    void jsonIsExactAndEscapesEverythingATerminalCouldRun() throws Exception {
        Cli.Result history = Cli.run("history", "--config", configWithHistory().toString(), "--format", "json",
                "--monitor", "github-acme", "--account", "1002");

        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.stdout()).isEqualTo("""
                {
                  "events" : [ {
                    "time" : "2025-03-02T12:00:00Z",
                    "committedAt" : "2025-03-02T12:00:00Z",
                    "monitor" : "github-acme",
                    "service" : "github",
                    "type" : "NEW_ACCOUNT_WITHOUT_MFA",
                    "severity" : "high",
                    "account" : {
                      "id" : "1002",
                      "name" : "=HYPERLINK(\\"http://x\\")\\u001B[31m\\u202Eevil\\nline",
                      "kind" : "member"
                    },
                    "current" : "disabled",
                    "detail" : "-1+1 Jos\\u00E9",
                    "eventId" : "e3",
                    "deliveries" : [ ]
                  } ]
                }
                """.replace("\n", System.lineSeparator()));
    }

    @Test
    void anAccountIsFoundByItsIdOrAnyNameItHasHad() throws Exception {
        Path config = configWithHistory();
        for (String who : List.of("bob", "BOB", "robert", "1001")) {
            Cli.Result history = Cli.run("history", "--config", config.toString(), "--account", who, "--format", "csv");

            assertThat(history.exitCode()).as(history.toString()).isZero();
            assertThat(history.stdout().lines().skip(1).map(l -> l.split(",")[3] + " " + l.split(",")[5]))
                    .as(who).containsExactly("MFA_DISABLED bob", "MFA_ENABLED robert");
        }
        Cli.Result nobody = Cli.run("history", "--config", config.toString(), "--account", "carol");
        assertThat(nobody.exitCode()).isZero();
        assertThat(nobody.stdout().lines()).hasSize(1);
        assertThat(nobody.stderr()).contains("no account has the id or has had the name 'carol' in the history or the state");
    }

    @Test
    void aMonitorThatIsNeitherConfiguredNorInTheHistoryIsNamedInAWarning() throws Exception {
        Path config = configWithHistory();

        Cli.Result typo = Cli.run("history", "--config", config.toString(), "--monitor", "github-acm");

        assertThat(typo.exitCode()).as(typo.toString()).isZero();
        assertThat(typo.stdout().lines()).hasSize(1);
        assertThat(typo.stderr()).contains("no monitor 'github-acm' in the configuration, and the history holds nothing"
                + " of it; configured monitors: github-acme, aws-prod");

        Cli.Result quiet = Cli.run("history", "--config", config.toString(), "--monitor", "aws-prod", "--since", "1h");
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.stderr()).doesNotContain("no monitor");
    }

    @Test
    void sinceCountsBackFromNowAndMonitorNarrows() throws Exception {
        Path config = config();
        Instant now = Instant.now();
        List<HistoryEntry> history = List.of(
                new HistoryEntry("old", ChangeEvent.builder(EventType.MFA_DISABLED, "github-acme", "github",
                        now.minus(Duration.ofDays(40))).id("old").detail("").build(), now.minus(Duration.ofDays(40)), Map.of()),
                new HistoryEntry("recent", ChangeEvent.builder(EventType.MFA_ENABLED, "github-acme", "github",
                        now.minus(Duration.ofDays(10))).id("recent").detail("").build(), now.minus(Duration.ofDays(10)), Map.of()),
                new HistoryEntry("other", ChangeEvent.builder(EventType.MONITOR_FAILED, "aws-prod", "aws",
                        now.minus(Duration.ofDays(1))).id("other").detail("").build(), now.minus(Duration.ofDays(1)), Map.of()));
        try (StateStore store = new FileStateStore(dir.resolve("state/mfa-state.json"))) {
            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of(), history, List.of(), Optional.empty()));
        }

        assertThat(types(Cli.run("history", "--config", config.toString(), "--since", "30d")))
                .containsExactly("MFA_ENABLED", "MONITOR_FAILED");
        assertThat(types(Cli.run("history", "--config", config.toString(), "--since", "30d", "--monitor", "github-acme")))
                .containsExactly("MFA_ENABLED");
        assertThat(types(Cli.run("history", "--config", config.toString()))).hasSize(3);
    }

    @Test
    void aSinceThatIsNoDurationIsAUsageErrorSayingHowToWriteIt() throws Exception {
        Path config = config();

        Cli.Result bad = Cli.run("history", "--config", config.toString(), "--since", "30 days");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stdout()).isEmpty();
        assertThat(bad.stderr()).contains("--since '30 days' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or"
                + " PT15M, counted back from now");

        Cli.Result zero = Cli.run("history", "--config", config.toString(), "--since", "0d");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.stderr()).contains("--since 0d selects nothing; give a duration longer than zero, such as 30d");
    }

    @Test
    void beforeAnyRunTheHistoryIsEmpty() throws Exception {
        Cli.Result history = Cli.run("history", "--config", config().toString());

        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.stdout()).isEqualTo("TIME  MONITOR  TYPE  ACCOUNT  PREVIOUS  CURRENT  TOLD" + System.lineSeparator());
    }

    private static List<String> types(Cli.Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.stdout().lines().skip(1).map(l -> l.split("  +")[2]).map(HistoryCommandTest::typeName).toList();
    }

    private static String typeName(String words) {
        return EventType.builtIns().stream().filter(t -> t.words().equals(words)).findFirst().orElseThrow().name();
    }

    /**
     * A store's message can quote what it read: Jackson quotes a corrupt file's token, escape character included. It
     * reaches the terminal cleaned.
     */
    @Test
    void anUnreadableStateIsReportedWithoutTheControlCharactersItQuotes() throws Exception {
        Path config = config();
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/mfa-state.json"), "{\"schemaVersion\": abc\u001b]0;owned\u0007}");

        for (String command : new String[] {"history", "status"}) {
            Cli.Result result = Cli.run(command, "--config", config.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(5);
            assertThat(result.stderr()).contains("is not valid JSON").contains("Unrecognized token 'abc'")
                    .doesNotContain("\u001b").doesNotContain("\u0007");
        }
    }
}
