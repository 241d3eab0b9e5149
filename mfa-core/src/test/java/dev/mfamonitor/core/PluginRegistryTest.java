package dev.mfamonitor.core;

import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.HttpRules;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Sleeper;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.SpiVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery as a user meets it: each test writes its own {@code META-INF/services} file into a temporary directory
 * and discovers through a child class loader over it, so that the providers named there (classes of this test) are
 * seen by that test only.
 */
class PluginRegistryTest {
    private static final String MONITOR_SPI = "dev.mfamonitor.spi.MonitorProvider";
    private static final String NOTIFIER_SPI = "dev.mfamonitor.spi.NotifierProvider";
    /** Where the test providers' classes come from, as the registry reports it. */
    private static final String TEST_CLASSES = PluginRegistryTest.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    /** What the registry says to do with a plugin of an older SPI: the version is mfa-spi's jar's (none from classes). */
    private static final String REBUILD = "rebuild it against " + (SpiVersion.class.getPackage().getImplementationVersion() == null
            ? "this mfa-monitor's mfa-spi" : "mfa-spi " + SpiVersion.class.getPackage().getImplementationVersion())
            + " (SPI version " + SpiVersion.CURRENT + ")";

    @TempDir
    Path pluginDirectory;

    private final List<URLClassLoader> loaders = new ArrayList<>();

    @BeforeEach
    void resetCounters() {
        AlphaMonitorProvider.CREATED.clear();
        BetaMonitorProvider.CREATES.set(0);
    }

    @AfterEach
    void closeLoaders() throws IOException {
        for (URLClassLoader loader : loaders) {
            loader.close();
        }
    }

