package dev.mfamonitor.testkit.okta;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One user of a {@link FakeOkta} org: its status, its enrolled factors and whether it holds an administrator role.
 * Change it through {@link FakeOkta}'s methods ({@link FakeOkta#activateFactor}, {@link FakeOkta#deactivate}, ...),
 * which also write the System Log events Okta writes; the setters here change the user silently (no log event, no
 * {@code lastUpdated}), for tests of what the log does not say.
 */
public final class FakeOktaUser {
    /** One enrolled factor as {@code GET /api/v1/users/{id}/factors} lists it. */
    public record Factor(String id, String factorType, String provider, String status, Instant created) {
        public Factor {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(factorType, "factorType");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(created, "created");
        }
    }

    private final String id;
    private volatile String login;
    private volatile String status = "ACTIVE";
    private volatile Instant created;
    private volatile Instant lastUpdated;
    private final List<Factor> factors = new ArrayList<>();
    private volatile boolean admin;

    FakeOktaUser(String id, String login, Instant created) {
        this.id = id;
        this.login = login;
        this.created = created;
        this.lastUpdated = created;
    }

    public String id() {
        return id;
    }

    public String login() {
        return login;
    }

    /** {@code STAGED}, {@code PROVISIONED}, {@code ACTIVE}, {@code RECOVERY}, {@code LOCKED_OUT}, {@code PASSWORD_EXPIRED}, {@code SUSPENDED} or {@code DEPROVISIONED}. */
    public String status() {
        return status;
    }

    public Instant created() {
        return created;
    }

    public Instant lastUpdated() {
        return lastUpdated;
    }

    public boolean admin() {
        return admin;
    }

    /** The enrolled factors, in enrolment order. */
    public synchronized List<Factor> factors() {
        return List.copyOf(factors);
    }

    /** Sets the status without a log event or a new {@code lastUpdated}. */
    public FakeOktaUser status(String value) {
        this.status = Objects.requireNonNull(value);
        return this;
    }

    /** Renames the user without a log event. */
    public FakeOktaUser login(String value) {
        this.login = Objects.requireNonNull(value);
        return this;
    }

    /** Gives or takes an administrator role assignment (listed by {@code /api/v1/iam/assignees/users}). */
    public FakeOktaUser admin(boolean value) {
        this.admin = value;
        return this;
    }

    /** Adds a factor without a log event, as an enrolment before the test began. */
    public synchronized FakeOktaUser factor(String factorType, String status) {
        factors.add(new Factor(factorId(factorType, factors.size()), factorType, provider(factorType), status, created));
        return this;
    }

    /** Removes every factor without a log event. */
    public synchronized FakeOktaUser clearFactors() {
        factors.clear();
        return this;
    }

    synchronized void replaceFactors(List<Factor> replacement) {
        factors.clear();
        factors.addAll(replacement);
    }

    void touched(Instant at) {
        this.lastUpdated = at;
    }

    String factorId(String factorType, int n) {
        String prefix = switch (factorType) {
            case "sms" -> "mbl";
            case "call" -> "clf";
            case "email" -> "emf";
            case "question" -> "ufs";
            case "push" -> "opf";
            case "webauthn" -> "fwf";
            default -> "ost";
        };
        String tail = (id + "x" + n).replaceAll("[^A-Za-z0-9]", "");
        return prefix + tail.substring(Math.max(0, tail.length() - 17));
    }

    static String provider(String factorType) {
        return switch (factorType) {
            case "webauthn" -> "FIDO";
            case "u2f" -> "FIDO";
            case "token:software:totp" -> "GOOGLE";
            default -> "OKTA";
        };
    }
}
