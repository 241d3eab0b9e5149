package dev.mfamonitor.examples.embedding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the example application as CI's proof that embedding mfa-core works as documented. */
class EmbeddingExampleTest {
    @TempDir
    Path dir;

    @Test
    void mainPrintsABaselineThenTheAlertForBob() throws Exception {
        Path state = dir.resolve("state.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EmbeddingExample.main(new String[] {state.toString()});
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("""
                ALERT Baseline [app-users] 3 accounts: 2 with MFA, 1 without (carol), 0 not applicable, 0 unknown; \
                first run: no state at file STATE
                run 1: exit 0, 1 event(s)
                ALERT MFA disabled [app-users] bob (was enabled)
                run 2: exit 0, 1 event(s)
                """.replace("STATE", state.toAbsolutePath().normalize().toString()));
        assertThat(state).as("the state the engine committed").isRegularFile();
        assertThat(Files.readString(state)).contains("\"bob\"");
    }

    @Test
    void aSecondInvocationOverTheSameStateHasNothingNewForBob() throws Exception {
        Path state = dir.resolve("state.json");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        new EmbeddingExample(new PrintStream(first, true, StandardCharsets.UTF_8)).run(state);
        ByteArrayOutputStream second = new ByteArrayOutputStream();

        int exit = new EmbeddingExample(new PrintStream(second, true, StandardCharsets.UTF_8)).run(state);

        // The state remembers bob without MFA; the new process's directory has him with MFA again, then without:
        // run 1 reports him re-enabled, run 2 disabled again. No baseline: the state was read, not started afresh.
        assertThat(exit).isZero();
        assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo("""
                ALERT MFA enabled [app-users] bob (was disabled)
                run 1: exit 0, 1 event(s)
                ALERT MFA disabled [app-users] bob (was enabled)
                run 2: exit 0, 1 event(s)
                """.replace("STATE", state.toAbsolutePath().normalize().toString()));
    }
}
