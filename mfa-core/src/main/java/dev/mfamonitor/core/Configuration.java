package dev.mfamonitor.core;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.support.Durations;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EngineHttpRules;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.state.StateStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A whole configuration, checked before anything is touched: the state store, the monitors, the notifiers and the
 * policy. Built from the tree a YAML file parses into (maps, lists, scalars), so the core needs no YAML library.
 */
public final class Configuration {
    private static final Set<String> TOP_LEVEL = Set.of("state", "monitors", "notifiers", "policy");
    private static final Set<String> POLICY_KEYS = Set.of("baseline", "remind", "exceptions", "guard", "monitorTimeout",
            "deliveryTimeout", "giveUpAfter", "retry");
    private static final Set<String> EXCEPTION_KEYS = Set.of("monitor", "account", "reason", "expires");
    private static final Set<String> GUARD_KEYS = Set.of("minChanges", "fraction");
    private static final Set<String> RETRY_KEYS = Set.of("initialBackoff", "maxBackoff", "maxAttempts", "grace");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final YamlPluginConfig state;
    private final List<YamlPluginConfig> monitors;
    private final List<YamlPluginConfig> notifiers;
    private final Policy policy;

    private Configuration(YamlPluginConfig state, List<YamlPluginConfig> monitors, List<YamlPluginConfig> notifiers, Policy policy) {
        this.state = state;
        this.monitors = List.copyOf(monitors);
        this.notifiers = List.copyOf(notifiers);
        this.policy = policy;
    }

