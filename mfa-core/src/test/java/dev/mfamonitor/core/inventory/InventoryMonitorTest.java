package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.HttpRules;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InventoryMonitorTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final ScanRequest SCAN = new ScanRequest(Optional.empty(), true,
            Deadline.after(Duration.ofMinutes(1), System::nanoTime));

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- YAML

    @Test
    void readsTheYamlFormExactly() throws Exception {
        Path file = write("accounts.yaml", """
                service: hr-portal
                accounts:
                  - id: 42
                    name: alice
                    mfa: enabled
                  - { id: "042", name: Bob Builder, mfa: DISABLED, kind: admin }
                  - id: svc-backup
                    name: backup
                    mfa: Not_Applicable
                    kind: service-account
                  - id: u-4
                    name: dave
                    mfa: unknown
                """);

        Snapshot snapshot = monitor(file, Optional.empty()).snapshot(SCAN);

        assertThat(snapshot).isEqualTo(Snapshot.of("hr-portal", NOW, List.of(
                new Account("42", "alice", "user", MfaStatus.ENABLED),
                new Account("042", "Bob Builder", "admin", MfaStatus.DISABLED),
                new Account("svc-backup", "backup", "service-account", MfaStatus.NOT_APPLICABLE),
                new Account("u-4", "dave", "user", MfaStatus.UNKNOWN))));
    }

    @Test
    void theConfiguredServiceWinsOverTheFilesAndInventoryIsTheLastResort() throws Exception {
        Path named = write("named.yml", "service: from-file\naccounts: []\n");
        Path unnamed = write("unnamed.yaml", "accounts: []\n");

        assertThat(monitor(named, Optional.of("from-config")).snapshot(SCAN).service()).isEqualTo("from-config");
        assertThat(monitor(named, Optional.empty()).snapshot(SCAN).service()).isEqualTo("from-file");
        assertThat(monitor(unnamed, Optional.empty()).snapshot(SCAN).service()).isEqualTo("inventory");
        assertThat(monitor(unnamed, Optional.empty()).snapshot(SCAN).accounts()).isEmpty();
    }

    @Test
    void aBadMfaValueNamesFileLineAndAcceptedValues() {
        Path file = write("accounts.yaml", """
                accounts:
                  - id: 1
                    name: alice
                    mfa: enabled
                  - id: 2
                    name: bob
                    mfa: maybe
                """);

        assertFailure(file, "inventory accounts.yaml line 7: mfa 'maybe' is not an MFA status; "
                + "use one of enabled, disabled, not_applicable, unknown");
    }

    @Test
    void yamlBooleansAreNotMfaStatuses() {
        Path file = write("accounts.yaml", "accounts:\n  - {id: 1, name: alice, mfa: yes}\n");

        assertFailure(file, "inventory accounts.yaml line 2: mfa 'yes' is not an MFA status; "
                + "use one of enabled, disabled, not_applicable, unknown");
    }

    @Test
    void anUnknownKeyInAnAccountIsATypoNotSomethingToIgnore() {
        Path file = write("accounts.yaml", """
                accounts:
                  - id: 1
                    name: alice
                    mfa_status: disabled
                """);

        assertFailure(file, "inventory accounts.yaml line 4: unknown key 'mfa_status' in an account; use id, name, mfa, kind");
    }

    @Test
    void anUnknownTopLevelKeyIsRefused() {
        Path file = write("accounts.yaml", "service: hr\nacounts:\n  - {id: 1, name: alice, mfa: enabled}\n");

        assertFailure(file, "inventory accounts.yaml line 2: unknown key 'acounts' at the top of the file; use service, accounts");
    }

    @Test
    void aMissingRequiredKeyNamesTheAccountsLine() {
        Path file = write("accounts.yaml", """
                accounts:
                  - id: 1
                    name: alice
                    mfa: enabled
                  - id: 2
                    name: bob
                """);

        assertFailure(file, "inventory accounts.yaml line 5: account has no mfa; every account needs id, name and mfa "
                + "(kind is optional)");
    }

    @Test
    void anEmptyIdIsRefused() {
        Path file = write("accounts.yaml", "accounts:\n  - {id: 1, name: alice, mfa: enabled}\n  - {id: '', name: bob, mfa: enabled}\n");

        assertFailure(file, "inventory accounts.yaml line 3: id is empty; every account needs an id that stays the same "
                + "when it is renamed");
    }

    @Test
    void aNullIdIsAMissingId() {
        Path file = write("accounts.yaml", "accounts:\n  - id:\n    name: bob\n    mfa: enabled\n");

        assertFailure(file, "inventory accounts.yaml line 2: account has no id; every account needs id, name and mfa "
                + "(kind is optional)");
    }

    @Test
    void duplicateIdsNameBothLines() {
        Path file = write("accounts.yaml", """
                accounts:
                  - id: 7
                    name: alice
                    mfa: enabled
                  - id: 8
                    name: bob
                    mfa: enabled
                  - id: "7"
                    name: alice-renamed
                    mfa: disabled
                """);

        assertFailure(file, "inventory accounts.yaml line 8: id '7' is also the id of the account on line 2; "
                + "every account needs its own id");
    }

    @Test
    void aRepeatedKeyInOneAccountIsRefused() {
        Path file = write("accounts.yaml", "accounts:\n  - id: 1\n    name: alice\n    mfa: disabled\n    mfa: enabled\n");

        assertFailure(file, "inventory accounts.yaml line 5: key 'mfa' is given twice in an account (also on line 4)");
    }

    @Test
    void aListWhereAValueBelongsIsRefused() {
        Path file = write("accounts.yaml", "accounts:\n  - id: 1\n    name: [alice, bob]\n    mfa: enabled\n");

        assertFailure(file, "inventory accounts.yaml line 3: name must be a single value, found a list");
    }

    @Test
    void anAccountThatIsNotAnEntryIsRefused() {
        Path file = write("accounts.yaml", "accounts:\n  - alice\n");

        assertFailure(file, "inventory accounts.yaml line 2: an account must be an entry with id, name and mfa "
                + "(kind optional), found the value 'alice'");
    }

    @Test
    void brokenYamlSyntaxNamesTheLine() {
        Path file = write("accounts.yaml", "accounts:\n  - id: 1\n    name: alice\n   mfa: enabled\n");

        assertThatThrownBy(() -> monitor(file, Optional.empty()).snapshot(SCAN))
                .isInstanceOf(InventoryException.class)
                .hasMessageStartingWith("inventory accounts.yaml line 4: not valid YAML: ")
                .hasMessageEndingWith("; check the indentation and quote values with ': ' or '#'");
    }

    @Test
    void anEmptyYamlFileIsAnErrorNotAnEmptyInventory() {
        // A truncated or emptied file must not read as "everyone left".
        Path file = write("accounts.yaml", "# nothing yet\n");

        assertFailure(file, "inventory accounts.yaml: the file is empty; write 'accounts:' followed by a list of entries "
                + "with id, name and mfa");
    }

    @Test
    void aYamlFileWithoutAccountsIsRefused() {
        Path file = write("accounts.yaml", "service: hr\n");

        assertFailure(file, "inventory accounts.yaml line 1: there is no 'accounts:' list; write 'accounts:' followed by "
                + "entries with id, name and mfa, or 'accounts: []' for none");
    }

    @Test
    void accountsThatAreNotAListAreRefused() {
        Path file = write("accounts.yaml", "accounts:\n");

        assertFailure(file, "inventory accounts.yaml line 1: accounts must be a list of entries with id, name and mfa, "
                + "found the value ''; write 'accounts: []' for none");
    }

    @Test
    void aTopLevelListIsRefused() {
        Path file = write("accounts.yaml", "- {id: 1, name: alice, mfa: enabled}\n");

        assertFailure(file, "inventory accounts.yaml line 1: the file must be a block with 'accounts:' (and optionally "
                + "'service:'), found a list");
    }

    @Test
    void yamlTagsCannotBuildObjects() {
        Path file = write("accounts.yaml", "accounts:\n  - !!javax.script.ScriptEngineManager [!!java.net.URL [\"http://127.0.0.1:1/\"]]\n");

        assertFailure(file, "inventory accounts.yaml line 2: not valid YAML: Global tag is not allowed: "
                + "tag:yaml.org,2002:javax.script.ScriptEngineManager; check the indentation and quote values with ': ' or '#'");
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void readsTheCsvFormExactlyWithColumnsInAnyOrder() throws Exception {
        Path file = write("hr.csv", """
                MFA,Kind,id,name
                enabled,admin,1,alice
                disabled,,2,bob
                not_applicable,service-account,svc-1,backup
                """);

        Snapshot snapshot = monitor(file, Optional.empty()).snapshot(SCAN);

        assertThat(snapshot).isEqualTo(Snapshot.of("inventory", NOW, List.of(
                new Account("1", "alice", "admin", MfaStatus.ENABLED),
                new Account("2", "bob", "user", MfaStatus.DISABLED),
                new Account("svc-1", "backup", "service-account", MfaStatus.NOT_APPLICABLE))));
    }

    @Test
    void toleratesAByteOrderMarkCrlfQuotedCommasAndBlankLines() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "id,name,mfa\r\n1,\"Doe, Jane\",enabled\r\n\r\n2,\"Smith \"\"Bo\"\"\",unknown\r\n"
                .getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("export.csv");
        Files.write(file, concat(bom, body));

        Snapshot snapshot = monitor(file, Optional.of("hr-portal")).snapshot(SCAN);

        assertThat(snapshot).isEqualTo(Snapshot.of("hr-portal", NOW, List.of(
                new Account("1", "Doe, Jane", "user", MfaStatus.ENABLED),
                new Account("2", "Smith \"Bo\"", "user", MfaStatus.UNKNOWN))));
    }

    @Test
    void linesAreCountedAcrossBlankLinesAndQuotedLineBreaks() {
        Path file = write("hr.csv", "id,name,mfa\r\n1,\"two\r\nlines\",enabled\r\n\r\n\r\n2,bob,sometimes\r\n");

        assertFailure(file, "inventory hr.csv line 6: mfa 'sometimes' is not an MFA status; "
                + "use one of enabled, disabled, not_applicable, unknown");
    }

    @Test
    void aMissingCsvColumnIsNamed() {
        Path file = write("hr.csv", "id,name\n1,alice\n");

        assertFailure(file, "inventory hr.csv line 1: column 'mfa' is missing; the header needs id, name and mfa, and may have kind");
    }

    @Test
    void anUnknownCsvColumnIsNamed() {
        Path file = write("hr.csv", "id,name,mfa,email\n1,alice,enabled,a@example.com\n");

        assertFailure(file, "inventory hr.csv line 1: unknown column 'email'; the header needs id, name and mfa, and may have kind");
    }

    @Test
    void aRepeatedCsvColumnIsRefused() {
        Path file = write("hr.csv", "id,name,mfa,ID\n1,alice,enabled,2\n");

        assertFailure(file, "inventory hr.csv line 1: column 'id' appears twice; the header needs id, name and mfa, and may have kind");
    }

    @Test
    void anEmptyCsvIdIsRefused() {
        Path file = write("hr.csv", "id,name,mfa\n1,alice,enabled\n  ,bob,disabled\n");

        assertFailure(file, "inventory hr.csv line 3: id is empty; every account needs an id that stays the same when it is renamed");
    }

    @Test
    void aBadCsvMfaValueIsRefused() {
        Path file = write("hr.csv", "id,name,mfa\n1,alice,enabled\n2,bob,\n");

        assertFailure(file, "inventory hr.csv line 3: mfa '' is not an MFA status; use one of enabled, disabled, not_applicable, unknown");
    }

    @Test
    void duplicateCsvIdsNameBothLines() {
        Path file = write("hr.csv", "id,name,mfa\n1,alice,enabled\n2,bob,enabled\n1,carol,disabled\n");

        assertFailure(file, "inventory hr.csv line 4: id '1' is also the id of the account on line 2; every account needs its own id");
    }

    @Test
    void aRowWithTooManyValuesIsRefused() {
        Path file = write("hr.csv", "id,name,mfa\n1,Doe, Jane,enabled\n");

        assertFailure(file, "inventory hr.csv line 2: has 4 values but the header has 3 columns; put values that contain "
                + "commas in double quotes");
    }

    @Test
    void anUnclosedQuoteNamesTheLineWhereTheRecordStarts() {
        Path file = write("hr.csv", "id,name,mfa\n1,alice,enabled\n\n2,\"bob,enabled\n3,carol,enabled\n");

        assertThatThrownBy(() -> monitor(file, Optional.empty()).snapshot(SCAN))
                .isInstanceOf(InventoryException.class)
                .hasMessageStartingWith("inventory hr.csv line 4: not valid CSV (")
                .hasMessageEndingWith("); put values with commas, quotes or line breaks in double quotes and double "
                        + "the quotes inside them");
    }

    @Test
    void anEmptyCsvIsAnErrorNotAnEmptyInventory() {
        Path file = write("hr.csv", "");

        assertFailure(file, "inventory hr.csv: the file is empty; the first line must be the header id,name,mfa (kind optional)");
    }

    @Test
    void aCsvWithOnlyAHeaderHasNoAccounts() throws Exception {
        Path file = write("hr.csv", "id,name,mfa\n");

        assertThat(monitor(file, Optional.empty()).snapshot(SCAN).accounts()).isEmpty();
    }

    // ---------------------------------------------------------------- the file

    @Test
    void aMissingFileNamesItsAbsolutePath() {
        Path file = dir.resolve("sub/missing.yaml");

        assertFailure(file, "inventory file " + file.toAbsolutePath() + " does not exist; create it or correct 'path' "
                + "of monitor 'quickstart'");
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "id,name,mfa\n1,Jos\u00e9,enabled\n".getBytes(StandardCharsets.ISO_8859_1));

        assertFailure(file, "inventory latin1.csv: is not UTF-8 text; save it as UTF-8");
    }

    @Test
    void theFileIsReadAfreshOnEverySnapshot() throws Exception {
        Path file = write("accounts.yaml", "accounts:\n  - {id: 1, name: alice, mfa: enabled}\n");
        Monitor monitor = monitor(file, Optional.empty());

        Snapshot before = monitor.snapshot(SCAN);
        write("accounts.yaml", "accounts:\n  - {id: 1, name: alice, mfa: disabled}\n  - {id: 2, name: bob, mfa: enabled}\n");
        Snapshot after = monitor.snapshot(SCAN);

        assertThat(before.accounts()).containsExactly(new Account("1", "alice", "user", MfaStatus.ENABLED));
        assertThat(after.accounts()).containsExactly(
                new Account("1", "alice", "user", MfaStatus.DISABLED),
                new Account("2", "bob", "user", MfaStatus.ENABLED));
    }

    // ---------------------------------------------------------------- the provider

    @Test
    void isDiscoveredAsTypeInventoryAndResolvesThePathAgainstTheConfigDirectory() throws Exception {
        write("accounts.yaml", "accounts:\n  - {id: 1, name: alice, mfa: enabled}\n");
        MonitorProvider provider = inventoryProvider();
        YamlPluginConfig config = new YamlPluginConfig("monitor", "quickstart", "inventory",
                Map.of("path", "accounts.yaml", "service", "hr-portal"), dir, name -> null);

        Monitor monitor = provider.create(config, CONTEXT);
        config.requireAllUsed();

        assertThat(((InventoryMonitor) monitor).file()).isEqualTo(dir.resolve("accounts.yaml").toAbsolutePath());
        Snapshot snapshot = monitor.snapshot(SCAN);
        assertThat(snapshot.service()).isEqualTo("hr-portal");
        assertThat(snapshot.accounts()).containsExactly(new Account("1", "alice", "user", MfaStatus.ENABLED));
        assertThat(snapshot.observedAt()).isEqualTo(NOW); // the context's clock
    }

    @Test
    void createDoesNotReadTheFile() {
        YamlPluginConfig config = new YamlPluginConfig("monitor", "quickstart", "inventory",
                Map.of("path", "not-there-yet.csv"), dir, name -> null);

        Monitor monitor = inventoryProvider().create(config, CONTEXT);

        assertThatThrownBy(() -> monitor.snapshot(SCAN)).isInstanceOf(InventoryException.class)
                .hasMessage("inventory file " + dir.resolve("not-there-yet.csv").toAbsolutePath() + " does not exist; "
                        + "create it or correct 'path' of monitor 'quickstart'");
    }

    @Test
    void anUnsupportedExtensionFailsAtStartUpSayingWhatIsSupported() {
        YamlPluginConfig config = new YamlPluginConfig("monitor", "quickstart", "inventory",
                Map.of("path", "accounts.xlsx"), dir, name -> null);

        assertThatThrownBy(() -> inventoryProvider().create(config, CONTEXT))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'quickstart' (type inventory): property 'path': 'accounts.xlsx' is not an inventory "
                        + "file; use a file ending in .yaml, .yml or .csv");
    }

    @Test
    void thePathIsRequired() {
        YamlPluginConfig config = new YamlPluginConfig("monitor", "quickstart", "inventory", Map.of(), dir, name -> null);

        assertThatThrownBy(() -> inventoryProvider().create(config, CONTEXT))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'quickstart' (type inventory): property 'path': is required: a text value");
    }

    @Test
    void aMisspeltKeyIsReportedAsUnused() {
        YamlPluginConfig config = new YamlPluginConfig("monitor", "quickstart", "inventory",
                Map.of("path", "accounts.yaml", "sevice", "hr"), dir, name -> null);

        inventoryProvider().create(config, CONTEXT);

        assertThatThrownBy(config::requireAllUsed)
                .hasMessage("property 'sevice' is not used by monitor 'quickstart' (type inventory); known: path, service");
    }

    // ---------------------------------------------------------------- helpers

    /** Only the clock matters to the inventory monitor. */
    private static final PluginContext CONTEXT = new PluginContext() {
        @Override
        public String instanceId() {
            return "quickstart";
        }

        @Override
        public Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Override
        public LongSupplier nanoTime() {
            return System::nanoTime;
        }

        @Override
        public dev.mfamonitor.spi.Sleeper sleeper() {
            return duration -> {
                throw new AssertionError("the inventory monitor never waits");
            };
        }

        @Override
        public dev.mfamonitor.spi.Redactor redactor() {
            return text -> text;
        }

        @Override
        public HttpRules http() {
            throw new AssertionError("the inventory monitor makes no HTTP calls");
        }
    };

    private static MonitorProvider inventoryProvider() {
        List<MonitorProvider> found = ServiceLoader.load(MonitorProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals("inventory")).toList();
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).isInstanceOf(InventoryMonitorProvider.class);
        return found.get(0);
    }

    private static InventoryMonitor monitor(Path file, Optional<String> service) {
        return new InventoryMonitor("quickstart", file, service, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static void assertFailure(Path file, String message) {
        assertThatThrownBy(() -> monitor(file, Optional.empty()).snapshot(SCAN))
                .isInstanceOf(InventoryException.class)
                .hasMessage(message);
    }

    private Path write(String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
