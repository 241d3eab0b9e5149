package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.spi.ConfigException;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The plugin directory: {@code --plugins DIR}, else {@code $MFA_MONITOR_PLUGINS}, else {@code plugins/} beside the
 * runnable jar. Each entry is one plugin with its own class loader over {@link SpiOnlyClassLoader}: a single jar
 * ({@code plugins/gitlab.jar}), or a directory of jars, the plugin and its own libraries ({@code plugins/gitlab/*.jar}).
 *
 * <p>Every command runs the code of every plugin, so, as ssh refuses a key file others can write, the directory, each
 * plugin and each jar must be owned by the user running mfa-monitor (or root) and writable by no one else.
 */
final class PluginDirectory {
    static final String ENVIRONMENT_VARIABLE = "MFA_MONITOR_PLUGINS";

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

    /**
     * Opens every plugin of the directory, sorted by name, each in its own class loader: a {@code *.jar} file, or a
     * directory holding the plugin's jars. Other files (a README) and hidden entries are ignored.
     *
     * @throws ConfigException when the directory, a plugin or a jar is writable by others or owned by another user
     */
    static List<PluginRegistry.Source> open(Path directory, ClassLoader application) {
        requireTrusted(directory, "plugin directory");
        List<Path> entries;
        try (Stream<Path> files = Files.list(directory)) {
            entries = files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(f -> Files.isDirectory(f) || (isJar(f) && Files.isRegularFile(f))).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list the plugin directory " + directory + ": " + e.getMessage());
        }
        SpiOnlyClassLoader parent = new SpiOnlyClassLoader(application);
        List<PluginRegistry.Source> plugins = new ArrayList<>();
        for (Path entry : entries) {
            String fileName = entry.getFileName().toString();
            List<Path> jars;
            if (Files.isDirectory(entry)) {
                requireTrusted(entry, "plugin directory");
                jars = jarsIn(entry);
            } else {
                jars = List.of(entry);
            }
            for (Path jar : jars) {
                requireTrusted(jar, "plugin jar");
            }
            String name = Files.isDirectory(entry) ? fileName : fileName.substring(0, fileName.length() - ".jar".length());
            URLClassLoader loader = new URLClassLoader("plugin:" + name, urls(jars), parent);
            plugins.add(new PluginRegistry.Source(name, entry.toString(), loader));
        }
        return plugins;
    }

    private static List<Path> jarsIn(Path plugin) {
        try (Stream<Path> files = Files.list(plugin)) {
            return files.filter(f -> isJar(f) && !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list the plugin directory " + plugin + ": " + e.getMessage());
        }
    }

    private static boolean isJar(Path file) {
        return file.getFileName().toString().endsWith(".jar");
    }

    private static URL[] urls(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new ConfigException("cannot open plugin jar " + jars.get(i) + ": " + e.getMessage());
            }
        }
        return urls;
    }

    /**
     * Refuses a file or directory whose code another user could change: writable by group or others, or owned by
     * someone other than the user running mfa-monitor and root. A symbolic link is judged by what it points to, and by
     * the directory that holds that.
     */
    static void requireTrusted(Path path, String what) {
        requireTrusted(path, what, currentUid());
    }

    /** {@link #requireTrusted(Path, String)} as if mfa-monitor ran as {@code runningAs}; for tests. */
    static void requireTrusted(Path path, String what, OptionalInt runningAs) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + what + " " + path + ": " + e.getMessage());
        }
        if (Files.getFileAttributeView(real, PosixFileAttributeView.class) == null) {
            return; // not a POSIX file system (Windows): its ACLs are the administrator's to set
        }
        checkOne(real, path, what, false, runningAs);
        Path parent = real.getParent();
        if (Files.isSymbolicLink(path) && parent != null) {
            // A link out of the plugin directory: whoever can replace files where it leads can replace the plugin.
            // A sticky directory (/tmp) lets no one replace another's file.
            checkOne(parent, parent, "directory that " + what + " " + path + " links into,", true, runningAs);
        }
    }

    private static void checkOne(Path real, Path shown, String what, boolean stickyIsSafe, OptionalInt me) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException("cannot read the permissions of " + what + " " + shown + ": " + e.getMessage());
        }
        var permissions = attributes.permissions();
        boolean writableByOthers = permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE);
        if (writableByOthers && !(stickyIsSafe && sticky(real))) {
            String writers = permissions.contains(PosixFilePermission.OTHERS_WRITE) ? "every user" : "its group";
            throw new ConfigException(what + " " + shown + " is writable by " + writers + " (" + PosixFilePermissions.toString(permissions)
                    + "), so they could make mfa-monitor run their code; it is refused. Fix: chmod go-w " + real);
        }
        OptionalInt owner = uid(real);
        if (owner.isPresent() && me.isPresent() && owner.getAsInt() != me.getAsInt() && owner.getAsInt() != 0) {
            throw new ConfigException(what + " " + shown + " is owned by " + attributes.owner().getName() + " (uid "
                    + owner.getAsInt() + "), neither the user running mfa-monitor (" + System.getProperty("user.name")
                    + ", uid " + me.getAsInt() + ") nor root, so that user could make mfa-monitor run their code; it is refused."
                    + " Fix: chown " + System.getProperty("user.name") + " " + real + " (or chown root)");
        }
    }

    private static boolean sticky(Path directory) {
        try {
            return (((Integer) Files.getAttribute(directory, "unix:mode")) & 01000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    private static OptionalInt uid(Path path) {
        try {
            return OptionalInt.of((Integer) Files.getAttribute(path, "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return OptionalInt.empty();
        }
    }

    /** The uid of this process: the owner of {@code /proc/self} on Linux; unknown elsewhere (the owner check is then skipped). */
    private static OptionalInt currentUid() {
        Path self = Path.of("/proc/self");
        return Files.isDirectory(self) ? uid(self) : OptionalInt.empty();
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
