package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code validate} refuses a secret written into the configuration, and never prints it (issue 12 item 21). */
class ValidateCommandTest {
    private static final String TOKEN = "xoxb-CANARY-literal-0123456789";

    @TempDir
    Path dir;

    @Test
    void aLiteralTokenFailsValidateNamingTheKeyAndTheTwoForms() throws Exception {
        Files.writeString(dir.resolve("a.csv"), "id,name,mfa\n1,alice,enabled\n");
        Path config = Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: sheet, type: inventory, path: a.csv }
                notifiers:
                  - { id: chat, type: canary, token: %s }
                """.formatted(TOKEN));

        Cli.Result validate = Cli.run("validate", "--config", config.toString());

        assertThat(validate.exitCode()).as(validate.toString()).isEqualTo(2);
        assertThat(validate.stderr()).contains("configuration error: notifier 'chat' (type canary): property 'token': is a "
                + "secret and must not be written in the configuration file; write ${env:NAME} (an environment variable) or "
                + "${file:PATH} (a file)");
        assertThat(validate.stdout() + validate.stderr()).doesNotContain(TOKEN).doesNotContain("CANARY");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void theSameTokenFromAFilePasses() throws Exception {
        Files.writeString(dir.resolve("a.csv"), "id,name,mfa\n1,alice,enabled\n");
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path config = Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: sheet, type: inventory, path: a.csv }
                notifiers:
                  - { id: chat, type: canary, token: "${file:token}" }
                """);

        Cli.Result validate = Cli.run("validate", "--config", config.toString());

        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.stdout()).isEqualTo("configuration OK: 1 monitor(s), 1 notifier(s), state type file\n");
    }
}
