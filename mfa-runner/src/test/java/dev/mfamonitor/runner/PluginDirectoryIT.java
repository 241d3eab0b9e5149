package dev.mfamonitor.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Drop-in plugin jars, read by the built jar in a child JVM. */
class PluginDirectoryIT {
    private static final String CANARY = CanaryNotifierProvider.class.getName();

    @TempDir
    Path dir;

    @Test
    void aJarInThePluginDirectoryIsDiscoveredConfiguredAndRun() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
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
    void aPluginDirectoryFromTheEnvironmentIsUsed() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("from-env"));
        jar(plugins.resolve("canary-notifier.jar"), CANARY, CanaryNotifierProvider.class);

        JarProcess.Result list = JarProcess.run(dir, Map.of("MFA_MONITOR_PLUGINS", plugins.toString()), false, "plugins");

        assertThat(list.stdout()).contains("canary-notifier.jar");
    }

    @Test
    void aJarWithoutProvidersIsAWarningAndABrokenOneDoesNotHideTheOthers() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        jar(plugins.resolve("a-empty.jar"), null);
        jar(plugins.resolve("b-broken.jar"), "com.example.MissingNotifierProvider");
        jar(plugins.resolve("c-canary.jar"), CANARY, CanaryNotifierProvider.class);

        JarProcess.Result list = JarProcess.run(dir, "--plugins", "plugins", "plugins");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.stderr()).contains("plugin jar " + plugins.resolve("a-empty.jar") + " provides no monitor, notifier or state store");
        assertThat(list.stdout()).contains("FAILED: notifier provider com.example.MissingNotifierProvider from")
                .contains("b-broken.jar");
        assertThat(list.stdout()).containsPattern("notifier +canary .*c-canary\\.jar");
        assertThat(list.stdout()).containsPattern("monitor +inventory ");
    }

    @Test
    void twoJarsProvidingOneTypeFailNamingBothJars() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        jar(plugins.resolve("one.jar"), CANARY, CanaryNotifierProvider.class);
        jar(plugins.resolve("two.jar"), CANARY, CanaryNotifierProvider.class);
        writeConfig("  - id: chat\n    type: canary\n    token: x\n");

        JarProcess.Result run = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml", "--plugins", "plugins");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr()).contains("2 plugins provide notifier type 'canary': " + CANARY + " (" + plugins.resolve("one.jar")
                + ") and " + CANARY + " (" + plugins.resolve("two.jar") + "); remove one of them");
    }

    @Test
    void aMissingPluginDirectoryIsAConfigurationError() throws Exception {
        JarProcess.Result list = JarProcess.run(dir, "--plugins", "nowhere", "plugins");

        assertThat(list.exitCode()).as(list.toString()).isEqualTo(2);
        assertThat(list.stderr()).contains("plugin directory " + dir.resolve("nowhere") + " (from --plugins) does not exist");
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

    /** Writes a plugin jar: the given classes from the test class path and a services file naming {@code provider}. */
    private static void jar(Path jar, String provider, Class<?>... classes) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (provider != null) {
                out.putNextEntry(new JarEntry("META-INF/services/dev.mfamonitor.spi.NotifierProvider"));
                out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Class<?> type : classes) {
                String name = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (var in = type.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            if (provider == null) {
                out.putNextEntry(new JarEntry("README.txt"));
                OutputStream entry = out;
                entry.write("no providers here".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }
}
