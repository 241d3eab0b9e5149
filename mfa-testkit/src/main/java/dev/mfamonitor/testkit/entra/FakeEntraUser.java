package dev.mfamonitor.testkit.entra;

import java.util.List;
import java.util.Objects;

/**
 * One user of a {@link FakeEntra} tenant, as the registration report and {@code /users} show it. Change it between
 * scans with the setters; they return the user for chaining. Thread-safe.
 */
public final class FakeEntraUser {
    private final String id;
    private volatile String userPrincipalName;
    private volatile String userType = "member";
    private volatile boolean admin;
    private volatile boolean accountEnabled = true;
    private volatile boolean mfaRegistered;
    private volatile Boolean mfaCapable;
    private volatile List<String> methods = List.of();
    private volatile Boolean inReport;
    private volatile boolean inUsers = true;

    FakeEntraUser(String id, String userPrincipalName) {
        this.id = Objects.requireNonNull(id);
        this.userPrincipalName = Objects.requireNonNull(userPrincipalName);
    }

    public String id() {
        return id;
    }

    public String userPrincipalName() {
        return userPrincipalName;
    }

    /** Registers strong methods (Authenticator push and a software OTP): {@code isMfaRegistered} and capable true. */
    public FakeEntraUser withMfa() {
        return methods("microsoftAuthenticatorPush", "softwareOneTimePasscode");
    }

    /** No method at all: {@code isMfaRegistered} false. */
    public FakeEntraUser withoutMfa() {
        return methods(new String[0]);
    }

    /**
     * The registered methods ({@code methodsRegistered}); {@code isMfaRegistered} becomes true when any is a method
     * Entra counts for MFA (everything except {@code email} and the security questions), as the report computes it.
     */
    public FakeEntraUser methods(String... registered) {
        this.methods = List.of(registered);
        this.mfaRegistered = this.methods.stream().anyMatch(m -> !m.equals("email") && !m.equals("securityQuestion"));
        return this;
    }

    /** Overrides {@code isMfaCapable} (by default it equals {@code isMfaRegistered}). */
    public FakeEntraUser mfaCapable(boolean capable) {
        this.mfaCapable = capable;
        return this;
    }

    public FakeEntraUser admin(boolean value) {
        this.admin = value;
        return this;
    }

    public FakeEntraUser guest() {
        this.userType = "guest";
        return this;
    }

    public FakeEntraUser renamed(String upn) {
        this.userPrincipalName = Objects.requireNonNull(upn);
        return this;
    }

    /**
     * {@code accountEnabled}. A disabled user leaves the registration report, as Graph documents, unless
     * {@link #inReport(boolean)} says otherwise (a lagging report).
     */
    public FakeEntraUser accountEnabled(boolean value) {
        this.accountEnabled = value;
        return this;
    }

    /** Whether the registration report lists the user, whatever {@code accountEnabled} says. */
    public FakeEntraUser inReport(boolean value) {
        this.inReport = value;
        return this;
    }

    /** Whether {@code /users} lists the user (false: deleted, while the report may still lag). */
    public FakeEntraUser inUsers(boolean value) {
        this.inUsers = value;
        return this;
    }

    boolean admin() {
        return admin;
    }

    String userType() {
        return userType;
    }

    boolean accountEnabled() {
        return accountEnabled;
    }

    boolean mfaRegistered() {
        return mfaRegistered;
    }

    boolean mfaCapable() {
        return mfaCapable != null ? mfaCapable : mfaRegistered;
    }

    List<String> registeredMethods() {
        return methods;
    }

    boolean listedInReport() {
        return inReport != null ? inReport : accountEnabled && inUsers;
    }

    boolean listedInUsers() {
        return inUsers;
    }
}
