package dev.mfamonitor.runner;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and the git commit this runner was built from, written by the build into {@code build.properties} beside
 * this class. A build without git (a source tarball) records the commit as {@code unknown}.
 */
record BuildInfo(String version, String commit) {
    static final String UNKNOWN = "unknown";

    /** The build's record; a class path without it (an IDE that skipped the build step) gives "unknown" for both. */
    static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // unreadable: both stay unknown, which the version line says
        }
        return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    /** {@code mfa-monitor 1.2.0 (commit 0123456789ab)}, or {@code (commit unknown)}. */
    String versionLine() {
        return "mfa-monitor " + version + " (commit " + commit + ")";
    }

    private static String known(String value) {
        // An unfiltered placeholder or an empty value is no version.
        return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.trim();
    }
}
