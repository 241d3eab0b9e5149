package dev.mfamonitor.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code promtool check metrics}: Prometheus' own parser and linter of the text exposition format (Debian's
 * {@code prometheus} package; {@code .ci/run} installs it). The Java client has writers only, no parser.
 */
final class Promtool {
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Result checkMetrics(String text) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("promtool is not installed: apt-get install prometheus (.ci/run does)", e);
        }
        try (var in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool did not finish");
        }
        return new Result(process.exitValue(), output);
    }
}
