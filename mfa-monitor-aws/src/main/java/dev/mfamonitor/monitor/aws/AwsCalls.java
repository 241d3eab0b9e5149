package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Deadline;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs AWS calls for one account: retries what AWS asks to be retried (throttling, limits, its own failures) with
 * backoff until the run's deadline, and turns everything else into a message that names the IAM action, the account and
 * what to do. The SDK's own retries are off (see {@link AwsClients}), so this is the only retry loop.
 */
final class AwsCalls {
    /** Errors whose message quotes the signed request, and with it the session token. */
    private static final java.util.Set<String> SIGNATURE_ERRORS = java.util.Set.of("SignatureDoesNotMatch", "IncompleteSignature");
    private static final java.util.regex.Pattern SECURITY_TOKEN = java.util.regex.Pattern.compile(
            "(?i)(x-amz-security-token[:=]\\s*|X-Amz-Security-Token=|SessionToken[\"=:>\\s]+)[^\\s&\"<,;]+");

    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthorizationError", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken");
    private static final Set<String> TRANSIENT = Set.of("Throttling", "ThrottlingException", "TooManyRequestsException",
            "RequestLimitExceeded", "LimitExceeded", "ReportGenerationLimitExceeded", "ServiceFailure", "ServiceUnavailable");

    private final String where;
    private final String endpoint;
    private final Deadline deadline;
    private final Pause pause;
    private final UnaryOperator<String> redact;

    /**
     * @param where  "account 123456789012", for messages
     * @param endpoint "the endpoint https://...", or "AWS's endpoint", for messages
     * @param redact removes the session's secrets from any text that came from outside
     */
    AwsCalls(String where, String endpoint, Deadline deadline, Pause pause, UnaryOperator<String> redact) {
        this.where = where;
        this.endpoint = endpoint;
        this.deadline = deadline;
        this.pause = pause;
        this.redact = redact;
    }

    String where() {
        return where;
    }

    /**
     * Calls {@code call}, retrying transient failures.
     *
     * @param action      the IAM action the call needs, such as {@code iam:GenerateCredentialReport}
     * @param passThrough AWS errors the caller handles itself, rethrown as they are
     */
    @SafeVarargs
    final <T> T call(String action, Supplier<T> call, Class<? extends AwsServiceException>... passThrough)
            throws AwsCallFailedException, InterruptedException {
        for (int retry = 1; ; retry++) {
            try {
                return call.get();
            } catch (AwsServiceException e) {
                for (Class<? extends AwsServiceException> type : passThrough) {
                    if (type.isInstance(e)) {
                        throw e;
                    }
                }
                if (e.statusCode() >= 300 && e.statusCode() < 400) {
                    throw redirected(action, e);
                }
                if (!transientFailure(e)) {
                    throw failure(action, e);
                }
                pause(retry, "AWS answered " + describe(e) + " to " + action + " in " + where);
            } catch (SdkClientException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("interrupted during " + action);
                }
                throw new AwsCallFailedException("could not call " + action + " in " + where + ": " + redact.apply(String.valueOf(e.getMessage()))
                        + "; check the network path and the endpoint, and that credentials are available to the monitor");
            }
        }
    }

    /** Waits before retry number {@code retry}, or fails with {@code why} when waiting would pass the deadline. */
    void pause(int retry, String why) throws AwsCallFailedException, InterruptedException {
        if (!pause.sleepBefore(retry, deadline)) {
            throw new AwsCallFailedException(why + "; gave up after " + retry + (retry == 1 ? " try" : " tries")
                    + " because waiting longer would pass the run's deadline. It usually clears by itself; if it keeps "
                    + "happening, run less often or give the monitor a longer timeout");
        }
    }

    /**
     * A 3xx: the SDK follows no redirect and has no error code to show (its error details are empty), so say what
     * happened and where it pointed (scheme and host only: a portal's query may carry anything).
     */
    private AwsCallFailedException redirected(String action, AwsServiceException e) {
        String to = Optional.ofNullable(e.awsErrorDetails())
                .map(AwsErrorDetails::sdkHttpResponse)
                .flatMap(response -> response.firstMatchingHeader("Location"))
                .flatMap(AwsCalls::origin)
                .map(origin -> " (a redirect to " + origin + ")")
                .orElse(" (a redirect)");
        return new AwsCallFailedException("AWS answered " + e.statusCode() + to + " to " + action + " in " + where
                + ": redirects are not followed, so the request and its signature stay with " + endpoint
                + ". Check endpoint: (or a proxy between the monitor and AWS)");
    }

    private static Optional<String> origin(String location) {
        try {
            URI uri = URI.create(location.trim());
            return uri.getScheme() == null || uri.getHost() == null ? Optional.empty()
                    : Optional.of(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : ""));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The failure as people read it. */
    AwsCallFailedException failure(String action, SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null
                && DENIED.contains(service.awsErrorDetails().errorCode())) {
            String code = service.awsErrorDetails().errorCode();
            if (code.equals("AccessDenied") || code.equals("AccessDeniedException") || code.equals("UnauthorizedOperation")
                    || code.equals("AuthorizationError")) {
                return new AwsCallFailedException("AWS denied " + action + " in " + where + " (" + describe(service)
                        + "): allow " + action + " for the monitor's identity; the module README gives the least-privilege policy");
            }
            return new AwsCallFailedException("AWS refused the monitor's credentials for " + action + " in " + where + " ("
                    + describe(service) + "): check the credentials the monitor runs with");
        }
        if (e instanceof AwsServiceException service) {
            return new AwsCallFailedException("AWS answered " + describe(service) + " to " + action + " in " + where);
        }
        return new AwsCallFailedException("could not call " + action + " in " + where + ": "
                + scrub(redact.apply(String.valueOf(e.getMessage()))));
    }

    static boolean transientFailure(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        return e.isThrottlingException() || TRANSIENT.contains(code) || e.statusCode() >= 500;
    }

    private String describe(AwsServiceException e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "?"
                : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        if (SIGNATURE_ERRORS.contains(code)) {
            // AWS quotes the canonical request in these, session token header included: never pass it on.
            message = null;
        }
        return e.statusCode() + " " + code + (message == null || message.isBlank() ? "" : " '" + scrub(redact.apply(message)) + "'");
    }

    /** Removes credential material AWS may quote in error text, whatever credentials the monitor runs with. */
    static String scrub(String text) {
        return SECURITY_TOKEN.matcher(text).replaceAll("$1****");
    }
}
