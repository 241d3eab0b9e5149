package dev.mfamonitor.runner;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent of every plugin's class loader: it shares the JDK, the SPI ({@code dev.mfamonitor.spi}, its
 * {@code state} package included), mfa-plugin-support ({@code dev.mfamonitor.support}, which plugins may use as
 * provided) and the logging API with plugins, and nothing else. A plugin's own libraries (its Jackson, its HTTP client)
 * therefore never clash with ours or another plugin's, engine classes stay out of a plugin's reach, and the
 * application's {@code META-INF/services} files stay invisible to plugin loaders, so built-in providers are not found
 * twice.
 */
final class SpiOnlyClassLoader extends ClassLoader {
    /** Packages a plugin sees from the application. */
    static final List<String> SHARED_PACKAGES = List.of("dev.mfamonitor.spi.", "dev.mfamonitor.support.", "org.slf4j.");

    private final ClassLoader application;

    SpiOnlyClassLoader(ClassLoader application) {
        super("mfa-monitor-spi", ClassLoader.getPlatformClassLoader());
        this.application = application;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        for (String shared : SHARED_PACKAGES) {
            if (name.startsWith(shared)) {
                return application.loadClass(name);
            }
        }
        throw new ClassNotFoundException(name + " is not part of the mfa-monitor SPI (plugins see dev.mfamonitor.spi,"
                + " dev.mfamonitor.support and org.slf4j); a plugin must bundle it");
    }

    @Override
    protected URL findResource(String name) {
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return Collections.emptyEnumeration();
    }
}
