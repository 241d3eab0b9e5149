package dev.mfamonitor.examples.e2e;

import com.example.mfa.gitlab.FakeGitLab;
import com.example.mfa.gitlab.FakeGitLab.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path of a third-party plugin: the GitLab plugin, as built by its own project (a directory holding its jar
 * and its own Jackson jars), is copied into a plugin directory; the runnable jar discovers it, loads it and its
 * libraries in a class loader of its own, configures it from YAML with the token from the environment, runs it against
 * a fake GitLab, and alerts through the console when a user switches 2FA off. Others able to write it, it is refused.
 */
class GitLabPluginEndToEndIT {
    /** The plugin as its project builds it: a directory with the plugin's jar and its own libraries (Jackson). */
    private static final Path PLUGIN_DIRECTORY = Path.of(System.getProperty("gitlab.plugin.dir",
            "../gitlab-plugin/target/mfa-gitlab-plugin")).toAbsolutePath().normalize();
    /** A canary: it must show up nowhere but in the requests to GitLab. */
    private static final String TOKEN = "glpat-E2E-CANARY-41d8c";
    private static final Map<String, String> ENVIRONMENT = Map.of("GITLAB_TOKEN", TOKEN);

    @TempDir
    Path dir;

    private FakeGitLab gitlab;

    @BeforeEach
    void setUp() throws Exception {
        assertThat(PLUGIN_DIRECTORY).as("the plugin directory, built by examples/gitlab-plugin").isDirectory();
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path gitlabPlugin = Files.createDirectory(plugins.resolve("gitlab"));
        // The runner refuses plugins others can write: whatever the umask, these are the owner's alone.
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(gitlabPlugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> jars = Files.list(PLUGIN_DIRECTORY)) {
            for (Path jar : jars.toList()) {
                Path copy = Files.copy(jar, gitlabPlugin.resolve(jar.getFileName()));
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        gitlab = FakeGitLab.start(TOKEN)
                .user(User.active(101, "alice", true))
                .user(User.active(102, "bob", true))
                .user(User.active(103, "carol", false))
                .user(new User(104, "project_7_bot_e2e", false, "active", true, false))
                .pageSize(2);
        Files.writeString(dir.resolve("mfa-monitor.yaml"), """
                state: { type: file, path: state/mfa-state.json }
                monitors:
                  - id: gitlab-corp
                    type: gitlab
                    url: %s
                    token: ${env:GITLAB_TOKEN}
                    timeout: 20s
                notifiers:
                  - { id: console, type: console }
                """.formatted(gitlab.url()));
    }

    @AfterEach
    void tearDown() {
        gitlab.close();
    }

    private JarProcess.Result mfaMonitor(String... args) throws Exception {
        return JarProcess.run(dir, ENVIRONMENT, args);
    }

    @Test
    void thePluginIsADirectoryOfItsJarAndItsOwnLibraries() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("plugins/gitlab"))) {
            assertThat(files.map(f -> f.getFileName().toString().replaceAll("-[0-9][0-9.]*\\.jar$", "-VERSION.jar")).sorted())
                    .as("the plugin's jar and Jackson's, nothing the runner shares (no mfa-spi, no slf4j-api)").containsExactly(
                            "jackson-annotations-VERSION.jar", "jackson-core-VERSION.jar", "jackson-databind-VERSION.jar",
                            "mfa-gitlab-plugin.jar");
        }
        try (JarFile jar = new JarFile(dir.resolve("plugins/gitlab/mfa-gitlab-plugin.jar").toFile())) {
            assertThat(jar.stream().map(JarEntry::getName)).as("Jackson is beside the plugin's jar, not inside it")
                    .noneMatch(name -> name.startsWith("com/fasterxml/"))
                    .contains("com/example/mfa/gitlab/GitLabMonitorProvider.class");
        }

        JarProcess.Result plugins = mfaMonitor("--plugins", "plugins", "plugins");

        assertThat(plugins.exitCode()).as(plugins.toString()).isZero();
        assertThat(plugins.stdout()).as(plugins.toString())
                .containsPattern("monitor +gitlab +com\\.example\\.mfa\\.gitlab\\.GitLabMonitorProvider .*1\\.0\\.0-SNAPSHOT.*"
                        + "plugins/gitlab/mfa-gitlab-plugin\\.jar");
    }

    @Test
    void aPluginDirectoryOthersCanWriteIsRefusedWithTheFix() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("plugins/gitlab"), PosixFilePermissions.fromString("rwxrwxrwx"));

        JarProcess.Result run = mfaMonitor("run", "--plugins", "plugins", "--config", "mfa-monitor.yaml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr()).as(run.toString()).contains("plugin directory " + dir.resolve("plugins/gitlab")
                + " is writable by every user (rwxrwxrwx), so they could make mfa-monitor run their code; it is refused."
                + " Fix: chmod go-w " + dir.resolve("plugins/gitlab").toRealPath());
        assertThat(gitlab.requests()).as("nothing ran").isEmpty();
    }

    @Test
    void aBaselineThenOneAlertWhenAUserSwitchesTwoFactorOff() throws Exception {
        JarProcess.Result first = mfaMonitor("run", "--plugins", "plugins", "--config", "mfa-monitor.yaml");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).as(first.toString()).isEqualTo("""
                mfa-monitor: 1 event (1 Baseline)

                gitlab-corp (gitlab)
                  Baseline (info): 4 accounts: 2 with MFA, 1 without (carol), 1 not applicable, 0 unknown; first run: no state at file STATE
                """.replace("STATE", dir.resolve("state/mfa-state.json").toAbsolutePath().normalize().toString()));
        // Every page was read, each with the token.
        assertThat(gitlab.requests()).extracting(FakeGitLab.Request::page).containsExactly(1, 2);
        assertThat(gitlab.requests()).allSatisfy(r -> assertThat(r.token()).isEqualTo(TOKEN));

        gitlab.twoFactor(102, false);
        JarProcess.Result second = mfaMonitor("-v", "run", "--plugins", "plugins", "--config", "mfa-monitor.yaml");

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).as(second.toString()).isEqualTo("""
                mfa-monitor: 1 event (1 MFA disabled)

                gitlab-corp (gitlab)
                  MFA disabled (1, high): "bob" (was enabled)
                """);

        String state = Files.readString(dir.resolve("state/mfa-state.json"), StandardCharsets.UTF_8);
        assertThat(state).contains("\"bob\"");
        for (String output : new String[] {first.stdout(), first.stderr(), second.stdout(), second.stderr(), state}) {
            assertThat(output).as("output or state with debug logging on").doesNotContain(TOKEN);
        }
    }

    @Test
    void aTokenThatCannotSeeTwoFactorFailsTheMonitorNamingTheMissingRight() throws Exception {
        gitlab.privileged(false);

        JarProcess.Result run = mfaMonitor("run", "--plugins", "plugins", "--config", "mfa-monitor.yaml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stdout() + run.stderr()).as(run.toString())
                .contains("did not show two_factor_enabled for 4 of 4 account(s)")
                .contains("GitLab shows it only to administrators")
                .doesNotContain(TOKEN)
                .doesNotContain("MFA disabled");
    }
}
