package dev.mfamonitor.runner;

import dev.mfamonitor.spi.ConfigException;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The directory of drop-in plugin jars: {@code --plugins DIR}, else {@code $MFA_MONITOR_PLUGINS}, else
 * {@code plugins/} beside the runnable jar. Each jar gets its own class loader over {@link SpiOnlyClassLoader}.
 */
final class PluginDirectory {
    static final String ENVIRONMENT_VARIABLE = "MFA_MONITOR_PLUGINS";

    /** One plugin jar and the class loader that reads it. */
    record PluginJar(Path jar, URLClassLoader loader) {
    }

    private PluginDirectory() {
    }

    /**
     * Where plugins are read from; empty when none is named and there is no {@code plugins/} beside the jar.
     *
     * @throws ConfigException when a directory named by option or environment does not exist
     */
    static Optional<Path> locate(Path option, UnaryOperator<String> environment) {
        if (option != null) {
            return Optional.of(existing(option, "--plugins"));
        }
        String fromEnvironment = environment.apply(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(existing(Path.of(fromEnvironment), ENVIRONMENT_VARIABLE));
        }
        return besideTheJar().filter(Files::isDirectory);
    }

    /** Opens every {@code *.jar} of the directory, sorted by name, each in its own class loader. */
    static List<PluginJar> open(Path directory, ClassLoader application) {
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list the plugin directory " + directory + ": " + e.getMessage());
        }
        SpiOnlyClassLoader parent = new SpiOnlyClassLoader(application);
        List<PluginJar> opened = new ArrayList<>();
        for (Path jar : jars) {
            try {
                URL url = jar.toUri().toURL();
                opened.add(new PluginJar(jar, new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {url}, parent)));
            } catch (MalformedURLException e) {
                throw new ConfigException("cannot open plugin jar " + jar + ": " + e.getMessage());
            }
        }
        return opened;
    }

    private static Path existing(Path directory, String source) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new ConfigException("plugin directory " + absolute + " (from " + source + ") does not exist or is not a directory");
        }
        return absolute;
    }

    private static Optional<Path> besideTheJar() {
        try {
            var source = PluginDirectory.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.of(location.getParent().resolve("plugins")) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }
}
