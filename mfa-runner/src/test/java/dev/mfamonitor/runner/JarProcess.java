package dev.mfamonitor.runner;

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
    static final Path JAR = Path.of(System.getProperty("mfa.jar", "target/mfa-monitor.jar"));
    static final Path REPO = Path.of(System.getProperty("mfa.repo", "..")).toAbsolutePath().normalize();
    static final Path TEST_CLASSES = Path.of(System.getProperty("mfa.testClasses", "target/test-classes"));

    /** What a finished child printed. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private JarProcess() {
    }

    /** {@code java -jar mfa-monitor.jar ARGS} in {@code directory}. */
    static Result run(Path directory, String... args) throws IOException, InterruptedException {
        return run(directory, Map.of(), false, args);
    }

    /**
     * @param withTestPlugins put the test classes (and their test-only providers) on the class path beside the jar
     */
    static Result run(Path directory, Map<String, String> environment, boolean withTestPlugins, String... args)
            throws IOException, InterruptedException {
        Process process = start(directory, environment, withTestPlugins, args);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mfa-monitor did not finish within 120 s: " + List.of(args));
        }
        return result(process, directory);
    }

    static Process start(Path directory, Map<String, String> environment, boolean withTestPlugins, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withTestPlugins) {
            command.add("-cp");
            command.add(JAR.toAbsolutePath() + java.io.File.pathSeparator + TEST_CLASSES.toAbsolutePath());
            command.add("dev.mfamonitor.runner.Main");
        } else {
            command.add("-jar");
            command.add(JAR.toAbsolutePath().toString());
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().putAll(environment);
        // Files rather than pipes: a child never blocks on a full pipe, and a killed child's output is still readable.
        builder.redirectOutput(directory.resolve(".stdout").toFile());
        builder.redirectError(directory.resolve(".stderr").toFile());
        return builder.start();
    }

    /** What a finished child started in {@code directory} printed. */
    static Result result(Process process, Path directory) throws IOException {
        return new Result(process.exitValue(), Files.readString(directory.resolve(".stdout"), StandardCharsets.UTF_8),
                Files.readString(directory.resolve(".stderr"), StandardCharsets.UTF_8));
    }

    /**
     * Waits, without sleeping, until {@code condition} holds for the running jar's directory: the directory is watched,
     * and the condition checked at every change of a file in it (and every 5 s, as a watch can miss a change made
     * while it was being registered). Fails when the process ends first or after {@code max}.
     */
    static void await(Process process, Path directory, String what, java.util.function.BooleanSupplier condition,
                      java.time.Duration max) throws IOException, InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        try (java.nio.file.WatchService watch = directory.getFileSystem().newWatchService()) {
            directory.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE,
                    java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) {
                    throw new AssertionError("the jar ended (exit " + process.exitValue() + ") before " + what + "; "
                            + "stderr: " + Files.readString(directory.resolve(".stderr"), StandardCharsets.UTF_8));
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + max + "; stderr: "
                            + Files.readString(directory.resolve(".stderr"), StandardCharsets.UTF_8));
                }
                java.nio.file.WatchKey key = watch.poll(Math.min(left, java.util.concurrent.TimeUnit.SECONDS.toNanos(5)),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }
}
