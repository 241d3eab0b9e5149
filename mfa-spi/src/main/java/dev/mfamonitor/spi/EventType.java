package dev.mfamonitor.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A kind of change the engine reports. The built-in types are the constants of this class, in the order alerts list
 * them (most severe first); a plugin declares its own with {@link #declare} and lists them in
 * {@link MonitorProvider#eventTypes()}.
 *
 * <p>A type is a value: two types with the same {@link #name()} are equal. Stores persist the whole definition with
 * every event, so an event whose type this runner does not know (written by a newer plugin, read after a rollback)
 * is still read and delivered with the words and severity it was raised with.
 */
public final class EventType implements Comparable<EventType> {
    private static final Pattern BUILT_IN_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*\\.[A-Z][A-Z0-9_]*");

    /** An account that had MFA (or did not need it) can now sign in without a second factor. */
    public static final EventType MFA_DISABLED = builtIn("MFA_DISABLED", "MFA disabled", Severity.HIGH, false);
    /** An account appeared that can sign in without a second factor. */
    public static final EventType NEW_ACCOUNT_WITHOUT_MFA = builtIn("NEW_ACCOUNT_WITHOUT_MFA", "New account without MFA", Severity.HIGH, false);
    /** A source-level setting that required MFA was switched off (GitHub's "require 2FA"). */
    public static final EventType REQUIREMENT_DISABLED = builtIn("REQUIREMENT_DISABLED", "MFA requirement disabled", Severity.HIGH, false);
    /** Something could not be delivered to a notifier within the give-up age; sent through the others with the events. */
    public static final EventType DELIVERY_ABANDONED = builtIn("DELIVERY_ABANDONED", "Alerts abandoned for a notifier", Severity.HIGH, false);
    /**
     * An account's second factor is of a weak kind (SMS; only a virtual device on an AWS root account): its
     * {@code weakMfa} fact became {@code true}, or a new account arrived with it.
     */
    public static final EventType WEAK_MFA = builtIn("WEAK_MFA", "Weak MFA", Severity.MEDIUM, false);
    /** An exception that silenced an account has expired. */
    public static final EventType EXCEPTION_EXPIRED = builtIn("EXCEPTION_EXPIRED", "Exception expired", Severity.MEDIUM, false);
    /** A monitor failed; sent once per failure streak. */
    public static final EventType MONITOR_FAILED = builtIn("MONITOR_FAILED", "Monitor failed", Severity.MEDIUM, false);
    /** A monitor's good news looked too good to be true and was held back; its old snapshot is kept. */
    public static final EventType CHANGES_WITHHELD = builtIn("CHANGES_WITHHELD", "Good news withheld", Severity.MEDIUM, false);
    /** An account is still without MFA after the reminder interval. */
    public static final EventType REMINDER = builtIn("REMINDER", "Still without MFA", Severity.LOW, false);
    /** An account turned MFA on. */
    public static final EventType MFA_ENABLED = builtIn("MFA_ENABLED", "MFA enabled", Severity.INFO, true);
    /** An account without MFA no longer needs it (it lost its console password, say). */
    public static final EventType MFA_NOT_REQUIRED = builtIn("MFA_NOT_REQUIRED", "MFA no longer required", Severity.INFO, true);
    /** An account left the source. */
    public static final EventType ACCOUNT_REMOVED = builtIn("ACCOUNT_REMOVED", "Account removed", Severity.INFO, true);
    /** A source-level MFA requirement was switched on. */
    public static final EventType REQUIREMENT_ENABLED = builtIn("REQUIREMENT_ENABLED", "MFA requirement enabled", Severity.INFO, false);
    /** A failed monitor works again. */
    public static final EventType MONITOR_RECOVERED = builtIn("MONITOR_RECOVERED", "Monitor recovered", Severity.INFO, false);
    /** The first snapshot of a monitor: one summary instead of an alert per account. */
    public static final EventType BASELINE = builtIn("BASELINE", "Baseline", Severity.INFO, false);

    private static final List<EventType> BUILT_INS = List.of(MFA_DISABLED, NEW_ACCOUNT_WITHOUT_MFA, REQUIREMENT_DISABLED,
            DELIVERY_ABANDONED, WEAK_MFA, EXCEPTION_EXPIRED, MONITOR_FAILED, CHANGES_WITHHELD, REMINDER, MFA_ENABLED,
            MFA_NOT_REQUIRED, ACCOUNT_REMOVED, REQUIREMENT_ENABLED, MONITOR_RECOVERED, BASELINE);

    private final String name;
    private final String words;
    private final Severity defaultSeverity;
    private final boolean goodNews;

    private EventType(String name, String words, Severity defaultSeverity, boolean goodNews) {
        this.name = name;
        this.words = Objects.requireNonNull(words, "words");
        this.defaultSeverity = Objects.requireNonNull(defaultSeverity, "defaultSeverity");
        this.goodNews = goodNews;
        if (words.isBlank() || words.length() > 80) {
            throw new IllegalArgumentException("event type " + name + " needs words of 1 to 80 characters");
        }
    }

    private static EventType builtIn(String name, String words, Severity severity, boolean goodNews) {
        return new EventType(name, words, severity, goodNews);
    }

    /**
     * A plugin's own event type.
     *
     * @param name     namespaced so that it can never clash with a built-in or another plugin's type: lower-case dotted
     *                 segments, then an upper-case name, such as {@code gitlab.TOKEN_WITHOUT_EXPIRY}
     * @param words    the type in words for people, such as "Token without expiry"
     * @param severity the severity events of this type get unless the account makes it worse
     * @param goodNews whether the change makes the attack surface look smaller; good news is held back by the engine's
     *                 guard when there is too much at once
     * @throws IllegalArgumentException when the name is not namespaced or the words are blank
     */
    public static EventType declare(String name, String words, Severity severity, boolean goodNews) {
        Objects.requireNonNull(name, "name");
        if (!PLUGIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("event type name '" + name + "' must be namespaced, like"
                    + " 'gitlab.TOKEN_WITHOUT_EXPIRY' (lower-case dotted prefix, upper-case name)");
        }
        return new EventType(name, words, severity, goodNews);
    }

    /**
     * A type as a store read it back: the built-in of that name, or the stored definition of a type this runner does
     * not know (a newer plugin's, a newer release's), so that reading it never fails.
     */
    public static EventType restore(String name, String words, Severity severity, boolean goodNews) {
        Optional<EventType> known = builtIn(name);
        if (known.isPresent()) {
            return known.get();
        }
        if (!PLUGIN_NAME.matcher(name).matches() && !BUILT_IN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an event type name");
        }
        return new EventType(name, words, severity, goodNews);
    }

    /** The built-in type of that name, if there is one. */
    public static Optional<EventType> builtIn(String name) {
        return BUILT_INS.stream().filter(t -> t.name.equals(name)).findFirst();
    }

    /**
     * The built-in type of that name, as an enum's {@code valueOf} did.
     *
     * @throws IllegalArgumentException when no built-in type has that name
     */
    public static EventType valueOf(String name) {
        return builtIn(name).orElseThrow(() -> new IllegalArgumentException("no built-in event type '" + name + "'"));
    }

    /** The built-in types, most severe first. */
    public static List<EventType> builtIns() {
        return BUILT_INS;
    }

    /** The type's name as stored and sent to machines, such as {@code MFA_DISABLED} or {@code gitlab.TOKEN_WITHOUT_EXPIRY}. */
    public String name() {
        return name;
    }

    /** The type in words for people, such as "MFA disabled". */
    public String words() {
        return words;
    }

    /** The severity the engine gives this type unless the account makes it worse (root, owners). */
    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    /**
     * Whether this change makes the attack surface look smaller. Good news is what a broken monitor produces by
     * mistake (a list that came back short), so the engine's guard withholds it when there is too much at once.
     */
    public boolean goodNews() {
        return goodNews;
    }

    /** Whether a plugin declared this type (its name is namespaced). */
    public boolean declaredByPlugin() {
        return name.indexOf('.') >= 0;
    }

    /** Built-in types in the order alerts list them, then plugin types by default severity and name. */
    @Override
    public int compareTo(EventType other) {
        int mine = BUILT_INS.indexOf(this);
        int theirs = BUILT_INS.indexOf(other);
        if (mine >= 0 && theirs >= 0) {
            return Integer.compare(mine, theirs);
        }
        if (mine >= 0 || theirs >= 0) {
            int bySeverity = defaultSeverity.compareTo(other.defaultSeverity);
            return bySeverity != 0 ? bySeverity : mine >= 0 ? -1 : 1;
        }
        int bySeverity = defaultSeverity.compareTo(other.defaultSeverity);
        return bySeverity != 0 ? bySeverity : name.compareTo(other.name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventType type && type.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** The name, as an enum's {@code toString} was. */
    @Override
    public String toString() {
        return name;
    }
}
