package dev.mfamonitor.runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Writes plugin jars for tests from classes of the test class path. */
final class PluginJars {
    private PluginJars() {
    }

    /**
     * A jar (mode 0644) with the given classes and, when {@code spi} is not null, a services file for {@code spi} naming
     * {@code provider}.
     */
    static Path jar(Path jar, String spi, String provider, Class<?>... classes) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (spi != null) {
                out.putNextEntry(new JarEntry("META-INF/services/" + spi));
                out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            } else {
                out.putNextEntry(new JarEntry("README.txt"));
                out.write("no providers here".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Class<?> type : classes) {
                String name = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        // Only the owner may write a plugin jar, whatever the umask: the runner refuses any other.
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }
}
