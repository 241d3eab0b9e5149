package dev.mfamonitor.packaging.deb;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Debian package as an administrator meets it: its contents, then {@code dpkg -i} on this machine, {@code validate}
 * and runs as the service user, the installed units checked with {@code systemd-analyze}, then {@code dpkg --remove}
 * (configuration and state kept) and {@code dpkg --purge} (nothing left). It changes the machine it runs on, so it
 * runs where CI runs it: as root, on a fresh machine with dpkg.
 */
class DebianPackageIT {
    private static final Path DEB = Path.of(System.getProperty("deb.file"));
    private static final Path QUICKSTART = Path.of(System.getProperty("quickstart.dir"));

    @BeforeAll
    static void rootWithDpkg() throws Exception {
        Result whoami = run("id", "-u");
        assertThat(whoami.output.trim()).as("installing a package needs root: run this test as root (CI does), "
                + "e.g. on a throw-away machine or container").isEqualTo("0");
        assertThat(run("dpkg", "--version").exit).as("dpkg is needed: this test runs on Debian or Ubuntu").isZero();
        assertThat(DEB).as("the package: built by 'mvn -B package'").isRegularFile();
        // A run interrupted before its purge leaves the package installed: start from a machine without it.
        if (run("dpkg", "-s", "mfa-monitor").exit == 0) {
            assertThat(run("dpkg", "--purge", "mfa-monitor").exit).isZero();
        }
    }

    @Test
    void thePackageHoldsTheLauncherThePluginsTheConffilesAndTheUnits() throws Exception {
        Result fields = run("dpkg-deb", "--field", DEB.toString(), "Package", "Architecture", "Depends");
        assertThat(fields.output).contains("Package: mfa-monitor", "Architecture: all",
                "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser");

        Result contents = run("dpkg-deb", "--contents", DEB.toString());
        assertThat(contents.exit).isZero();
        assertThat(contents.output).containsPattern("-rwxr-xr-x root/root .* \\./usr/bin/mfa-monitor\n")
                .containsPattern("-rwxr-xr-x root/root .* \\./usr/share/mfa-monitor/bin/mfa-monitor\n")
                .containsPattern("-rw-r----- root/root .* \\./etc/mfa-monitor/mfa-monitor\\.yaml\n")
                .containsPattern("drwx------ root/root .* \\./etc/mfa-monitor/credentials/\n")
                .containsPattern("\\./lib/systemd/system/mfa-monitor\\.service\n")
                .containsPattern("\\./lib/systemd/system/mfa-monitor\\.timer\n")
                .containsPattern("\\./usr/share/bash-completion/completions/mfa-monitor\n")
                .containsPattern("\\./usr/share/zsh/vendor-completions/_mfa-monitor\n");
        for (String plugin : List.of("github", "aws", "slack", "webhook")) {
            assertThat(contents.output).as("plugin directory " + plugin)
                    .containsPattern("\\./usr/share/mfa-monitor/plugins/" + plugin + "/[^\n]+\\.jar\n");
        }
        Result conffiles = run("sh", "-c", "dpkg-deb --ctrl-tarfile '" + DEB + "' | tar -xO ./conffiles");
        assertThat(conffiles.output.lines()).containsExactly("/etc/mfa-monitor/mfa-monitor.yaml",
                "/etc/mfa-monitor/accounts.yaml");
    }

