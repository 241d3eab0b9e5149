package dev.mfamonitor.runner;

import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code state}: tools for the stored state. */
@Command(name = "state", description = "Tools for the stored state.", mixinStandardHelpOptions = true,
        subcommands = {StateCommand.Copy.class})
final class StateCommand {

    private StateCommand() {
    }

    /**
     * {@code state copy --from A --to B}: the state of A's store into B's (a file state into PostgreSQL, or back), as it
     * is: last good snapshots, health, reminders and every outbox entry with its deliveries, so that the next run on B
     * neither records a new baseline nor loses a pending alert. Both stores are locked for the copy; the target must
     * hold no state yet; the source is left as it was. The copy is read back and compared before it reports success.
     */
    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = {"Copy the state of one configuration's store into another's (file to postgres, or back),"
                    + " keeping snapshots and pending deliveries. The target must be empty; the source is not changed."})
    static final class Copy implements Callable<Integer> {
        private static final Logger log = LoggerFactory.getLogger(Copy.class);

        @Option(names = "--from", required = true, paramLabel = "CONFIG", description = "The configuration whose state is copied.")
        Path from;

        @Option(names = "--to", required = true, paramLabel = "CONFIG", description = "The configuration whose (empty) state receives it.")
        Path to;

        @Override
        public Integer call() {
            return copy().code();
        }

        private ExitCode copy() {
            YamlPluginConfig sourceConfig;
            YamlPluginConfig targetConfig;
            PluginRegistry registry;
            try {
                Configuration source = ConfigFile.load(from, System::getenv);
                Configuration target = ConfigFile.load(to, System::getenv);
                sourceConfig = source.state();
                targetConfig = target.state();
                registry = Plugins.discover();
            } catch (ConfigException e) {
                log.error("configuration error: {}", e.getMessage());
                return ExitCode.USAGE;
            }
            StateStore source = null;
            StateStore target = null;
            try {
                source = create(registry, sourceConfig);
                target = create(registry, targetConfig);
                if (source.describe().equals(target.describe())) {
                    log.error("both configurations keep their state in {}: nothing to copy", source.describe());
                    return ExitCode.USAGE;
                }
                return copy(source, target);
            } catch (ConfigException e) {
                log.error("configuration error: {}", e.getMessage());
                return ExitCode.USAGE;
            } finally {
                if (target != null) {
                    target.close();
                }
                if (source != null) {
                    source.close();
                }
            }
        }

        private static StateStore create(PluginRegistry registry, YamlPluginConfig config) {
            return registry.create(PluginRegistry.Kind.STATE, config,
                    EnginePluginContext.system(config.id(), config.describe(), new SecretRedactor()), StateStore.class);
        }

        private static ExitCode copy(StateStore source, StateStore target) {
            String step = "locking " + source.describe();
            try (StateStore.Lock sourceLock = source.lock()) {
                step = "locking " + target.describe();
                try (StateStore.Lock targetLock = target.lock()) {
                    step = "reading " + source.describe();
                    StoredState state = source.load();
                    step = "reading " + target.describe();
                    StoredState existing = target.load();
                    if (!existing.firstRun()) {
                        log.error("{} already holds a state ({} monitors, {} outbox entries); copy only into an empty"
                                + " store, so that no alert of either is lost. Nothing was changed", target.describe(),
                                existing.monitors().size(), existing.outbox().size());
                        return ExitCode.USAGE;
                    }
                    if (state.firstRun()) {
                        log.error("{} holds no state yet: nothing to copy", source.describe());
                        return ExitCode.USAGE;
                    }
                    step = "reading the history of " + source.describe();
                    History history = source.history(HistoryQuery.ALL);
                    if (!history.events().isEmpty() && !target.keepsHistory()) {
                        log.warn("{} keeps no history: the {} history event(s) of {} are not copied", target.describe(),
                                history.events().size(), source.describe());
                        history = History.EMPTY;
                    }
                    step = "writing " + target.describe();
                    target.commit(new RunCommit(state.monitors(), state.outbox(), List.of(), Set.of(), history.events(),
                            history.runs(), Optional.empty()));
                    step = "reading back " + target.describe();
                    StoredState copied = target.load();
                    if (!copied.equals(state) || !target.history(HistoryQuery.ALL).equals(history)) {
                        log.error("the copy in {} reads back different from {}: do not use it; the source was not"
                                + " changed", target.describe(), source.describe());
                        return ExitCode.INTERNAL;
                    }
                    long accounts = state.monitors().values().stream()
                            .mapToLong(m -> m.lastGood().map(s -> s.accounts().size()).orElse(0)).sum();
                    long pending = state.outbox().stream().flatMap(e -> e.deliveries().values().stream())
                            .filter(d -> d.state() == Delivery.State.PENDING).count();
                    System.out.println("copied " + state.monitors().size() + " monitor(s) with " + accounts
                            + " account(s) and " + state.outbox().size() + " outbox entr" + (state.outbox().size() == 1 ? "y" : "ies")
                            + " (" + pending + " pending deliver" + (pending == 1 ? "y" : "ies") + "), "
                            + history.events().size() + " history event(s) and " + history.runs().size()
                            + " run summar" + (history.runs().size() == 1 ? "y" : "ies") + " from "
                            + source.describe() + " to " + target.describe() + "; " + source.describe()
                            + " was left as it was: point the runners at the new configuration, then retire the old state");
                    return ExitCode.OK;
                }
            } catch (StateLockedException e) {
                log.error("{}", PeopleText.clean(e.getMessage()));
                return ExitCode.LOCKED;
            } catch (StateUnreadableException e) {
                log.error("{}", PeopleText.clean(e.getMessage()));
                return ExitCode.STATE_UNREADABLE;
            } catch (IOException | RuntimeException e) {
                log.error("{} failed: {}", step, PeopleText.clean(e.getMessage() != null ? e.getMessage() : e.toString()));
                return ExitCode.INTERNAL;
            }
        }
    }
}
