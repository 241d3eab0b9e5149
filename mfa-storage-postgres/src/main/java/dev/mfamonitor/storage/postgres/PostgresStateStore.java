package dev.mfamonitor.storage.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.History;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.HistoryQuery;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.RunSummary;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The state in a PostgreSQL schema (see {@code migrations/V1__initial.sql}): snapshots and their accounts, the outbox
 * and its per-notifier deliveries.
 *
 * <ul>
 *   <li>The run lock is a session-level advisory lock ({@code pg_try_advisory_lock}) on a connection of its own, held
 *       for the whole run and never inside a transaction. The session's server-side TCP keepalives and
 *       {@code tcp_user_timeout} end it, and so release the lock, about 50 s after a runner vanished from the network;
 *       a killed runner's session ends at once.</li>
 *   <li>A commit is one transaction on the data connection, which first checks that the lock session still holds the
 *       lock (a runner whose lock session died must not overwrite the state of the run that took the lock next). A
 *       commit made without the lock takes the same lock for its transaction.</li>
 *   <li>The schema is created and migrated in the first commit's transaction, by versioned SQL files applied in order,
 *       each recorded in {@code schema_version}; a load never writes. A schema newer than this runner is unreadable.</li>
 *   <li>Every connection has bounded connect, statement and socket timeouts, so a database that stops mid-run ends the
 *       run's store calls within seconds. Once the data connection of a locked run is lost the store does not
 *       reconnect: its lock session is most likely gone too.</li>
 * </ul>
 */
public final class PostgresStateStore implements StateStore {

    /** The schema version this runner writes and the newest it reads. */
    public static final int SCHEMA_VERSION = Migrations.LATEST;

    /** The first key of every mfa-monitor advisory lock ("mfam"), so that other applications' locks rarely clash. */
    static final int LOCK_NAMESPACE = 0x6D66616D;

    private final PostgresSettings settings;
    private final String describe;
    private final int lockKey;
    private final Sql sql;

    private Connection data;
    private HeldLock held;
    /** Why the data connection of a locked run was lost; later calls of that run fail at once with it. */
    private String lost;

    public PostgresStateStore(PostgresSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.describe = settings.describe();
        this.lockKey = lockKey(settings.schema());
        this.sql = new Sql(settings.schema());
    }

