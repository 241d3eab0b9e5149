package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.runner.testplugin.GreeterLibrary;
import dev.mfamonitor.runner.testplugin.GreeterNotifierProvider;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plugin directory's layout and its trust rules, on the real file system in a temporary directory. */
class PluginDirectoryTest {
    private static final String NOTIFIER_SPI = "dev.mfamonitor.spi.NotifierProvider";
    private static final ClassLoader APPLICATION = PluginDirectoryTest.class.getClassLoader();

    @TempDir
    Path dir;

    @Test
    void aPluginIsASingleJarOrADirectoryOfJarsEachInItsOwnClassLoader() throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        PluginJars.jar(plugins.resolve("canary.jar"), NOTIFIER_SPI, CanaryNotifierProvider.class.getName(), CanaryNotifierProvider.class);
        Path greeter = Files.createDirectory(plugins.resolve("greeter"));
        PluginJars.jar(greeter.resolve("greeter-plugin.jar"), NOTIFIER_SPI, GreeterNotifierProvider.class.getName(),
                GreeterNotifierProvider.class, GreeterNotifierProvider.GreeterNotifier.class);
        PluginJars.jar(greeter.resolve("greeter-library.jar"), null, null, GreeterLibrary.class);
        Files.writeString(plugins.resolve("README.txt"), "not a plugin");

        List<PluginRegistry.Source> sources = PluginDirectory.open(plugins, APPLICATION);

        assertThat(sources).extracting(PluginRegistry.Source::name, PluginRegistry.Source::location).containsExactly(
                org.assertj.core.groups.Tuple.tuple("canary", plugins.resolve("canary.jar").toString()),
                org.assertj.core.groups.Tuple.tuple("greeter", greeter.toString()));
        List<PluginRegistry.Source> all = new ArrayList<>(List.of(PluginRegistry.Source.application(new HidingServices(APPLICATION))));
        all.addAll(sources);
        PluginRegistry registry = PluginRegistry.discover(all);

