package dev.mfamonitor.core;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.MonitorProvider;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.SpiVersion;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Discovery as a user meets it: each test writes its own {@code META-INF/services} file into a temporary directory
 * and discovers through a child class loader over it, so that the providers named there (classes of this test) are
 * seen by that test only.
 */
class PluginRegistryTest {
    private static final dev.mfamonitor.spi.PluginContext CONTEXT = dev.mfamonitor.core.context.EnginePluginContext.system(
            "test", "test plugin", new dev.mfamonitor.core.context.SecretRedactor());

    private static final String MONITOR_SPI = "dev.mfamonitor.spi.MonitorProvider";
    /** Where the test providers' classes come from, as the registry reports it. */
    private static final String TEST_CLASSES = PluginRegistryTest.class.getProtectionDomain().getCodeSource().getLocation().getPath();

    @TempDir
    Path pluginDirectory;

    private URLClassLoader loader;

    @BeforeEach
    void resetCounters() {
        AlphaMonitorProvider.CREATED.clear();
        BetaMonitorProvider.CREATES.set(0);
    }

    @AfterEach
    void closeLoader() throws IOException {
        if (loader != null) {
            loader.close();
        }
    }

    @Test
    void unknownTypeListsExactlyTheAvailableTypes() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName(), BetaMonitorProvider.class.getName());

        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config("okta-main", "okta", Map.of()), CONTEXT, Monitor.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'okta-main' has type 'okta', which no plugin provides; available monitor types: alpha, beta."
                        + " Check the spelling, or add the jar of the plugin that provides it to the plugin directory");
    }

    @Test
    void unknownTypeOfOneOfOurModulesSaysWhichJarToAdd() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName());

        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config("github-acme", "github", Map.of()), CONTEXT, Monitor.class))
                .hasMessage("monitor 'github-acme' has type 'github', which no plugin provides; available monitor types: alpha."
                        + " Add mfa-monitor-github.jar to the plugin directory");
        PluginConfig slack = new dev.mfamonitor.core.config.YamlPluginConfig("notifier", "security-slack", "slack", Map.of(), pluginDirectory, name -> null);
        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.NOTIFIER, slack, CONTEXT, Notifier.class))
                .hasMessage("notifier 'security-slack' has type 'slack', which no plugin provides; available notifier types:"
                        + " (none). Add mfa-notifier-slack.jar to the plugin directory");
    }

    @Test
    void twoProvidersOfOneTypeFailNamingBothClasses() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName(), SecondAlphaMonitorProvider.class.getName());

        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config("github-acme", "alpha", Map.of()), CONTEXT, Monitor.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'github-acme' (type alpha): 2 plugins provide monitor type 'alpha': "
                        + AlphaMonitorProvider.class.getName() + " (" + TEST_CLASSES + ") and "
                        + SecondAlphaMonitorProvider.class.getName() + " (" + TEST_CLASSES + "); remove one of them");
        assertThat(AlphaMonitorProvider.CREATED).isEmpty();
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
        assertThat(registry.create(PluginRegistry.Kind.MONITOR, config("m", "alpha", Map.of()), CONTEXT, Monitor.class)).isNotNull();
    }

    @Test
    void unknownTypeMessageMentionsProvidersThatFailedToLoad() throws IOException {
        PluginRegistry registry = discover(ThrowingMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config("vendor-main", "vendor", Map.of()), CONTEXT, Monitor.class))
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

        registry.create(PluginRegistry.Kind.MONITOR, config("github-acme", "alpha", Map.of("organization", "acme")), CONTEXT, Monitor.class);

        assertThat(AlphaMonitorProvider.CREATED).hasSize(1);
        assertThat(BetaMonitorProvider.CREATES).hasValue(0);
    }

    @Test
    void unusedKeyFailsWithTheExactMessageAndClosesWhatWasCreated() throws IOException {
        PluginRegistry registry = discover(AlphaMonitorProvider.class.getName());
        PluginConfig config = config("github-acme", "alpha", Map.of("organization", "acme", "tokn", "${env:GITHUB_TOKEN}"));

        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config, CONTEXT, Monitor.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("property 'tokn' is not used by monitor 'github-acme' (type alpha); known: organization, token");
        assertThat(AlphaMonitorProvider.CREATED).hasSize(1);
        assertThat(AlphaMonitorProvider.CREATED.get(0).closed).isTrue();
    }

    @Test
    void providersConfigErrorPassesThroughUnchanged() throws IOException {
        PluginRegistry registry = discover(BetaMonitorProvider.class.getName());

        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config("b", "beta", Map.of("fail", true)), CONTEXT, Monitor.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("monitor 'b' (type beta): property 'fail': told to fail");
    }

    private PluginRegistry discover(String... monitorProviders) throws IOException {
        Path services = pluginDirectory.resolve("META-INF").resolve("services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(MONITOR_SPI), "# test providers\n" + String.join("\n", monitorProviders) + "\n",
                StandardCharsets.UTF_8);
        loader = new URLClassLoader(new URL[] {pluginDirectory.toUri().toURL()}, new ServicesHidingClassLoader());
        return PluginRegistry.discover(loader);
    }

    private PluginConfig config(String id, String type, Map<String, ?> values) {
        return new dev.mfamonitor.core.config.YamlPluginConfig("monitor", id, type, values, pluginDirectory, name -> null);
    }

    private static List<String> monitorTypes(PluginRegistry registry) {
        return registry.providers().stream().filter(p -> p.kind() == PluginRegistry.Kind.MONITOR).map(PluginRegistry.Provider::type).toList();
    }

    /** A monitor that only remembers whether it was closed. */
    public static final class InertMonitor implements Monitor {
        volatile boolean closed;

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
    @Test
    void aProviderBuiltAgainstANewerSpiIsRefusedNamingBothVersions() throws IOException {
        PluginRegistry registry = discover(FutureMonitorProvider.class.getName(), AlphaMonitorProvider.class.getName());

        assertThat(monitorTypes(registry)).containsExactly("alpha");
        assertThat(registry.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.className()).isEqualTo(FutureMonitorProvider.class.getName());
            assertThat(failure.cause()).isEqualTo("it was built against mfa-monitor SPI version " + (SpiVersion.CURRENT + 1)
                    + ", newer than this mfa-monitor's SPI version " + SpiVersion.CURRENT + "; upgrade mfa-monitor or use a "
                    + "build of the plugin for SPI version " + SpiVersion.CURRENT);
        });
        assertThatThrownBy(() -> registry.create(PluginRegistry.Kind.MONITOR, config("next", "future", Map.of()), CONTEXT, Monitor.class))
                .hasMessageContaining("has type 'future', which no plugin provides")
                .hasMessageContaining("SPI version " + (SpiVersion.CURRENT + 1));
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
        public Monitor create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
            throw new AssertionError("a refused provider is never asked to create anything");
        }
    }

    public static final class AlphaMonitorProvider implements MonitorProvider {
        static final List<InertMonitor> CREATED = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public String type() {
            return "alpha";
        }

        @Override
        public int spiVersion() {
            return dev.mfamonitor.spi.SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
            config.optionalString("organization");
            config.optionalSecret("token");
            InertMonitor monitor = new InertMonitor();
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
            return dev.mfamonitor.spi.SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
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
            return dev.mfamonitor.spi.SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
            CREATES.incrementAndGet();
            if (config.bool("fail", false)) {
                throw config.error("fail", "told to fail");
            }
            return new InertMonitor();
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
            return dev.mfamonitor.spi.SpiVersion.CURRENT;
        }

        @Override
        public Notifier create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
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
            return dev.mfamonitor.spi.SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
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
            return dev.mfamonitor.spi.SpiVersion.CURRENT;
        }

        @Override
        public Monitor create(PluginConfig config, dev.mfamonitor.spi.PluginContext context) {
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
