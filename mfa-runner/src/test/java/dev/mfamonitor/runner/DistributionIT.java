package dev.mfamonitor.runner;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution archive as a user installs it: unpacked in a temporary directory, run through {@code bin/mfa-monitor}
 * (the launcher finds Java, points the runner at {@code plugins/}, keeps a class-data archive in the cache directory).
 */
class DistributionIT {
    static final Path ARCHIVE = Path.of(System.getProperty("mfa.distribution", "target/mfa-monitor.tar.gz"));
    static final Set<String> BUNDLED_PLUGINS = Set.of("aws", "email", "entra", "github", "google", "okta", "pagerduty", "postgres",
            "slack", "teams", "webhook");

    @TempDir
    Path dir;

    Path home;
    Path cache;
    Path work;

    @BeforeEach
    void unpack() throws Exception {
        assertThat(ARCHIVE).as("built by mvn package").isRegularFile();
        Path unpacked = Files.createDirectories(dir.resolve("opt"));
        Result tar = exec(unpacked, Map.of(), "tar", "xzf", ARCHIVE.toAbsolutePath().toString());
        assertThat(tar.exitCode()).as(tar.toString()).isZero();
        String name = ARCHIVE.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        home = unpacked.resolve(name);
        cache = dir.resolve("cache");
        work = Files.createDirectories(dir.resolve("work"));
    }

    @Test
    void theArchiveHoldsTheLauncherTheRunnerOnePluginDirectoryEachConfigurationCompletionLicenceAndReadme() throws Exception {
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/mfa-monitor"))).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(names(home)).containsExactlyInAnyOrder("bin", "lib", "plugins", "conf", "completion", "LICENSE", "README.md");
        assertThat(names(home.resolve("plugins"))).containsExactlyInAnyOrderElementsOf(BUNDLED_PLUGINS);
        assertThat(names(home.resolve("conf"))).containsExactly("mfa-monitor.example.yaml");
        assertThat(names(home.resolve("completion"))).containsExactlyInAnyOrder("mfa-monitor.bash", "_mfa-monitor");
        Set<String> lib = names(home.resolve("lib"));
        assertThat(lib).anyMatch(n -> n.startsWith("mfa-runner-")).anyMatch(n -> n.startsWith("mfa-core-"))
                .anyMatch(n -> n.startsWith("mfa-spi-")).anyMatch(n -> n.startsWith("mfa-plugin-support-"))
                .anyMatch(n -> n.startsWith("mfa-storage-file-")).noneMatch(n -> n.startsWith("picocli-")) // in the runner's jar
                .anyMatch(n -> n.startsWith("logback-classic-")).anyMatch(n -> n.startsWith("jackson-dataformat-yaml-"));
        // No plugin, nor a library only a plugin uses, in lib/.
        assertThat(lib).noneMatch(n -> n.startsWith("mfa-monitor-") || n.startsWith("mfa-notifier-") || n.startsWith("mfa-storage-postgres")
                || n.startsWith("slack-") || n.startsWith("okhttp") || n.startsWith("kotlin") || n.startsWith("sts-") || n.startsWith("postgresql"));
        for (String plugin : BUNDLED_PLUGINS) {
            // Each plugin carries what it needs beyond what the runner shares with plugins (the SPI, plugin-support, slf4j).
            assertThat(names(home.resolve("plugins").resolve(plugin))).as(plugin)
                    .anyMatch(n -> n.startsWith("mfa-") && n.endsWith(".jar"))
                    .noneMatch(n -> n.startsWith("mfa-spi-") || n.startsWith("mfa-plugin-support-") || n.startsWith("slf4j-api-"));
        }
        // Slack's Block Kit JSON is written with Jackson and sent with java.net.http: no Slack SDK, OkHttp, Kotlin or Gson.
        assertThat(names(home.resolve("plugins/slack"))).anyMatch(n -> n.startsWith("jackson-databind-"))
                .noneMatch(n -> n.startsWith("slack-") || n.startsWith("okhttp") || n.startsWith("okio")
                        || n.startsWith("kotlin") || n.startsWith("gson"));
        assertThat(names(home.resolve("plugins/github"))).anyMatch(n -> n.startsWith("jackson-databind-"));
        assertThat(names(home.resolve("plugins/teams"))).anyMatch(n -> n.startsWith("jackson-databind-"));
        // The unpacked tree beside the archive (the Debian package copies it) holds the same files, no leftovers.
        Path tree = ARCHIVE.resolveSibling(ARCHIVE.getFileName().toString().replaceFirst("\\.tar\\.gz$", ""));
        assertThat(files(tree)).isEqualTo(files(home));
        assertThat(Files.readString(home.resolve("conf/mfa-monitor.example.yaml")))
                .isEqualTo(Files.readString(JarProcess.REPO.resolve("examples/deploy/mfa-monitor.yaml")));
    }

