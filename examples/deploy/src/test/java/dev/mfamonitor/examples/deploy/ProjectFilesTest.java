package dev.mfamonitor.examples.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The project's license (issue 12 item 35) and dependency versions kept in one place (item 38). */
class ProjectFilesTest {
    private static final Path REPO = Path.of(System.getProperty("repo.dir", "../..")).toAbsolutePath().normalize();

    @Test
    void theLicenseIsApache2AndEveryPomWithoutOurParentDeclaresIt() throws IOException {
        String license = Files.readString(REPO.resolve("LICENSE"), StandardCharsets.UTF_8);
        assertThat(license).contains("Apache License").contains("Version 2.0, January 2004")
                .contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");

        String apache = "<name>Apache-2.0</name>";
        assertThat(Files.readString(REPO.resolve("pom.xml"))).contains("<licenses>").contains(apache);
        // A pom without the root as parent (the GitLab example, built as a third party would) declares its own.
        try (Stream<Path> poms = Files.walk(REPO, 3)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/")).toList()) {
                String text = Files.readString(pom);
                boolean inherits = text.contains("<artifactId>mfa-monitor-parent</artifactId>") && text.contains("<parent>");
                if (!inherits) {
                    assertThat(text).as(pom + " declares the license").contains("<licenses>").contains(apache);
                }
            }
        }
    }

    @Test
    void logbackIsAtLeast1519AndItsVersionIsOnlyInTheRootPom() throws IOException {
        String root = Files.readString(REPO.resolve("pom.xml"));
        Matcher version = Pattern.compile("<logback.version>(\\d+)\\.(\\d+)\\.(\\d+)</logback.version>").matcher(root);
        assertThat(version.find()).isTrue();
        List<Integer> parts = List.of(Integer.valueOf(version.group(1)), Integer.valueOf(version.group(2)),
                Integer.valueOf(version.group(3)));
        // CVE-2025-11226 is fixed in 1.5.19.
        assertThat(parts.get(0) > 1 || parts.get(1) > 5 || (parts.get(1) == 5 && parts.get(2) >= 19)).as("logback " + parts)
                .isTrue();

        try (Stream<Path> poms = Files.walk(REPO, 3)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml") && !p.equals(REPO.resolve("pom.xml")))
                    .filter(p -> !p.toString().contains("/target/")).toList()) {
                String text = Files.readString(pom);
                if (text.contains("<artifactId>mfa-monitor-parent</artifactId>")) {
                    // Modules take versions from the root's dependencyManagement: no <version> next to logback.
                    assertThat(text).as(pom.toString()).doesNotContainPattern(
                            "<artifactId>logback-classic</artifactId>\\s*<version>");
                }
            }
        }
    }
}
