package dev.mfamonitor.examples.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the deployment examples without deploying them: what can be parsed is parsed with a real parser (YAML with
 * Jackson, systemd units with {@code systemd-analyze verify}, JSON-form Dockerfile instructions with Jackson), and the
 * files are checked against each other: one jar path, one plugin directory, one state directory.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of(System.getProperty("deploy.dir", ".")).toAbsolutePath().normalize();
    private static final Path REPO = Path.of(System.getProperty("repo.dir", "../..")).toAbsolutePath().normalize();
    private static final String JAR = "/opt/mfa-monitor/mfa-monitor.jar";
    private static final String PLUGINS = "/opt/mfa-monitor/plugins";
    private static final String LAUNCHER = "/opt/mfa-monitor/bin/mfa-monitor";
    private static final Pattern CRON_FIELD = Pattern.compile("(\\*|\\d+(-\\d+)?)(/\\d+)?(,(\\*|\\d+(-\\d+)?)(/\\d+)?)*");
    private static final int[][] CRON_RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

    private final ObjectMapper json = new ObjectMapper();

    private static String read(String relative) throws IOException {
        return Files.readString(DEPLOY.resolve(relative), StandardCharsets.UTF_8);
    }

    /** Whether five cron fields are well-formed and within their ranges. */
    static boolean validSchedule(String schedule) {
        String[] fields = schedule.trim().split("\\s+");
        if (fields.length != 5) {
            return false;
        }
        for (int i = 0; i < 5; i++) {
            if (!CRON_FIELD.matcher(fields[i]).matches()) {
                return false;
            }
            Matcher numbers = Pattern.compile("(?<!/)\\b\\d+").matcher(fields[i]);
            while (numbers.find()) {
                int n = Integer.parseInt(numbers.group());
                if (n < CRON_RANGES[i][0] || n > CRON_RANGES[i][1]) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void theScheduleCheckerRejectsWhatCronRejects() {
        assertThat(validSchedule("*/15 * * * *")).isTrue();
        assertThat(validSchedule("0 6,18 * * 1-5")).isTrue();
        assertThat(validSchedule("*/15 * * *")).isFalse();
        assertThat(validSchedule("61 * * * *")).isFalse();
        assertThat(validSchedule("0 24 * * *")).isFalse();
        assertThat(validSchedule("every 15 minutes")).isFalse();
    }

    @Test
    void theCronLineIsFiveFieldsAUserAndTheRunCommand() throws IOException {
        List<String> jobs = read("cron/mfa-monitor.cron").lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.matches("[A-Z_]+=.*"))
                .toList();

        assertThat(jobs).hasSize(1);
        String[] parts = jobs.get(0).trim().split("\\s+", 7);
        assertThat(validSchedule(String.join(" ", List.of(parts).subList(0, 5)))).as("schedule of " + jobs.get(0)).isTrue();
        assertThat(parts[5]).as("the user of an /etc/cron.d line").isEqualTo("mfa-monitor");
        assertThat(parts[6]).contains("-jar " + JAR + " run --plugins " + PLUGINS + " --config /etc/mfa-monitor/mfa-monitor.yaml")
                .doesNotContain("%"); // cron turns an unescaped % into a newline
        // Output goes to syslog: no log file, so no log directory that nothing creates.
        assertThat(parts[6]).endsWith("2>&1 | logger -t mfa-monitor").doesNotContain(">>").doesNotContain("> /");
        // Secrets come from files the configuration names, not from an environment file sourced on the line.
        assertThat(parts[6]).doesNotContain("/etc/mfa-monitor/env").doesNotContain("set -a");
    }

    @Test
    void theConfigurationsWatchGitHubAndAwsAlertToSlackAndReadEverySecretFromAFile() throws Exception {
        Map<String, String> secretDirectories = Map.of(
                "mfa-monitor.yaml", "/etc/mfa-monitor/secrets/",
                "systemd/mfa-monitor.yaml", "/run/credentials/mfa-monitor.service/",
                "kubernetes/cronjob.yaml", "/run/secrets/mfa-monitor/");
        for (Map.Entry<String, String> entry : secretDirectories.entrySet()) {
            JsonNode config = configuration(entry.getKey());
            assertThat(config.path("monitors")).extracting(m -> m.path("type").asText()).as(entry.getKey())
                    .containsExactly("github", "aws");
            assertThat(config.path("notifiers")).extracting(n -> n.path("type").asText()).as(entry.getKey())
                    .containsExactly("slack", "console");
            // In Kubernetes the state sits in a directory of its own: fsGroup makes the volume's root group-writable.
            assertThat(config.path("state").path("path").asText()).as(entry.getKey()).isEqualTo(
                    entry.getKey().startsWith("kubernetes/") ? "/var/lib/mfa-monitor/state/mfa-state.json"
                            : "/var/lib/mfa-monitor/mfa-state.json");
            assertThat(secretFiles(config)).as("secrets of " + entry.getKey()).containsExactly(
                    entry.getValue() + "github-token", entry.getValue() + "aws-access-key-id",
                    entry.getValue() + "aws-secret-access-key", entry.getValue() + "slack-webhook-url");
        }
    }

    /** The files the secret keys read, in order; fails on a secret that is not a ${file:} reference. */
    static List<String> secretFiles(JsonNode config) {
        List<String> files = new ArrayList<>();
        Set<String> secretKeys = Set.of("token", "accessKeyId", "secretAccessKey", "webhookUrl", "privateKey", "url", "secret");
        for (String list : List.of("monitors", "notifiers")) {
            for (JsonNode plugin : config.path(list)) {
                plugin.fields().forEachRemaining(field -> {
                    if (secretKeys.contains(field.getKey())) {
                        Matcher m = Pattern.compile("\\$\\{file:([^}]+)}").matcher(field.getValue().asText());
                        assertThat(m.matches()).as(field.getKey() + " is read from a file").isTrue();
                        files.add(m.group(1));
                    }
                });
            }
        }
        return files;
    }

    private JsonNode configuration(String file) throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        if (file.startsWith("kubernetes/")) {
            return yaml.readTree(kubernetes().get(1).path("data").path("mfa-monitor.yaml").asText());
        }
        return yaml.readTree(read(file));
    }

    private static List<JsonNode> kubernetes() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(DEPLOY.resolve("kubernetes/cronjob.yaml").toFile())) {
            new YAMLMapper().readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    @Test
    void theSystemdUnitsPassSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        Path service = Files.copy(DEPLOY.resolve("systemd/mfa-monitor.service"), dir.resolve("mfa-monitor.service"));
        Path timer = Files.copy(DEPLOY.resolve("systemd/mfa-monitor.timer"), dir.resolve("mfa-monitor.timer"));
        Path output = dir.resolve("verify.out");
        Process process;
        try {
            process = new ProcessBuilder("systemd-analyze", "verify", "--man=no", service.toString(), timer.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("systemd-analyze is needed to check the systemd units; install it with "
                    + "'apt-get install systemd' (it is part of systemd)", e);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = Files.readString(output);

        // verify exits 0 on many problems it only warns about ("Failed to parse service type, ignoring"): any output fails.
        assertThat(said).as("systemd-analyze verify output").isEmpty();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void systemdAnalyzeSecurityRatesTheServiceBelowThree(@TempDir Path dir) throws Exception {
        Path service = Files.copy(DEPLOY.resolve("systemd/mfa-monitor.service"), dir.resolve("mfa-monitor.service"));
        Path output = dir.resolve("security.out");
        Process process = new ProcessBuilder("systemd-analyze", "security", "--offline=yes", "--no-pager", service.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = Files.readString(output);

        Matcher level = Pattern.compile("Overall exposure level for mfa-monitor\\.service: (\\d+\\.\\d)").matcher(said);
        assertThat(level.find()).as(said).isTrue();
        assertThat(Double.parseDouble(level.group(1))).as(said).isLessThan(3.0);
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void theServiceIsSandboxedAndGetsItsSecretsAsCredentials() throws Exception {
        Map<String, String> service = unitKeys(read("systemd/mfa-monitor.service"));
        assertThat(service).containsEntry("Service.CapabilityBoundingSet", "").containsEntry("Service.AmbientCapabilities", "")
                .containsEntry("Service.UMask", "0077").containsEntry("Service.NoNewPrivileges", "yes")
                .containsEntry("Service.ProtectSystem", "strict").containsEntry("Service.SystemCallArchitectures", "native")
                .doesNotContainKey("Service.EnvironmentFile").doesNotContainKey("Service.Environment");
        assertThat(unitValues(read("systemd/mfa-monitor.service"), "SystemCallFilter")).startsWith("@system-service");

        // Every file the configuration reads is a credential of the unit, loaded from /etc/mfa-monitor/credentials/.
        List<String> credentials = unitValues(read("systemd/mfa-monitor.service"), "LoadCredential");
        List<String> expected = new ArrayList<>();
        for (String file : secretFiles(configuration("systemd/mfa-monitor.yaml"))) {
            String name = file.substring("/run/credentials/mfa-monitor.service/".length());
            expected.add(name + ":/etc/mfa-monitor/credentials/" + name);
        }
        assertThat(credentials).containsExactlyElementsOf(expected);
    }

    /** Every value of a key that may be repeated (LoadCredential=, SystemCallFilter=), in order. */
    private static List<String> unitValues(String unit, String key) {
        return unit.lines().map(String::trim).filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1)).toList();
    }

    @Test
    void theServiceRunsTheJarFromTheTimerAsAnUnprivilegedUser() throws IOException {
        Map<String, String> service = unitKeys(read("systemd/mfa-monitor.service"));
        Map<String, String> timer = unitKeys(read("systemd/mfa-monitor.timer"));

        assertThat(service).containsEntry("Service.Type", "oneshot").containsEntry("Service.User", "mfa-monitor")
                .containsEntry("Service.StateDirectory", "mfa-monitor")
                .containsEntry("Service.ExecStart", "/usr/bin/java -XX:+ExitOnOutOfMemoryError -jar " + JAR
                        + " run --plugins " + PLUGINS + " --config /etc/mfa-monitor/mfa-monitor.yaml");
        assertThat(timer).containsEntry("Timer.Unit", "mfa-monitor.service").containsEntry("Install.WantedBy", "timers.target");
    }

    private static Map<String, String> unitKeys(String unit) {
        Map<String, String> keys = new LinkedHashMap<>();
        String section = "";
        for (String line : unit.lines().map(String::trim).toList()) {
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
            } else if (!line.isEmpty() && !line.startsWith("#") && line.contains("=")) {
                int eq = line.indexOf('=');
                keys.put(section + "." + line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return keys;
    }

    @Test
    void theKubernetesCronJobParsesAndKeepsSecretsAndStateWhereTheConfigExpectsThem() throws Exception {
        List<JsonNode> documents = kubernetes();
        YAMLMapper yaml = new YAMLMapper();
        assertThat(documents).extracting(d -> d.path("kind").asText())
                .containsExactly("PersistentVolumeClaim", "ConfigMap", "CronJob");
        JsonNode claim = documents.get(0);
        JsonNode configMap = documents.get(1);
        JsonNode cronJob = documents.get(2);

        assertThat(cronJob.path("apiVersion").asText()).isEqualTo("batch/v1");
        JsonNode spec = cronJob.path("spec");
        assertThat(validSchedule(spec.path("schedule").asText())).as("schedule").isTrue();
        assertThat(spec.path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode job = spec.path("jobTemplate").path("spec");
        assertThat(job.path("backoffLimit").isInt()).as("backoffLimit is set").isTrue();
        JsonNode pod = job.path("template").path("spec");
        assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("containers")).hasSize(1);
        JsonNode container = pod.path("containers").get(0);

        // No secret in the environment: the Secret is mounted as files.
        assertThat(container.has("env")).as("env").isFalse();
        assertThat(container.has("envFrom")).as("envFrom").isFalse();

        // Every mount names a volume; the state volume is the claim above.
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, String> mounts = new LinkedHashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertThat(volumes.keySet()).containsAll(mounts.values());

        // The configuration in the ConfigMap: its state file is on the claim, its secret comes from the env above.
        JsonNode config = yaml.readTree(configMap.path("data").path("mfa-monitor.yaml").asText());
        // The state file is in a directory of its own under the claim's mount (the store creates it 0700): the
        // mount's root is group-writable through fsGroup, and the file store refuses such a directory.
        Path statePath = Path.of(config.path("state").path("path").asText());
        String stateMount = statePath.getParent().getParent().toString();
        assertThat(mounts).containsKey(stateMount).doesNotContainKey(statePath.getParent().toString());
        assertThat(volumes.get(mounts.get(stateMount)).path("persistentVolumeClaim").path("claimName").asText())
                .isEqualTo(claim.path("metadata").path("name").asText());
        // Its secrets are files of the Secret's volume; the Secret's keys are the file names (see the kubectl line).
        JsonNode secretVolume = volumes.get(mounts.get("/run/secrets/mfa-monitor"));
        assertThat(secretVolume.path("secret").path("secretName").asText()).isEqualTo("mfa-monitor-secrets");
        String header = read("kubernetes/cronjob.yaml");
        for (String file : secretFiles(config)) {
            String key = Path.of(file).getFileName().toString();
            assertThat(Path.of(file).getParent().toString()).isEqualTo("/run/secrets/mfa-monitor");
            assertThat(header).contains("--from-file=" + key + "=./" + key);
        }

        // The arguments name the config where the ConfigMap is mounted, and the image's plugin directory.
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly("run", "--plugins", PLUGINS, "--config", "/etc/mfa-monitor/mfa-monitor.yaml");
        assertThat(volumes.get(mounts.get("/etc/mfa-monitor")).path("configMap").path("name").asText())
                .isEqualTo(configMap.path("metadata").path("name").asText());
    }

    /**
     * The Pod Security Standard "restricted" (Kubernetes 1.25+), checked field by field: what the admission controller
     * of a namespace labelled pod-security.kubernetes.io/enforce=restricted would refuse.
     */
    @Test
    void theCronJobPodPassesPodSecurityRestricted() throws Exception {
        JsonNode pod = kubernetes().get(2).path("spec").path("jobTemplate").path("spec").path("template").path("spec");

        assertThat(pod.path("automountServiceAccountToken").isBoolean()).isTrue();
        assertThat(pod.path("automountServiceAccountToken").asBoolean()).as("automountServiceAccountToken").isFalse();
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            assertThat(pod.path(host).asBoolean(false)).as(host).isFalse();
        }
        JsonNode podSecurity = pod.path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asInt()).isPositive();
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        // Only the volume types "restricted" allows.
        Set<String> allowedVolumes = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                "persistentVolumeClaim", "projected", "secret");
        for (JsonNode volume : pod.path("volumes")) {
            List<String> types = new ArrayList<>();
            volume.fieldNames().forEachRemaining(types::add);
            types.remove("name");
            assertThat(allowedVolumes).as("volume " + volume.path("name")).containsAll(types);
        }
        List<JsonNode> containers = new ArrayList<>();
        pod.path("containers").forEach(containers::add);
        pod.path("initContainers").forEach(containers::add);
        assertThat(containers).isNotEmpty().allSatisfy(container -> {
            JsonNode security = container.path("securityContext");
            assertThat(security.path("allowPrivilegeEscalation").isBoolean()).isTrue();
            assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
            assertThat(security.path("privileged").asBoolean(false)).isFalse();
            assertThat(security.path("capabilities").path("drop")).extracting(JsonNode::asText).contains("ALL");
            assertThat(security.path("capabilities").path("add")).allSatisfy(cap ->
                    assertThat(cap.asText()).isEqualTo("NET_BIND_SERVICE"));
            assertThat(security.path("runAsUser").asInt(1)).as("runAsUser").isNotZero();
            String seccomp = security.path("seccompProfile").path("type").asText("RuntimeDefault");
            assertThat(seccomp).isIn("RuntimeDefault", "Localhost");
            assertThat(container.path("ports")).allSatisfy(port -> assertThat(port.has("hostPort")).isFalse());
        });
    }

    @Test
    void theDockerfileBuildsFromTheDistributionArchiveOnTemurin17RunsAsNonRootAndKeepsStateOnAVolume() throws Exception {
        List<String[]> instructions = dockerInstructions(read("docker/Dockerfile"));
        Set<String> known = Set.of("FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "USER", "WORKDIR", "VOLUME", "ENTRYPOINT",
                "CMD", "LABEL", "EXPOSE", "HEALTHCHECK", "STOPSIGNAL", "SHELL", "ONBUILD");
        assertThat(instructions).allSatisfy(i -> assertThat(known).as("instruction").contains(i[0]));
        assertThat(instructions.get(0)).containsExactly("FROM", "eclipse-temurin:17-jre");

        List<String> users = instructions.stream().filter(i -> i[0].equals("USER")).map(i -> i[1]).toList();
        assertThat(users).isNotEmpty();
        assertThat(users.get(users.size() - 1)).as("the last USER").doesNotMatch("(root|0)(:.*)?");

        Map<String, String> copies = new LinkedHashMap<>();
        instructions.stream().filter(i -> i[0].equals("COPY") || i[0].equals("ADD")).forEach(i -> {
            String[] paths = i[1].split("\\s+");
            copies.put(paths[0], paths[1]);
        });
        // The distribution archive, unpacked by ADD, with the plugins of the build context beside the bundled ones.
        assertThat(copies).containsEntry("mfa-runner/target/mfa-monitor-${VERSION}.tar.gz", "/opt/")
                .containsEntry("examples/deploy/docker/plugins/", PLUGINS + "/")
                .containsEntry("examples/quickstart/", "/tmp/quickstart/");
        Matcher version = Pattern.compile("<artifactId>mfa-monitor-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(REPO.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(single(instructions, "ARG")).as("the archive of this build").isEqualTo("VERSION=" + version.group(1));
        // The build context is the repository root: the plugin directory exists there, and the runner builds that archive.
        assertThat(REPO.resolve("examples/deploy/docker/plugins")).isDirectory();
        assertThat(Files.readString(REPO.resolve("mfa-runner/src/assembly/distribution.xml"))).contains("tar.gz");
        assertThat(instructions).as("the class-data archive made at build time").anySatisfy(i -> assertThat(
                i[0] + " " + i[1].replaceAll("\\s+", " ")).isEqualTo("RUN cp /tmp/quickstart/mfa-monitor.yaml "
                + "/tmp/quickstart/accounts.yaml /etc/mfa-monitor/ && /opt/mfa-monitor/bin/mfa-monitor run --config "
                + "/etc/mfa-monitor/mfa-monitor.yaml && rm -rf /etc/mfa-monitor/* /tmp/quickstart && chmod a+r "
                + "/opt/mfa-monitor/cache/* && ls /opt/mfa-monitor/cache/mfa-monitor-run-*.jsa"));
        // The launcher keys the archive by working directory and configuration path: the build's run uses the
        // containers' (the WORKDIR before it, CMD's --config).
        int workdir = instructions.indexOf(instructions.stream().filter(i -> i[0].equals("WORKDIR")).findFirst().orElseThrow());
        int training = instructions.indexOf(instructions.stream().filter(i -> i[0].equals("RUN")
                && i[1].contains("mfa-monitor run --config")).findFirst().orElseThrow());
        assertThat(single(instructions, "WORKDIR")).isEqualTo("/var/lib/mfa-monitor");
        assertThat(workdir).isLessThan(training);
        assertThat(json.readTree(single(instructions, "CMD")).toString())
                .isEqualTo("[\"run\",\"--config\",\"/etc/mfa-monitor/mfa-monitor.yaml\"]");

        String volume = single(instructions, "VOLUME");
        assertThat(json.readTree(volume)).containsExactly(json.getNodeFactory().textNode("/var/lib/mfa-monitor"));
        assertThat(single(instructions, "ENV")).isEqualTo("MFA_MONITOR_CACHE=/opt/mfa-monitor/cache");
        JsonNode entrypoint = json.readTree(single(instructions, "ENTRYPOINT"));
        assertThat(entrypoint.isArray()).as("ENTRYPOINT in exec form").isTrue();
        assertThat(entrypoint.toString()).isEqualTo("[\"" + LAUNCHER + "\"]");
        assertThat(json.readTree(single(instructions, "CMD")).isArray()).as("CMD in exec form").isTrue();
    }

    private static String single(List<String[]> instructions, String name) {
        List<String> found = instructions.stream().filter(i -> i[0].equals(name)).map(i -> i[1]).toList();
        assertThat(found).as(name + " instructions").hasSize(1);
        return found.get(0);
    }

    /** Instruction and arguments, continuation lines joined, comments dropped. */
    private static List<String[]> dockerInstructions(String dockerfile) {
        List<String[]> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.lines().toList()) {
            String trimmed = line.trim();
            if (current.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String[] parts = current.toString().trim().split("\\s+", 2);
            result.add(new String[] {parts[0].toUpperCase(java.util.Locale.ROOT), parts.length > 1 ? parts[1] : ""});
            current.setLength(0);
        }
        return result;
    }
}
