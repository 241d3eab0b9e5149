package dev.mfamonitor.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check --format ocsf} (issue 18, OCSF): Detection Findings checked against OCSF 1.3.0's required attributes. */
class OcsfFormatTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00.123Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private List<JsonNode> check() throws Exception {
        Path config = Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: gh, type: fixture, service: github, adminWithoutMfa: true }
                notifiers:
                  - { id: console, type: console }
                policy:
                  exceptions:
                    - { monitor: gh, account: "2", reason: "shared \\"test\\" account", expires: 2027-03-01 }
                """);
        Cli.Result check;
        try (AutoCloseable env = RunnerEnvironment.replace(Clock.fixed(NOW, ZoneOffset.UTC), () -> 0L, false)) {
            check = Cli.run("check", "--config", config.toString(), "--format", "ocsf");
        }
        assertThat(check.exitCode()).as(check.toString()).isZero();
        List<JsonNode> findings = new ArrayList<>();
        for (String line : check.stdout().split("\n", -1)) {
            if (!line.isEmpty()) {
                findings.add(MAPPER.readTree(line));
            }
        }
        assertThat(check.stdout()).endsWith("}\n");
        return findings;
    }

    @Test
    void oneFindingALinePerAccountWithoutOrWithWeakMfa() throws Exception {
        List<JsonNode> findings = check();

        assertThat(findings).extracting(f -> f.path("resources").get(0).path("name").asText())
                .containsExactly("octo-owner", "=HYPERLINK(\"http://evil.example/\",\"x\")", "root-like");
        assertThat(findings).extracting(f -> f.path("severity_id").asInt()).containsExactly(3, 4, 5);
        assertThat(findings).extracting(f -> f.path("severity").asText()).containsExactly("Medium", "High", "Critical");
        assertThat(findings).extracting(f -> f.path("status_id").asInt()).containsExactly(1, 3, 1);
        assertThat(findings).extracting(f -> f.path("finding_info").path("uid").asText()).containsExactly(
                OcsfFindings.uid("gh", "1", "mfa-weak"), OcsfFindings.uid("gh", "2", "mfa-missing"),
                OcsfFindings.uid("gh", "5", "mfa-missing"));
        JsonNode weak = findings.get(0);
        assertThat(weak.path("time").asLong()).as("epoch milliseconds").isEqualTo(1_796_205_600_123L);
        assertThat(weak.path("finding_info").path("title").asText())
                .isEqualTo("Only weak MFA protects octo-owner (member, admin) in github (monitor gh)");
        assertThat(weak.path("finding_info").path("types").get(0).asText()).isEqualTo("Weak MFA");
        assertThat(weak.path("resources").get(0).path("uid").asText()).isEqualTo("1");
        assertThat(weak.path("resources").get(0).path("data").path("scope").asText()).isEqualTo("acme");
        assertThat(weak.path("metadata").path("product").path("name").asText()).isEqualTo("mfa-monitor");
        JsonNode suppressed = findings.get(1);
        assertThat(suppressed.path("status").asText()).isEqualTo("Suppressed");
        assertThat(suppressed.path("status_detail").asText()).isEqualTo("exception: shared \"test\" account");
        assertThat(suppressed.path("is_alert").asBoolean()).isFalse();
        assertThat(findings.get(2).path("finding_info").path("title").asText())
                .isEqualTo("MFA is not enabled for root-like (member, owner) in github (monitor gh)");
    }

    @Test
    void everyFindingHasTheRequiredAttributesOfOcsf130() throws Exception {
        JsonNode required;
        try (InputStream in = getClass().getResourceAsStream("/ocsf/detection_finding-1.3.0-required.json")) {
            required = MAPPER.readTree(in);
        }
        List<JsonNode> findings = check();
        assertThat(findings).hasSize(3);
        for (JsonNode finding : findings) {
            for (JsonNode name : required.path("event")) {
                assertThat(finding.has(name.asText())).as("required attribute %s", name.asText()).isTrue();
            }
            for (JsonNode name : required.path("integers")) {
                assertThat(finding.path(name.asText()).isIntegralNumber()).as("%s is an integer", name.asText()).isTrue();
            }
            required.path("objects").fields().forEachRemaining(object -> {
                JsonNode node = finding.at("/" + object.getKey().replace('.', '/'));
                assertThat(node.isObject()).as(object.getKey()).isTrue();
                for (JsonNode name : object.getValue()) {
                    JsonNode value = node.path(name.asText());
                    assertThat(value.isObject() ? value.size() > 0 : !value.asText().isBlank())
                            .as("%s.%s is filled", object.getKey(), name.asText()).isTrue();
                }
            });
            required.path("enums").fields().forEachRemaining(e -> {
                List<Integer> allowed = new ArrayList<>();
                e.getValue().forEach(v -> allowed.add(v.asInt()));
                assertThat(allowed).as(e.getKey()).contains(finding.path(e.getKey()).asInt());
            });
            assertThat(finding.path("class_uid").asInt()).isEqualTo(required.path("class_uid").asInt());
            assertThat(finding.path("category_uid").asInt()).isEqualTo(required.path("category_uid").asInt());
            assertThat(finding.path("type_uid").asInt())
                    .isEqualTo(finding.path("class_uid").asInt() * 100 + finding.path("activity_id").asInt());
            assertThat(finding.path("metadata").path("version").asText()).isEqualTo(required.path("version").asText());
        }
    }
}
