package dev.mfamonitor.storage.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link RunnerChild} in its own JVM with the test's class path, whose output lines the test can wait for. */
final class Child implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private Child(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // killed; nothing more to read
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(TestPostgres server, String schema, int generation, Path sent, String trial, boolean hold)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xss512k", "-cp", classPath(), RunnerChild.class.getName(), server.url(), "postgres", schema,
                Integer.toString(generation), sent.toString(), trial));
        if (hold) {
            command.add("hold");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        return new Child(builder.start());
    }

    /** Surefire may put a manifest-only booter jar in java.class.path; it names the real class path here. */
    static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Waits for a line starting with {@code prefix} (or finds one printed already); false when the child ended first. */
    boolean awaitLine(String prefix, Duration timeout) throws InterruptedException {
        lines.drainTo(seen);
        if (seen.stream().anyMatch(l -> l.startsWith(prefix))) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50))), TimeUnit.NANOSECONDS);
            if (line != null) {
                seen.add(line);
                if (line.startsWith(prefix)) {
                    return true;
                }
                continue;
            }
            if (!process.isAlive() && lines.isEmpty()) {
                return false;
            }
            if (left <= 0) {
                throw new AssertionError("child printed no '" + prefix + "' within " + timeout + "; it printed " + output());
            }
        }
    }

    void tell(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not end within " + timeout + "; it printed " + output());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Completes when the process has ended. */
    java.util.concurrent.CompletableFuture<Process> exited() {
        return process.onExit();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    List<String> output() {
        lines.drainTo(seen);
        return List.copyOf(seen);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
