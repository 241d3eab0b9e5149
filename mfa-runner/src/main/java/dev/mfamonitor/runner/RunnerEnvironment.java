package dev.mfamonitor.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What the commands take from the machine: time and whether standard error is a terminal. Tests replace them
 * ({@link #replace}) instead of sleeping or needing a terminal.
 */
final class RunnerEnvironment {
    static volatile Clock clock = Clock.systemUTC();
    static volatile LongSupplier nanoTime = System::nanoTime;
    static volatile BooleanSupplier terminal = RunnerEnvironment::standardErrorIsTerminal;

    private RunnerEnvironment() {
    }

    /** For tests: replaces the three until the returned handle is closed. */
    static AutoCloseable replace(Clock testClock, LongSupplier testNanoTime, boolean testTerminal) {
        Clock clockBefore = clock;
        LongSupplier nanoBefore = nanoTime;
        BooleanSupplier terminalBefore = terminal;
        clock = testClock;
        nanoTime = testNanoTime;
        terminal = () -> testTerminal;
        return () -> {
            clock = clockBefore;
            nanoTime = nanoBefore;
            terminal = terminalBefore;
        };
    }

    /**
     * Java has no isatty for standard error: a console means standard input and output are terminals, and on Linux
     * {@code /proc/self/fd/2} says where standard error goes (a cron job's log file is not a terminal). TERM=dumb
     * (Emacs shells, some CI) cannot move the cursor.
     */
    private static boolean standardErrorIsTerminal() {
        if (System.console() == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd = Path.of("/proc/self/fd/2");
        if (!Files.exists(fd)) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
