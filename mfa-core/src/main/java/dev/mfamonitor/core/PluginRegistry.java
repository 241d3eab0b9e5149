package dev.mfamonitor.core;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginProvider;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.spi.state.StateStoreProvider;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds every provider on a class loader with {@link ServiceLoader} and creates the configured plugins.
 *
 * <p>Discovery never fails silently: a provider that cannot be loaded is recorded with its class and jar and does not
 * hide the others; an unknown type lists what is available; two providers of one type name both.
 */
public final class PluginRegistry {
    /** The jars of this project that add a type, so that "unknown type" can say what to install. */
    private static final Map<String, String> KNOWN_MODULES = Map.of(
            "github", "mfa-monitor-github", "aws", "mfa-monitor-aws",
            "slack", "mfa-notifier-slack", "webhook", "mfa-notifier-webhook", "file", "mfa-storage-file");
    private static final int MAX_PROVIDERS = 10_000;

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
    }

    /**
     * A provider that loaded.
     *
     * @param location the jar or directory its class came from
     * @param version  its jar's Implementation-Version, or {@code unknown}
     */
    public record Provider(Kind kind, String type, String className, String location, String version,
                           PluginProvider<?> instance) {
    }

    /** A provider that could not be loaded or instantiated. */
    public record LoadFailure(Kind kind, String className, String location, String cause) {
        /** For people: "monitor provider com.x.Foo from /plugins/x.jar failed to load: ...". */
        public String describe() {
            return kind.word() + " provider " + className + " from " + location + " failed to load: " + cause;
        }
    }

    private final List<Provider> providers;
    private final List<LoadFailure> failures;

    private PluginRegistry(List<Provider> providers, List<LoadFailure> failures) {
        this.providers = List.copyOf(providers);
        this.failures = List.copyOf(failures);
    }

    /** Discovers every provider visible to {@code loader}. */
    public static PluginRegistry discover(ClassLoader loader) {
        return discover(List.of(loader));
    }

    /**
     * Discovers every provider of several class loaders (the application's, then one per plugin jar) as one registry:
     * a type provided in two of them is ambiguous, and creating it names both.
     */
    public static PluginRegistry discover(List<ClassLoader> loaders) {
        List<Provider> providers = new ArrayList<>();
        List<LoadFailure> failures = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            for (Kind kind : Kind.values()) {
                load(kind, loader, providers, failures);
            }
        }
        providers.sort(Comparator.comparing((Provider p) -> p.kind()).thenComparing(Provider::type).thenComparing(Provider::className));
        return new PluginRegistry(providers, failures);
    }

    private static void load(Kind kind, ClassLoader loader, List<Provider> providers, List<LoadFailure> failures) {
        Iterator<? extends ServiceLoader.Provider<? extends PluginProvider<?>>> it =
                ServiceLoader.load(kind.spi, loader).stream().iterator();
        // A broken entry throws from the iterator; it then moves on to the next one, so keep going (bounded).
        for (int i = 0; i < MAX_PROVIDERS; i++) {
            ServiceLoader.Provider<? extends PluginProvider<?>> candidate;
            try {
                if (!it.hasNext()) {
                    return;
                }
                candidate = it.next();
            } catch (ServiceConfigurationError e) {
                String className = classNameIn(e, kind).orElse("(unknown class)");
                failures.add(new LoadFailure(kind, className, locationOf(loader, kind, className), rootCause(e)));
                continue;
            }
            Class<?> type = candidate.type();
            try {
                PluginProvider<?> instance = candidate.get();
                String typeName = instance.type();
                if (typeName == null || typeName.isBlank()) {
                    throw new IllegalStateException("type() returned no name");
                }
                if (instance.spiVersion() > SpiVersion.CURRENT) {
                    failures.add(new LoadFailure(kind, type.getName(), locationOf(type), "it was built against mfa-monitor SPI "
                            + "version " + instance.spiVersion() + ", newer than this mfa-monitor's SPI version "
                            + SpiVersion.CURRENT + "; upgrade mfa-monitor or use a build of the plugin for SPI version "
                            + SpiVersion.CURRENT));
                    continue;
                }
                providers.add(new Provider(kind, typeName, type.getName(), locationOf(type), versionOf(type), instance));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                failures.add(new LoadFailure(kind, type.getName(), locationOf(type), rootCause(e)));
            }
        }
    }

    /** Every provider that loaded, sorted by kind and type. */
    public List<Provider> providers() {
        return providers;
    }

    /** Every provider that did not load. */
    public List<LoadFailure> failures() {
        return failures;
    }

    /**
     * Creates the plugin a configuration block names, then checks that the provider read every key.
     *
     * @throws ConfigException for an unknown or ambiguous type, a provider's own configuration error, or a key no one
     *                         read; the message says what to do
     */
    public <T extends AutoCloseable> T create(Kind kind, PluginConfig config, dev.mfamonitor.spi.PluginContext context, Class<T> product) {
        Provider provider = provider(kind, config);
        Object created;
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // A plugin's libraries may look themselves up through the context class loader: make it the plugin's own.
        current.setContextClassLoader(provider.instance().getClass().getClassLoader());
        try {
            created = provider.instance().create(config, context);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new ConfigException(config.describe() + " could not be created by " + provider.className() + " ("
                    + provider.location() + "): " + rootCause(e), e);
        } finally {
            current.setContextClassLoader(previous);
        }
        if (!product.isInstance(created)) {
            throw new ConfigException(provider.className() + " returned " + (created == null ? "nothing" : created.getClass().getName())
                    + " for " + config.describe());
        }
        T plugin = product.cast(created);
        try {
            if (config instanceof dev.mfamonitor.core.config.YamlPluginConfig yaml) {
                yaml.requireAllUsed();
            }
        } catch (ConfigException e) {
            try {
                plugin.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return plugin;
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
    private static Optional<String> classNameIn(ServiceConfigurationError e, Kind kind) {
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
            for (URL url : java.util.Collections.list(loader.getResources(servicesFile))) {
                try (var in = url.openStream()) {
                    String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    if (text.lines().map(l -> l.replaceAll("#.*", "").trim()).anyMatch(className::equals)) {
                        String location = url.toString();
                        return Optional.of(location.endsWith(servicesFile)
                                ? location.substring(0, location.length() - servicesFile.length()) : location);
                    }
                }
            }
        } catch (java.io.IOException e) {
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

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getName() + (message == null ? "" : ": " + message);
    }
}
