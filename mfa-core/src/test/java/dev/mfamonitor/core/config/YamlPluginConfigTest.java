package dev.mfamonitor.core.config;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.PluginConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class YamlPluginConfigTest {
    private static final String SECRET = "ghp_s3cr3tT0ken";
    private static final String LITERAL_SECRET = "is a secret and must not be written in the configuration file; "
            + "write ${env:NAME} (an environment variable) or ${file:PATH} (a file)";

    @TempDir
    Path dir;

    private final Map<String, String> env = new LinkedHashMap<>();
    private final UnaryOperator<String> environment = env::get;

    private dev.mfamonitor.core.config.YamlPluginConfig config(String kind, String id, String type, Map<String, ?> values) {
        return new dev.mfamonitor.core.config.YamlPluginConfig(kind, id, type, values, dir, environment);
    }

    private dev.mfamonitor.core.config.YamlPluginConfig monitor(Map<String, ?> values) {
        return config("monitor", "m", "t", values);
    }

    // ---- typed getters ----

    @Test
    void stringsRequiredOptionalAndDefaulted() {
        YamlPluginConfig config = monitor(Map.of("organization", "acme", "port", 8080));

        assertThat(config.string("organization")).isEqualTo("acme");
        assertThat(config.string("port")).isEqualTo("8080");
        assertThat(config.string("region", "eu-west-1")).isEqualTo("eu-west-1");
        assertThat(config.optionalString("missing")).isEmpty();
        assertThat(config.has("organization")).isTrue();
        assertThat(config.has("missing")).isFalse();
        assertThat(config.describe()).isEqualTo("monitor 'm' (type t)");
    }

    @Test
    void missingRequiredStringNamesInstanceAndKey() {
        assertThatThrownBy(() -> monitor(Map.of()).string("organization"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'organization': is required: a text value");
    }

    @Test
    void missingRequiredSecretSaysHowToWriteOne() {
        assertThatThrownBy(() -> monitor(Map.of()).secret("token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'token': is required: a secret, written ${env:NAME} or ${file:PATH}");
    }

    @Test
    void blockWhereAValueIsExpected() {
        assertThatThrownBy(() -> monitor(Map.of("organization", Map.of("a", "b"))).string("organization"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'organization': expected a single value, found a block");
        assertThatThrownBy(() -> monitor(Map.of("organization", List.of("a"))).string("organization"))
                .hasMessage("monitor 'm' (type t): property 'organization': expected a single value, found a list");
    }

    @Test
    void durations() {
        YamlPluginConfig config = monitor(Map.of("timeout", "30s", "interval", "PT15M", "bad", "soon"));

        assertThat(config.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.optionalDuration("interval")).contains(Duration.ofMinutes(15));
        assertThat(config.duration("absent", Duration.ofHours(2))).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> config.duration("bad", Duration.ZERO))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'bad': 'soon' is not valid; expected a duration such as 30s, 15m, 24h or 7d");
    }

    @Test
    void booleans() {
        YamlPluginConfig config = monitor(Map.of("yes", true, "no", "False", "bad", "yes please"));

        assertThat(config.bool("yes", false)).isTrue();
        assertThat(config.bool("no", true)).isFalse();
        assertThat(config.bool("absent", true)).isTrue();
        assertThatThrownBy(() -> config.bool("bad", false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'bad': 'yes please' is not valid; expected true or false");
    }

    @Test
    void integers() {
        YamlPluginConfig config = monitor(Map.of("pages", 42, "text", " 7 ", "bad", "many"));

        assertThat(config.integer("pages", 0)).isEqualTo(42);
        assertThat(config.integer("text", 0)).isEqualTo(7);
        assertThat(config.integer("absent", 5)).isEqualTo(5);
        assertThatThrownBy(() -> config.integer("bad", 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'bad': 'many' is not valid; expected a whole number");
    }

    @Test
    void lists() {
        env.put("TEAM", "security");
        YamlPluginConfig config = monitor(Map.of("teams", List.of("ops", 3, "${env:TEAM}"), "one", "solo",
                "nested", List.of(Map.of("a", "b"))));

        assertThat(config.list("teams")).containsExactly("ops", "3", "security");
        assertThat(config.list("one")).containsExactly("solo");
        assertThat(config.list("absent")).isEmpty();
        assertThatThrownBy(() -> config.list("nested"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'nested': '{a=b}' is not valid; expected a list of plain values");
    }

    @Test
    void sectionsAreReadWithTheSameRulesAndNameTheirKeysWithAPrefix() {
        YamlPluginConfig config = monitor(Map.of("organization", Map.of("roleName", "Reader", "retries", "x")));

        dev.mfamonitor.spi.PluginConfig section = config.section("organization").orElseThrow();

        assertThat(section.string("roleName")).isEqualTo("Reader");
        assertThat(config.section("absent")).isEmpty();
        assertThatThrownBy(() -> section.integer("retries", 0))
                .hasMessage("monitor 'm' (type t): property 'organization.retries': 'x' is not valid; expected a whole number");
        assertThatThrownBy(() -> monitor(Map.of("organization", "acme")).section("organization"))
                .hasMessage("monitor 'm' (type t): property 'organization': 'acme' is not valid; expected a block of keys");
    }

    @Test
    void pathsResolveAgainstTheBaseDirectory() {
        assertThat(monitor(Map.of("file", "data/../inventory.yaml")).path("file")).isEqualTo(dir.resolve("inventory.yaml"));
    }

    // ---- references and secrets ----

    @Test
    void envReferenceIsReadFromTheInjectedEnvironment() {
        env.put("GITHUB_TOKEN", SECRET);
        YamlPluginConfig config = monitor(Map.of("token", "${env:GITHUB_TOKEN}", "org", " ${env:GITHUB_TOKEN} "));

        assertThat(config.secret("token").reveal()).isEqualTo(SECRET);
        assertThat(config.string("org")).isEqualTo(SECRET);
        assertThat(config.optionalSecret("absent")).isEmpty();
    }

    @Test
    void unsetEnvironmentVariableSaysWhatToDo() {
        assertThatThrownBy(() -> monitor(Map.of("token", "${env:X}")).secret("token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'token': environment variable X is not set; set it or change ${env:X}");
    }

    @Test
    void malformedReferencesAreErrors() {
        assertThatThrownBy(() -> monitor(Map.of("token", "${env:}")).secret("token"))
                .hasMessage("monitor 'm' (type t): property 'token': the reference ${env:} names no variable");
        assertThatThrownBy(() -> monitor(Map.of("org", "${vault:x}")).string("org"))
                .hasMessage("monitor 'm' (type t): property 'org': cannot read reference '${vault:x}'; write ${env:NAME} or ${file:PATH}");
        assertThatThrownBy(() -> monitor(Map.of("token", "${vault:x}")).secret("token"))
                .hasMessage("monitor 'm' (type t): property 'token': " + LITERAL_SECRET);
    }

    @Test
    void fileReferenceIsReadRelativeToTheBaseDirectoryWithTrailingNewlineTrimmed() throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/slack"), "https://hooks.example/T0/B0/xyz\n");
        Files.writeString(dir.resolve("crlf"), "line one\nline two\r\n");

        YamlPluginConfig config = monitor(Map.of("webhookUrl", "${file:secrets/slack}", "multi", "${file:crlf}",
                "absolute", "${file:" + dir.resolve("secrets/slack") + "}"));

        assertThat(config.secret("webhookUrl").reveal()).isEqualTo("https://hooks.example/T0/B0/xyz");
        assertThat(config.string("multi")).isEqualTo("line one\nline two");
        assertThat(config.secret("absolute").reveal()).isEqualTo("https://hooks.example/T0/B0/xyz");
    }

    @Test
    void unreadableFileNamesTheResolvedPath() {
        assertThatThrownBy(() -> monitor(Map.of("token", "${file:nope.txt}")).secret("token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'token': cannot read file " + dir.resolve("nope.txt")
                        + " (NoSuchFileException); check ${file:nope.txt}");
    }

    @Test
    void secretPrintsAsStars() {
        env.put("GITHUB_TOKEN", SECRET);
        Secret secret = monitor(Map.of("token", "${env:GITHUB_TOKEN}")).secret("token");

        assertThat(secret.toString()).isEqualTo("****");
        assertThat("token=" + secret).isEqualTo("token=****");
        assertThat(secret.redact("401 for token " + SECRET)).isEqualTo("401 for token ****");
    }

    @Test
    void resolvedSecretNeverAppearsInAnErrorMessage() throws IOException {
        env.put("GITHUB_TOKEN", SECRET);
        Files.writeString(dir.resolve("token"), SECRET + "\n");
        YamlPluginConfig config = monitor(Map.of("token", "${env:GITHUB_TOKEN}", "fromFile", "${file:token}"));

        assertThatThrownBy(() -> config.bool("token", false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'token': '${env:GITHUB_TOKEN}' is not valid; expected true or false");
        assertThatThrownBy(() -> config.integer("token", 0))
                .hasMessage("monitor 'm' (type t): property 'token': '${env:GITHUB_TOKEN}' is not valid; expected a whole number");
        assertThatThrownBy(() -> config.duration("fromFile", Duration.ZERO))
                .hasMessage("monitor 'm' (type t): property 'fromFile': '${file:token}' is not valid; "
                        + "expected a duration such as 30s, 15m, 24h or 7d");
    }

    @Test
    void resolvedSecretInASectionNeverAppearsInAnErrorMessage() {
        env.put("GITHUB_TOKEN", SECRET);
        dev.mfamonitor.spi.PluginConfig section = monitor(Map.of("auth", Map.of("token", "${env:GITHUB_TOKEN}"))).section("auth").orElseThrow();

        assertThatThrownBy(() -> section.bool("token", false))
                .hasMessage("monitor 'm' (type t): property 'auth.token': '${env:GITHUB_TOKEN}' is not valid; expected true or false");
    }

    // ---- unused keys ----

    @Test
    void unusedKeyFailsNamingItTheInstanceAndTheKnownKeys() {
        env.put("GITHUB_TOKEN", SECRET);
        YamlPluginConfig config = config("monitor", "github-acme", "github",
                Map.of("organization", "acme", "tokn", "${env:GITHUB_TOKEN}"));
        config.string("organization");
        config.optionalSecret("token");

        assertThatThrownBy(config::requireAllUsed)
                .isInstanceOf(ConfigException.class)
                .hasMessage("property 'tokn' is not used by monitor 'github-acme' (type github); known: organization, token");
        assertThat(config.unusedKeys()).containsExactly("tokn");
    }

    @Test
    void severalUnusedKeysAreListedTogether() {
        YamlPluginConfig config = config("notifier", "slack", "slack", Map.of("url", "x", "chanel", "y", "colour", "z"));
        config.string("url");

        assertThatThrownBy(config::requireAllUsed)
                .hasMessage("properties 'chanel', 'colour' are not used by notifier 'slack' (type slack); known: url");
    }

    @Test
    void unusedKeyOfASectionIsNamedWithItsParent() {
        YamlPluginConfig config = config("monitor", "aws-prod", "aws",
                Map.of("region", "eu-west-1", "organization", Map.of("roleName", "Reader", "rolname", "typo")));
        config.string("region");
        config.section("organization").orElseThrow().string("roleName");

        assertThatThrownBy(config::requireAllUsed)
                .isInstanceOf(ConfigException.class)
                .hasMessage("property 'organization.rolname' is not used by monitor 'aws-prod' (type aws); "
                        + "known: organization, organization.roleName, region");
    }

    @Test
    void everyKeyReadPasses() {
        YamlPluginConfig config = monitor(Map.of("a", "1", "b", Map.of("c", "2")));
        config.string("a");
        config.section("b").orElseThrow().string("c");

        config.requireAllUsed();

        assertThat(config.unusedKeys()).isEmpty();
    }

    @Test
    void configWithoutAnyReadKeySaysNone() {
        YamlPluginConfig config = monitor(Map.of("x", "1"));

        assertThatThrownBy(config::requireAllUsed)
                .hasMessage("property 'x' is not used by monitor 'm' (type t); known: (none)");
        assertThat(List.of(config.kind(), config.id(), config.type())).containsExactly("monitor", "m", "t");
    }

    // ---- issue 12: literal secrets (21), what ${file:} reads (22), yes/no for a duration (34) ----

    @Test
    void aSecretWrittenAsALiteralIsRefusedNamingTheKeyAndTheTwoFormsButNotTheValue() {
        YamlPluginConfig config = monitor(Map.of("token", SECRET, "auth", Map.of("privateKey", SECRET)));

        assertThatThrownBy(() -> config.secret("token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'token': " + LITERAL_SECRET)
                .message().doesNotContain(SECRET);
        assertThatThrownBy(() -> config.optionalSecret("token"))
                .hasMessage("monitor 'm' (type t): property 'token': " + LITERAL_SECRET);
        assertThatThrownBy(() -> config.section("auth").orElseThrow().optionalSecret("privateKey"))
                .hasMessage("monitor 'm' (type t): property 'auth.privateKey': " + LITERAL_SECRET);
        // The same value is fine where the key is not a secret.
        assertThat(monitor(Map.of("organization", SECRET)).string("organization")).isEqualTo(SECRET);
    }

    @Test
    void aSecretFromEnvOrFileIsAccepted() throws IOException {
        env.put("TOKEN", SECRET);
        Files.writeString(dir.resolve("token"), SECRET + "\n");

        YamlPluginConfig config = monitor(Map.of("token", "${env:TOKEN}", "other", "${file:token}"));

        assertThat(config.secret("token").reveal()).isEqualTo(SECRET);
        assertThat(config.secret("other").reveal()).isEqualTo(SECRET);
        assertThat(config.secrets()).extracting(Secret::reveal).containsExactly(SECRET, SECRET);
    }

    @Test
    void aFifoIsRefusedAtOnceInsteadOfHanging() throws Exception {
        Path fifo = dir.resolve("token.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> monitor(Map.of("token", "${file:token.fifo}")).secret("token"))
                        .isInstanceOf(ConfigException.class)
                        .hasMessage("monitor 'm' (type t): property 'token': " + fifo + " is not a regular file (a device, "
                                + "pipe or socket); ${file:} reads regular files only; check ${file:token.fifo}"));
    }

    @Test
    void aDeviceThatNeverEndsIsRefusedAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> monitor(Map.of("token", "${file:/dev/zero}")).secret("token"))
                        .isInstanceOf(ConfigException.class)
                        .hasMessage("monitor 'm' (type t): property 'token': /dev/zero is not a regular file (a device, "
                                + "pipe or socket); ${file:} reads regular files only; check ${file:/dev/zero}"));
        assertThatThrownBy(() -> monitor(Map.of("token", "${file:.}")).secret("token"))
                .hasMessage("monitor 'm' (type t): property 'token': " + dir + " is not a regular file (a directory); "
                        + "${file:} reads regular files only; check ${file:.}");
    }

    @Test
    void aFileOver64KiBIsRefusedAndOneOf64KiBIsRead() throws IOException {
        Path big = dir.resolve("big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(64 * 1024 + 1); // sparse: the size is what is checked, before reading
        }
        Files.writeString(dir.resolve("exact"), "k".repeat(64 * 1024));

        assertThatThrownBy(() -> monitor(Map.of("key", "${file:big}")).secret("key"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'key': file " + big + " is 65537 bytes, more than the 65536 "
                        + "bytes (64 KiB) a ${file:} reference reads; check ${file:big}");
        assertThat(monitor(Map.of("key", "${file:exact}")).secret("key").reveal()).hasSize(64 * 1024);
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithoutShowingItsBytes() throws IOException {
        Files.write(dir.resolve("latin1"), new byte[] {'k', (byte) 0xE9, 'y'});

        assertThatThrownBy(() -> monitor(Map.of("key", "${file:latin1}")).secret("key"))
                .hasMessage("monitor 'm' (type t): property 'key': file " + dir.resolve("latin1") + " is not UTF-8 text; "
                        + "check ${file:latin1}");
    }

    @Test
    void yesWhereADurationBelongsSaysHowToWriteADuration() {
        // YAML reads "remind: yes" as the boolean true.
        assertThatThrownBy(() -> monitor(Map.of("remind", true)).optionalDuration("remind"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'm' (type t): property 'remind': is a yes/no value, not a duration; write a duration "
                        + "like 30s, 15m, 24h or 7d (or ISO-8601 PT15M)");
    }
}
