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
            "deliveryTimeout", "giveUpAfter", "retry", "history");
    private static final Set<String> EXCEPTION_KEYS = Set.of("monitor", "account", "reason", "expires");
    private static final Set<String> GUARD_KEYS = Set.of("minChanges", "fraction");
    private static final Set<String> RETRY_KEYS = Set.of("initialBackoff", "maxBackoff", "maxAttempts", "grace");
    private static final Set<String> ROUTE_KEYS = Set.of("minSeverity", "types", "monitors", "excludeTypes");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final YamlPluginConfig state;
    private final List<YamlPluginConfig> monitors;
    private final List<YamlPluginConfig> notifiers;
    private final Policy policy;
    private final Map<String, Route> routes;

    private Configuration(YamlPluginConfig state, List<YamlPluginConfig> monitors, List<YamlPluginConfig> notifiers, Policy policy,
                          Map<String, Route> routes) {
        this.state = state;
        this.monitors = List.copyOf(monitors);
        this.notifiers = List.copyOf(notifiers);
        this.policy = policy;
        this.routes = Map.copyOf(routes);
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
        List<YamlPluginConfig> monitors = plugins("monitor", root.get("monitors"), source, baseDirectory, environment, ids, null);
        if (monitors.isEmpty()) {
            throw new ConfigException(source + ": 'monitors' must list at least one monitor");
        }
        Map<String, Object> routeBlocks = new LinkedHashMap<>();
        List<YamlPluginConfig> notifiers = plugins("notifier", root.get("notifiers"), source, baseDirectory, environment, ids,
                routeBlocks);
        if (notifiers.isEmpty()) {
            throw new ConfigException(source + ": 'notifiers' must list at least one notifier; without one, alerts would "
                    + "have nowhere to go (use type: console to print them)");
        }
        Set<String> monitorIds = new HashSet<>();
        monitors.forEach(m -> monitorIds.add(m.id()));
        Policy policy = policy(root.get("policy"), source, monitorIds);
        Map<String, Route> routes = new LinkedHashMap<>();
        routeBlocks.forEach((id, block) -> routes.put(id, route(block, source + ": notifier '" + id + "': route", monitorIds)));
        requireDeliverable(source, monitors, notifiers, routes);
        return new Configuration(state, monitors, notifiers, policy, routes);
    }

    /** The route of each notifier that has one; the others are sent everything. */
    public Map<String, Route> routes() {
        return routes;
    }

    /** {@code route:} of a notifier block. */
    private static Route route(Object block, String where, Set<String> monitorIds) {
        Map<String, Object> values = map(block, where);
        for (String key : values.keySet()) {
            if (!ROUTE_KEYS.contains(key)) {
                throw new ConfigException(where + ": unknown key '" + key + "'; known: " + String.join(", ", new java.util.TreeSet<>(ROUTE_KEYS)));
            }
        }
        Optional<dev.mfamonitor.spi.Severity> minSeverity = Optional.empty();
        if (values.get("minSeverity") != null) {
            String text = String.valueOf(values.get("minSeverity")).trim();
            try {
                minSeverity = Optional.of(dev.mfamonitor.spi.Severity.valueOf(text.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": minSeverity '" + text + "' is not a severity; use critical, high, medium, low or info");
            }
        }
        Set<String> known = new java.util.TreeSet<>();
        dev.mfamonitor.spi.EventType.builtIns().forEach(t -> known.add(t.name()));
        Set<String> types = names(values.get("types"), where + ": types", name -> known.contains(name) || name.contains("."),
                "is not an event type; known: " + String.join(", ", known) + " (or a plugin's namespaced type)");
        Set<String> excluded = names(values.get("excludeTypes"), where + ": excludeTypes", name -> known.contains(name) || name.contains("."),
                "is not an event type; known: " + String.join(", ", known) + " (or a plugin's namespaced type)");
        Set<String> monitors = names(values.get("monitors"), where + ": monitors", monitorIds::contains,
                "is not a configured monitor; monitors: " + String.join(", ", new java.util.TreeSet<>(monitorIds)));
        return new Route(minSeverity, types, monitors, excluded);
    }

    private static Set<String> names(Object value, String where, java.util.function.Predicate<String> valid, String problem) {
        if (value == null) {
            return Set.of();
        }
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Object element : list) {
            String name = String.valueOf(element).trim();
            if (!valid.test(name)) {
                throw new ConfigException(where + ": '" + name + "' " + problem);
            }
            names.add(name);
        }
        return names;
    }

    /**
     * An event type that no notifier's route can ever accept would be raised and silently dropped: refuse the
     * configuration, naming the types (issue 16).
     */
    private static void requireDeliverable(String source, List<YamlPluginConfig> monitors, List<YamlPluginConfig> notifiers,
                                           Map<String, Route> routes) {
        for (YamlPluginConfig monitor : monitors) {
            List<String> lost = new ArrayList<>();
            for (dev.mfamonitor.spi.EventType type : dev.mfamonitor.spi.EventType.builtIns()) {
                boolean someone = notifiers.stream().map(n -> routes.getOrDefault(n.id(), Route.EVERYTHING))
                        .anyMatch(route -> route.couldAccept(type, monitor.id()));
                if (!someone) {
                    lost.add(type.name());
                }
            }
            if (!lost.isEmpty()) {
                throw new ConfigException(source + ": no notifier's route accepts events of type " + String.join(", ", lost)
                        + " of monitor '" + monitor.id() + "': they could never be delivered. Widen a route, or add a "
                        + "notifier without one (a console or the webhook)");
            }
        }
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
        return createEngine(registry, builder -> { });
    }

    /**
     * Like {@link #createEngine(PluginRegistry)}, with {@code tuning} applied to the builder before the plugins are
     * added: the CLI sets its progress display, clock and monotonic clock there.
     */
    public RunEngine createEngine(PluginRegistry registry, java.util.function.Consumer<RunEngine.Builder> tuning) {
        List<AutoCloseable> created = new ArrayList<>();
        SecretRedactor redactor = new SecretRedactor();
        try {
            RunEngine.Builder builder = RunEngine.builder().policy(policy).redactor(redactor);
            tuning.accept(builder);
            StateStore store = create(registry, PluginRegistry.Kind.STATE, state, redactor, StateStore.class);
            created.add(store);
            state.secrets().forEach(redactor::add);
            builder.stateStore(store);
            for (YamlPluginConfig config : monitors) {
                Monitor monitor = create(registry, PluginRegistry.Kind.MONITOR, config, redactor, Monitor.class);
                created.add(monitor);
                config.secrets().forEach(redactor::add);
                builder.monitor(config.id(), monitor);
                builder.eventTypes(config.id(), declaredEventTypes(registry, config));
            }
            for (YamlPluginConfig config : notifiers) {
                Notifier notifier = create(registry, PluginRegistry.Kind.NOTIFIER, config, redactor, Notifier.class);
                created.add(notifier);
                config.secrets().forEach(redactor::add);
                builder.notifier(config.id(), notifier);
                builder.route(config.id(), routes.getOrDefault(config.id(), Route.EVERYTHING));
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
     * Creates one plugin. A provider's configuration error may quote a value it read as a secret (a webhook URL that
     * is not https, say): the secrets it read are learnt first and the message redacted, and the cause dropped.
     */
    private static <T extends AutoCloseable> T create(PluginRegistry registry, PluginRegistry.Kind kind, YamlPluginConfig config,
                                                      SecretRedactor redactor, Class<T> product) {
        try {
            return registry.create(kind, config, context(config, redactor), product);
        } catch (ConfigException e) {
            config.secrets().forEach(redactor::add);
            String message = e.getMessage() == null ? config.describe() + " could not be created" : e.getMessage();
            String redacted = redactor.redact(message);
            throw redacted.equals(message) ? e : new ConfigException(redacted);
        }
    }

    /** The event types the provider of this monitor declared (issue 11 item 6); none for an unknown provider. */
    private static List<dev.mfamonitor.spi.EventType> declaredEventTypes(PluginRegistry registry, YamlPluginConfig config) {
        return registry.providers().stream()
                .filter(p -> p.kind() == PluginRegistry.Kind.MONITOR && p.type().equals(config.type()))
                .map(PluginRegistry.Provider::instance)
                .filter(dev.mfamonitor.spi.MonitorProvider.class::isInstance)
                .flatMap(p -> ((dev.mfamonitor.spi.MonitorProvider) p).eventTypes().stream())
                .toList();
    }

    /**
     * The context of one plugin. Its redactor is the configuration's one, shared by all: it learns the secrets each
     * provider read once the provider is done, before any run, so every plugin's messages are scrubbed of all of them.
     */
    private static EnginePluginContext context(YamlPluginConfig config, SecretRedactor redactor) {
        return EnginePluginContext.system(config.id(), config.describe(), redactor);
    }

    private static List<YamlPluginConfig> plugins(String kind, Object block, String source, Path base,
                                              UnaryOperator<String> env, Set<String> ids, Map<String, Object> routes) {
        if (block == null) {
            return List.of();
        }
        if (!(block instanceof List<?> list)) {
            throw new ConfigException(source + ": '" + kind + "s' must be a list of blocks, each with an id and a type");
        }
        List<YamlPluginConfig> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> entry = new LinkedHashMap<>(map(list.get(i), source + ": " + kind + "s[" + i + "]"));
            // route: is the engine's, not the provider's: take it out before the provider sees the block.
            Object route = routes == null ? null : entry.remove("route");
            YamlPluginConfig config = plugin(kind, kind + "s[" + i + "]", entry, source, base, env, ids);
            if (route != null) {
                routes.put(config.id(), route);
            }
            result.add(config);
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
        Duration history = optionalDuration(values, "history", source).orElse(Policy.DEFAULT_HISTORY);
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
                retry(values.get("retry"), source), history);
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