    @Test
    void versionNamesTheVersionAndTheCommitItWasBuiltFrom() throws Exception {
        Result version = launch("--version");

        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).matches("mfa-monitor \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{12}|unknown)\\)\\n");
        if (Files.exists(JarProcess.REPO.resolve(".git"))) {
            assertThat(version.stdout()).doesNotContain("unknown");
        }
        assertThat(version.stderr()).isEmpty();
    }

    @Test
    void pluginsListsTheRunnersBuiltInsFromLibAndEveryBundledPluginFromItsDirectory() throws Exception {
        Result plugins = launch("plugins");

        assertThat(plugins.exitCode()).as(plugins.toString()).isZero();
        assertThat(plugins.stderr()).isEmpty();
        Map<String, String> jarByType = jarByKindAndType(plugins.stdout());
        assertThat(jarByType.keySet()).containsExactlyInAnyOrder("monitor aws", "monitor entra", "monitor github",
                "monitor google-workspace", "monitor inventory", "monitor okta", "notifier console", "notifier email",
                "notifier pagerduty", "notifier slack", "notifier teams", "notifier webhook", "state file", "state postgres");
        Path real = home.toRealPath();
        assertThat(jarByType.get("monitor inventory")).startsWith(real.resolve("lib/mfa-core-").toString());
        assertThat(jarByType.get("state file")).startsWith(real.resolve("lib/mfa-storage-file-").toString());
        assertThat(jarByType.get("monitor github")).startsWith(real.resolve("plugins/github/mfa-monitor-github-").toString());
        assertThat(jarByType.get("monitor aws")).startsWith(real.resolve("plugins/aws/mfa-monitor-aws-").toString());
        assertThat(jarByType.get("monitor google-workspace")).startsWith(real.resolve("plugins/google/").toString());
        assertThat(jarByType.get("notifier slack")).startsWith(real.resolve("plugins/slack/").toString());
        assertThat(jarByType.get("state postgres")).startsWith(real.resolve("plugins/postgres/").toString());
        assertThat(jarByType.get("notifier email")).startsWith(real.resolve("plugins/email/").toString());
        assertThat(jarByType.get("notifier teams")).startsWith(real.resolve("plugins/teams/mfa-notifier-teams-").toString());
        assertThat(jarByType.get("monitor okta")).startsWith(real.resolve("plugins/okta/mfa-monitor-okta-").toString());
        assertThat(jarByType.get("notifier pagerduty")).startsWith(real.resolve("plugins/pagerduty/").toString());
    }

    @Test
    void removingAPluginDirectoryRemovesThePlugin() throws Exception {
        deleteTree(home.resolve("plugins/slack"));

        Result plugins = launch("plugins");
        assertThat(plugins.exitCode()).as(plugins.toString()).isZero();
        assertThat(jarByKindAndType(plugins.stdout())).doesNotContainKey("notifier slack").containsKey("monitor github");

        copyQuickstart();
        Path config = work.resolve("mfa-monitor.yaml");
        Files.writeString(config, Files.readString(config).replace("type: console", "type: slack"));
        Result validate = launch("validate", "--config", "mfa-monitor.yaml");
        assertThat(validate.exitCode()).as(validate.toString()).isEqualTo(2);
        assertThat(validate.stderr()).contains("notifier 'console' has type 'slack', which no plugin provides");
    }

    @Test
    void validateAndTheQuickstartRunThroughTheLauncher() throws Exception {
        copyQuickstart();

        Result validate = launch("validate", "--config", "mfa-monitor.yaml");
        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.stdout()).isEqualTo("configuration OK: 1 monitor(s), 1 notifier(s), state type file\n");

        Result run = launch("run", "--config", "mfa-monitor.yaml");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).isEqualTo("""
                mfa-monitor: 1 event (1 Baseline)

                quickstart (example-saas)
                  Baseline (info): 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown; first run: no state at file STATE
                """.replace("STATE", work.resolve("state/mfa-state.json").toRealPath().toString()));
        Path classLog = dir.resolve("class-load.log");
        Result again = launch(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "run", "--config", "mfa-monitor.yaml");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).isEmpty();
        // Logging is configured in code: nothing parses XML at start.
        assertThat(Files.readString(classLog)).contains("dev.mfamonitor.runner.LoggingConfigurator")
                .doesNotContain("javax.xml.parsers.").doesNotContain("ch.qos.logback.classic.joran.JoranConfigurator")
                .doesNotContain("ch.qos.logback.core.joran.event.SaxEventRecorder");
    }

    @Test
    void anEmailFromItsPluginDirectory() throws Exception {
        // Jakarta Mail finds its SMTP provider and MIME handlers as resources of its own class loader: here the plugin's.
        com.icegreen.greenmail.util.ServerSetup smtp = new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1",
                com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP).dynamicPort();
        smtp.setServerStartupTimeout(30_000);
        com.icegreen.greenmail.util.GreenMail greenMail = new com.icegreen.greenmail.util.GreenMail(smtp);
        greenMail.start();
        try {
            copyQuickstart();
            Path config = work.resolve("mfa-monitor.yaml");
            Files.writeString(config, Files.readString(config).replace("  - id: console\n    type: console",
                    "  - id: console\n    type: console\n  - id: security-mail\n    type: email\n    host: 127.0.0.1\n"
                            + "    port: " + greenMail.getSmtp().getPort() + "\n    tls: none\n"
                            + "    from: \"mfa-monitor <mfa-monitor@example.com>\"\n    to: [security@example.com]"));

            Result run = launch("run", "--config", "mfa-monitor.yaml");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            jakarta.mail.internet.MimeMessage[] received = greenMail.getReceivedMessages();
            assertThat(received).hasSize(1);
            assertThat(received[0].getSubject()).isEqualTo("[mfa-monitor] 1 baseline");
            assertThat(received[0].getContentType()).startsWith("multipart/alternative;");
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void theFirstRunWritesAClassDataArchiveQuietlyAndTheNextRunUsesIt() throws Exception {
        copyQuickstart();
        Path classLog = dir.resolve("class-load.log");

        Result first = launch("validate", "--config", "mfa-monitor.yaml");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).isEqualTo("configuration OK: 1 monitor(s), 1 notifier(s), state type file\n");
        assertThat(first.stderr()).as("no note of Java's on the classes it could not archive").isEmpty();
        List<Path> archives = archives();
        assertThat(archives).hasSize(1);
        assertThat(archives.get(0).getFileName().toString()).matches("mfa-monitor-validate-\\d+-\\d+\\.jsa");
        assertThat(Files.size(archives.get(0))).isGreaterThan(1_000_000);

        Result second = launch(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "validate", "--config", "mfa-monitor.yaml");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).isEqualTo(first.stdout());
        assertThat(archives()).isEqualTo(archives);
        String loaded = Files.readString(classLog);
        assertThat(loaded).contains("dev.mfamonitor.runner.ValidateCommand source: shared objects file (top)")
                .contains("com.fasterxml.jackson.databind.ObjectMapper source: shared objects file (top)")
                // picocli compiled for Java 17 by the build: its own jar's Java 5 classes are refused by AppCDS.
                .contains("picocli.CommandLine source: shared objects file (top)");
    }

    @Test
    void anArchiveThatIsNotOneIsReplacedWithoutAWord() throws Exception {
        copyQuickstart();
        assertThat(launch("validate", "--config", "mfa-monitor.yaml").exitCode()).isZero();
        Path archive = archives().get(0);
        Files.writeString(archive, "not a class-data archive, e.g. a write cut short by a full disk");

        Result run = launch("validate", "--config", "mfa-monitor.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).isEqualTo("configuration OK: 1 monitor(s), 1 notifier(s), state type file\n");
        assertThat(run.stderr()).isEmpty();
        assertThat(archives()).containsExactly(archive);
        assertThat(Files.size(archive)).isGreaterThan(1_000_000);
        Path classLog = dir.resolve("class-load.log");
        assertThat(launch(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "validate", "--config", "mfa-monitor.yaml")
                .exitCode()).isZero();
        assertThat(Files.readString(classLog)).contains("dev.mfamonitor.runner.ValidateCommand source: shared objects file (top)");
    }

    /**
     * Java maps an archive as code without checking it: one another user wrote (the Debian service user's cache, read
     * by an administrator's run) must not run in this user's process. CI runs this as root, which can give the
     * archive to another user.
     */
    @Test
    void anArchiveOfAnotherUserIsNeitherUsedNorReplaced() throws Exception {
        copyQuickstart();
        assertThat(launch("validate", "--config", "mfa-monitor.yaml").exitCode()).isZero();
        Path archive = archives().get(0);
        long size = Files.size(archive);
        Files.setAttribute(archive, "unix:uid", 4242);
        Path classLog = dir.resolve("class-load.log");

        Result run = launch(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "validate", "--config", "mfa-monitor.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(Files.readString(classLog)).contains("dev.mfamonitor.runner.ValidateCommand source: ")
                .doesNotContain("shared objects file (top)");
        assertThat(archives()).containsExactly(archive);
        assertThat(Files.getAttribute(archive, "unix:uid")).isEqualTo(4242);
        assertThat(Files.size(archive)).isEqualTo(size);
    }

    /** The same for a cache directory of another user: nothing used from it, nothing written to it. */
    @Test
    void aCacheOfAnotherUserIsNeitherUsedNorWritten() throws Exception {
        copyQuickstart();
        assertThat(launch("validate", "--config", "mfa-monitor.yaml").exitCode()).isZero();
        List<Path> before = archives();
        Files.setAttribute(cache, "unix:uid", 4242);
        Path classLog = dir.resolve("class-load.log");

        Result validate = launch(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "validate", "--config", "mfa-monitor.yaml");

        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.stderr()).isEmpty();
        assertThat(Files.readString(classLog)).contains("dev.mfamonitor.runner.ValidateCommand source: ")
                .doesNotContain("shared objects file (top)");
        assertThat(archives()).isEqualTo(before);
    }

    @Test
    void anArchiveOfOtherJarsIsNotUsedButAnotherIsMade() throws Exception {
        copyQuickstart();
        assertThat(launch("validate", "--config", "mfa-monitor.yaml").exitCode()).isZero();
        List<Path> before = archives();
        deleteTree(home.resolve("plugins/aws"));

        Result run = launch("validate", "--config", "mfa-monitor.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(archives()).hasSize(2).containsAll(before);
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyMeansNoArchive() throws Exception {
        // As an admin running validate with the service user's cache, or a read-only home: no archive, no word of it.
        // (A path under a regular file: even root cannot create it.)
        copyQuickstart();
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");

        Result validate = launch(Map.of("MFA_MONITOR_CACHE", file.resolve("cache").toString()), "validate", "--config", "mfa-monitor.yaml");

        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        assertThat(validate.stdout()).isEqualTo("configuration OK: 1 monitor(s), 1 notifier(s), state type file\n");
        assertThat(validate.stderr()).isEmpty();
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void eachConfigurationGetsItsOwnArchive() throws Exception {
        copyQuickstart();
        Files.copy(work.resolve("mfa-monitor.yaml"), work.resolve("other.yaml"));

        assertThat(launch("validate", "--config", "mfa-monitor.yaml").exitCode()).isZero();
        assertThat(launch("validate", "--config=other.yaml").exitCode()).isZero();
        assertThat(launch("validate", "--config", "mfa-monitor.yaml").exitCode()).isZero();

        assertThat(archives()).hasSize(2);
    }

    @Test
    void theCacheIsUnderXdgCacheHomeWhenNoneIsNamed() throws Exception {
        Path xdg = dir.resolve("xdg");
        Map<String, String> environment = new HashMap<>();
        environment.put("XDG_CACHE_HOME", xdg.toString());
        environment.put("MFA_MONITOR_CACHE", "");

        Result version = launch(environment, "--version");

        assertThat(version.exitCode()).as(version.toString()).isZero();
        try (Stream<Path> files = Files.list(xdg.resolve("mfa-monitor"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).singleElement().asString().startsWith("mfa-monitor-other-");
        }
    }

    @Test
    void withoutJavaTheLauncherSaysWhatToInstall() throws Exception {
        // A PATH with every command of /usr/bin and /bin but java.
        Path bin = Files.createDirectories(dir.resolve("path-without-java"));
        for (String system : new String[] {"/usr/bin", "/bin"}) {
            try (Stream<Path> commands = Files.list(Path.of(system))) {
                for (Path command : (Iterable<Path>) commands::iterator) {
                    Path link = bin.resolve(command.getFileName().toString());
                    if (!command.getFileName().toString().startsWith("java") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", bin.toString());
        environment.put("JAVA_HOME", null);

        Result noJava = launch(environment, "--version");

        assertThat(noJava.exitCode()).as(noJava.toString()).isEqualTo(2);
        assertThat(noJava.stdout()).isEmpty();
        assertThat(noJava.stderr()).isEqualTo("mfa-monitor: mfa-monitor needs Java 17 or newer and found none (JAVA_HOME is not set and"
                + " there is no java on PATH): install Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless;"
                + " elsewhere a Java 17+ JRE, e.g. from adoptium.net) and put its java on PATH or set JAVA_HOME to it\n");
    }

    @Test
    void anOlderJavaIsNamedWithItsVersion() throws Exception {
        Path oldJava = dir.resolve("jdk-11");
        Files.createDirectories(oldJava.resolve("bin"));
        Files.writeString(oldJava.resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
        Path java = oldJava.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho 'java 11 must not be started' >&2\nexit 99\n");
        Files.setPosixFilePermissions(java, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));

        Result old = launch(Map.of("JAVA_HOME", oldJava.toString()), "--version");

        assertThat(old.exitCode()).as(old.toString()).isEqualTo(2);
        assertThat(old.stderr()).startsWith("mfa-monitor: mfa-monitor needs Java 17 or newer, but " + java + " is Java 11.0.2: install Java 17");
    }

    @Test
    void runningOutOfHeapExits70SayingToRaiseIt() throws Exception {
        copyQuickstart();
        StringBuilder csv = new StringBuilder("id,name,mfa\n");
        for (int i = 0; i < 400_000; i++) {
            csv.append(i).append(",user-number-").append(i).append(",enabled\n");
        }
        Files.writeString(work.resolve("accounts.csv"), csv);
        Path config = work.resolve("mfa-monitor.yaml");
        Files.writeString(config, Files.readString(config).replace("path: accounts.yaml", "path: accounts.csv"));

        Result run = launch(Map.of("JAVA_OPTS", "-Xmx24m"), "run", "--config", "mfa-monitor.yaml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(70);
        assertThat(run.stderr()).contains("mfa-monitor: out of memory (Java heap space); nothing more was done. Give Java a larger heap"
                + " with -Xmx, e.g. JAVA_OPTS=-Xmx1g for bin/mfa-monitor, or java -Xmx1g -jar mfa-monitor.jar");
        assertThat(run.stdout()).isEmpty();
        assertThat(work.resolve("state/mfa-state.json")).doesNotExist();
    }

    @Test
    void bashCompletionLoadsAndCompletesTheCommands() throws Exception {
        Path script = home.resolve("completion/mfa-monitor.bash");

        Result loaded = exec(work, Map.of(), "bash", "-c", "source " + script + " && complete -p mfa-monitor");
        assertThat(loaded.exitCode()).as(loaded.toString()).isZero();
        assertThat(loaded.stdout()).contains("-F _complete_mfa-monitor").endsWith("mfa-monitor\n");

        Result completed = exec(work, Map.of(), "bash", "-c", "source " + script
                + " && COMP_WORDS=(mfa-monitor va) COMP_CWORD=1 COMP_LINE='mfa-monitor va' COMP_POINT=14 && _complete_mfa-monitor"
                + " && printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(completed.exitCode()).as(completed.toString()).isZero();
        assertThat(completed.stdout()).isEqualTo("validate\n");
        assertThat(Files.readString(home.resolve("completion/_mfa-monitor"))).startsWith("#compdef mfa-monitor\n")
                .contains("bashcompinit").contains(Files.readString(script));
    }

    // --- helpers

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Result launch(String... args) throws Exception {
        return launch(Map.of(), args);
    }

    /** {@code bin/mfa-monitor ARGS} in the work directory, with this test's Java and cache; null removes a variable. */
    private Result launch(Map<String, String> environment, String... args) throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("JAVA_HOME", System.getProperty("java.home"));
        all.put("MFA_MONITOR_CACHE", cache.toString());
        all.put("JAVA_OPTS", null);
        all.put("MFA_MONITOR_PLUGINS", null);
        all.put("MFA_MONITOR_JVM_FLAGS", null);
        all.putAll(environment);
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/mfa-monitor").toString());
        command.addAll(List.of(args));
        return exec(work, all, command.toArray(String[]::new));
    }

    private static Result exec(Path directory, Map<String, String> environment, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Path out = Files.createTempFile(directory.getParent(), "out", ".txt");
        Path err = Files.createTempFile(directory.getParent(), "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish within 120 s: " + List.of(command));
        }
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.sorted().toList();
        }
    }

    private static Map<String, String> jarByKindAndType(String pluginsOutput) {
        Map<String, String> jars = new HashMap<>();
        pluginsOutput.lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> {
            String[] columns = line.trim().split("\\s+");
            jars.put(columns[0] + " " + columns[1], columns[columns.length - 1]);
        });
        return jars;
    }

    private static Set<String> files(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(f -> root.relativize(f).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private void copyQuickstart() throws IOException {
        for (String file : new String[] {"mfa-monitor.yaml", "accounts.yaml"}) {
            Files.copy(JarProcess.REPO.resolve("examples/quickstart").resolve(file), work.resolve(file));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
