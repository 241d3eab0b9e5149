package dev.mfamonitor.storage.postgres;

import dev.mfamonitor.spi.Secret;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where and how to reach the database: checked settings of one {@code type: postgres} store.
 *
 * @param url              a PgJDBC URL without a password; TLS and other driver options go in its query string
 * @param username         the role to log in as; absent: the driver's default (the URL's {@code user}, else the OS user)
 * @param password         the role's password; absent for trust, peer or certificate authentication
 * @param schema           the schema holding the tables, a plain lower-case identifier; the lock key derives from it
 * @param connectTimeout   how long connecting (and logging in) may take
 * @param statementTimeout how long one statement may run on the server; the client gives up on a silent socket
 *                         {@value #SOCKET_GRACE_SECONDS} s after that
 */
public record PostgresSettings(String url, Optional<String> username, Optional<Secret> password, String schema,
                               Duration connectTimeout, Duration statementTimeout) {

    /** The default schema. */
    public static final String DEFAULT_SCHEMA = "mfa_monitor";
    /** How much longer than the statement timeout the client waits for a silent server. */
    static final int SOCKET_GRACE_SECONDS = 5;
    /**
     * Server-side TCP settings of the lock session: keepalive probes after 20 s of silence, every 10 s, 3 unanswered
     * ones end the session; unacknowledged data ends it after 50 s. A runner that vanished from the network thus loses
     * its lock about 50 s later (at most a minute), instead of after the two hours of the kernel's defaults.
     */
    static final int KEEPALIVE_IDLE_SECONDS = 20;
    static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    static final int KEEPALIVE_COUNT = 3;
    static final int TCP_USER_TIMEOUT_MILLIS = 50_000;

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public PostgresSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        String problem = urlProblem(url);
        if (problem != null) {
            throw new IllegalArgumentException("the PostgreSQL URL " + problem);
        }
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema '" + schema + "' is not a plain lower-case identifier");
        }
    }

    /** Settings with the default schema and timeouts. */
    public static PostgresSettings of(String url, Optional<String> username, Optional<Secret> password, String schema) {
        return new PostgresSettings(url, username, password, schema, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** Whether {@code schema} can be used as a schema name. */
    static boolean validSchema(String schema) {
        return SCHEMA.matcher(schema).matches();
    }

    /**
     * What is wrong with a URL, or {@code null} when nothing is. The text never repeats the URL, which might hold a
     * password.
     */
    static String urlProblem(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return "must start with jdbc:postgresql: (such as jdbc:postgresql://db.example.com:5432/mfa)";
        }
        int authorityStart = url.startsWith("jdbc:postgresql://") ? "jdbc:postgresql://".length() : -1;
        if (authorityStart > 0) {
            int end = indexOfAny(url, authorityStart, "/?");
            if (url.substring(authorityStart, end < 0 ? url.length() : end).contains("@")) {
                return "carries credentials before '@'; remove them: give the role as 'username', and give the password as"
                        + " 'password' (a secret, such as ${env:MFA_PG_PASSWORD})";
            }
        }
        Properties parsed = org.postgresql.Driver.parseURL(url, null);
        if (parsed == null) {
            return "is not a valid PgJDBC URL (jdbc:postgresql://HOST[:PORT]/DATABASE[?OPTION=VALUE&...])";
        }
        for (String key : parsed.stringPropertyNames()) {
            String lower = key.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("password") || lower.equals("sslpassword")) {
                return "carries a password (its '" + key + "' option), and the driver would let it override the"
                        + " separate one; remove it and give the password as 'password' (a secret, such as"
                        + " ${env:MFA_PG_PASSWORD})";
            }
            if (lower.equals("sockettimeout") || lower.equals("connecttimeout") || lower.equals("logintimeout")
                    || lower.equals("options")) {
                return "sets '" + key + "', which would override the store's bounded timeouts; use the store's"
                        + " 'connectTimeout' and 'statementTimeout' keys instead";
            }
        }
        return null;
    }

    private static int indexOfAny(String text, int from, String characters) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** "PostgreSQL database 'mfa' on db.example.com:5432, schema mfa_monitor": never the URL's options. */
    public String describe() {
        Properties parsed = org.postgresql.Driver.parseURL(url, null);
        String host = parsed == null ? "?" : parsed.getProperty("PGHOST", "localhost");
        String port = parsed == null ? "?" : parsed.getProperty("PGPORT", "5432");
        String database = parsed == null ? "?" : parsed.getProperty("PGDBNAME", "");
        String[] hosts = host.split(",");
        String[] ports = port.split(",");
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            if (i > 0) {
                where.append(',');
            }
            where.append(hosts[i]).append(':').append(i < ports.length ? ports[i] : ports[ports.length - 1]);
        }
        return "PostgreSQL database '" + database + "' on " + where + ", schema " + schema;
    }
}
