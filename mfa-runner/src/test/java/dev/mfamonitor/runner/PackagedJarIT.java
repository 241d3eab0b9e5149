package dev.mfamonitor.runner;

import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.config.YamlPluginConfig;
import dev.mfamonitor.core.context.EnginePluginContext;
import dev.mfamonitor.core.context.SecretRedactor;
import dev.mfamonitor.spi.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The built jar in a child JVM, as users run it: packaging, the README's walkthrough, exit codes, secrets. */
class PackagedJarIT {
    @TempDir
    Path dir;

    @Test
    void pluginsListsEveryBuiltInProviderFromTheShadedJar() throws Exception {
        JarProcess.Result result = JarProcess.run(dir, "plugins");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Set<String> kindAndType = new TreeSet<>();
        result.stdout().lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> {
            String[] columns = line.trim().split("\\s+");
            kindAndType.add(columns[0] + " " + columns[1]);
        });
        assertThat(kindAndType).containsExactly("monitor aws", "monitor entra", "monitor github", "monitor google-workspace",
                "monitor inventory", "monitor okta", "notifier console", "notifier email", "notifier pagerduty", "notifier slack",
                "notifier teams", "notifier webhook", "state file", "state postgres");
        assertThat(result.stdout()).contains(JarProcess.JAR.getFileName().toString()).doesNotContain("FAILED");
    }

    @Test
    void quickstartWalkthroughGivesBaselineThenExactlyOneAlertThenNothing() throws Exception {
        copyQuickstart();

        JarProcess.Result first = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).isEqualTo("""
                mfa-monitor: 1 event (1 Baseline)

                quickstart (example-saas)
                  Baseline (info): 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown; first run: no state at file STATE
                """.replace("STATE", dir.resolve("state/mfa-state.json").toAbsolutePath().normalize().toString()));

        Path accounts = dir.resolve("accounts.yaml");
        String flipped = Files.readString(accounts).replace("name: carol, mfa: enabled", "name: carol, mfa: disabled");
        assertThat(flipped).isNotEqualTo(Files.readString(accounts));
        Files.writeString(accounts, flipped);

        JarProcess.Result second = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).isEqualTo("""
                mfa-monitor: 1 event (1 MFA disabled)

                quickstart (example-saas)
                  MFA disabled (1, high): "carol" (was enabled)
                """);

        JarProcess.Result third = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
        assertThat(third.exitCode()).as(third.toString()).isZero();
        assertThat(third.stdout()).isEmpty();
        assertThat(Files.getPosixFilePermissions(dir.resolve("state/mfa-state.json")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void configurationErrorsExitTwoWithAMessageThatSaysWhatToFix() throws Exception {
        copyQuickstart();
        Path config = dir.resolve("mfa-monitor.yaml");
        String good = Files.readString(config);

        Files.writeString(config, good.replace("path: accounts.yaml", "path: accounts.yaml\n    pth: typo.yaml"));
        JarProcess.Result unknownKey = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
        assertThat(unknownKey.exitCode()).as(unknownKey.toString()).isEqualTo(2);
        assertThat(unknownKey.stderr()).contains(
                "configuration error: property 'pth' is not used by monitor 'quickstart' (type inventory); known: path, service");

        Files.writeString(config, good.replace("type: console", "type: console\n    unused: ${env:MFA_TEST_SURELY_UNSET}")
                .replace("path: accounts.yaml", "path: ${env:MFA_TEST_SURELY_UNSET}"));
        JarProcess.Result unsetEnv = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
        assertThat(unsetEnv.exitCode()).as(unsetEnv.toString()).isEqualTo(2);
        assertThat(unsetEnv.stderr()).contains("configuration error: monitor 'quickstart' (type inventory): property 'path': "
                + "environment variable MFA_TEST_SURELY_UNSET is not set; set it or change ${env:MFA_TEST_SURELY_UNSET}");

        Files.writeString(config, good.replace("type: inventory", "type: githib"));
        JarProcess.Result unknownType = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
        assertThat(unknownType.exitCode()).as(unknownType.toString()).isEqualTo(2);
        assertThat(unknownType.stderr()).contains("configuration error: monitor 'quickstart' has type 'githib', which no "
                + "plugin provides; available monitor types: aws, entra, github, google-workspace, inventory, okta. Check the spelling, or add the jar of the plugin "
                + "that provides it to the plugin directory");

        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void aCanarySecretReachesNoLogLineNoMessageAndNoStateFile() throws Exception {
        String canary = "canary-7d1f0c4e2b9a-secret";
        copyQuickstart();
        Path config = dir.resolve("mfa-monitor.yaml");
        String good = Files.readString(config);
        String withCanary = good.replace("  - id: console\n    type: console",
                "  - id: console\n    type: console\n  - id: chat\n    type: canary\n    token: ${env:MFA_CANARY}\n    fail: true");
        assertThat(withCanary).contains("type: canary");
        Files.writeString(config, withCanary);

        JarProcess.Result run = JarProcess.run(dir, Map.of("MFA_CANARY", canary), true, "-v", "run", "--config", "mfa-monitor.yaml");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("notifier 'chat' failed").contains("rejected the token ****");
        JarProcess.Result status = JarProcess.run(dir, Map.of("MFA_CANARY", canary), true, "status", "--config", "mfa-monitor.yaml");
        assertThat(status.stdout()).contains("notifier 'chat': 1 event pending, the oldest since ");
        assertThat(status.exitCode()).as("status, like run, exits 3 while deliveries are pending").isEqualTo(3);
        JarProcess.Result report = JarProcess.run(dir, Map.of("MFA_CANARY", canary), true, "report", "--config", "mfa-monitor.yaml",
                "--output", "report.html");
        assertThat(report.exitCode()).as(report.toString()).isZero();
        String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("rejected the token ****");

        Files.writeString(config, withCanary.replace("fail: true", "fail: true\n    retries: ${env:MFA_CANARY}"));
        JarProcess.Result badValue = JarProcess.run(dir, Map.of("MFA_CANARY", canary), true, "-v", "validate", "--config", "mfa-monitor.yaml");
        assertThat(badValue.exitCode()).as(badValue.toString()).isEqualTo(2);
        assertThat(badValue.stderr()).contains("property 'retries'");

        JarProcess.Result history = JarProcess.run(dir, Map.of("MFA_CANARY", canary), true, "history", "--config",
                "mfa-monitor.yaml", "--format", "json");
        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.stdout()).contains("\"type\" : \"BASELINE\"").contains("\"notifier\" : \"chat\"")
                .contains("\"state\" : \"pending\"").contains("rejected the token ****");

        String state = Files.readString(dir.resolve("state/mfa-state.json"), StandardCharsets.UTF_8);
        StringBuilder historyFiles = new StringBuilder();
        try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("state"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("mfa-state.json.history-")).toList()) {
                try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
                    historyFiles.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(historyFiles.toString()).as("the history file, unzipped").contains("\"BASELINE\"");
        for (String text : new String[] {run.stdout(), run.stderr(), status.stdout(), status.stderr(), badValue.stdout(),
                badValue.stderr(), state, history.stdout(), history.stderr(), historyFiles.toString(),
                report.stdout(), report.stderr(), html}) {
            assertThat(text).doesNotContain(canary).doesNotContain("canary-7d1f");
        }
    }

    @Test
    void aSecondRunWhileTheLockIsHeldExitsFourAndTouchesNothing() throws Exception {
        copyQuickstart();
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
        YamlPluginConfig fileConfig = new YamlPluginConfig("state", "state", "file",
                Map.of("path", "state/mfa-state.json"), dir, name -> null);
        try (StateStore store = registry.create(PluginRegistry.Kind.STATE, fileConfig,
                EnginePluginContext.system("state", fileConfig.describe(), new SecretRedactor()), StateStore.class);
             StateStore.Lock lock = store.lock()) {
            JarProcess.Result locked = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");
            assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(4);
            assertThat(locked.stdout()).isEmpty();
            assertThat(dir.resolve("state/mfa-state.json")).doesNotExist();
        }
        assertThat(JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml").exitCode()).isZero();
    }

    @Test
    void anUnreadableStateFileExitsFiveAndIsLeftAsItWas() throws Exception {
        copyQuickstart();
        Path state = dir.resolve("state/mfa-state.json");
        Files.createDirectories(state.getParent());
        byte[] truncated = "{\"schemaVersion\":1,\"monitors\":{\"quicks".getBytes(StandardCharsets.UTF_8);
        Files.write(state, truncated);

        JarProcess.Result result = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(5);
        assertThat(result.stderr()).contains(state.toString()).contains("mv ");
        assertThat(result.stdout()).isEmpty();
        assertThat(Files.readAllBytes(state)).isEqualTo(truncated);
    }

    @Test
    void intervalModeFinishesCleanlyOnSigterm() throws Exception {
        copyQuickstart();
        Process process = JarProcess.start(dir, Map.of(), false, "run", "--config", "mfa-monitor.yaml", "--interval", "1h");
        Path state = dir.resolve("state/mfa-state.json");
        // The first run is over (its delivery recorded) once it logs its end.
        JarProcess.await(process, dir, "first run", () -> Files.exists(state) && stderr().contains("run finished"),
                java.time.Duration.ofSeconds(60));
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        JarProcess.Result result = JarProcess.result(process, dir);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Baseline (info): 5 accounts");
        assertThat(result.stderr()).contains("stopped by signal");
    }

    /** What the running jar has written to standard error so far. */
    private String stderr() {
        try {
            return Files.readString(dir.resolve(".stderr"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Issue 18: in interval mode /metrics serves what the textfile gets, on loopback, from the shaded jar. */
    @Test
    void intervalModeServesMetricsOnLoopbackAndWritesTheSameToTheFile() throws Exception {
        copyQuickstart();
        Path file = dir.resolve("mfa-monitor.prom");
        Process process = JarProcess.start(dir, Map.of(), false, "run", "--config", "mfa-monitor.yaml", "--interval", "1h",
                "--metrics-port", "0", "--metrics-file", file.toString());
        try {
            java.util.regex.Pattern serving = java.util.regex.Pattern.compile("serving metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
            JarProcess.await(process, dir, "metrics served and written",
                    () -> serving.matcher(stderr()).find() && Files.exists(file), java.time.Duration.ofSeconds(60));
            java.util.regex.Matcher port = serving.matcher(Files.readString(dir.resolve(".stderr")));
            assertThat(port.find()).as(Files.readString(dir.resolve(".stderr"))).isTrue();
            assertThat(file).exists();
            java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(scrape.body()).isEqualTo(Files.readString(file));
            assertThat(scrape.body()).contains("mfa_monitor_accounts{mfa=\"disabled\",monitor=\"quickstart\",service=\"example-saas\"} 1.0\n",
                    "mfa_monitor_events_total{type=\"BASELINE\"} 1.0\n", "mfa_monitor_monitor_up{monitor=\"quickstart\"} 1.0\n");
            Promtool.Result lint = Promtool.checkMetrics(scrape.body());
            assertThat(lint.exitCode()).as(lint.output()).isZero();
        } finally {
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(JarProcess.result(process, dir).stderr()).contains("stopped by signal");
    }

    @Test
    void checkPrintsOneOcsfFindingALine() throws Exception {
        copyQuickstart();

        JarProcess.Result ocsf = JarProcess.run(dir, "check", "--config", "mfa-monitor.yaml", "--format", "ocsf");

        assertThat(ocsf.exitCode()).as(ocsf.toString()).isZero();
        assertThat(ocsf.stdout().lines()).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode finding = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ocsf.stdout());
        assertThat(finding.path("class_uid").asInt()).isEqualTo(2004);
        assertThat(finding.path("type_uid").asInt()).isEqualTo(200401);
        assertThat(finding.path("resources").get(0).path("name").asText()).isEqualTo("dave");
        assertThat(finding.path("metadata").path("version").asText()).isEqualTo("1.3.0");
    }

    @Test
    void checkReportsEveryAccountAndFailsOnMissingMfaUnlessExcepted() throws Exception {
        copyQuickstart();

        JarProcess.Result csv = JarProcess.run(dir, "check", "--config", "mfa-monitor.yaml", "--format", "csv", "--fail-on-missing-mfa");
        assertThat(csv.exitCode()).as(csv.toString()).isEqualTo(1);
        assertThat(csv.stdout()).isEqualTo("""
                monitor,service,id,name,kind,scope,mfa,role,weakMfa,facts,exception\r
                quickstart,example-saas,1001,alice,user,,enabled,,false,,\r
                quickstart,example-saas,1002,bob,user,,enabled,,false,,\r
                quickstart,example-saas,1003,carol,user,,enabled,,false,,\r
                quickstart,example-saas,1004,dave,user,,disabled,,false,,\r
                quickstart,example-saas,1005,deploy-bot,service-account,,not_applicable,,false,,\r
                """);
        assertThat(dir.resolve("state")).doesNotExist();

        Path config = dir.resolve("mfa-monitor.yaml");
        Files.writeString(config, Files.readString(config) + """
                  exceptions:
                    - { monitor: quickstart, account: dave, reason: "on leave", expires: 2999-01-01 }
                """);
        JarProcess.Result excepted = JarProcess.run(dir, "check", "--config", "mfa-monitor.yaml", "--fail-on-missing-mfa");
        assertThat(excepted.exitCode()).as(excepted.toString()).isZero();
        assertThat(excepted.stdout()).contains("exception: on leave");
    }

    @Test
    void dryRunPrintsWhatWouldBeSentAndWritesNothing() throws Exception {
        copyQuickstart();

        JarProcess.Result dry = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml", "--dry-run");

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.stdout()).isEqualTo("""
                dry run: notifier 'console' would receive:
                mfa-monitor: 1 event (1 Baseline)

                quickstart (example-saas)
                  Baseline (info): 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown; first run: no state at file STATE
                """.replace("STATE", dir.resolve("state/mfa-state.json").toAbsolutePath().normalize().toString()));
        assertThat(dir.resolve("state/mfa-state.json")).doesNotExist();
    }

    @Test
    void anEmailNotifierSendsItsMultipartMailThroughTheShadedJar() throws Exception {
        // Jakarta Mail finds its SMTP provider (META-INF/services, javamail.default.providers) and its MIME handlers
        // (META-INF/mailcap) as resources: a shaded jar that lost or clobbered one fails here, not in the module tests.
        com.icegreen.greenmail.util.ServerSetup smtp = new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1",
                com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP).dynamicPort();
        smtp.setServerStartupTimeout(30_000);
        com.icegreen.greenmail.util.GreenMail greenMail = new com.icegreen.greenmail.util.GreenMail(smtp);
        greenMail.start();
        try {
            copyQuickstart();
            Path config = dir.resolve("mfa-monitor.yaml");
            String withMail = Files.readString(config).replace("  - id: console\n    type: console",
                    "  - id: console\n    type: console\n  - id: security-mail\n    type: email\n    host: 127.0.0.1\n"
                            + "    port: " + greenMail.getSmtp().getPort() + "\n    tls: none\n"
                            + "    from: \"mfa-monitor <mfa-monitor@example.com>\"\n    to: [security@example.com]");
            assertThat(withMail).contains("type: email");
            Files.writeString(config, withMail);

            JarProcess.Result run = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            jakarta.mail.internet.MimeMessage[] received = greenMail.getReceivedMessages();
            assertThat(received).hasSize(1);
            assertThat(received[0].getSubject()).isEqualTo("[mfa-monitor] 1 baseline");
            assertThat(received[0].getContentType()).startsWith("multipart/alternative;");
            jakarta.mail.Multipart parts = (jakarta.mail.Multipart) received[0].getContent();
            assertThat(parts.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
            assertThat((String) parts.getBodyPart(0).getContent()).contains("Baseline (info): 5 accounts: 3 with MFA, "
                    + "1 without (dave)");
            assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("text/html; charset=UTF-8");
            assertThat((String) parts.getBodyPart(1).getContent()).contains("<h3>quickstart (example-saas)</h3>");

            JarProcess.Result status = JarProcess.run(dir, "status", "--config", "mfa-monitor.yaml");
            assertThat(status.stdout()).contains("notifier 'security-mail': nothing pending");
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void aPagerDutyNotifierOpensItsIncidentThroughTheShadedJar() throws Exception {
        // java.net.http and the shaded Jackson, with the routing key read from a file: the incident of the quickstart's
        // baseline (baselineIncidents) reaches a fake Events API v2, and the key appears in no output.
        String key = "0123456789abcdef0123456789abcdef";
        try (dev.mfamonitor.testkit.pagerduty.FakePagerDuty pagerDuty = dev.mfamonitor.testkit.pagerduty.FakePagerDuty.start(key)) {
            copyQuickstart();
            Files.writeString(dir.resolve("pagerduty_routing_key"), key + "\n");
            Path config = dir.resolve("mfa-monitor.yaml");
            String withPager = Files.readString(config).replace("  - id: console\n    type: console",
                    "  - id: console\n    type: console\n  - id: pager\n    type: pagerduty\n"
                            + "    routingKey: \"${file:pagerduty_routing_key}\"\n    endpoint: " + pagerDuty.endpoint() + "\n"
                            + "    baselineIncidents: true");
            assertThat(withPager).contains("type: pagerduty");
            Files.writeString(config, withPager);

            JarProcess.Result run = JarProcess.run(dir, "run", "--config", "mfa-monitor.yaml");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(pagerDuty.acceptedEvents()).singleElement().satisfies(event -> {
                assertThat(event.path("event_action").asText()).isEqualTo("trigger");
                assertThat(event.at("/payload/severity").asText()).isEqualTo("warning");
                assertThat(event.at("/payload/summary").asText())
                        .startsWith("Baseline: quickstart (example-saas): 5 accounts: 3 with MFA, 1 without (dave)");
            });
            assertThat(run.stdout() + run.stderr()).doesNotContain(key);
        }
    }

    private void copyQuickstart() throws Exception {
        Path quickstart = JarProcess.REPO.resolve("examples/quickstart");
        try (Stream<Path> files = Files.list(quickstart)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
    }
}