    /**
     * Reads a parsed configuration tree.
     *
     * @param source        names the configuration in messages ("mfa-monitor.yaml")
     * @param baseDirectory relative paths in the configuration are resolved against it
     * @param environment   looks up {@code ${env:NAME}}
     * @throws ConfigException naming the key and what to do
     */
    public static Configuration fromTree(Object tree, String source, Path baseDirectory, UnaryOperator<String> environment) {
        Map<String, Object> root = map(tree, source + ": the top level");
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigException(source + ": unknown top-level key '" + key + "'; known: monitors, notifiers, policy, state");
            }
        }
        Set<String> ids = new HashSet<>();
        Object stateBlock = root.get("state");
        if (stateBlock == null) {
            throw new ConfigException(source + ": 'state' is required, for example state: { type: file, path: ./state/mfa-state.json }");
        }
        YamlPluginConfig state = plugin("state", "state", map(stateBlock, source + ": state"), source, baseDirectory, environment, null);
        List<YamlPluginConfig> monitors = plugins("monitor", root.get("monitors"), source, baseDirectory, environment, ids);
        if (monitors.isEmpty()) {
            throw new ConfigException(source + ": 'monitors' must list at least one monitor");
        }
        List<YamlPluginConfig> notifiers = plugins("notifier", root.get("notifiers"), source, baseDirectory, environment, ids);
        if (notifiers.isEmpty()) {
            throw new ConfigException(source + ": 'notifiers' must list at least one notifier; without one, alerts would "
                    + "have nowhere to go (use type: console to print them)");
        }
        Set<String> monitorIds = new HashSet<>();
        monitors.forEach(m -> monitorIds.add(m.id()));
        Policy policy = policy(root.get("policy"), source, monitorIds);
        return new Configuration(state, monitors, notifiers, policy);
    }

    /** The policy. */
    public Policy policy() {
        return policy;
    }

    /** The monitor blocks, in order. */
    public List<YamlPluginConfig> monitors() {
        return monitors;
    }

    /** The notifier blocks, in order. */
    public List<YamlPluginConfig> notifiers() {
        return notifiers;
    }

    /** The state block. */
    public YamlPluginConfig state() {
        return state;
    }

    /**
     * Creates every configured plugin through the registry and builds the engine. If any plugin cannot be created, the
     * ones already created are closed and the error is thrown.
     */
    public RunEngine createEngine(PluginRegistry registry) {
        List<AutoCloseable> created = new ArrayList<>();
        SecretRedactor redactor = new SecretRedactor();
        try {
            RunEngine.Builder builder = RunEngine.builder().policy(policy).redactor(redactor);
            StateStore store = registry.create(PluginRegistry.Kind.STATE, state, context(state, redactor), StateStore.class);
            created.add(store);
            state.secrets().forEach(redactor::add);
            builder.stateStore(store);
            for (YamlPluginConfig config : monitors) {
                Monitor monitor = registry.create(PluginRegistry.Kind.MONITOR, config, context(config, redactor), Monitor.class);
                created.add(monitor);
                config.secrets().forEach(redactor::add);
                builder.monitor(config.id(), monitor);
            }
            for (YamlPluginConfig config : notifiers) {
                Notifier notifier = registry.create(PluginRegistry.Kind.NOTIFIER, config, context(config, redactor), Notifier.class);
                created.add(notifier);
                config.secrets().forEach(redactor::add);
                builder.notifier(config.id(), notifier);
            }
            return builder.build();
        } catch (RuntimeException e) {
            for (AutoCloseable plugin : created) {
                try {
                    plugin.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * The context of one plugin. Its redactor is the configuration's one, shared by all: it learns the secrets each
     * provider read once the provider is done, before any run, so every plugin's messages are scrubbed of all of them.
     */
    private static EnginePluginContext context(YamlPluginConfig config, SecretRedactor redactor) {
        return EnginePluginContext.system(config.id(), config.describe(), redactor);
    }

    private static List<YamlPluginConfig> plugins(String kind, Object block, String source, Path base,
                                              UnaryOperator<String> env, Set<String> ids) {
        if (block == null) {
            return List.of();
        }
        if (!(block instanceof List<?> list)) {
            throw new ConfigException(source + ": '" + kind + "s' must be a list of blocks, each with an id and a type");
        }
        List<YamlPluginConfig> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            result.add(plugin(kind, kind + "s[" + i + "]", map(list.get(i), source + ": " + kind + "s[" + i + "]"), source, base, env, ids));
        }
        return result;
    }

    private static YamlPluginConfig plugin(String kind, String where, Map<String, Object> block, String source, Path base,
                                       UnaryOperator<String> env, Set<String> ids) {
        Map<String, Object> values = new LinkedHashMap<>(block);
        Object type = values.remove("type");
        if (type == null || String.valueOf(type).isBlank()) {
            throw new ConfigException(source + ": " + where + " needs a 'type'");
        }
        String id = kind;
        if (ids != null) {
            Object rawId = values.remove("id");
            if (rawId == null || !ID.matcher(String.valueOf(rawId)).matches()) {
                throw new ConfigException(source + ": " + where + " (type " + type + ") needs an 'id' of letters, digits, '.', '_' or '-'"
                        + (rawId == null ? "" : "; '" + rawId + "' is not one"));
            }
            id = String.valueOf(rawId);
            if (!ids.add(id)) {
                throw new ConfigException(source + ": id '" + id + "' is used twice; every monitor and notifier needs its own");
            }
        }
        return new YamlPluginConfig(kind, id, String.valueOf(type), values, base, env);
    }

    private static Policy policy(Object block, String source, Set<String> monitorIds) {
        Policy policy = Policy.defaults();
        if (block == null) {
            return policy;
        }
        Map<String, Object> values = map(block, source + ": policy");
        for (String key : values.keySet()) {
            if (!POLICY_KEYS.contains(key)) {
                throw new ConfigException(source + ": unknown key 'policy." + key + "'; known: " + String.join(", ", new java.util.TreeSet<>(POLICY_KEYS)));
            }
        }
        Object baseline = values.get("baseline");
        if (baseline != null && !"summary".equals(String.valueOf(baseline))) {
            throw new ConfigException(source + ": policy.baseline '" + baseline + "' is not supported; the only mode is 'summary'");
        }
        Optional<Duration> remind = optionalDuration(values, "remind", source);
        Duration monitorTimeout = optionalDuration(values, "monitorTimeout", source).orElse(Policy.DEFAULT_MONITOR_TIMEOUT);
        Duration deliveryTimeout = optionalDuration(values, "deliveryTimeout", source).orElse(Policy.DEFAULT_DELIVERY_TIMEOUT);
        Duration giveUpAfter = optionalDuration(values, "giveUpAfter", source).orElse(Policy.DEFAULT_GIVE_UP_AFTER);
        int minChanges = Policy.DEFAULT_GUARD_MIN_CHANGES;
        double fraction = Policy.DEFAULT_GUARD_FRACTION;
        if (values.get("guard") != null) {
            Map<String, Object> guard = map(values.get("guard"), source + ": policy.guard");
            for (String key : guard.keySet()) {
                if (!GUARD_KEYS.contains(key)) {
                    throw new ConfigException(source + ": unknown key 'policy.guard." + key + "'; known: fraction, minChanges");
                }
            }
            try {
                if (guard.get("minChanges") != null) {
                    minChanges = Integer.parseInt(String.valueOf(guard.get("minChanges")).trim());
                }
                if (guard.get("fraction") != null) {
                    fraction = Double.parseDouble(String.valueOf(guard.get("fraction")).trim());
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(source + ": policy.guard needs a whole number minChanges and a fraction between 0 and 1");
            }
            if (minChanges < 0 || fraction < 0 || fraction > 1) {
                throw new ConfigException(source + ": policy.guard needs minChanges >= 0 and a fraction between 0 and 1");
            }
        }
        List<Exemption> exemptions = exemptions(values.get("exceptions"), source, monitorIds);
        return new Policy(remind, exemptions, minChanges, fraction, monitorTimeout, deliveryTimeout, giveUpAfter,
                retry(values.get("retry"), source));
    }

    /** {@code policy.retry}: the one backoff policy of the delivery stage, for every notifier. */
    private static RetryPolicy retry(Object block, String source) {
        if (block == null) {
            return RetryPolicy.DEFAULT;
        }
        Map<String, Object> values = map(block, source + ": policy.retry");
        for (String key : values.keySet()) {
            if (!RETRY_KEYS.contains(key)) {
                throw new ConfigException(source + ": unknown key 'policy.retry." + key + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(RETRY_KEYS)));
            }
        }
        RetryPolicy d = RetryPolicy.DEFAULT;
        Duration initial = optionalDuration(values, "initialBackoff", source, "policy.retry.").orElse(d.initialBackoff());
        Duration max = optionalDuration(values, "maxBackoff", source, "policy.retry.").orElse(d.maxBackoff());
        Duration grace = optionalDuration(values, "grace", source, "policy.retry.").orElse(d.grace());
        int attempts = d.maxAttempts();
        if (values.get("maxAttempts") != null) {
            try {
                attempts = Integer.parseInt(String.valueOf(values.get("maxAttempts")).trim());
            } catch (NumberFormatException e) {
                attempts = 0;
            }
            if (attempts < 1 || attempts > 100) {
                throw new ConfigException(source + ": policy.retry.maxAttempts '" + values.get("maxAttempts")
                        + "' must be a whole number from 1 to 100");
            }
        }
        if (max.compareTo(initial) < 0) {
            throw new ConfigException(source + ": policy.retry.maxBackoff (" + Durations.format(max)
                    + ") must not be shorter than policy.retry.initialBackoff (" + Durations.format(initial) + ")");
        }
        return new RetryPolicy(initial, max, attempts, grace);
    }

    private static List<Exemption> exemptions(Object block, String source, Set<String> monitorIds) {
        if (block == null) {
            return List.of();
        }
        if (!(block instanceof List<?> list)) {
            throw new ConfigException(source + ": policy.exceptions must be a list of { monitor, account, reason, expires }");
        }
        List<Exemption> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = source + ": policy.exceptions[" + i + "]";
            Map<String, Object> entry = map(list.get(i), where);
            for (String key : entry.keySet()) {
                if (!EXCEPTION_KEYS.contains(key)) {
                    throw new ConfigException(where + ": unknown key '" + key + "'; known: account, expires, monitor, reason");
                }
            }
            String monitor = required(entry, "monitor", where);
            if (!monitorIds.contains(monitor)) {
                throw new ConfigException(where + ": monitor '" + monitor + "' is not configured; monitors: "
                        + String.join(", ", new java.util.TreeSet<>(monitorIds)));
            }
            String account = required(entry, "account", where);
            String reason = required(entry, "reason", where);
            Optional<LocalDate> expires = Optional.empty();
            if (entry.get("expires") != null) {
                try {
                    expires = Optional.of(LocalDate.parse(String.valueOf(entry.get("expires")).trim()));
                } catch (DateTimeParseException e) {
                    throw new ConfigException(where + ": expires '" + entry.get("expires") + "' is not a date; write it as YYYY-MM-DD");
                }
            }
            result.add(new Exemption(monitor, account, reason, expires));
        }
        return result;
    }

    private static String required(Map<String, Object> entry, String key, String where) {
        Object value = entry.get(key);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new ConfigException(where + ": '" + key + "' is required");
        }
        return String.valueOf(value);
    }

    private static Optional<Duration> optionalDuration(Map<String, Object> values, String key, String source) {
        return optionalDuration(values, key, source, "policy.");
    }

    private static Optional<Duration> optionalDuration(Map<String, Object> values, String key, String source, String prefix) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        Duration duration;
        try {
            duration = Durations.parse(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + prefix + key + ": " + e.getMessage());
        }
        // A zero timeout fails every monitor; a zero give-up age abandons every alert whose first delivery failed.
        if (duration.isZero() || duration.isNegative()) {
            throw new ConfigException(source + ": " + prefix + key + ": '" + value + "' must be longer than zero");
        }
        return Optional.of(duration);
    }

    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new ConfigException(where + " must be a block of keys" + (value == null ? ", but it is empty" : ""));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        raw.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }
}
