package dev.mfamonitor.monitor.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sts.StsClient;

import dev.mfamonitor.spi.Deadline;

import java.time.Duration;

/**
 * Builds the SDK clients of one monitor: all on one URL-connection HTTP client (no Netty, no Apache HTTP), with the
 * SDK's own retries off, because the monitor retries itself within the run's deadline, and with every call bounded by
 * what is left of that deadline.
 */
final class AwsClients implements AutoCloseable {
    private static final Duration MAX_CALL = Duration.ofMinutes(2);
    private static final Duration MIN_CALL = Duration.ofSeconds(1);

    private final AwsSettings settings;
    private final AwsCredentialsProvider base;
    private final SdkHttpClient http;

    AwsClients(AwsSettings settings, AwsCredentialsProvider base) {
        this.settings = settings;
        this.base = base;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** Static credentials when the configuration names them, else the SDK's default chain. */
    static AwsCredentialsProvider baseCredentials(AwsSettings settings) {
        if (settings.accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
                    settings.secretAccessKey().orElseThrow().reveal()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    AwsCredentialsProvider base() {
        return base;
    }

    IamClient iam(AwsCredentialsProvider credentials, Deadline deadline) {
        return configure(IamClient.builder(), credentials, deadline).region(Region.AWS_GLOBAL).build();
    }

    StsClient sts(Deadline deadline) {
        return configure(StsClient.builder(), base, deadline).region(Region.of(settings.region())).build();
    }

    OrganizationsClient organizations(Deadline deadline) {
        return configure(OrganizationsClient.builder(), base, deadline).region(Region.AWS_GLOBAL).build();
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, AwsCredentialsProvider credentials,
                                                                                         Deadline deadline) {
        Duration left = deadline.remaining();
        Duration callTimeout = left.compareTo(MIN_CALL) < 0 ? MIN_CALL : left.compareTo(MAX_CALL) > 0 ? MAX_CALL : left;
        builder.httpClient(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout));
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    @Override
    public void close() {
        http.close();
        if (base instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Closing a credentials provider only stops its refresh thread; nothing to report.
            }
        }
    }
}
