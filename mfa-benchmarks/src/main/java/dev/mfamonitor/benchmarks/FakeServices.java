package dev.mfamonitor.benchmarks;

import dev.mfamonitor.testkit.aws.FakeAwsServer;
import dev.mfamonitor.testkit.aws.FakeIamUser;
import dev.mfamonitor.testkit.github.FakeGitHub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The fake GitHub and AWS of the tests as a process of its own, for whole-process benchmarks of the launcher
 * ({@code mfa-benchmarks/bin/distribution-startup.sh}): writes {@code github.yaml} and {@code aws.yaml} (each with its
 * state file) into DIR, prints {@code ready}, serves until its standard input closes.
 *
 * <pre>java -cp mfa-benchmarks/target/benchmarks.jar dev.mfamonitor.benchmarks.FakeServices DIR [MEMBERS] [IAM_USERS]</pre>
 */
public final class FakeServices {
    private FakeServices() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: FakeServices DIR [GITHUB_MEMBERS (1000)] [IAM_USERS (1000)]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Files.createDirectories(dir);
        try (FakeGitHub github = FakeGitHub.start("acme"); FakeAwsServer aws = FakeAwsServer.start("111111111111")) {
            github.token("ghp_benchmark", true).requirement(false);
            for (int i = 1; i <= members; i++) {
                github.member(i, "member" + i, i % 50 == 0 ? FakeGitHub.TwoFactor.DISABLED : FakeGitHub.TwoFactor.ENABLED, i % 100 == 1);
            }
            Instant created = Instant.parse("2020-01-01T00:00:00Z");
            for (int u = 0; u < users; u++) {
                FakeIamUser.Mfa mfa = u % 3 == 0 ? FakeIamUser.Mfa.VIRTUAL : u % 3 == 1 ? FakeIamUser.Mfa.HARDWARE : FakeIamUser.Mfa.NONE;
                aws.managementAccount().addUser(u % 10 == 9 ? FakeIamUser.programmatic("svc" + u, created)
                        : FakeIamUser.console("user" + u, created, mfa));
            }
            Path token = secret(dir.resolve("github-token"), "ghp_benchmark");
            Path accessKeyId = secret(dir.resolve("aws-access-key-id"), "AKIDBENCHMARK");
            Path secretKey = secret(dir.resolve("aws-secret-access-key"), "benchmark-secret");
            Files.writeString(dir.resolve("github.yaml"), """
                    state: { type: file, path: state-github/mfa-state.json }
                    monitors:
                      - { id: github, type: github, organization: acme, token: "${file:%s}", endpoint: "%s" }
                    notifiers:
                      - { id: console, type: console }
                    """.formatted(token, github.endpoint()));
            Files.writeString(dir.resolve("aws.yaml"), """
                    state: { type: file, path: state-aws/mfa-state.json }
                    monitors:
                      - { id: aws, type: aws, endpoint: "%s", accessKeyId: "${file:%s}", secretAccessKey: "${file:%s}" }
                    notifiers:
                      - { id: console, type: console }
                    """.formatted(aws.endpoint(), accessKeyId, secretKey));
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the benchmark closes our input
            }
        }
        System.exit(0);
    }

    /** A secret file as the configuration reads them: {@code ${file:PATH}}, readable by its owner only. */
    private static Path secret(Path file, String value) throws IOException {
        Files.writeString(file, value);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
