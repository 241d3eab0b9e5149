package dev.mfamonitor.testkit.google;

import java.util.Objects;

/**
 * One user of a {@link FakeGoogleWorkspace}, as the Directory API reports it. Active, enrolled in and enforced for
 * 2-Step Verification, not an admin, in the root organisational unit, unless changed. Thread-safe; changes show in the
 * next answer.
 */
public final class FakeGoogleUser {
    private final String id;
    private final String primaryEmail;
    private boolean enrolled = true;
    private boolean enforced = true;
    private boolean admin;
    private boolean delegatedAdmin;
    private boolean suspended;
    private boolean archived;
    private String orgUnitPath = "/";

    FakeGoogleUser(String id, String primaryEmail) {
        this.id = Objects.requireNonNull(id, "id");
        this.primaryEmail = Objects.requireNonNull(primaryEmail, "primaryEmail");
    }

    public String id() {
        return id;
    }

    public String primaryEmail() {
        return primaryEmail;
    }

    public synchronized boolean enrolled() {
        return enrolled;
    }

    public synchronized boolean enforced() {
        return enforced;
    }

    public synchronized boolean admin() {
        return admin;
    }

    public synchronized boolean delegatedAdmin() {
        return delegatedAdmin;
    }

    public synchronized boolean suspended() {
        return suspended;
    }

    public synchronized boolean archived() {
        return archived;
    }

    public synchronized String orgUnitPath() {
        return orgUnitPath;
    }

    /** {@code isEnrolledIn2Sv}. */
    public synchronized FakeGoogleUser enrolled(boolean value) {
        enrolled = value;
        return this;
    }

    /** {@code isEnforcedIn2Sv}. */
    public synchronized FakeGoogleUser enforced(boolean value) {
        enforced = value;
        return this;
    }

    /** {@code isAdmin} (a super admin). */
    public synchronized FakeGoogleUser admin(boolean value) {
        admin = value;
        return this;
    }

    /** {@code isDelegatedAdmin}. */
    public synchronized FakeGoogleUser delegatedAdmin(boolean value) {
        delegatedAdmin = value;
        return this;
    }

    /** {@code suspended}. */
    public synchronized FakeGoogleUser suspended(boolean value) {
        suspended = value;
        return this;
    }

    /** {@code archived}. */
    public synchronized FakeGoogleUser archived(boolean value) {
        archived = value;
        return this;
    }

    /** {@code orgUnitPath}, such as {@code /Engineering}. */
    public synchronized FakeGoogleUser orgUnitPath(String value) {
        orgUnitPath = Objects.requireNonNull(value, "value");
        return this;
    }

    @Override
    public String toString() {
        return "FakeGoogleUser[" + id + " " + primaryEmail + "]";
    }
}
