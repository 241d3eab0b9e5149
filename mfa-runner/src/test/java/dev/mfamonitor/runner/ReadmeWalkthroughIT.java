package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's set-up and walkthrough, run as a new user would: in a fresh clone of the repository, the shell blocks
 * of those two sections exactly as the README writes them, in order, in one shell; what each prints is compared with
 * the plain block that follows it in the README (no such block: it must print nothing), paths and times aside.
 *
 * <p>Two things are not run as written, and the test checks that they are what it assumes: the set-up's
 * {@code mvn -B -q package -DskipTests} (the jar this build made is copied where that command would put it: a second
 * build would take minutes), and {@code mvn -B verify} (this test is part of it).
 */
class ReadmeWalkthroughIT {
    private static final String BUILD = "mvn -B -q package -DskipTests && ";
    private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```$", Pattern.DOTALL);
    private static final Pattern STATE_PATH = Pattern.compile("/\\S+/state/mfa-state\\.json");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\([^)]*ago\\)");

    @TempDir
    Path dir;

    /** A fenced block: its language ("" for output) and its text. */
    record Block(String language, String text) {
    }

    @Test
    void theReadmesSetUpAndWalkthroughWorkAsWrittenFromAFreshClone() throws Exception {
        Path clone = dir.resolve("clone");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Shell git = shell(dir, tmp, "git clone --quiet '" + JarProcess.REPO + "' clone");
        assertThat(git.exitCode()).as("git clone of " + JarProcess.REPO + ": " + git).isZero();
        String readme = Files.readString(clone.resolve("README.md"), StandardCharsets.UTF_8);

        // Set-up: the build (the jar of this build stands in for it), then the first try as written.
        List<Block> setUp = shellBlocks(section(readme, "## Set-up"));
        assertThat(setUp).extracting(Block::text).hasSize(2).last().isEqualTo("mvn -B verify\n");
        String first = setUp.get(0).text();
        assertThat(first).startsWith(BUILD);
        Files.createDirectories(clone.resolve("mfa-runner/target"));
        Files.copy(JarProcess.JAR, clone.resolve("mfa-runner/target/mfa-monitor.jar"), StandardCopyOption.REPLACE_EXISTING);
        Shell tryIt = shell(clone, tmp, first.substring(BUILD.length()));
        assertThat(tryIt.exitCode()).as(tryIt.toString()).isZero();
        assertThat(tryIt.stdout()).startsWith("dry run: notifier 'console' would receive:\nmfa-monitor: 1 event (1 Baseline)\n");
        // It leaves nothing behind, so the walkthrough's copy starts from a first run.
        assertThat(clone.resolve("examples/quickstart/state")).doesNotExist();

        // The walkthrough: every shell block in one shell, each followed by a marker, compared block by block.
        List<Block> walkthrough = blocks(section(readme, "## Walkthrough"));
        Map<Integer, String> expected = new LinkedHashMap<>();
        StringBuilder script = new StringBuilder();
        int n = 0;
        for (int i = 0; i < walkthrough.size(); i++) {
            Block block = walkthrough.get(i);
            if (!block.language().equals("sh")) {
                continue;
            }
            boolean output = i + 1 < walkthrough.size() && walkthrough.get(i + 1).language().isEmpty();
            expected.put(n, output ? walkthrough.get(i + 1).text() : "");
            script.append("echo '@@@ ").append(n).append("'\n").append(block.text());
            n++;
        }
        script.append("echo '@@@ end'\n");
        assertThat(n).as("shell blocks in the walkthrough").isGreaterThanOrEqualTo(5);

        Shell walk = shell(clone, tmp, script.toString());
        assertThat(walk.exitCode()).as(walk.toString()).isZero();
        Map<Integer, String> printed = split(walk.stdout());
        assertThat(printed.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<Integer, String> block : expected.entrySet()) {
            assertThat(normalise(printed.get(block.getKey())))
                    .as("what shell block " + block.getKey() + " of the walkthrough prints")
                    .isEqualTo(normalise(block.getValue()));
        }
    }

    private static String normalise(String text) {
        return TIME.matcher(STATE_PATH.matcher(text).replaceAll("STATE")).replaceAll("TIME");
    }

    /** The text from a heading to the next heading of the same level. */
    private static String section(String readme, String heading) {
        int start = readme.indexOf("\n" + heading);
        assertThat(start).as(heading).isPositive();
        int end = readme.indexOf("\n## ", start + heading.length() + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2)));
        }
        return blocks;
    }

    private static List<Block> shellBlocks(String text) {
        return blocks(text).stream().filter(b -> b.language().equals("sh")).toList();
    }

    private static Map<Integer, String> split(String stdout) {
        Map<Integer, String> parts = new LinkedHashMap<>();
        Integer current = null;
        StringBuilder part = new StringBuilder();
        for (String line : stdout.split("\n", -1)) {
            if (line.startsWith("@@@ ")) {
                if (current != null) {
                    parts.put(current, part.toString());
                }
                String id = line.substring(4);
                current = id.equals("end") ? null : Integer.valueOf(id);
                part.setLength(0);
            } else if (current != null) {
                part.append(line).append('\n');
            }
        }
        return parts;
    }

    record Shell(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** {@code bash -euo pipefail -c SCRIPT} in {@code directory}, with this JDK's java first on the PATH. */
    private static Shell shell(Path directory, Path tmp, String script) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp.getParent(), "out", ".txt");
        Path err = Files.createTempFile(tmp.getParent(), "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("TMPDIR", tmp.toString());
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
                + System.getenv("PATH"));
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish within 300 s: " + script);
        }
        return new Shell(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