    @Test
    void unknownTypeListsExactlyTheAvailableTypes() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName(), BetaMonitorProvider.class.getName());

        assertThatThrownBy(() -> create(registry, config("okta-main", "okta", Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'okta-main' has type 'okta', which no plugin provides; available monitor types: alpha, beta."
                        + " Check the spelling, or add the jar of the plugin that provides it to the plugin directory");
    }

    @Test
    void unknownTypeOfOneOfOurModulesSaysWhichJarToAdd() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName());

        assertThatThrownBy(() -> create(registry, config("github-acme", "github", Map.of())))
                .hasMessage("monitor 'github-acme' has type 'github', which no plugin provides; available monitor types: alpha."
                        + " Add mfa-monitor-github.jar to the plugin directory");
        PluginConfig slack = new YamlPluginConfig("notifier", "security-slack", "slack", Map.of(), pluginDirectory, name -> null);
        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.NOTIFIER, slack, new FixedContext("security-slack"), Notifier.class))
                .hasMessage("notifier 'security-slack' has type 'slack', which no plugin provides; available notifier types:"
                        + " (none). Add mfa-notifier-slack.jar to the plugin directory");
    }

    @Test
    void twoProvidersOfOneTypeFailNamingBothClasses() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName(), SecondAlphaMonitorProvider.class.getName());

        assertThatThrownBy(() -> create(registry, config("github-acme", "alpha", Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'github-acme' (type alpha): 2 plugins provide monitor type 'alpha': "
                        + AlphaMonitorProvider.class.getName() + " (" + TEST_CLASSES + ") and "
                        + SecondAlphaMonitorProvider.class.getName() + " (" + TEST_CLASSES + "); remove one of them");
        assertThat(AlphaMonitorProvider.CREATED).isEmpty();
    }

    @Test
    void theApplicationAndAPluginAreOneListOfSources() throws IOException {
        // The built-in providers come from the first source, a plugin's from its own: one code path for both.
        Path application = Files.createDirectory(pluginDirectory.resolve("application"));
        Path plugin = Files.createDirectory(pluginDirectory.resolve("vendor-plugin"));
        Path empty = Files.createDirectory(pluginDirectory.resolve("no-providers"));
        URLClassLoader applicationLoader = servicesLoader(application, MONITOR_SPI, AlphaMonitorProvider.class.getName());
        URLClassLoader pluginLoader = servicesLoader(plugin, MONITOR_SPI,
                BetaMonitorProvider.class.getName() + "\n" + SecondAlphaMonitorProvider.class.getName());
        URLClassLoader emptyLoader = servicesLoader(empty, "README", "nothing here");

        PluginRegistry registry = PluginRegistry.discover(List.of(PluginRegistry.Source.application(applicationLoader),
                new PluginRegistry.Source("vendor-plugin", plugin.toString(), pluginLoader),
                new PluginRegistry.Source("no-providers", empty.toString(), emptyLoader)));

        assertThat(registry.providers()).extracting(PluginRegistry.Provider::type, PluginRegistry.Provider::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", "built-in"),
                        org.assertj.core.groups.Tuple.tuple("alpha", "vendor-plugin"),
                        org.assertj.core.groups.Tuple.tuple("beta", "vendor-plugin"));
        assertThat(registry.sourcesWithoutProviders()).extracting(PluginRegistry.Source::name).containsExactly("no-providers");
        assertThatThrownBy(() -> create(registry, config("m", "alpha", Map.of())))
                .hasMessageContaining("2 plugins provide monitor type 'alpha': " + AlphaMonitorProvider.class.getName());
        assertThat(create(registry, config("b", "beta", Map.of()))).isInstanceOf(InertMonitor.class);
    }

    @Test
    void providerWhoseConstructorThrowsIsReportedAndDoesNotHideTheOneAfterIt() throws IOException {
        PluginRegistry registry = discover(ThrowingMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThat(registry.failures()).hasSize(1);
        PluginRegistry.LoadFailure failure = registry.failures().get(0);
        assertThat(failure.kind()).isEqualTo(PluginRegistry.Kind.MONITOR);
        assertThat(failure.className()).isEqualTo(ThrowingMonitorProvider.class.getName());
        assertThat(failure.location()).isEqualTo(TEST_CLASSES);
        assertThat(failure.describe()).isEqualTo("monitor provider " + ThrowingMonitorProvider.class.getName() + " from "
                + TEST_CLASSES + " failed to load: java.lang.IllegalStateException: licence file /etc/vendor.lic is missing");
        assertThat(monitorTypes(registry)).containsExactly("alpha");
        assertThat(create(registry, config("m", "alpha", Map.of()))).isNotNull();
    }

    @Test
    void unknownTypeMessageMentionsProvidersThatFailedToLoad() throws IOException {
        PluginRegistry registry = discover(ThrowingMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThatThrownBy(() -> create(registry, config("vendor-main", "vendor", Map.of())))
                .hasMessage("monitor 'vendor-main' has type 'vendor', which no plugin provides; available monitor types: alpha."
                        + " Check the spelling, or add the jar of the plugin that provides it to the plugin directory"
                        + "; note: monitor provider " + ThrowingMonitorProvider.class.getName() + " from " + TEST_CLASSES
                        + " failed to load: java.lang.IllegalStateException: licence file /etc/vendor.lic is missing");
    }

    @Test
    void servicesEntryNamingAMissingClassIsReportedAndDoesNotHideTheOthers() throws IOException {
        String missing = "com.example.vendor.GoneMonitorProvider";
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName(), missing, BetaMonitorProvider.class.getName());

        assertThat(monitorTypes(registry)).containsExactly("alpha", "beta");
        assertThat(registry.failures()).hasSize(1);
        PluginRegistry.LoadFailure failure = registry.failures().get(0);
        assertThat(failure.kind()).isEqualTo(PluginRegistry.Kind.MONITOR);
        assertThat(failure.className()).isEqualTo(missing);
        // The class cannot be found, so the failure names the jar or directory whose services file lists it.
        assertThat(failure.location()).isEqualTo(pluginDirectory.toUri().getPath() + " (its class is missing)");
        assertThat(failure.cause()).contains(missing).contains("not found");
    }

    @Test
    void servicesEntryNamingAClassOfTheWrongKindIsReportedByItsName() throws IOException {
        // A plugin author listed a notifier provider in the monitor services file.
        PluginRegistry registry = discover(WrongKindProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThat(monitorTypes(registry)).containsExactly("alpha");
        assertThat(registry.failures()).extracting(PluginRegistry.LoadFailure::className, PluginRegistry.LoadFailure::location)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(WrongKindProvider.class.getName(), TEST_CLASSES));
        assertThat(registry.failures().get(0).cause()).contains("not a subtype");
    }

    @Test
    void providerWithoutAPublicNoArgumentConstructorIsReportedByItsName() throws IOException {
        PluginRegistry registry = discover(ConfiguredByConstructorMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThat(monitorTypes(registry)).containsExactly("alpha");
        assertThat(registry.failures()).extracting(PluginRegistry.LoadFailure::className, PluginRegistry.LoadFailure::location)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ConfiguredByConstructorMonitorProvider.class.getName(), TEST_CLASSES));
        assertThat(registry.failures().get(0).cause()).contains("NoSuchMethodException");
    }

    @Test
    void onlyConfiguredProvidersCreateAnything() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName(), BetaMonitorProvider.class.getName());

        create(registry, config("github-acme", "alpha", Map.of("organization", "acme")));

        assertThat(AlphaMonitorProvider.CREATED).hasSize(1);
        assertThat(BetaMonitorProvider.CREATES).hasValue(0);
    }

    @Test
    void theProviderGetsTheContextAndCreatesWithItsOwnClassLoaderAsContextClassLoader() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName());
        FixedContext context = new FixedContext("github-acme");
        ClassLoader unrelated = new URLClassLoader(new URL[0], null);
        Thread.currentThread().setContextClassLoader(unrelated);
        try {
            create(registry, config("github-acme", "alpha", Map.of()), context);
            assertThat(Thread.currentThread().getContextClassLoader()).as("restored after create").isSameAs(unrelated);
        } finally {
            Thread.currentThread().setContextClassLoader(PluginRegistryTest.class.getClassLoader());
        }

        assertThat(AlphaMonitorProvider.CREATED).singleElement().satisfies(monitor -> {
            assertThat(monitor.context).isSameAs(context);
            assertThat(monitor.contextClassLoader).isSameAs(AlphaMonitorProvider.class.getClassLoader());
        });
    }

    @Test
    void unusedKeyFailsWithTheExactMessageAndClosesWhatWasCreated() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName());
        PluginConfig config = config("github-acme", "alpha", Map.of("organization", "acme", "tokn", "${env:GITHUB_TOKEN}"));

        assertThatThrownBy(() -> create(registry, config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("property 'tokn' is not used by monitor 'github-acme' (type alpha); known: organization, token");
        assertThat(AlphaMonitorProvider.CREATED).hasSize(1);
        assertThat(AlphaMonitorProvider.CREATED.get(0).closed).isTrue();
    }

    @Test
    void providersConfigErrorPassesThroughUnchanged() throws IOException {
        PluginRegistry registry = discover(BetaMonitorProvider.class.getName());

        assertThatThrownBy(() -> create(registry, config("b", "beta", Map.of("fail", true))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'b' (type beta): property 'fail': told to fail");
    }

    @Test
    void aProviderBuiltAgainstANewerSpiIsRefusedNamingBothVersions() throws IOException {
        PluginRegistry registry = discover(FutureMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThat(monitorTypes(registry)).containsExactly("alpha");
        assertThat(registry.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.className()).isEqualTo(FutureMonitorProvider.class.getName());
            assertThat(failure.location()).isEqualTo(TEST_CLASSES);
            assertThat(failure.cause()).isEqualTo("it was built against mfa-monitor SPI version " + (SpiVersion.CURRENT + 1)
                    + ", newer than this mfa-monitor's SPI version " + SpiVersion.CURRENT + "; upgrade mfa-monitor or use a "
                    + "build of the plugin for SPI version " + SpiVersion.CURRENT);
        });
        assertThatThrownBy(() -> create(registry, config("next", "future", Map.of())))
                .hasMessageContaining("has type 'future', which no plugin provides")
                .hasMessageContaining("SPI version " + (SpiVersion.CURRENT + 1));
    }

    @Test
    void aProviderBuiltAgainstAnSpiOlderThanTheOldestSupportedIsRefusedNamingBothVersions() throws IOException {
        PluginRegistry registry = discover(AncientMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThat(monitorTypes(registry)).containsExactly("alpha");
        assertThat(registry.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.className()).isEqualTo(AncientMonitorProvider.class.getName());
            assertThat(failure.describe()).isEqualTo("monitor provider " + AncientMonitorProvider.class.getName() + " from "
                    + TEST_CLASSES + " failed to load: it was built against mfa-monitor SPI version "
                    + (SpiVersion.OLDEST_SUPPORTED - 1) + ", older than the oldest this mfa-monitor loads (SPI version "
                    + SpiVersion.OLDEST_SUPPORTED + "); " + REBUILD);
        });
    }

    /**
     * Plugins as they were built before mfa-spi: compiled here against the SPI 1 interfaces (a default
     * {@code spiVersion()} returning 1, {@code create(PluginConfig)}, {@code DeliveryException}), then loaded over the
     * SPI 2 classes, as a runner of today meets an old plugin jar.
     */
    @Test
    void pluginsBuiltAgainstSpi1AreRefusedWithARebuildMessageNotALinkageError() throws IOException {
        Path plugin = compileAgainstSpi1(Map.of(
                "com/example/old/OldMonitorProvider.java", """
                        package com.example.old;
                        import dev.mfamonitor.spi.*;
                        public class OldMonitorProvider implements MonitorProvider {
                            public String type() { return "old-monitor"; }
                            public Monitor create(PluginConfig config) { config.string("url"); return null; }
                        }
                        """,
                "com/example/old/OldExplicitProvider.java", """
                        package com.example.old;
                        import dev.mfamonitor.spi.*;
                        public class OldExplicitProvider implements MonitorProvider {
                            public String type() { return "old-explicit"; }
                            public int spiVersion() { return SpiVersion.CURRENT; }
                            public Monitor create(PluginConfig config) { return null; }
                        }
                        """,
                "com/example/old/OldNotifierProvider.java", """
                        package com.example.old;
                        import dev.mfamonitor.spi.*;
                        public class OldNotifierProvider implements NotifierProvider {
                            private final DeliveryException lastFailure = new DeliveryException("none yet", false);
                            public String type() { return "old-notifier"; }
                            public int spiVersion() { return 2; }
                            public Notifier create(PluginConfig config) { return null; }
                        }
                        """));
        writeServices(plugin, MONITOR_SPI, "com.example.old.OldMonitorProvider\ncom.example.old.OldExplicitProvider");
        writeServices(plugin, NOTIFIER_SPI, "com.example.old.OldNotifierProvider");
        URLClassLoader loader = new URLClassLoader(new URL[] {plugin.toUri().toURL()}, new ServicesHidingClassLoader());
        loaders.add(loader);

        PluginRegistry registry = PluginRegistry.discover(List.of(new PluginRegistry.Source("old", plugin.toString(), loader)));

        assertThat(registry.providers()).isEmpty();
        String location = plugin.toUri().getPath();
        assertThat(registry.failures()).extracting(PluginRegistry.LoadFailure::className, PluginRegistry.LoadFailure::location)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("com.example.old.OldMonitorProvider", location),
                        org.assertj.core.groups.Tuple.tuple("com.example.old.OldExplicitProvider", location),
                        org.assertj.core.groups.Tuple.tuple("com.example.old.OldNotifierProvider", location));
        String older = "it was built against an older mfa-monitor SPI than this mfa-monitor's (SPI version "
                + SpiVersion.CURRENT + "); " + REBUILD + " [";
        assertThat(failure(registry, "com.example.old.OldMonitorProvider").cause())
                .startsWith(older + "java.lang.AbstractMethodError").contains("spiVersion()");
        assertThat(failure(registry, "com.example.old.OldExplicitProvider").cause())
                .isEqualTo("it was built against mfa-monitor SPI version 1, older than the oldest this mfa-monitor loads"
                        + " (SPI version " + SpiVersion.OLDEST_SUPPORTED + "); " + REBUILD);
        assertThat(failure(registry, "com.example.old.OldNotifierProvider").cause())
                .isEqualTo(older + "java.lang.NoClassDefFoundError: dev/mfamonitor/spi/DeliveryException]");
    }

    private static PluginRegistry.LoadFailure failure(PluginRegistry registry, String className) {
        return registry.failures().stream().filter(f -> f.className().equals(className)).findFirst().orElseThrow();
    }

    /** Compiles the sources against a copy of the SPI 1 interfaces, and keeps only the plugin's own classes. */
    private Path compileAgainstSpi1(Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(pluginDirectory.resolve("spi1-src"));
        Map<String, String> all = new java.util.HashMap<>(sources);
        all.put("dev/mfamonitor/spi/PluginConfig.java", """
                package dev.mfamonitor.spi;
                public final class PluginConfig { public String string(String key) { return key; } }
                """);
        all.put("dev/mfamonitor/spi/PluginProvider.java", """
                package dev.mfamonitor.spi;
                public interface PluginProvider<T extends AutoCloseable> {
                    String type();
                    T create(PluginConfig config);
                    default int spiVersion() { return 1; }
                }
                """);
        all.put("dev/mfamonitor/spi/SpiVersion.java", """
                package dev.mfamonitor.spi;
                public final class SpiVersion { public static final int CURRENT = 1; }
                """);
        all.put("dev/mfamonitor/spi/MonitorProvider.java", "package dev.mfamonitor.spi; public interface MonitorProvider extends PluginProvider<Monitor> {}");
        all.put("dev/mfamonitor/spi/NotifierProvider.java", "package dev.mfamonitor.spi; public interface NotifierProvider extends PluginProvider<Notifier> {}");
        all.put("dev/mfamonitor/spi/Monitor.java", "package dev.mfamonitor.spi; public interface Monitor extends AutoCloseable {}");
        all.put("dev/mfamonitor/spi/Notifier.java", "package dev.mfamonitor.spi; public interface Notifier extends AutoCloseable {}");
        all.put("dev/mfamonitor/spi/DeliveryException.java", """
                package dev.mfamonitor.spi;
                public class DeliveryException extends Exception {
                    public DeliveryException(String message, boolean permanent) { super(message); }
                }
                """);
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> source : all.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
            files.add(file.toString());
        }
        Path classes = Files.createDirectories(pluginDirectory.resolve("spi1-plugin"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-nowarn"));
        arguments.addAll(files);
        int result = compiler.run(null, null, errors, arguments.toArray(String[]::new));
        assertThat(result).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        // The SPI comes from the runner, never from the plugin.
        try (Stream<Path> spi = Files.walk(classes.resolve("dev"))) {
            for (Path p : spi.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return classes;
    }

    private PluginRegistry discover(String... monitorProviders) throws IOException {
        return PluginRegistry.discover(servicesLoader(pluginDirectory, MONITOR_SPI,
                "# test providers\n" + String.join("\n", monitorProviders)));
    }

    private URLClassLoader servicesLoader(Path directory, String spi, String lines) throws IOException {
        writeServices(directory, spi, lines);
        URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, new ServicesHidingClassLoader());
        loaders.add(loader);
        return loader;
    }

    private static void writeServices(Path directory, String spi, String lines) throws IOException {
        Path services = Files.createDirectories(directory.resolve("META-INF").resolve("services"));
        Files.writeString(services.resolve(spi), lines + "\n", StandardCharsets.UTF_8);
    }

    private YamlPluginConfig config(String id, String type, Map<String, ?> values) {
        return new YamlPluginConfig("monitor", id, type, values, pluginDirectory, name -> null);
    }

    private static Monitor create(PluginRegistry registry, PluginConfig config) {
        return create(registry, config, new FixedContext(config.id()));
    }

    private static Monitor create(PluginRegistry registry, PluginConfig config, PluginContext context) {
        return registry.create(PluginRegistry.Kind.MONITOR, config, context, Monitor.class);
    }

    private static List<String> monitorTypes(PluginRegistry registry) {
        return registry.providers().stream().filter(p -> p.kind() == PluginRegistry.Kind.MONITOR).map(PluginRegistry.Provider::type).toList();
    }

    /** A context for discovery tests: nothing in it is used but its identity. */
    record FixedContext(String instanceId) implements PluginContext {
        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public LongSupplier nanoTime() {
            return () -> 0L;
        }

        @Override
        public Sleeper sleeper() {
            return duration -> {
                throw new AssertionError("discovery never sleeps");
            };
        }

        @Override
        public Redactor redactor() {
            return text -> text;
        }

        @Override
        public HttpRules http() {
            return new HttpRules() {
                @Override
                public URI requireSecureEndpoint(String key, URI endpoint) {
                    return endpoint;
                }

                @Override
                public boolean sameOrigin(URI a, URI b) {
                    return a.equals(b);
                }

                @Override
                public void requireSameOrigin(URI configured, URI next) {
                }
            };
        }
    }

    /** A monitor that only remembers how it was made and whether it was closed. */
    public static final class InertMonitor implements Monitor {
        volatile boolean closed;
        PluginContext context;
        ClassLoader contextClassLoader;

        @Override
        public Snapshot snapshot(ScanRequest request) {
            throw new UnsupportedOperationException("not scanned in discovery tests");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Type {@code alpha}; reads {@code organization} and {@code token}. */
    public static final class AlphaMonitorProvider implements MonitorProvider {
        static final List<InertMonitor> CREATED = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public String type() {
            return "alpha";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            config.optionalString("organization");
            config.optionalSecret("token");
            InertMonitor monitor = new InertMonitor();
            monitor.context = context;
            monitor.contextClassLoader = Thread.currentThread().getContextClassLoader();
            CREATED.add(monitor);
            return monitor;
        }
    }

    /** A second provider of type {@code alpha}, as a stray old plugin jar would be. */
    public static final class SecondAlphaMonitorProvider implements MonitorProvider {
        @Override
        public String type() {
            return "alpha";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            return new InertMonitor();
        }
    }

    /** Type {@code beta}; counts how often it was asked to create. */
    public static final class BetaMonitorProvider implements MonitorProvider {
        static final AtomicInteger CREATES = new AtomicInteger();

        @Override
        public String type() {
            return "beta";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            CREATES.incrementAndGet();
            if (config.bool("fail", false)) {
                throw config.error("fail", "told to fail");
            }
            return new InertMonitor();
        }
    }

    /** A provider from the future: built against the next SPI version. */
    public static final class FutureMonitorProvider implements MonitorProvider {
        @Override
        public String type() {
            return "future";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT + 1;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            throw new AssertionError("a refused provider is never asked to create anything");
        }
    }

    /** A provider older than the oldest SPI this runner loads. */
    public static final class AncientMonitorProvider implements MonitorProvider {
        @Override
        public String type() {
            return "ancient";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.OLDEST_SUPPORTED - 1;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            throw new AssertionError("a refused provider is never asked to create anything");
        }
    }

    /** A notifier provider, listed by mistake as a monitor provider. */
    public static final class WrongKindProvider implements dev.mfamonitor.spi.NotifierProvider {
        @Override
        public String type() {
            return "wrong-kind";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Notifier create(PluginConfig config, PluginContext context) {
            throw new AssertionError("never created");
        }
    }

    /** A provider that wants its configuration in the constructor, which ServiceLoader cannot call. */
    public static final class ConfiguredByConstructorMonitorProvider implements MonitorProvider {
        public ConfiguredByConstructorMonitorProvider(String organization) {
            // never called
        }

        @Override
        public String type() {
            return "by-constructor";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            throw new AssertionError("never created");
        }
    }

    /** A provider whose constructor throws, as one whose static set-up cannot find its licence would. */
    public static final class ThrowingMonitorProvider implements MonitorProvider {
        public ThrowingMonitorProvider() {
            throw new IllegalStateException("licence file /etc/vendor.lic is missing");
        }

        @Override
        public String type() {
            return "vendor";
        }

        @Override
        public int spiVersion() {
            return SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, PluginContext context) {
            throw new AssertionError("never created");
        }
    }

    /**
     * Sees every class of the test class path but none of its {@code META-INF/services} files, so that only the
     * services files a test writes are discovered, not the built-in providers of mfa-core.
     */
    private static final class ServicesHidingClassLoader extends ClassLoader {
        ServicesHidingClassLoader() {
            super(PluginRegistryTest.class.getClassLoader());
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith("META-INF/services/") ? null : super.getResource(name);
        }

        @Override
        public java.util.Enumeration<URL> getResources(String name) throws java.io.IOException {
            return name.startsWith("META-INF/services/") ? java.util.Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
