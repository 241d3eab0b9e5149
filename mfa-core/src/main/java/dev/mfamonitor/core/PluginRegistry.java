package dev.mfamonitor.core;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.PluginProvider;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.spi.state.StateStoreProvider;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds every provider of a list of plugin sources with {@link ServiceLoader} and creates the configured plugins.
 *
 * <p>There is one path for every provider: the application's class path is the first {@link Source} (the built-in
 * providers), each plugin of the plugin directory is another, with its own class loader. Every provider is found,
 * checked (its {@link PluginProvider#spiVersion()}) and created the same way, with its own class loader as the thread's
 * context class loader.
 *
 * <p>Discovery never fails silently: a provider that cannot be loaded is recorded with its class and jar and does not
 * hide the others; an unknown type lists what is available; two providers of one type name both.
 */
public final class PluginRegistry {
    /** The jars of this project that add a type, so that "unknown type" can say what to install. */
    private static final Map<String, String> KNOWN_MODULES = Map.ofEntries(
            Map.entry("github", "mfa-monitor-github"), Map.entry("aws", "mfa-monitor-aws"),
            Map.entry("entra", "mfa-monitor-entra"), Map.entry("google-workspace", "mfa-monitor-google"),
            Map.entry("slack", "mfa-notifier-slack"), Map.entry("webhook", "mfa-notifier-webhook"),
            Map.entry("teams", "mfa-notifier-teams"),
            Map.entry("file", "mfa-storage-file"), Map.entry("postgres", "mfa-storage-postgres"));
    private static final int MAX_PROVIDERS = 10_000;
    /** A class of the SPI, in a linkage error's message. */
    private static final Pattern SPI_CLASS = Pattern.compile("dev[./]mfamonitor[./]spi[./]");
    /** SPI 1 types that SPI 2 removed or moved (to spi.state, to mfa-plugin-support): a plugin that needs one is older. */
    private static final Pattern REMOVED_IN_SPI_2 = Pattern.compile("dev[./]mfamonitor[./]spi[./](DeliveryException|StateStore"
            + "|StateStoreProvider|StoredState|MonitorState|OutboxEntry|Delivery|Backoff|Durations|SafeText|EventGroup)\\b");

    /** The kinds of plugin, with the SPI interface of each. */
    public enum Kind {
        MONITOR("monitor", MonitorProvider.class),
        NOTIFIER("notifier", NotifierProvider.class),
        STATE("state", StateStoreProvider.class);

        private final String word;
        private final Class<? extends PluginProvider<?>> spi;

        Kind(String word, Class<? extends PluginProvider<?>> spi) {
            this.word = word;
            this.spi = spi;
        }

        /** {@code monitor}, {@code notifier} or {@code state}. */
        public String word() {
            return word;
        }

        /** The provider interface, such as {@link MonitorProvider}. */
        public Class<? extends PluginProvider<?>> spi() {
            return spi;
        }
    }

    /**
     * Where providers are found: a class loader with a name and a location for people.
     *
     * @param name     {@code built-in} for the application's class path, else the plugin's name (its jar or directory
     *                 name in the plugin directory)
     * @param location the plugin's jar or directory, or the application's class path
     * @param loader   reads the source's {@code META-INF/services} files and classes
     */
    public record Source(String name, String location, ClassLoader loader) {
        /** The name of the application's own source. */
        public static final String BUILT_IN = "built-in";

        public Source {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(loader, "loader");
        }

        /** The application's class path: the built-in providers. */
        public static Source application(ClassLoader loader) {
            return new Source(BUILT_IN, "(class path)", loader);
        }
    }

    /**
     * A provider that loaded.
     *
     * @param location the jar or directory its class came from
     * @param version  its jar's Implementation-Version, or {@code unknown}
     * @param source   the name of the {@link Source} it was found in
     */
    public record Provider(Kind kind, String type, String className, String location, String version,
                           PluginProvider<?> instance, String source) {
    }

    /** A provider that could not be loaded, instantiated, or was refused (an SPI version this runner cannot load). */
    public record LoadFailure(Kind kind, String className, String location, String cause) {
        /** For people: "monitor provider com.x.Foo from /plugins/x.jar failed to load: ...". */
        public String describe() {
            return kind.word() + " provider " + className + " from " + location + " failed to load: " + cause;
        }
    }

    private final List<Provider> providers;
    private final List<LoadFailure> failures;
    private final List<Source> withoutProviders;

    private PluginRegistry(List<Provider> providers, List<LoadFailure> failures, List<Source> withoutProviders) {
        this.providers = List.copyOf(providers);
        this.failures = List.copyOf(failures);
        this.withoutProviders = List.copyOf(withoutProviders);
    }

    /** Discovers every provider visible to {@code loader}, as the application's source. */
    public static PluginRegistry discover(ClassLoader loader) {
        return discover(List.of(Source.application(loader)));
    }

    /**
     * Discovers every provider of several sources (the application's class path first, then one per plugin) as one
     * registry: a type provided in two of them is ambiguous, and creating it names both.
     */
    public static PluginRegistry discover(List<Source> sources) {
        List<Provider> providers = new ArrayList<>();
        List<LoadFailure> failures = new ArrayList<>();
        List<Source> withoutProviders = new ArrayList<>();
        for (Source source : sources) {
            int before = providers.size() + failures.size();
            for (Kind kind : Kind.values()) {
                withContextLoader(source.loader(), () -> {
                    load(kind, source, providers, failures);
                    return null;
                });
            }
            if (providers.size() + failures.size() == before && !source.name().equals(Source.BUILT_IN)) {
                withoutProviders.add(source);
            }
        }
        providers.sort(Comparator.comparing((Provider p) -> p.kind()).thenComparing(Provider::type).thenComparing(Provider::className));
        return new PluginRegistry(providers, failures, withoutProviders);
    }

    private static void load(Kind kind, Source source, List<Provider> providers, List<LoadFailure> failures) {
        ClassLoader loader = source.loader();
        Iterator<? extends ServiceLoader.Provider<? extends PluginProvider<?>>> it;
        try {
            it = ServiceLoader.load(kind.spi, loader).stream().iterator();
        } catch (ServiceConfigurationError e) {
            failures.add(new LoadFailure(kind, "(unknown class)", source.location(), cause(e)));
            return;
        }
        // A broken entry throws from the iterator; it then moves on to the next one, so keep going (bounded).
        for (int i = 0; i < MAX_PROVIDERS; i++) {
            ServiceLoader.Provider<? extends PluginProvider<?>> candidate;
            try {
                if (!it.hasNext()) {
                    return;
                }
                candidate = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                String className = classNameIn(e, kind).orElse("(unknown class)");
                failures.add(new LoadFailure(kind, className, locationOf(loader, kind, className), cause(e)));
                continue;
            }
            Class<?> type;
            try {
                type = candidate.type();
            } catch (LinkageError e) {
                failures.add(new LoadFailure(kind, "(unknown class)", source.location(), cause(e)));
                continue;
            }
            try {
                PluginProvider<?> instance = candidate.get();
                String typeName = instance.type();
                if (typeName == null || typeName.isBlank()) {
                    throw new IllegalStateException("type() returned no name");
                }
                Optional<String> refused = refusedVersion(instance.spiVersion());
                if (refused.isPresent()) {
                    failures.add(new LoadFailure(kind, type.getName(), locationOf(type), refused.get()));
                    continue;
                }
                providers.add(new Provider(kind, typeName, type.getName(), locationOf(type), versionOf(type), instance, source.name()));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                failures.add(new LoadFailure(kind, type.getName(), locationOf(type), cause(e)));
            }
        }
    }

    /** Why a provider of that SPI version cannot be loaded, if it cannot. */
    private static Optional<String> refusedVersion(int spiVersion) {
        if (spiVersion > SpiVersion.CURRENT) {
            return Optional.of("it was built against mfa-monitor SPI version " + spiVersion + ", newer than this"
                    + " mfa-monitor's SPI version " + SpiVersion.CURRENT + "; upgrade mfa-monitor or use a build of the"
                    + " plugin for SPI version " + SpiVersion.CURRENT);
        }
        if (spiVersion < SpiVersion.OLDEST_SUPPORTED) {
            return Optional.of("it was built against mfa-monitor SPI version " + spiVersion + ", older than the oldest"
                    + " this mfa-monitor loads (SPI version " + SpiVersion.OLDEST_SUPPORTED + "); " + rebuild());
        }
        return Optional.empty();
    }

    private static String rebuild() {
        String version = versionOf(SpiVersion.class);
        return "rebuild it against " + (version.equals("unknown") ? "this mfa-monitor's mfa-spi" : "mfa-spi " + version)
                + " (SPI version " + SpiVersion.CURRENT + ")";
    }

    /** Every provider that loaded, sorted by kind and type. */
    public List<Provider> providers() {
        return providers;
    }

    /** Every provider that did not load or was refused. */
    public List<LoadFailure> failures() {
        return failures;
    }

    /** The plugins (not the application) in which no provider at all was found: a jar without services files. */
    public List<Source> sourcesWithoutProviders() {
        return withoutProviders;
    }

    /**
     * Creates the plugin a configuration block names, with the provider's class loader as the thread's context class
     * loader (a plugin's libraries may look themselves up through it), then checks that the provider read every key.
     *
     * @throws ConfigException for an unknown or ambiguous type, a provider's own configuration error, a provider that
     *                         fails (or was built against an older SPI), or a key no one read; the message says what to do
     */
    public <T extends AutoCloseable> T create(Kind kind, PluginConfig config, PluginContext context, Class<T> product) {
        Provider provider = provider(kind, config);
        Object created;
        try {
            created = withContextLoader(provider.instance().getClass().getClassLoader(),
                    () -> provider.instance().create(config, context));
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new ConfigException(config.describe() + " could not be created by " + provider.className() + " ("
                    + provider.location() + "): " + cause(e), e);
        }
        if (!product.isInstance(created)) {
            throw new ConfigException(provider.className() + " returned " + (created == null ? "nothing" : created.getClass().getName())
                    + " for " + config.describe());
        }
        T plugin = product.cast(created);
        if (config instanceof YamlPluginConfig yaml) {
            try {
                yaml.requireAllUsed();
            } catch (ConfigException e) {
                try {
                    plugin.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
        return plugin;
    }

    private static <R> R withContextLoader(ClassLoader loader, Supplier<R> action) {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            return action.get();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private Provider provider(Kind kind, PluginConfig config) {
        List<Provider> matches = providers.stream().filter(p -> p.kind() == kind && p.type().equals(config.type())).toList();
        if (matches.size() > 1) {
            StringBuilder message = new StringBuilder(config.describe() + ": " + matches.size() + " plugins provide "
                    + kind.word() + " type '" + config.type() + "': ");
            for (int i = 0; i < matches.size(); i++) {
                Provider p = matches.get(i);
                message.append(i == 0 ? "" : " and ").append(p.className()).append(" (").append(p.location()).append(')');
            }
            message.append("; remove one of them");
            throw new ConfigException(message.toString());
        }
        if (matches.isEmpty()) {
            TreeSet<String> available = new TreeSet<>();
            providers.stream().filter(p -> p.kind() == kind).forEach(p -> available.add(p.type()));
            StringBuilder message = new StringBuilder(kind.word() + " '" + config.id() + "' has type '" + config.type()
                    + "', which no plugin provides; available " + kind.word() + " types: "
                    + (available.isEmpty() ? "(none)" : String.join(", ", available)));
            String module = KNOWN_MODULES.get(config.type());
            message.append(module != null ? ". Add " + module + ".jar to the plugin directory"
                    : ". Check the spelling, or add the jar of the plugin that provides it to the plugin directory");
            for (LoadFailure failure : failures) {
                if (failure.kind() == kind) {
                    message.append("; note: ").append(failure.describe());
                }
            }
            throw new ConfigException(message.toString());
        }
        return matches.get(0);
    }

    /**
     * The class a ServiceLoader error is about. Its messages read "SPI: Provider X not found", "SPI: X not a subtype",
     * "SPI: X Unable to get public no-arg constructor"; the class name is the token after the SPI name (and "Provider").
     */
    private static Optional<String> classNameIn(Throwable e, Kind kind) {
        Matcher m = Pattern.compile(Pattern.quote(kind.spi.getName()) + ": (?:Provider )?(\\S+)").matcher(String.valueOf(e.getMessage()));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String locationOf(ClassLoader loader, Kind kind, String className) {
        String classFile = className.replace('.', '/') + ".class";
        URL resource = loader.getResource(classFile);
        if (resource == null) {
            return servicesFileNaming(loader, kind, className).map(url -> jarOf(url) + " (its class is missing)")
                    .orElse("(class not found)");
        }
        // A class in a directory is reported by that directory, as locationOf(Class) does, not by its .class file.
        String url = resource.toString();
        return jarOf(!url.startsWith("jar:") && url.endsWith("/" + classFile) ? url.substring(0, url.length() - classFile.length()) : url);
    }

    /** The jar whose services file lists a class that cannot be found: the jar a person has to fix. */
    private static Optional<String> servicesFileNaming(ClassLoader loader, Kind kind, String className) {
        String servicesFile = "META-INF/services/" + kind.spi.getName();
        try {
            for (URL url : Collections.list(loader.getResources(servicesFile))) {
                try (InputStream in = url.openStream()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    if (text.lines().map(l -> l.replaceAll("#.*", "").trim()).anyMatch(className::equals)) {
                        String location = url.toString();
                        return Optional.of(location.endsWith(servicesFile)
                                ? location.substring(0, location.length() - servicesFile.length()) : location);
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String locationOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "(unknown location)" : jarOf(source.getLocation().toString());
    }

    private static String jarOf(String url) {
        String location = url;
        if (location.startsWith("jar:")) {
            location = location.substring(4, location.indexOf("!/") > 0 ? location.indexOf("!/") : location.length());
        }
        return location.startsWith("file:") ? location.substring(5) : location;
    }

    private static String versionOf(Class<?> type) {
        Package pkg = type.getPackage();
        String version = pkg == null ? null : pkg.getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    /**
     * Why loading or creating failed, in one line. A missing SPI class or method means the plugin was compiled against
     * another SPI (SPI 1 had {@code DeliveryException}, a class {@code PluginConfig}, a default {@code spiVersion()}):
     * say that, and what to do, rather than leave a person with a linkage error.
     */
    private static String cause(Throwable e) {
        return spiMismatch(e).orElseGet(() -> summary(rootCause(e)));
    }

    private static String summary(Throwable t) {
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Optional<String> spiMismatch(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || !SPI_CLASS.matcher(message).find()) {
                continue;
            }
            boolean older = t instanceof AbstractMethodError // a method the SPI now requires is missing
                    || (t instanceof IncompatibleClassChangeError && !(t instanceof NoSuchMethodError) && !(t instanceof NoSuchFieldError))
                    || (t instanceof NoClassDefFoundError && REMOVED_IN_SPI_2.matcher(message).find());
            if (older) {
                return Optional.of("it was built against an older mfa-monitor SPI than this mfa-monitor's (SPI version "
                        + SpiVersion.CURRENT + "); " + rebuild() + " [" + summary(t) + "]");
            }
            if (t instanceof LinkageError) {
                return Optional.of("it was built against another mfa-monitor SPI than this mfa-monitor's (SPI version "
                        + SpiVersion.CURRENT + "): a class or method of the SPI it uses is missing; " + rebuild()
                        + ", or upgrade mfa-monitor if the plugin needs a newer one [" + summary(t) + "]");
            }
        }
        return Optional.empty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
