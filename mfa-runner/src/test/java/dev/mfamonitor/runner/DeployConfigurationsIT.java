package dev.mfamonitor.runner;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production templates of examples/deploy pass {@code validate} with the built jar: every key is one its plugin
 * reads, every secret resolves. The secret files they name (a systemd credential directory, a Kubernetes Secret mount)
 * do not exist here, so each {@code ${file:...}} is pointed at a file of the same name in a temporary directory.
 */
class DeployConfigurationsIT {
    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:(/[^}]+)}");
    private static final Map<String, String> SECRETS = Map.of(
            "github-token", "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            "aws-access-key-id", "AKIAIOSFODNN7EXAMPLE",
            "aws-secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "slack-webhook-url", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"mfa-monitor.yaml", "systemd/mfa-monitor.yaml", "kubernetes/cronjob.yaml"})
    void theTemplatePassesValidate(String template) throws Exception {
        String text = Files.readString(JarProcess.REPO.resolve("examples/deploy").resolve(template), StandardCharsets.UTF_8);
        String config = template.endsWith("cronjob.yaml") ? configMapConfiguration(text) : text;

        Matcher references = FILE_REFERENCE.matcher(config);
        StringBuilder local = new StringBuilder();
        int count = 0;
        while (references.find()) {
            String name = Path.of(references.group(1)).getFileName().toString();
            assertThat(SECRETS).as("secret file " + references.group(1)).containsKey(name);
            Files.writeString(dir.resolve(name), SECRETS.get(name) + "\n");
            references.appendReplacement(local, Matcher.quoteReplacement("${file:" + dir.resolve(name) + "}"));
            count++;
        }
        references.appendTail(local);
        assertThat(count).as("secrets read from files").isEqualTo(4);
        String validated = local.toString().replace("/var/lib/mfa-monitor/", dir.resolve("state") + "/");
        Files.writeString(dir.resolve("mfa-monitor.yaml"), validated);

        JarProcess.Result result = JarProcess.run(dir, "validate", "--config", "mfa-monitor.yaml");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("configuration OK: 2 monitor(s), 2 notifier(s), state type file\n");
        for (String secret : SECRETS.values()) {
            assertThat(result.stdout() + result.stderr()).doesNotContain(secret);
        }
    }

    /** The configuration embedded in the ConfigMap (the block scalar under {@code mfa-monitor.yaml: |}). */
    private static String configMapConfiguration(String manifest) {
        StringBuilder config = new StringBuilder();
        boolean inside = false;
        for (String line : manifest.lines().toList()) {
            if (line.trim().equals("mfa-monitor.yaml: |")) {
                inside = true;
            } else if (inside && (line.startsWith("    ") || line.isBlank())) {
                config.append(line.length() >= 4 ? line.substring(4) : "").append('\n');
            } else if (inside) {
                break;
            }
        }
        assertThat(config).as("the ConfigMap's configuration").isNotEmpty();
        return config.toString();
    }
}