    /** The second advisory lock key: the first 31 bits of SHA-256 of the schema name. */
    static int lockKey(String schema) {
        byte[] hash = sha256().digest(schema.getBytes(StandardCharsets.UTF_8));
        return ((hash[0] & 0x7F) << 24) | ((hash[1] & 0xFF) << 16) | ((hash[2] & 0xFF) << 8) | (hash[3] & 0xFF);
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public String toString() {
        return describe;
    }

    // ---- lock

    @Override
    public synchronized Lock lock() throws StateLockedException, IOException {
        if (held != null && !held.closed) {
            throw locked(held.pid);
        }
        Connection connection = connect(true, "take the run lock");
        try {
            boolean acquired;
            int pid;
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?), pg_backend_pid()")) {
                statement.setInt(1, LOCK_NAMESPACE);
                statement.setInt(2, lockKey);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    acquired = row.getBoolean(1);
                    pid = row.getInt(2);
                }
            }
            if (!acquired) {
                String holder = holder(connection);
                closeQuietly(connection);
                throw locked(holder);
            }
            held = new HeldLock(connection, pid);
            lost = null;
            return held;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw failure("taking the run lock", e);
        }
    }

    /** Who holds the lock, as far as this role may see (pg_stat_activity hides other roles' client addresses). */
    private String holder(Connection connection) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT l.pid, a.application_name, a.client_addr,"
                + " a.backend_start FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.classid::bigint = ? AND l.objid::bigint = ? AND l.objsubid = 2 AND l.granted")) {
            statement.setLong(1, LOCK_NAMESPACE);
            statement.setLong(2, lockKey);
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    String application = row.getString(2);
                    String address = row.getString(3);
                    java.sql.Timestamp since = row.getTimestamp(4);
                    return "server process " + row.getInt(1)
                            + (address != null ? " of a client at " + address : "")
                            + (application != null && !application.isEmpty() ? " (" + application + ")" : "")
                            + (since != null ? ", connected since " + since.toInstant() : "");
                }
            }
        } catch (SQLException e) {
            // the lock is held either way; the holder is only a detail of the message
        }
        return "another session";
    }

    private StateLockedException locked(Object holder) {
        return new StateLockedException(describe + " is in use by another mfa-monitor run (" + holder + " holds its"
                + " advisory lock " + LOCK_NAMESPACE + "/" + lockKey + "); this run did nothing. Wait for that run to"
                + " finish: a run that was killed or cut off from the network loses the lock when the server notices,"
                + " at once or within about a minute");
    }

    /** The server process of the held lock's session; for tests. */
    synchronized int lockSessionPid() {
        if (held == null || held.closed) {
            throw new IllegalStateException("no lock is held");
        }
        return held.pid;
    }

    /** A setting of the held lock's session ({@code SHOW name}); for tests. */
    synchronized String lockSessionSetting(String name) throws SQLException {
        if (held == null || held.closed) {
            throw new IllegalStateException("no lock is held");
        }
        try (Statement statement = held.connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW " + name)) {
            row.next();
            return row.getString(1);
        }
    }

    // ---- load

    @Override
    public synchronized StoredState load() throws StateUnreadableException, IOException {
        Connection connection = dataConnection("load the state");
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            OptionalInt version = Migrations.installedVersion(connection, settings.schema());
            if (version.isEmpty()) {
                connection.rollback();
                return StoredState.EMPTY;
            }
            if (version.getAsInt() > SCHEMA_VERSION) {
                connection.rollback();
                throw new StateUnreadableException(describe + " holds schema " + version.getAsInt() + " of the mfa-monitor"
                        + " state, written by a newer mfa-monitor; this version reads schema " + SCHEMA_VERSION + " and"
                        + " older. It left the database unchanged and did nothing: run that newer version (or newer),"
                        + " or restore a backup taken before the upgrade");
            }
            StoredState state = read(connection);
            connection.rollback();
            return state;
        } catch (StateJson.ShapeException e) {
            rollbackQuietly(connection);
            throw new StateUnreadableException(describe + " holds a state mfa-monitor cannot read: " + e.getMessage()
                    + ". It left the database unchanged and did nothing. To recover, restore the schema from a backup,"
                    + " or drop it (DROP SCHEMA " + settings.schema() + " CASCADE) to start over with a fresh baseline", e);
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw failure("loading the state", e);
        }
    }

    private StoredState read(Connection connection) throws SQLException, StateJson.ShapeException {
        Map<String, List<Account>> accounts = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(2_000);
            try (ResultSet row = statement.executeQuery("SELECT monitor_id, account FROM " + sql.accounts
                    + " ORDER BY monitor_id, position")) {
                while (row.next()) {
                    accounts.computeIfAbsent(row.getString(1), k -> new ArrayList<>())
                            .add(StateJson.readAccount(StateJson.parse(row.getString(2))));
                }
            }
        }
        Map<String, MonitorState> monitors = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT monitor_id, health, snapshot, account_count FROM " + sql.monitors)) {
            while (row.next()) {
                String id = row.getString(1);
                StateJson.Field health = new StateJson.Field(StateJson.parse(row.getString(2)), "the health of monitor '" + id + "'");
                String snapshotJson = row.getString(3);
                List<Account> own = accounts.getOrDefault(id, List.of());
                if (own.size() != row.getInt(4)) {
                    throw new StateJson.ShapeException("monitor '" + id + "' should have " + row.getInt(4)
                            + " accounts but " + own.size() + " are stored");
                }
                Optional<Snapshot> lastGood = snapshotJson == null ? Optional.empty()
                        : Optional.of(StateJson.readSnapshot(StateJson.parse(snapshotJson), own));
                int streak = health.integer("failureStreak");
                Optional<String> lastFailure = health.optionalString("lastFailure");
                Map<String, Instant> alertedAt = StateJson.readAlertedAt(health);
                monitors.put(id, StateJson.construct(health, () -> new MonitorState(lastGood, streak, lastFailure, alertedAt)));
            }
        }
        Map<String, Map<String, Delivery>> deliveries = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(2_000);
            try (ResultSet row = statement.executeQuery("SELECT entry_id, notifier_id, state, attempts, last_attempt_at,"
                    + " last_error FROM " + sql.deliveries)) {
                while (row.next()) {
                    String entry = row.getString(1);
                    String at = row.getString(5);
                    String error = row.getString(6);
                    Delivery.State state;
                    try {
                        state = Delivery.State.valueOf(row.getString(3));
                        deliveries.computeIfAbsent(entry, k -> new LinkedHashMap<>()).put(row.getString(2),
                                new Delivery(state, row.getInt(4), at == null ? Optional.empty() : Optional.of(Instant.parse(at)),
                                        error == null ? Optional.empty() : Optional.of(StateJson.readString(error))));
                    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                        throw new StateJson.ShapeException("the delivery of outbox entry '" + entry + "' to notifier '"
                                + row.getString(2) + "' is malformed: " + e.getMessage());
                    }
                }
            }
        }
        List<OutboxEntry> outbox = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(2_000);
            try (ResultSet row = statement.executeQuery("SELECT entry_id, created_at, event FROM " + sql.outbox + " ORDER BY seq")) {
                while (row.next()) {
                    String id = row.getString(1);
                    ChangeEvent event = StateJson.readEvent(StateJson.parse(row.getString(3)));
                    Instant createdAt;
                    try {
                        createdAt = Instant.parse(row.getString(2));
                    } catch (java.time.format.DateTimeParseException e) {
                        throw new StateJson.ShapeException("outbox entry '" + id + "' has a malformed creation time");
                    }
                    Map<String, Delivery> own = deliveries.getOrDefault(id, Map.of());
                    try {
                        outbox.add(new OutboxEntry(id, event, createdAt, own));
                    } catch (IllegalArgumentException e) {
                        throw new StateJson.ShapeException(e.getMessage());
                    }
                }
            }
        }
        return new StoredState(monitors, outbox);
    }

    // ---- commit

    @Override
    public synchronized void commit(RunCommit commit) throws IOException {
        Objects.requireNonNull(commit, "commit");
        // Serialise before touching the database: the transaction stays short.
        Map<String, PreparedMonitor> prepared = new LinkedHashMap<>();
        commit.monitors().forEach((id, state) -> prepared.put(id, PreparedMonitor.of(state)));
        Connection connection = dataConnection("commit the run");
        try {
            guardLock(connection);
            Migrations.migrate(connection, settings.schema(), describe);
            Map<String, String> digests = new HashMap<>();
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT monitor_id, accounts_digest FROM " + sql.monitors)) {
                while (row.next()) {
                    digests.put(row.getString(1), row.getString(2));
                }
            }
            writeMonitors(connection, prepared, digests);
            writeEntries(connection, commit.newEntries());
            if (commit.keepHistoryFrom().isPresent()) {
                pruneHistory(connection, commit.keepHistoryFrom().get());
            }
            writeHistory(connection, commit.history(), commit.runs());
            writeMarks(connection, commit.marks());
            if (!commit.settled().isEmpty()) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + sql.outbox + " WHERE entry_id = ANY (?)")) {
                    delete.setArray(1, connection.createArrayOf("text", commit.settled().toArray()));
                    delete.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw failure("committing the run (nothing of it was stored)", e);
        } catch (IOException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        }
    }

    /**
     * In the commit's transaction: a locked run checks its lock session still holds the lock; a commit without the
     * lock (a copy, a tool) takes it for the transaction, so that it never writes under a running run.
     */
    private void guardLock(Connection connection) throws SQLException, IOException {
        if (held != null && !held.closed) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE"
                    + " locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    + " AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 2 AND pid = ? AND granted")) {
                statement.setLong(1, LOCK_NAMESPACE);
                statement.setLong(2, lockKey);
                statement.setInt(3, held.pid);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    if (row.getLong(1) == 0) {
                        throw new IOException(describe + ": this run lost its lock (its lock session, server process "
                                + held.pid + ", ended: the database restarted or the network was cut), so another run may"
                                + " be working on the state; nothing of this run was stored");
                    }
                }
            }
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
            statement.setInt(1, LOCK_NAMESPACE);
            statement.setInt(2, lockKey);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    throw new IOException(describe + " is in use by a running mfa-monitor run (it holds the advisory"
                            + " lock); nothing was stored. Try again when that run has finished");
                }
            }
        }
    }

    private void writeMonitors(Connection connection, Map<String, PreparedMonitor> prepared, Map<String, String> digests)
            throws SQLException, IOException {
        if (prepared.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + sql.monitors + " (monitor_id,"
                + " failure_streak, health, snapshot, service, observed_at, account_count, accounts_digest)"
                + " VALUES (?, ?, ?::json, ?::json, ?, ?, ?, ?) ON CONFLICT (monitor_id) DO UPDATE SET"
                + " failure_streak = EXCLUDED.failure_streak, health = EXCLUDED.health, snapshot = EXCLUDED.snapshot,"
                + " service = EXCLUDED.service, observed_at = EXCLUDED.observed_at,"
                + " account_count = EXCLUDED.account_count, accounts_digest = EXCLUDED.accounts_digest");
             PreparedStatement clear = connection.prepareStatement("DELETE FROM " + sql.accounts + " WHERE monitor_id = ?")) {
            List<Map.Entry<String, PreparedMonitor>> rewrite = new ArrayList<>();
            for (Map.Entry<String, PreparedMonitor> e : prepared.entrySet()) {
                PreparedMonitor monitor = e.getValue();
                upsert.setString(1, e.getKey());
                upsert.setInt(2, monitor.failureStreak);
                upsert.setString(3, monitor.health);
                upsert.setString(4, monitor.snapshotHead);
                upsert.setString(5, plain(monitor.service));
                upsert.setString(6, monitor.observedAt);
                upsert.setInt(7, monitor.accounts.size());
                upsert.setString(8, monitor.digest);
                upsert.addBatch();
                boolean known = digests.containsKey(e.getKey());
                if (!known || !Objects.equals(digests.get(e.getKey()), monitor.digest)) {
                    if (known) {
                        clear.setString(1, e.getKey());
                        clear.addBatch();
                    }
                    rewrite.add(e);
                }
            }
            clear.executeBatch();
            upsert.executeBatch();
            for (Map.Entry<String, PreparedMonitor> e : rewrite) {
                copyAccounts(connection, e.getKey(), e.getValue());
            }
        }
    }

    /** COPY is several times faster than batched inserts for a 100,000-account snapshot. */
    private void copyAccounts(Connection connection, String monitorId, PreparedMonitor monitor) throws SQLException, IOException {
        if (monitor.accounts.isEmpty()) {
            return;
        }
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + sql.accounts + " (monitor_id, position, account_id, mfa, account) FROM STDIN");
        try {
            StringBuilder buffer = new StringBuilder(1 << 17);
            String monitorField = copyField(monitorId);
            for (int i = 0; i < monitor.accounts.size(); i++) {
                PreparedAccount account = monitor.accounts.get(i);
                buffer.append(monitorField).append('\t').append(i).append('\t').append(copyField(plain(account.id)))
                        .append('\t').append(account.mfa).append('\t').append(copyField(account.json)).append('\n');
                if (buffer.length() >= 1 << 16) {
                    byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
                    copy.writeToCopy(bytes, 0, bytes.length);
                    buffer.setLength(0);
                }
            }
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private void writeEntries(Connection connection, List<OutboxEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement entry = connection.prepareStatement("INSERT INTO " + sql.outbox
                + " (entry_id, created_at, event_type, event) VALUES (?, ?, ?, ?::json)");
             PreparedStatement delivery = connection.prepareStatement("INSERT INTO " + sql.deliveries
                     + " (entry_id, notifier_id, state, attempts, last_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?::json)")) {
            for (OutboxEntry e : entries) {
                entry.setString(1, e.id());
                entry.setString(2, e.createdAt().toString());
                entry.setString(3, e.event().type().name());
                entry.setString(4, StateJson.text(StateJson.event(e.event())));
                entry.addBatch();
                for (Map.Entry<String, Delivery> d : e.deliveries().entrySet()) {
                    setDelivery(delivery, e.id(), d.getKey(), d.getValue());
                    delivery.addBatch();
                }
            }
            // Entries first, one batch in order: seq follows the commit's order.
            entry.executeBatch();
            delivery.executeBatch();
        }
    }

    private static void setDelivery(PreparedStatement statement, String entryId, String notifierId, Delivery delivery)
            throws SQLException {
        statement.setString(1, entryId);
        statement.setString(2, notifierId);
        statement.setString(3, delivery.state().name());
        statement.setInt(4, delivery.attempts());
        statement.setString(5, delivery.lastAttemptAt().map(Instant::toString).orElse(null));
        statement.setString(6, delivery.lastError().map(StateJson::string).orElse(null));
    }

    // ---- history

    /** Deletes the history older than the commit's bound ({@code policy.history}); deliveries go with their events. */
    private void pruneHistory(Connection connection, Instant keepFrom) throws SQLException {
        java.sql.Timestamp bound = java.sql.Timestamp.from(keepFrom);
        try (PreparedStatement events = connection.prepareStatement("DELETE FROM " + sql.historyEvents
                + " WHERE committed_time < ?");
             PreparedStatement runs = connection.prepareStatement("DELETE FROM " + sql.historyRuns + " WHERE run_time < ?")) {
            events.setTimestamp(1, bound);
            events.executeUpdate();
            runs.setTimestamp(1, bound);
            runs.executeUpdate();
        }
    }

    private void writeHistory(Connection connection, List<HistoryEntry> events, List<RunSummary> runs) throws SQLException {
        if (!events.isEmpty()) {
            try (PreparedStatement event = connection.prepareStatement("INSERT INTO " + sql.historyEvents
                    + " (entry_id, committed_at, committed_time, monitor_id, account_id, event_type, event)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?::json)");
                 PreparedStatement delivery = connection.prepareStatement("INSERT INTO " + sql.historyDeliveries
                         + " (entry_id, notifier_id, state, attempts, last_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, ?::json)")) {
                boolean deliveries = false;
                for (HistoryEntry e : events) {
                    event.setString(1, e.id());
                    event.setString(2, e.committedAt().toString());
                    event.setTimestamp(3, java.sql.Timestamp.from(e.committedAt()));
                    event.setString(4, plain(e.event().monitorId()));
                    event.setString(5, e.event().account().map(a -> plain(a.id())).orElse(null));
                    event.setString(6, plain(e.event().type().name()));
                    event.setString(7, StateJson.text(StateJson.event(e.event())));
                    event.addBatch();
                    for (Map.Entry<String, Delivery> d : e.deliveries().entrySet()) {
                        setDelivery(delivery, e.id(), d.getKey(), d.getValue());
                        delivery.addBatch();
                        deliveries = true;
                    }
                }
                event.executeBatch();
                if (deliveries) {
                    delivery.executeBatch();
                }
            }
        }
        if (!runs.isEmpty()) {
            try (PreparedStatement run = connection.prepareStatement("INSERT INTO " + sql.historyRuns
                    + " (monitor_id, run_at, run_time, service, health, problem, enabled, weak, disabled, not_applicable,"
                    + " unknown, admins_without_mfa, summary) VALUES (?, ?, ?, ?, ?, ?::json, ?, ?, ?, ?, ?, ?, ?::json)")) {
                for (RunSummary r : runs) {
                    run.setString(1, plain(r.monitorId()));
                    run.setString(2, r.runAt().toString());
                    run.setTimestamp(3, java.sql.Timestamp.from(r.runAt()));
                    run.setString(4, plain(r.service()));
                    run.setString(5, r.health().name());
                    run.setString(6, r.problem().map(StateJson::string).orElse(null));
                    run.setInt(7, r.enabled());
                    run.setInt(8, r.weak());
                    run.setInt(9, r.disabled());
                    run.setInt(10, r.notApplicable());
                    run.setInt(11, r.unknown());
                    run.setInt(12, r.adminsWithoutMfa());
                    run.setString(13, StateJson.text(StateJson.runKeys(r.monitorId(), r.service())));
                    run.addBatch();
                }
                run.executeBatch();
            }
        }
    }

    @Override
    public boolean keepsHistory() {
        return true;
    }

    @Override
    public synchronized History history(HistoryQuery query) throws StateUnreadableException, IOException {
        Objects.requireNonNull(query, "query");
        Connection connection = dataConnection("read the history");
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            OptionalInt version = Migrations.installedVersion(connection, settings.schema());
            if (version.isEmpty() || version.getAsInt() < 2) {
                connection.rollback();
                return History.EMPTY; // a schema-1 database gains its history with the first commit of this version
            }
            if (version.getAsInt() > SCHEMA_VERSION) {
                connection.rollback();
                throw new StateUnreadableException(describe + " holds schema " + version.getAsInt() + " of the mfa-monitor"
                        + " state, written by a newer mfa-monitor; this version reads schema " + SCHEMA_VERSION
                        + " and older. It left the database unchanged");
            }
            History history = readHistory(connection, query);
            connection.rollback();
            return history.select(query);
        } catch (StateJson.ShapeException e) {
            rollbackQuietly(connection);
            throw new StateUnreadableException(describe + " holds a history mfa-monitor cannot read: " + e.getMessage()
                    + ". It left the database unchanged; runs are not affected", e);
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw failure("reading the history", e);
        }
    }

    /** The rows a query may select, narrowed in SQL by time and monitor; the caller applies the query exactly. */
    private History readHistory(Connection connection, HistoryQuery query) throws SQLException, StateJson.ShapeException {
        // Microseconds in the database, nanoseconds in the engine: narrow a microsecond wider, select exactly after.
        java.sql.Timestamp since = query.since().map(s -> java.sql.Timestamp.from(s.minusNanos(1_000)))
                .orElse(null);
        String monitor = query.monitorId().map(PostgresStateStore::plain).orElse(null);
        Map<String, Map<String, Delivery>> deliveries = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT d.entry_id, d.notifier_id, d.state,"
                + " d.attempts, d.last_attempt_at, d.last_error FROM " + sql.historyDeliveries + " d JOIN "
                + sql.historyEvents + " e USING (entry_id) WHERE (?::timestamptz IS NULL OR e.committed_time >= ?)"
                + " AND (?::text IS NULL OR e.monitor_id = ?)")) {
            statement.setFetchSize(2_000);
            statement.setTimestamp(1, since);
            statement.setTimestamp(2, since);
            statement.setString(3, monitor);
            statement.setString(4, monitor);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    deliveries.computeIfAbsent(row.getString(1), k -> new LinkedHashMap<>())
                            .put(row.getString(2), delivery(row, row.getString(1)));
                }
            }
        }
        List<HistoryEntry> events = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT entry_id, committed_at, event FROM "
                + sql.historyEvents + " WHERE (?::timestamptz IS NULL OR committed_time >= ?)"
                + " AND (?::text IS NULL OR monitor_id = ?) ORDER BY seq")) {
            statement.setFetchSize(2_000);
            statement.setTimestamp(1, since);
            statement.setTimestamp(2, since);
            statement.setString(3, monitor);
            statement.setString(4, monitor);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    String id = row.getString(1);
                    Instant committedAt = instant(row.getString(2), "history event '" + id + "'");
                    ChangeEvent event = StateJson.readEvent(StateJson.parse(row.getString(3)));
                    Map<String, Delivery> own = deliveries.getOrDefault(id, Map.of());
                    try {
                        events.add(new HistoryEntry(id, event, committedAt, own));
                    } catch (IllegalArgumentException e) {
                        throw new StateJson.ShapeException(e.getMessage());
                    }
                }
            }
        }
        List<RunSummary> runs = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT seq, run_at, health, problem, enabled,"
                + " weak, disabled, not_applicable, unknown, admins_without_mfa, summary FROM " + sql.historyRuns
                + " WHERE (?::timestamptz IS NULL OR run_time >= ?) AND (?::text IS NULL OR monitor_id = ?) ORDER BY seq")) {
            statement.setTimestamp(1, since);
            statement.setTimestamp(2, since);
            statement.setString(3, monitor);
            statement.setString(4, monitor);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    String where = "history run " + row.getLong(1);
                    Instant runAt = instant(row.getString(2), where);
                    StateJson.Field keys = new StateJson.Field(StateJson.parse(row.getString(11)), "the summary of " + where);
                    String problem = row.getString(4);
                    try {
                        runs.add(new RunSummary(keys.string("monitorId"), keys.string("service"), runAt,
                                RunSummary.Health.valueOf(row.getString(3)),
                                problem == null ? Optional.empty() : Optional.of(StateJson.readString(problem)),
                                row.getInt(5), row.getInt(6), row.getInt(7), row.getInt(8), row.getInt(9), row.getInt(10)));
                    } catch (IllegalArgumentException e) {
                        throw new StateJson.ShapeException(where + " is malformed: " + e.getMessage());
                    }
                }
            }
        }
        return new History(events, runs);
    }

    private static Instant instant(String text, String where) throws StateJson.ShapeException {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new StateJson.ShapeException(where + " has a malformed time");
        }
    }

    private static Delivery delivery(ResultSet row, String entry) throws SQLException, StateJson.ShapeException {
        String at = row.getString(5);
        String error = row.getString(6);
        try {
            return new Delivery(Delivery.State.valueOf(row.getString(3)), row.getInt(4),
                    at == null ? Optional.empty() : Optional.of(Instant.parse(at)),
                    error == null ? Optional.empty() : Optional.of(StateJson.readString(error)));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new StateJson.ShapeException("the delivery of history event '" + entry + "' to notifier '"
                    + row.getString(2) + "' is malformed: " + e.getMessage());
        }
    }

    /**
     * Upserts each mark's row where its entry exists; marks for entries the store does not hold change nothing. The
     * history's copy of the delivery follows, for entries the outbox holds (a mark of an entry the outbox dropped
     * changes nothing, as the SPI says).
     */
    private void writeMarks(Connection connection, List<DeliveryMark> marks) throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        if (Migrations.installedVersion(connection, settings.schema()).orElse(0) >= 2) {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + sql.historyDeliveries
                    + " (entry_id, notifier_id, state, attempts, last_attempt_at, last_error)"
                    + " SELECT ?, ?, ?, ?, ?, ?::json WHERE EXISTS (SELECT 1 FROM " + sql.historyEvents + " WHERE entry_id = ?)"
                    + " AND EXISTS (SELECT 1 FROM " + sql.deliveries + " WHERE entry_id = ? AND notifier_id = ?)"
                    + " ON CONFLICT (entry_id, notifier_id) DO UPDATE SET state = EXCLUDED.state,"
                    + " attempts = EXCLUDED.attempts, last_attempt_at = EXCLUDED.last_attempt_at,"
                    + " last_error = EXCLUDED.last_error")) {
                for (DeliveryMark mark : marks) {
                    setDelivery(statement, mark.entryId(), mark.notifierId(), mark.delivery());
                    statement.setString(7, mark.entryId());
                    statement.setString(8, mark.entryId());
                    statement.setString(9, mark.notifierId());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + sql.deliveries
                + " (entry_id, notifier_id, state, attempts, last_attempt_at, last_error)"
                + " SELECT ?, ?, ?, ?, ?, ?::json WHERE EXISTS (SELECT 1 FROM " + sql.outbox + " WHERE entry_id = ?)"
                + " ON CONFLICT (entry_id, notifier_id) DO UPDATE SET state = EXCLUDED.state,"
                + " attempts = EXCLUDED.attempts, last_attempt_at = EXCLUDED.last_attempt_at, last_error = EXCLUDED.last_error")) {
            for (DeliveryMark mark : marks) {
                setDelivery(statement, mark.entryId(), mark.notifierId(), mark.delivery());
                statement.setString(7, mark.entryId());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    // ---- marks

    @Override
    public synchronized void mark(List<DeliveryMark> marks) throws IOException {
        if (marks.isEmpty()) {
            return;
        }
        Connection connection = dataConnection("record deliveries");
        try {
            if (Migrations.installedVersion(connection, settings.schema()).isEmpty()) {
                connection.rollback();
                return;
            }
            writeMarks(connection, marks);
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw failure("recording deliveries", e);
        }
    }

    // ---- connections

    /**
     * The data connection, opened on first use, never in autocommit. After a locked run lost it, every later call of
     * that run fails at once: reconnecting cannot bring back the lock, and each attempt would add a timeout.
     */
    private Connection dataConnection(String purpose) throws IOException {
        if (data != null) {
            return data;
        }
        if (lost != null && held != null && !held.closed) {
            throw new IOException(describe + ": cannot " + purpose + ": the connection was lost earlier in this run ("
                    + lost + ")");
        }
        Connection connection = connect(false, purpose);
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw failure(purpose, e);
        }
        data = connection;
        return connection;
    }

    private Connection connect(boolean lockSession, String purpose) throws IOException {
        Properties properties = new Properties();
        settings.username().ifPresent(user -> properties.setProperty("user", user));
        settings.password().ifPresent(password -> properties.setProperty("password", password.reveal()));
        int connectSeconds = (int) Math.max(1, ceilSeconds(settings.connectTimeout()));
        long statementMillis = Math.max(1, settings.statementTimeout().toMillis());
        properties.setProperty("connectTimeout", Integer.toString(connectSeconds));
        properties.setProperty("loginTimeout", Integer.toString(connectSeconds));
        properties.setProperty("socketTimeout", Long.toString(ceilSeconds(settings.statementTimeout())
                + PostgresSettings.SOCKET_GRACE_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", lockSession ? "mfa-monitor (run lock)" : "mfa-monitor");
        StringBuilder options = new StringBuilder("-c statement_timeout=" + statementMillis
                + " -c lock_timeout=" + statementMillis + " -c idle_in_transaction_session_timeout=" + (statementMillis * 6));
        if (lockSession) {
            options.append(" -c tcp_keepalives_idle=").append(PostgresSettings.KEEPALIVE_IDLE_SECONDS)
                    .append(" -c tcp_keepalives_interval=").append(PostgresSettings.KEEPALIVE_INTERVAL_SECONDS)
                    .append(" -c tcp_keepalives_count=").append(PostgresSettings.KEEPALIVE_COUNT)
                    .append(" -c tcp_user_timeout=").append(PostgresSettings.TCP_USER_TIMEOUT_MILLIS);
        }
        properties.setProperty("options", options.toString());
        try {
            Connection connection = new org.postgresql.Driver().connect(settings.url(), properties);
            if (connection == null) {
                throw new IOException(describe + ": the driver does not accept the URL");
            }
            return connection;
        } catch (SQLException e) {
            throw failure("connecting to " + purpose, e);
        }
    }

    private static long ceilSeconds(java.time.Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }

    /**
     * An IOException naming the database and what failed, never the password. A lost connection is dropped, so that
     * an unlocked caller reconnects next time and a locked run fails fast.
     */
    private IOException failure(String what, SQLException e) {
        String state = e.getSQLState();
        boolean connectionLost = state != null && state.startsWith("08") || data != null && isClosed(data);
        String reason = redact(e.getMessage() == null ? e.toString() : e.getMessage());
        if (connectionLost && data != null) {
            closeQuietly(data);
            data = null;
            lost = reason;
        }
        IOException failure = new IOException(describe + ": " + what + " failed: " + reason
                + (state != null ? " (SQL state " + state + ")" : ""));
        return failure;
    }

    private String redact(String text) {
        return settings.password().map(p -> p.redact(text)).orElse(text);
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public synchronized void close() {
        if (data != null) {
            closeQuietly(data);
            data = null;
        }
        if (held != null) {
            held.release();
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            // the failure being reported is the one that matters; a broken connection is dropped by failure()
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing ends the session on the server either way
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** A copy of untrusted text for the plain query columns: PostgreSQL text cannot hold U+0000. */
    private static String plain(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    /** A field of COPY's text format. */
    private static String copyField(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** The lock session: closing the connection ends the session, which releases the lock. */
    private final class HeldLock implements Lock {
        private final Connection connection;
        private final int pid;
        private boolean closed;

        HeldLock(Connection connection, int pid) {
            this.connection = connection;
            this.pid = pid;
        }

        @Override
        public void close() {
            synchronized (PostgresStateStore.this) {
                release();
            }
        }

        void release() {
            if (closed) {
                return;
            }
            closed = true;
            // Unlock before closing: close() only sends the session's end and returns, so a run started the moment
            // this one ends could still find the lock held, until the server has finished the old session. Not after
            // this run lost its data connection: the database or the network is gone, so the unlock would only wait
            // out the socket timeout, and a session the server cannot reach loses its lock anyway.
            if (lost == null) {
                try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                    statement.setInt(1, LOCK_NAMESPACE);
                    statement.setInt(2, lockKey);
                    statement.execute();
                } catch (SQLException e) {
                    // the session is gone already (the database stopped, the network was cut): so is its lock
                }
            }
            closeQuietly(connection);
            if (held == this) {
                held = null;
                lost = null;
            }
        }

        @Override
        public String toString() {
            return "server process " + pid;
        }
    }

    /** A monitor's state serialised for the commit, with the digest that tells whether its accounts changed. */
    private record PreparedMonitor(int failureStreak, String health, String snapshotHead, String service, String observedAt,
                                   List<PreparedAccount> accounts, String digest) {
        static PreparedMonitor of(MonitorState state) {
            String health = StateJson.text(StateJson.health(state.failureStreak(), state.lastFailure(), state.alertedAt()));
            if (state.lastGood().isEmpty()) {
                return new PreparedMonitor(state.failureStreak(), health, null, null, null, List.of(), null);
            }
            Snapshot snapshot = state.lastGood().get();
            MessageDigest digest = sha256();
            List<PreparedAccount> accounts = new ArrayList<>(snapshot.accounts().size());
            for (Account account : snapshot.accounts()) {
                ObjectNode node = StateJson.account(account);
                String json = StateJson.text(node);
                digest.update(json.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
                accounts.add(new PreparedAccount(account.id(), account.mfa().name(), json));
            }
            return new PreparedMonitor(state.failureStreak(), health, StateJson.text(StateJson.snapshotHead(snapshot)),
                    snapshot.service(), snapshot.observedAt().toString(), accounts, HexFormat.of().formatHex(digest.digest()));
        }
    }

    private record PreparedAccount(String id, String mfa, String json) {
    }

    /** Qualified table names. */
    private static final class Sql {
        final String monitors;
        final String accounts;
        final String outbox;
        final String deliveries;
        final String historyEvents;
        final String historyDeliveries;
        final String historyRuns;

        Sql(String schema) {
            historyEvents = schema + ".history_events";
            historyDeliveries = schema + ".history_deliveries";
            historyRuns = schema + ".history_runs";
            monitors = schema + ".monitors";
            accounts = schema + ".accounts";
            outbox = schema + ".outbox";
            deliveries = schema + ".deliveries";
        }
    }
}
