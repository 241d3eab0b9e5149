package dev.mfamonitor.examples.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code mfa-monitor.jar} in a child JVM, as a user would, and captures what it prints. */
final class JarProcess {
    static final Path JAR = Path.of(System.getProperty("mfa.jar", "../../mfa-runner/target/mfa-monitor.jar"));

    /** What a finished child printed. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private JarProcess() {
    }

    /** {@code java -jar mfa-monitor.jar ARGS} in {@code directory}, with extra environment variables. */
    static Result run(Path directory, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toAbsolutePath().normalize().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().putAll(environment);
        // Files rather than pipes: a child never blocks on a full pipe.
        Path stdout = directory.resolve(".stdout");
        Path stderr = directory.resolve(".stderr");
        builder.redirectOutput(stdout.toFile());
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mfa-monitor did not finish within 120 s: " + List.of(args));
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
