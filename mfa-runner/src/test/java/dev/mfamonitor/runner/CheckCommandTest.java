package dev.mfamonitor.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check} in its three formats (issue 12 items 29 and 30). */
class CheckCommandTest {
    private static final String FAILURE = "the fixture's API answered 500\u001b]8;;http://evil.example\u0007 click\u202E";

    @TempDir
    Path dir;

    private Path config(boolean failing) throws IOException {
        return Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: gh, type: fixture, service: github }
                  - { id: broken, type: fixture, failWith: "%s" }
                notifiers:
                  - { id: console, type: console }
                """.formatted(failing ? FAILURE.replace("\u001b", "\\e").replace("\u0007", "\\a").replace("\u202E", "\\u202E")
                : "").replace(", failWith: \"\"", ""));
    }

    @Test
    void csvEscapesFormulasStripsControlCharactersAndHasScopeAndFacts() throws Exception {
        Cli.Result check = Cli.run("check", "--config", config(false).toString(), "--format", "csv");

        assertThat(check.exitCode()).as(check.toString()).isZero();
        List<CSVRecord> records;
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(check.stdout()))
                .setFormat(CSVFormat.RFC4180.builder().setHeader().get()).get()) {
            assertThat(parser.getHeaderNames()).containsExactly("monitor", "service", "id", "name", "kind", "scope", "mfa",
                    "role", "weakMfa", "facts", "exception");
            records = parser.getRecords();
        }
        List<CSVRecord> gh = records.stream().filter(r -> r.get("monitor").equals("gh")).toList();
        assertThat(gh).extracting(r -> r.get("name")).containsExactly("octo-owner",
                "'=HYPERLINK(\"http://evil.example/\",\"x\")", "mal[31mloryforged line", "'-2+3");
        assertThat(gh).extracting(r -> r.get("scope")).containsExactly("acme", "acme", "acme", "");
        assertThat(gh).extracting(r -> r.get("facts")).containsExactly("role=admin; weakMfa=true", "role=member",
                "note=@SUM(A1)", "");
        assertThat(gh).extracting(r -> r.get("role")).containsExactly("admin", "member", "", "");
        assertThat(gh).extracting(r -> r.get("weakMfa")).containsExactly("true", "false", "false", "false");
        assertThat(gh).extracting(r -> r.get("mfa")).containsExactly("enabled", "disabled", "unknown", "not_applicable");
        // No cell of any record starts a formula, and no control character is left anywhere.
        for (CSVRecord record : records) {
            for (String cell : record) {
                assertThat(cell).as("cell").doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-")
                        .doesNotStartWith("@");
            }
        }
        assertThat(check.stdout().replace("\r\n", "\n").chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    }

    @Test
    void theFormulaEscapeCoversEveryOwaspCharacter() {
        for (String start : List.of("=", "+", "-", "@", "\t", "\r")) {
            assertThat(CheckCommand.cell(start + "1")).isEqualTo("'" + start + "1");
        }
        assertThat(CheckCommand.cell("alice")).isEqualTo("alice");
        assertThat(CheckCommand.cell("")).isEmpty();
        assertThat(CheckCommand.cell("a=b")).isEqualTo("a=b");
    }

    @Test
    void jsonIsAnEnvelopeThatCarriesAFailedMonitorsError() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Cli.Result check = Cli.run("check", "--config", config(true).toString(), "--format", "json");

        assertThat(check.exitCode()).as(check.toString()).isEqualTo(3);
        JsonNode json = new ObjectMapper().readTree(check.stdout());
        assertThat(Instant.parse(json.path("when").asText())).isBetween(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                Instant.now());
        assertThat(json.path("version").asText()).isNotBlank();
        assertThat(json.path("monitors")).hasSize(2);
        JsonNode gh = json.path("monitors").get(0);
        assertThat(gh.path("id").asText()).isEqualTo("gh");
        assertThat(gh.path("outcome").asText()).isEqualTo("complete");
        assertThat(gh.path("service").asText()).isEqualTo("github");
        assertThat(gh.path("accounts").asInt()).isEqualTo(4);
        JsonNode broken = json.path("monitors").get(1);
        assertThat(broken.path("id").asText()).isEqualTo("broken");
        assertThat(broken.path("outcome").asText()).isEqualTo("failed");
        assertThat(broken.path("error").asText()).contains("the fixture's API answered 500").contains("click")
                .doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202E");
        assertThat(json.path("accounts")).hasSize(4);
        JsonNode owner = json.path("accounts").get(0);
        assertThat(owner.path("monitor").asText()).isEqualTo("gh");
        assertThat(owner.path("name").asText()).isEqualTo("octo-owner");
        assertThat(owner.path("scope").asText()).isEqualTo("acme");
        assertThat(owner.path("role").asText()).isEqualTo("admin");
        assertThat(owner.path("weakMfa").asBoolean()).isTrue();
        assertThat(owner.path("facts").path("role").asText()).isEqualTo("admin");
        assertThat(json.path("accounts").get(2).path("name").asText()).isEqualTo("mal[31mloryforged line");
    }

    @Test
    void jsonWhenEveryMonitorFailsStillSaysWhy() throws Exception {
        Path config = Files.writeString(dir.resolve("all-failing.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: broken, type: fixture, failWith: "token expired" }
                notifiers:
                  - { id: console, type: console }
                """);

        Cli.Result check = Cli.run("check", "--config", config.toString(), "--format", "json");

        assertThat(check.exitCode()).isEqualTo(3);
        JsonNode json = new ObjectMapper().readTree(check.stdout());
        assertThat(json.path("accounts")).isEmpty();
        assertThat(json.path("monitors").get(0).path("outcome").asText()).isEqualTo("failed");
        assertThat(json.path("monitors").get(0).path("error").asText()).contains("token expired");
    }

    @Test
    void theTableShowsRoleAndWeakMfaAndNoControlCharacters() throws Exception {
        Cli.Result check = Cli.run("check", "--config", config(false).toString());

        assertThat(check.exitCode()).as(check.toString()).isZero();
        List<String> lines = check.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("MONITOR  SERVICE  ACCOUNT                                 KIND                  ROLE    MFA             NOTE");
        assertThat(lines).contains(
                "gh       github   octo-owner                              member                admin   enabled (weak)",
                "gh       github   mal[31mloryforged line                  member                        unknown",
                "gh       github   -2+3                                    outside-collaborator          not applicable");
        assertThat(lines).hasSize(1 + 4 + 4);
        assertThat(check.stdout().chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    }
}
