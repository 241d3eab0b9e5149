package dev.mfamonitor.examples.embedding;

// README.md shows the lines between each "README:" marker and the next "README: end" (ReadmeSnippetTest checks it).
// README: imports
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.core.RunReport;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.storage.file.FileStateStore;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
// README: end

/**
 * An application that watches the MFA status of its own user directory with mfa-core, without YAML or the runner.
 *
 * <p>Plugins created in code are handed to the builder as they are; an application that creates them through
 * providers gives each a {@link dev.mfamonitor.spi.PluginContext} of its own.
 *
 * <p>It runs the engine twice: the first run gives a baseline; then a user switches MFA off in the directory and the
 * second run alerts. Every alert goes through the application's own notifier, which prints it.
 *
 * <pre>
 * java -cp ... dev.mfamonitor.examples.embedding.EmbeddingExample [STATE-FILE]
 * </pre>
 */
public final class EmbeddingExample {
    /** The application's user directory: user id to (name, MFA on). Stands in for a database or an LDAP server. */
    private final Map<String, Map.Entry<String, Boolean>> directory = new ConcurrentHashMap<>();
    private final PrintStream out;

    EmbeddingExample(PrintStream out) {
        this.out = out;
        directory.put("u-1", Map.entry("alice", true));
        directory.put("u-2", Map.entry("bob", true));
        directory.put("u-3", Map.entry("carol", false));
    }

    public static void main(String[] args) {
        Path state = Path.of(args.length > 0 ? args[0] : "embedding-state.json");
        int exit = new EmbeddingExample(System.out).run(state);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Two runs over the state file: a baseline, then bob switches MFA off. Returns the second run's exit code. */
    int run(Path stateFile) {
        // README: engine
        // A monitor is one method: read the source, return everything in it. A lambda will do.
        Monitor users = request -> {
            Map<String, Map.Entry<String, Boolean>> sorted = new TreeMap<>(directory);
            List<Account> accounts = sorted.entrySet().stream()
                    .map(e -> new Account(e.getKey(), e.getValue().getKey(), "user",
                            e.getValue().getValue() ? MfaStatus.ENABLED : MfaStatus.DISABLED))
                    .toList();
            return Snapshot.of("my-app", Instant.now(), accounts);
        };
        // So is a notifier: one attempt that says how it went; the engine retries what failed. Here it prints one
        // line per event; a real one would page someone.
        Notifier printer = notification -> {
            for (ChangeEvent event : notification.events()) {
                out.println("ALERT " + event.type().words() + " [" + event.monitorId() + "] "
                        + event.account().map(a -> a.name() + event.previous().map(p -> " (was " + p.configName() + ")").orElse(""))
                                .orElse(event.detail()));
            }
            out.flush();
            return out.checkError() ? DeliveryResult.retry("standard output is failing") : DeliveryResult.delivered();
        };

        // The engine owns the plugins it is given and closes them, the store included.
        try (RunEngine engine = RunEngine.builder()
                .stateStore(new FileStateStore(stateFile))
                .monitor("app-users", users)
                .notifier("printer", printer)
                .policy(Policy.defaults().withRemind(Duration.ofDays(7)))
                .build()) {
            RunReport first = engine.run();
            out.println("run 1: exit " + first.exitCode().code() + ", " + first.newEvents().size() + " event(s)");

            directory.put("u-2", Map.entry("bob", false));

            RunReport second = engine.run();
            out.println("run 2: exit " + second.exitCode().code() + ", " + second.newEvents().size() + " event(s)");
            return second.exitCode().code();
        }
        // README: end
    }
}