        assertThat(registry.failures()).isEmpty();
        assertThat(registry.providers()).extracting(PluginRegistry.Provider::type, PluginRegistry.Provider::source, PluginRegistry.Provider::location)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("canary", "canary", plugins.resolve("canary.jar").toString()),
                        org.assertj.core.groups.Tuple.tuple("greeter", "greeter", greeter.resolve("greeter-plugin.jar").toString()));
        // The provider needs the library jar beside it: both are in the plugin's own class loader, not the application's.
        Notifier notifier = registry.create(PluginRegistry.Kind.NOTIFIER,
                new YamlPluginConfig("notifier", "hi", "greeter", Map.of("name", "mfa"), dir, name -> null),
                TestContext.of("hi"), Notifier.class);
        assertThat(notifier.toString()).isEqualTo("GreeterNotifier[greeting=hello, mfa]");
        assertThat(notifier.getClass().getClassLoader().getName()).isEqualTo("plugin:greeter");
        assertThat(notifier.getClass()).isNotEqualTo(GreeterNotifierProvider.GreeterNotifier.class);
    }

    @Test
    void aPluginSeesTheSpiItsStatePackageTheSupportLibraryAndSlf4jButNotTheEngine() throws Exception {
        SpiOnlyClassLoader spiOnly = new SpiOnlyClassLoader(APPLICATION);
        ClassLoader plugin = new java.net.URLClassLoader("plugin:probe", new java.net.URL[0], spiOnly);

        for (String shared : List.of("dev.mfamonitor.spi.Monitor", "dev.mfamonitor.spi.state.StateStore",
                "dev.mfamonitor.support.Backoff", "org.slf4j.LoggerFactory")) {
            assertThat(plugin.loadClass(shared)).as(shared).isSameAs(APPLICATION.loadClass(shared));
        }
        for (String hidden : List.of("dev.mfamonitor.core.PluginRegistry", "dev.mfamonitor.runner.Main",
                "com.fasterxml.jackson.databind.ObjectMapper", "picocli.CommandLine")) {
            assertThatThrownBy(() -> plugin.loadClass(hidden)).as(hidden).isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> spiOnly.loadClass(hidden)).as(hidden).hasMessage(hidden + " is not part of the"
                    + " mfa-monitor SPI (plugins see dev.mfamonitor.spi, dev.mfamonitor.support and org.slf4j); a plugin must bundle it");
        }
        assertThat(plugin.getResource("META-INF/services/dev.mfamonitor.spi.MonitorProvider")).isNull();
    }

    @Test
    void aPluginDirectoryWritableByOthersIsRefusedWithTheFix() throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> PluginDirectory.open(plugins, APPLICATION))
                .isInstanceOf(ConfigException.class)
                .hasMessage("plugin directory " + plugins + " is writable by every user (rwxrwxrwx), so they could make"
                        + " mfa-monitor run their code; it is refused. Fix: chmod go-w " + plugins.toRealPath());
    }

    @Test
    void aGroupWritableJarOrPluginDirectoryIsRefused() throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path jar = PluginJars.jar(plugins.resolve("canary.jar"), NOTIFIER_SPI, CanaryNotifierProvider.class.getName(),
                CanaryNotifierProvider.class);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));

        assertThatThrownBy(() -> PluginDirectory.open(plugins, APPLICATION))
                .hasMessage("plugin jar " + jar + " is writable by its group (rw-rw-r--), so they could make mfa-monitor"
                        + " run their code; it is refused. Fix: chmod go-w " + jar.toRealPath());

        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path greeter = Files.createDirectory(plugins.resolve("greeter"));
        Files.setPosixFilePermissions(greeter, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> PluginDirectory.open(plugins, APPLICATION))
                .hasMessageStartingWith("plugin directory " + greeter + " is writable by its group (rwxrwxr-x)");

        Files.setPosixFilePermissions(greeter, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path library = PluginJars.jar(greeter.resolve("library.jar"), null, null, GreeterLibrary.class);
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-r--rw-"));
        assertThatThrownBy(() -> PluginDirectory.open(plugins, APPLICATION))
                .hasMessageStartingWith("plugin jar " + library + " is writable by every user (rw-r--rw-)");

        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PluginDirectory.open(plugins, APPLICATION)).hasSize(2);
    }

    @Test
    void aJarOwnedByAnotherUserIsRefusedAndOneOwnedByRootIsNot() throws IOException {
        Path jar = PluginJars.jar(dir.resolve("canary.jar"), NOTIFIER_SPI, CanaryNotifierProvider.class.getName(),
                CanaryNotifierProvider.class);
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int owner = (Integer) Files.getAttribute(jar, "unix:uid");
        // As root, the jar is given to another user; otherwise mfa-monitor is made to run as another user than the owner.
        int stranger = 4321;
        OptionalInt runningAs = OptionalInt.of(me);
        if (me == 0) {
            Files.setAttribute(jar, "unix:uid", stranger);
        } else {
            runningAs = OptionalInt.of(owner + 1);
        }
        int foreignOwner = me == 0 ? stranger : owner;
        String user = System.getProperty("user.name");
        OptionalInt running = runningAs;

        assertThatThrownBy(() -> PluginDirectory.requireTrusted(jar, "plugin jar", running))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("plugin jar " + jar + " is owned by ")
                .hasMessageContaining("(uid " + foreignOwner + "), neither the user running mfa-monitor (" + user + ", uid "
                        + running.getAsInt() + ") nor root, so that user could make mfa-monitor run their code; it is refused."
                        + " Fix: chown " + user + " " + jar.toRealPath() + " (or chown root)");

        if (me == 0) {
            Files.setAttribute(jar, "unix:uid", 0);
            assertThatCode(() -> PluginDirectory.requireTrusted(jar, "plugin jar", OptionalInt.of(stranger)))
                    .as("a root-owned jar is trusted by every user").doesNotThrowAnyException();
        }
    }

    @Test
    void aJarLinkedFromADirectoryOthersCanWriteIsRefusedButNotFromAStickyOne() throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path open = Files.createDirectory(dir.resolve("open"));
        Path target = PluginJars.jar(open.resolve("canary.jar"), NOTIFIER_SPI, CanaryNotifierProvider.class.getName(),
                CanaryNotifierProvider.class);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(plugins.resolve("canary.jar"), target);

        assertThatThrownBy(() -> PluginDirectory.open(plugins, APPLICATION))
                .hasMessage("directory that plugin jar " + link + " links into, " + open.toRealPath() + " is writable by every"
                        + " user (rwxrwxrwx), so they could make mfa-monitor run their code; it is refused. Fix: chmod go-w "
                        + open.toRealPath());

        Files.setAttribute(open, "unix:mode", 01777);
        assertThat(PluginDirectory.open(plugins, APPLICATION)).extracting(PluginRegistry.Source::name).containsExactly("canary");
    }

    /** The test class path without its services files, so that only the plugins' providers are found. */
    private static final class HidingServices extends ClassLoader {
        HidingServices(ClassLoader parent) {
            super(parent);
        }

        @Override
        public java.net.URL getResource(String name) {
            return name.startsWith("META-INF/services/") ? null : super.getResource(name);
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) throws IOException {
            return name.startsWith("META-INF/services/") ? java.util.Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
