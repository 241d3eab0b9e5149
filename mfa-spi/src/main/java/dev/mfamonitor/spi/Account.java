package dev.mfamonitor.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One account as a monitor saw it.
 *
 * @param id    stable identity that survives renames (GitHub's numeric user id; an IAM user's ARN plus its creation
 *              time). Two accounts of one snapshot never share an id.
 * @param name  display name (login, user name); may change between snapshots without being a departure
 * @param kind  what sort of account this is, such as {@code member}, {@code outside-collaborator}, {@code iam-user},
 *              {@code root}
 * @param mfa   the MFA status
 * @param scope the part of the source the account belongs to (an AWS account id, say), or {@code ""} when the
 *              source has no parts; see {@link Snapshot#gaps()}
 * @param facts optional facts shown in alerts, such as {@code role=admin}, {@code consoleAccess=true},
 *              {@code weakMfa=true}, {@code lastUsed=...}; never secrets
 */
public record Account(String id, String name, String kind, MfaStatus mfa, String scope, Map<String, String> facts) {

    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mfa, "mfa");
        Objects.requireNonNull(scope, "scope");
        if (id.isBlank()) {
            throw new IllegalArgumentException("account id must not be blank (name '" + name + "')");
        }
        facts = Map.copyOf(new TreeMap<>(facts));
    }

    /** An account without scope or facts. */
    public Account(String id, String name, String kind, MfaStatus mfa) {
        this(id, name, kind, mfa, "", Map.of());
    }

    /** The same account with another status. */
    public Account withMfa(MfaStatus status) {
        return new Account(id, name, kind, status, scope, facts);
    }
}
