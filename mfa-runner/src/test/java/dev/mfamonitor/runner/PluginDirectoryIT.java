package dev.mfamonitor.runner;

import dev.mfamonitor.runner.testplugin.GreeterLibrary;
import dev.mfamonitor.runner.testplugin.GreeterNotifierProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Drop-in plugins, read by the built jar in a child JVM: single jars and directories of jars. */
class PluginDirectoryIT {
    private static final String CANARY = CanaryNotifierProvider.class.getName();
    private static final String NOTIFIER_SPI = "dev.mfamonitor.spi.NotifierProvider";

    @TempDir
    Path dir;

    @Test
    void aJarInThePluginDirectoryIsDiscoveredConfiguredAndRun() throws Exception {
        Path plugins = pluginDirectory("plugins");
        jar(plugins.resolve("canary-notifier.jar"), CANARY, CanaryNotifierProvider.class);
        writeConfig("  - id: chat\n    type: canary\n    token: ${env:MFA_TOKEN}\n");

        JarProcess.Result list = JarProcess.run(dir, "--plugins", "plugins", "plugins");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.stdout()).containsPattern("notifier +canary +" + CANARY.replace("$", "\\$") + " .*canary-notifier\\.jar");

        JarProcess.Result run = JarProcess.run(dir, Map.of("MFA_TOKEN", "t0ken-value"), false,
                "run", "--config", "mfa-monitor.yaml", "--plugins", "plugins");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("notifier 'chat' delivered 1 event(s)");
    }

    @Test
    void aPluginDirectoryOfJarsLoadsThePluginWithItsOwnLibrary() throws Exception {
        Path plugins = pluginDirectory("plugins");
        Path greeter = Files.createDirectory(plugins.resolve("greeter"));
        Files.setPosixFilePermissions(greeter, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The provider's create() calls GreeterLibrary, which is only in the second jar.
        PluginJars.jar(greeter.resolve("greeter-plugin.jar"), NOTIFIER_SPI, GreeterNotifierProvider.class.getName(),
                GreeterNotifierProvider.class, GreeterNotifierProvider.GreeterNotifier.class);
        PluginJars.jar(greeter.resolve("greeter-library.jar"), null, null, GreeterLibrary.class);
        writeConfig("  - { id: hello, type: greeter, name: ops }\n");

        JarProcess.Result list = JarProcess.run(dir, "--plugins", "plugins", "plugins");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.stdout()).containsPattern("notifier +greeter +" + GreeterNotifierProvider.class.getName()
                + " .*plugins/greeter/greeter-plugin\\.jar");

        JarProcess.Result run = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml", "--plugins", "plugins");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("notifier 'hello' delivered 1 event(s)");
    }

    @Test
    void aPluginDirectoryFromTheEnvironmentIsUsed() throws Exception {
        Path plugins = pluginDirectory("from-env");
        jar(plugins.resolve("canary-notifier.jar"), CANARY, CanaryNotifierProvider.class);

        JarProcess.Result list = JarProcess.run(dir, Map.of("MFA_MONITOR_PLUGINS", plugins.toString()), false, "plugins");

        assertThat(list.stdout()).contains("canary-notifier.jar");
    }

    @Test
    void aBrokenProviderMakesPluginsExitTwoNamingItWithoutHidingTheOthers() throws Exception {
        Path plugins = pluginDirectory("plugins");
        jar(plugins.resolve("a-empty.jar"), null);
        jar(plugins.resolve("b-broken.jar"), "com.example.MissingNotifierProvider");
        jar(plugins.resolve("c-canary.jar"), CANARY, CanaryNotifierProvider.class);

        JarProcess.Result list = JarProcess.run(dir, "--plugins", "plugins", "plugins");

        assertThat(list.exitCode()).as(list.toString()).isEqualTo(2);
        assertThat(list.stderr()).contains("plugin " + plugins.resolve("a-empty.jar") + " provides no monitor, notifier or state store");
        assertThat(list.stdout()).contains("FAILED: notifier provider com.example.MissingNotifierProvider from "
                + plugins.resolve("b-broken.jar") + " (its class is missing) failed to load");
        assertThat(list.stderr()).contains("1 provider(s) failed to load: com.example.MissingNotifierProvider ("
                + plugins.resolve("b-broken.jar") + " (its class is missing))");
        assertThat(list.stdout()).containsPattern("notifier +canary .*c-canary\\.jar");
        assertThat(list.stdout()).containsPattern("monitor +inventory ");
    }

    @Test
    void twoJarsProvidingOneTypeFailNamingBothJars() throws Exception {
        Path plugins = pluginDirectory("plugins");
        jar(plugins.resolve("one.jar"), CANARY, CanaryNotifierProvider.class);
        jar(plugins.resolve("two.jar"), CANARY, CanaryNotifierProvider.class);
        writeConfig("  - id: chat\n    type: canary\n    token: ${env:MFA_TOKEN}\n");

        JarProcess.Result run = JarProcess.run(dir, Map.of("MFA_TOKEN", "t0ken-value"), false,
                "run", "--config", "mfa-monitor.yaml", "--plugins", "plugins");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr()).contains("2 plugins provide notifier type 'canary': " + CANARY + " (" + plugins.resolve("one.jar")
                + ") and " + CANARY + " (" + plugins.resolve("two.jar") + "); remove one of them");
    }

    @Test
    void aJarOthersCanWriteIsRefusedByEveryCommandWithTheFix() throws Exception {
        Path plugins = pluginDirectory("plugins");
        Path jar = jar(plugins.resolve("canary-notifier.jar"), CANARY, CanaryNotifierProvider.class);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        writeConfig("  - id: chat\n    type: canary\n    token: ${env:MFA_TOKEN}\n");

        for (String[] command : new String[][] {{"plugins"}, {"validate", "--config", "mfa-monitor.yaml"},
                {"run", "--config", "mfa-monitor.yaml"}}) {
            String[] args = new String[command.length + 2];
            args[0] = "--plugins";
            args[1] = "plugins";
            System.arraycopy(command, 0, args, 2, command.length);
            JarProcess.Result result = JarProcess.run(dir, Map.of("MFA_TOKEN", "t0ken-value"), false, args);

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).as(command[0]).contains("plugin jar " + jar + " is writable by every user (rw-rw-rw-),"
                    + " so they could make mfa-monitor run their code; it is refused. Fix: chmod go-w " + jar.toRealPath());
        }
        assertThat(dir.resolve("state")).as("nothing ran").doesNotExist();
    }

    @Test
    void aMissingPluginDirectoryIsAConfigurationError() throws Exception {
        JarProcess.Result list = JarProcess.run(dir, "--plugins", "nowhere", "plugins");

        assertThat(list.exitCode()).as(list.toString()).isEqualTo(2);
        assertThat(list.stderr()).contains("plugin directory " + dir.resolve("nowhere") + " (from --plugins) does not exist");
    }

    /** A plugin directory only its owner can write, whatever the umask: the runner refuses any other. */
    private Path pluginDirectory(String name) throws IOException {
        Path plugins = Files.createDirectory(dir.resolve(name));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        return plugins;
    }

    private void writeConfig(String notifiers) throws IOException {
        Files.writeString(dir.resolve("accounts.csv"), "id,name,mfa\n1,alice,enabled\n");
        Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - { id: sheet, type: inventory, path: accounts.csv }
                notifiers:
                """ + notifiers);
    }

    /** A notifier plugin jar: the given classes and a services file naming {@code provider}. */
    private static Path jar(Path jar, String provider, Class<?>... classes) throws IOException {
        return PluginJars.jar(jar, provider == null ? null : NOTIFIER_SPI, provider, classes);
    }
}
