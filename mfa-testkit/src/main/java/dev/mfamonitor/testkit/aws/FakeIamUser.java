package dev.mfamonitor.testkit.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One IAM user of a {@link FakeAwsAccount}.
 *
 * @param name             the user name
 * @param createdAt        creation time; with the ARN it is the user's identity
 * @param consolePassword  whether the user has a console password (a login profile)
 * @param mfa              the user's MFA device, if any
 * @param accessKeyActive  whether the user's first access key is active
 * @param passwordLastUsed when the password was last used, if ever
 */
public record FakeIamUser(String name, Instant createdAt, boolean consolePassword, Mfa mfa, boolean accessKeyActive,
                          Optional<Instant> passwordLastUsed) {

    /** The kind of MFA device. */
    public enum Mfa { NONE, VIRTUAL, HARDWARE }

    public FakeIamUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(mfa, "mfa");
        Objects.requireNonNull(passwordLastUsed, "passwordLastUsed");
    }

    /** A user with a console password and the given device, created at {@code createdAt}. */
    public static FakeIamUser console(String name, Instant createdAt, Mfa mfa) {
        return new FakeIamUser(name, createdAt, true, mfa, false, Optional.empty());
    }

    /** A user without a console password (access keys only). */
    public static FakeIamUser programmatic(String name, Instant createdAt) {
        return new FakeIamUser(name, createdAt, false, Mfa.NONE, true, Optional.empty());
    }

    public String arn(String accountId) {
        return "arn:aws:iam::" + accountId + ":user/" + name;
    }

    public String userId() {
        return "AIDA" + Integer.toHexString(Math.abs(name.hashCode())).toUpperCase(java.util.Locale.ROOT) + "EXAMPLE";
    }
}