    @Test
    void installedItValidatesAndRunsAsTheServiceUserAndIsRemovedCleanly() throws Exception {
        Result install = run("dpkg", "-i", DEB.toString());
        assertThat(install.exit).as(install.output).isZero();
        try {
            assertThat(run("getent", "passwd", "mfa-monitor").output).as("a system user without a login shell")
                    .contains(":/var/lib/mfa-monitor:/usr/sbin/nologin");
            assertThat(mode("/var/lib/mfa-monitor")).isEqualTo("700 mfa-monitor:mfa-monitor");
            assertThat(mode("/etc/mfa-monitor/mfa-monitor.yaml")).isEqualTo("640 root:mfa-monitor");
            assertThat(mode("/etc/mfa-monitor/credentials")).isEqualTo("700 root:root");

            Result version = run("/usr/bin/mfa-monitor", "--version");
            assertThat(version.exit).as(version.output).isZero();
            assertThat(version.output).startsWith("mfa-monitor 0.1.0");

            Result validate = asServiceUser("validate", "--config", "/etc/mfa-monitor/mfa-monitor.yaml");
            assertThat(validate.exit).as(validate.output).isZero();

            // The installed configuration, as the timer would run it: the state lands in the state directory.
            Result service = asServiceUser("run", "--config", "/etc/mfa-monitor/mfa-monitor.yaml");
            assertThat(service.exit).as(service.output).isZero();
            assertThat(service.output).contains("sample-inventory");
            assertThat(mode("/var/lib/mfa-monitor/mfa-state.json")).isEqualTo("600 mfa-monitor:mfa-monitor");

            // The quickstart, copied where the service user may write its state.
            Path quickstart = Files.createTempDirectory("mfa-deb-quickstart");
            try (Stream<Path> files = Files.list(QUICKSTART)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, quickstart.resolve(file.getFileName()));
                }
            }
            assertThat(run("chown", "-R", "mfa-monitor:mfa-monitor", quickstart.toString()).exit).isZero();
            Result first = asServiceUser("run", "--config", quickstart.resolve("mfa-monitor.yaml").toString());
            assertThat(first.exit).as(first.output).isZero();
            assertThat(first.output).contains("dave");
            Result second = asServiceUser("status", "--config", quickstart.resolve("mfa-monitor.yaml").toString());
            assertThat(second.exit).as(second.output).isZero();
            assertThat(run("rm", "-rf", quickstart.toString()).exit).isZero();

            Result plugins = run("/usr/bin/mfa-monitor", "plugins");
            assertThat(plugins.exit).as(plugins.output).isZero();
            assertThat(plugins.output).contains("/usr/share/mfa-monitor/plugins/github/");

            Result completion = run("bash", "-c",
                    "source /usr/share/bash-completion/completions/mfa-monitor && complete -p mfa-monitor");
            assertThat(completion.exit).as(completion.output).isZero();

            Result verify = run("systemd-analyze", "verify", "--man=no", "/lib/systemd/system/mfa-monitor.service",
                    "/lib/systemd/system/mfa-monitor.timer");
            // verify exits 0 on problems it only warns about: any output fails.
            assertThat(verify.output).as("systemd-analyze verify output").isEmpty();
            assertThat(verify.exit).isZero();
            Result security = run("systemd-analyze", "security", "--offline=yes", "--no-pager",
                    "/lib/systemd/system/mfa-monitor.service");
            Matcher level = Pattern.compile("Overall exposure level for mfa-monitor\\.service: (\\d+\\.\\d)")
                    .matcher(security.output);
            assertThat(level.find()).as(security.output).isTrue();
            assertThat(Double.parseDouble(level.group(1))).as(security.output).isLessThan(3.0);
        } finally {
            Result remove = run("dpkg", "--remove", "mfa-monitor");
            assertThat(remove.exit).as(remove.output).isZero();
        }
        assertThat(Path.of("/usr/bin/mfa-monitor")).doesNotExist();
        assertThat(Path.of("/usr/share/mfa-monitor")).doesNotExist();
        assertThat(Path.of("/lib/systemd/system/mfa-monitor.service")).doesNotExist();
        assertThat(Path.of("/etc/mfa-monitor/mfa-monitor.yaml")).as("remove keeps the configuration").exists();
        assertThat(Path.of("/var/lib/mfa-monitor/mfa-state.json")).as("remove keeps the state").exists();

        Result purge = run("dpkg", "--purge", "mfa-monitor");
        assertThat(purge.exit).as(purge.output).isZero();
        assertThat(Path.of("/etc/mfa-monitor")).doesNotExist();
        assertThat(Path.of("/var/lib/mfa-monitor")).doesNotExist();
        assertThat(Path.of("/var/cache/mfa-monitor")).doesNotExist();
        assertThat(run("getent", "passwd", "mfa-monitor").exit).as("the system user is gone").isNotZero();
        assertThat(run("dpkg", "-s", "mfa-monitor").exit).isNotZero();
    }

    private static String mode(String path) throws Exception {
        return run("stat", "-c", "%a %U:%G", path).output.trim();
    }

    private static Result asServiceUser(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "mfa-monitor", "--", "/usr/bin/mfa-monitor"));
        command.addAll(Arrays.asList(arguments));
        return run(command.toArray(String[]::new));
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("mfa-deb", ".out",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .directory(Path.of("/").toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within 120 s: "
                        + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
