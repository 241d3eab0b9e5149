package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.mfamonitor.storage.file.JsonCursor.ShapeException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * The state in one JSON file of schema 2 ({@link StateFileFormat}) plus a delivery journal beside it
 * ({@link DeliveryJournal}), guarded by an OS file lock on a sibling {@code <file>.lock}.
 *
 * <p><b>Commit</b> writes the whole state (the journal's marks folded in) to a temporary file in the same directory,
 * created 0600 with {@code O_EXCL} and written through the descriptor that created it, forces it to disk, renames it
 * over the state file in one atomic step and forces the directory (a failed directory fsync is a failed commit).
 * Each commit gives the file a new generation, which makes the old journal stale; the journal is then removed.
 * <b>Mark</b> appends one checksummed line to the journal and forces it: a run's deliveries never rewrite the
 * snapshots. A crash at any moment leaves the old or the new state, whole; at worst the marks of the call under way
 * are lost, which means those deliveries are sent again. <b>Load</b> never changes a byte: an absent file is a first
 * run; anything it cannot read is a {@link StateUnreadableException} saying why and how to recover.
 *
 * <p><b>History</b> ({@link HistoryFile}): a commit first appends the run's events and summaries to the history file as
 * one chunk (or writes a compacted new file), then names the committed chunks in the state file it renames into
 * place, so one rename commits both. Load and mark never touch the history file; {@link #history} reads it and lays
 * the outbox's deliveries (the journal's marks included) over it.
 *
 * <p>Files: only regular files are read (a FIFO, a device or a directory is refused, never opened), at most
 * {@link #DEFAULT_MAX_BYTES} each (read as a stream, never as one array). The state directory is created 0700, and a
 * state directory that group or others may write is refused (anyone who can write there could replace the state or
 * plant links). The lock and temporary files are created without following symbolic links. A state path that is a
 * symbolic link is followed: the link's target is the state file, updated in place of the link (the link stays), and
 * locked beside the target; a link whose target does not exist is unreadable state, never a fresh start. Temporary
 * files left by killed runs are removed when the lock is taken.
 */
public final class FileStateStore implements StateStore {

    /**
     * The largest state file or journal this store reads: 1 GiB. Schema 2 takes about 90 bytes per account, so that is
     * some ten million accounts, far more than a heap of a few gigabytes can hold once read; a bigger file is refused
     * as unreadable rather than read until the JVM runs out of memory.
     */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final int MAX_LINKS = 40;
    private static final ObjectMapper TREES = JsonMapper.builder(StateFileFormat.JSON).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Lock files this JVM holds. Within one process the OS lock cannot tell two holders apart, and closing a second
     * channel on a locked file releases the process's lock on some systems (POSIX record locks), so a second attempt
     * from this JVM must be refused before it opens the file at all.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final long maxBytes;
    private final FileOps ops;

    /** While this store holds the lock: where the state is, and what it holds (nobody else may change it). */
    private HeldLock held;
    private Loaded cached;

    /** @param path the state file; its directory is created (0700) when the lock is first taken or state committed */
    public FileStateStore(Path path) {
        this(path, DEFAULT_MAX_BYTES, FileOps.SYSTEM);
    }

    /** For tests: another size limit, and file operations that fail on purpose. */
    FileStateStore(Path path, long maxBytes, FileOps ops) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        if (this.path.getFileName() == null) {
            throw new IllegalArgumentException("the state path " + path + " names no file");
        }
        this.maxBytes = maxBytes;
        this.ops = Objects.requireNonNull(ops, "ops");
    }

    /** The state file as configured (possibly a symbolic link to the real one). */
    public Path path() {
        return path;
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public String toString() {
        return describe();
    }

    // ---- lock

    @Override
    public synchronized Lock lock() throws StateLockedException, IOException {
        try {
            Target target = Target.resolve(path);
            if (target.dangling && !Files.isDirectory(target.directory)) {
                throw new IOException(describeFile() + " is a symbolic link to " + target.file
                        + ", whose directory does not exist; mfa-monitor will not start over silently. Restore the"
                        + " link's target (a volume that did not mount?) or point the link at the state file");
            }
            prepareDirectory(target);
            target = Target.resolve(path);
            Path lockPath = target.sibling(".lock");
            if (!HELD_IN_THIS_JVM.add(lockPath)) {
                throw locked(lockPath);
            }
            FileChannel channel = null;
            try {
                channel = openLockFile(lockPath);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    // Another part of this JVM locked the same file through another path; refuse as if it were a run.
                    lock = null;
                }
                if (lock == null) {
                    throw locked(lockPath);
                }
                removeStaleTemporaryFiles(target);
                held = new HeldLock(this, lock, channel, lockPath, target);
                cached = null;
                return held;
            } catch (StateLockedException | IOException | RuntimeException | Error e) {
                HELD_IN_THIS_JVM.remove(lockPath);
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException closing) {
                        e.addSuppressed(closing);
                    }
                }
                throw e;
            }
        } catch (Error e) {
            throw failure("taking the lock of", e);
        }
    }

    private FileChannel openLockFile(Path lockPath) throws IOException {
        refuseIfNotRegular(lockPath, "lock file");
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            if (posix(lockPath.getParent())) {
                return FileChannel.open(lockPath, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            return FileChannel.open(lockPath, options);
        } catch (FileSystemException e) {
            throw new IOException("cannot open the lock file " + lockPath + " of " + describeFile() + ": " + reason(e), e);
        }
    }

    private StateLockedException locked(Path lockPath) {
        return new StateLockedException("state file " + path + " is in use by another mfa-monitor run (it holds the lock "
                + lockPath + "); this run did nothing. Wait for that run to finish; if none is running, the lock was"
                + " released when its process ended, so simply run again");
    }

    /** Temporary files of killed runs: under the lock no run of this store is writing one. */
    private void removeStaleTemporaryFiles(Target target) throws IOException {
        String prefix = target.temporaryPrefix();
        DirectoryStream.Filter<Path> ours = file -> file.getFileName().toString().startsWith(prefix);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(target.directory, ours)) {
            for (Path file : files) {
                if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    // ---- load

    @Override
    public synchronized StoredState load() throws StateUnreadableException, IOException {
        try {
            Target target = held != null ? held.target : Target.resolve(path);
            Loaded loaded = read(target);
            if (held != null) {
                cached = loaded;
            }
            return loaded.state;
        } catch (OutOfMemoryError e) {
            throw new IOException("ran out of memory reading " + describeFile() + " (" + sizeOf(path) + "): give the JVM"
                    + " a larger heap (java -Xmx...; the state alone takes about 30 MB per 100,000 accounts)", e);
        } catch (Error e) {
            throw failure("reading", e);
        }
    }

    /** What the files hold, with what a commit or mark must know about them. */
    private record Loaded(StoredState state, boolean exists, String generation, long journalLength,
                          Optional<HistoryFile.Ref> history) {
        static final Loaded FIRST_RUN = new Loaded(StoredState.EMPTY, false, "", -1, Optional.empty());

        Loaded with(StoredState next, long journal) {
            return new Loaded(next, exists, generation, journal, history);
        }
    }

    private Loaded read(Target target) throws StateUnreadableException, IOException {
        if (target.dangling) {
            throw unreadable("is a symbolic link to " + target.file + ", which does not exist (a volume that did not"
                    + " mount? a moved file?). mfa-monitor did nothing rather than start over with a fresh baseline."
                    + " Restore the link's target, or point the link at the state file", null, false);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target.file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Loaded.FIRST_RUN;
        } catch (FileSystemException e) {
            throw unreadable("cannot be examined: " + reason(e), e, false);
        }
        if (!attributes.isRegularFile()) {
            throw unreadable("is not a regular file (it is " + kindOf(target.file, attributes) + "); mfa-monitor reads"
                    + " its state only from a regular file and did not open it", null, false);
        }
        long size = attributes.size();
        if (size > maxBytes) {
            throw unreadable("is " + size + " bytes, more than the " + maxBytes + " bytes this store reads (that would"
                    + " be state of millions of accounts; is it really a state file?)", null, true);
        }
        if (size == 0) {
            throw unreadable("is empty", null, true);
        }
        Parsed parsed;
        try (FileChannel channel = open(target.file)) {
            parsed = parse(channel);
        }
        long journalLength = -1;
        StoredState state = parsed.state;
        Path journal = target.sibling(".journal");
        DeliveryJournal.Replay replay = readJournal(journal, parsed.generation);
        if (replay.generation() != null && replay.generation().equals(parsed.generation)) {
            journalLength = replay.validLength();
            state = applyMarks(state, replay.marks());
        }
        return new Loaded(state, true, parsed.generation, journalLength, parsed.history);
    }

    private FileChannel open(Path file) throws StateUnreadableException {
        try {
            return ops.openForReading(file);
        } catch (AccessDeniedException e) {
            throw unreadable("cannot be read by this user: permission denied (" + ownerAndMode(file) + "). Run"
                    + " mfa-monitor as the user that owns the state, or give this user read and write access to it"
                    + " (chown or chmod); mfa-monitor did nothing", e, false);
        } catch (IOException e) {
            throw unreadable("cannot be read: " + reason(e) + "; mfa-monitor did nothing", e, false);
        }
    }

    private record Parsed(StoredState state, String generation, Optional<HistoryFile.Ref> history) {
        Parsed(StoredState state, String generation) {
            this(state, generation, Optional.empty());
        }
    }

    private Parsed parse(FileChannel channel) throws StateUnreadableException, IOException {
        CheckedInputStream checked = new CheckedInputStream(
                new Bounded(Channels.newInputStream(channel), maxBytes), new CRC32C());
        InputStream in = new BufferedInputStream(checked, 64 * 1024);
        try (JsonParser parser = StateFileFormat.parser(in)) {
            JsonCursor cursor = new JsonCursor(parser);
            if (!cursor.start()) {
                throw unreadable("is empty (it holds only white space)", null, true);
            }
            cursor.beginObject();
            if (!cursor.nextField()) {
                throw new ShapeException("'schemaVersion' is missing");
            }
            if (!cursor.field().equals("schemaVersion")) {
                return parseTree(cursor, () -> v1Generation(in, checked));
            }
            int schema = cursor.integer();
            checkSchema(schema);
            if (schema == StateFileV1.SCHEMA_VERSION) {
                ObjectNode root = TREES.createObjectNode();
                root.set("schemaVersion", IntNode.valueOf(schema));
                while (cursor.nextField()) {
                    root.set(cursor.field(), TREES.readTree(parser));
                }
                cursor.end();
                return new Parsed(StateFileV1.read(root), v1Generation(in, checked));
            }
            StateFileFormat.Read read = StateFileFormat.readBody(cursor);
            cursor.end();
            return new Parsed(read.state(), read.generation(), read.history());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + " (byte " + at.getByteOffset() + ")";
            throw unreadable("is not valid JSON (truncated or corrupt?)" + where + ": " + e.getOriginalMessage(), e, true);
        } catch (ShapeException e) {
            throw unreadable("is JSON but not an mfa-monitor state file: " + e.getMessage(), e, true);
        } catch (Bounded.TooLong e) {
            throw unreadable("grew past " + maxBytes + " bytes while it was read", e, true);
        }
    }

    /**
     * A schema-1 file has no generation to tie the journal to: its checksum stands in, so that a journal written
     * while it was the state is not applied to another file put in its place.
     */
    private static String v1Generation(InputStream in, CheckedInputStream checked) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
        return "v1-" + Long.toHexString(checked.getChecksum().getValue());
    }

    private interface V1Generation {
        String get() throws IOException;
    }

    /** A file whose first field is not the schema version: not written by us; read it as a tree to find out. */
    private Parsed parseTree(JsonCursor cursor, V1Generation v1Generation)
            throws IOException, ShapeException, StateUnreadableException {
        ObjectNode root = TREES.createObjectNode();
        do {
            root.set(cursor.field(), TREES.readTree(cursor.parser()));
        } while (cursor.nextField());
        cursor.end();
        if (!root.has("schemaVersion")) {
            throw new ShapeException("'schemaVersion' is missing");
        }
        if (!root.get("schemaVersion").canConvertToInt() || !root.get("schemaVersion").isIntegralNumber()) {
            throw new ShapeException("'schemaVersion' is not a whole number");
        }
        int schema = root.get("schemaVersion").intValue();
        checkSchema(schema);
        if (schema == StateFileV1.SCHEMA_VERSION) {
            return new Parsed(StateFileV1.read(root), v1Generation.get());
        }
        try (JsonParser tokens = TREES.treeAsTokens(root)) {
            JsonCursor tree = new JsonCursor(tokens);
            tree.start();
            tree.beginObject();
            StateFileFormat.Read read = StateFileFormat.readBody(tree);
            return new Parsed(read.state(), read.generation(), read.history());
        }
    }

    private void checkSchema(int schema) throws StateUnreadableException {
        if (schema > StateFileFormat.SCHEMA_VERSION) {
            throw new StateUnreadableException(describeFile() + " was written by a newer mfa-monitor (schema " + schema
                    + "; this version reads schemas 1 and " + StateFileFormat.SCHEMA_VERSION + "). Run that newer"
                    + " version, or " + recovery());
        }
        if (schema < 1) {
            throw unreadable("declares schema " + schema + ", which no mfa-monitor writes", null, true);
        }
    }

    private DeliveryJournal.Replay readJournal(Path journal, String generation) throws StateUnreadableException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(journal, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return DeliveryJournal.Replay.none();
        } catch (IOException e) {
            throw journalUnreadable(journal, "cannot be examined: " + reason(e), e);
        }
        if (!attributes.isRegularFile()) {
            throw journalUnreadable(journal, "is not a regular file (it is " + kindOf(journal, attributes) + ")", null);
        }
        if (attributes.size() > maxBytes) {
            throw journalUnreadable(journal, "is " + attributes.size() + " bytes, more than the " + maxBytes
                    + " bytes this store reads", null);
        }
        try (FileChannel channel = ops.openForReading(journal);
             InputStream in = new Bounded(Channels.newInputStream(channel), maxBytes)) {
            return DeliveryJournal.read(in, generation);
        } catch (NoSuchFileException e) {
            // A commit removed it between the look and the open (a reader without the lock): it belonged to the
            // generation just replaced, whose file this load already read whole.
            return DeliveryJournal.Replay.none();
        } catch (AccessDeniedException e) {
            throw journalUnreadable(journal, "cannot be read by this user: permission denied (" + ownerAndMode(journal)
                    + ")", e);
        } catch (ShapeException e) {
            throw journalUnreadable(journal, e.getMessage(), e);
        } catch (IOException e) {
            throw journalUnreadable(journal, "cannot be read: " + reason(e), e);
        }
    }

    // ---- commit

    @Override
    public synchronized void commit(RunCommit commit) throws IOException {
        Objects.requireNonNull(commit, "commit");
        try {
            Target target = held != null ? held.target : Target.resolve(path);
            prepareDirectory(target);
            target = held != null ? held.target : Target.resolve(path);
            Loaded base = current(target);
            Map<String, Map<String, Delivery>> finals = new TreeMap<>();
            StoredState next = apply(base.state, commit, finals);
            Optional<HistoryFile.Ref> history = appendHistory(target, base, commit, finals);
            String generation = newGeneration();
            writeAtomically(target, out -> StateFileFormat.write(next, generation, history, out));
            Target committedTo = target;
            history.ifPresent(ref -> removeOtherHistoryFiles(committedTo, ref.id()));
            // The new generation made the journal stale (its marks are in the file now); removing it only saves
            // reading it once more, so a failure here changes nothing.
            try {
                Files.deleteIfExists(target.sibling(".journal"));
            } catch (IOException e) {
                // stale by generation: ignored by every load, replaced by the next mark
            }
            if (held != null) {
                cached = new Loaded(next, true, generation, -1, history);
            }
        } catch (Error e) {
            throw failure("committing to", e);
        }
    }

    /**
     * The state after the commit.
     *
     * @param finals filled with the last deliveries (the commit's marks applied) of the entries the commit drops
     */
    private static StoredState apply(StoredState state, RunCommit commit, Map<String, Map<String, Delivery>> finals) {
        Map<String, MonitorState> monitors = new TreeMap<>(state.monitors());
        monitors.putAll(commit.monitors());
        List<OutboxEntry> outbox = new ArrayList<>(state.outbox().size() + commit.newEntries().size());
        Set<String> ids = new HashSet<>();
        List<OutboxEntry> dropped = new ArrayList<>();
        for (OutboxEntry entry : state.outbox()) {
            if (!commit.settled().contains(entry.id())) {
                outbox.add(entry);
                ids.add(entry.id());
            } else {
                dropped.add(entry);
            }
        }
        if (!dropped.isEmpty()) {
            StoredState last = applyMarks(new StoredState(Map.of(), dropped), commit.marks());
            last.outbox().forEach(e -> finals.put(e.id(), e.deliveries()));
        }
        for (OutboxEntry entry : commit.newEntries()) {
            if (!ids.add(entry.id())) {
                throw new IllegalArgumentException("the commit adds outbox entry " + entry.id()
                        + ", but the store already holds an entry of that id; nothing was committed");
            }
            outbox.add(entry);
        }
        return applyMarks(new StoredState(monitors, outbox), commit.marks());
    }

    private static StoredState applyMarks(StoredState state, List<DeliveryMark> marks) {
        if (marks.isEmpty()) {
            return state;
        }
        Map<String, Integer> positions = new HashMap<>();
        List<OutboxEntry> outbox = new ArrayList<>(state.outbox());
        for (int i = 0; i < outbox.size(); i++) {
            positions.put(outbox.get(i).id(), i);
        }
        boolean changed = false;
        for (DeliveryMark mark : marks) {
            Integer at = positions.get(mark.entryId());
            if (at != null) {
                outbox.set(at, outbox.get(at).with(mark.notifierId(), mark.delivery()));
                changed = true;
            }
        }
        return changed ? new StoredState(state.monitors(), outbox) : state;
    }

    private static String newGeneration() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // ---- history

    /**
     * Appends the commit's chunk to the history file (or writes a new, compacted one), before the state file names it:
     * until the state file's rename, the appended bytes are not committed history.
     *
     * @return the reference the new state file holds; the old one when the commit adds no history
     */
    private Optional<HistoryFile.Ref> appendHistory(Target target, Loaded base, RunCommit commit,
                                                    Map<String, Map<String, Delivery>> finals) throws IOException {
        Instant newestFinal = base.state.outbox().stream().filter(e -> finals.containsKey(e.id()))
                .map(OutboxEntry::createdAt).max(Instant::compareTo).orElse(Instant.EPOCH);
        // Without a history yet, the last deliveries of dropped entries are about nothing the history holds.
        Map<String, Map<String, Delivery>> kept = base.history.isPresent() ? finals : Map.of();
        Optional<HistoryFile.Encoded> encoded = HistoryFile.encode(commit.history(), commit.runs(), kept, newestFinal);
        Optional<HistoryFile.Ref> old = base.history.map(ref -> ref.withKeepFrom(commit.keepHistoryFrom()));
        if (encoded.isEmpty()) {
            return old;
        }
        HistoryFile.Ref ref = old.orElseGet(() -> new HistoryFile.Ref(newGeneration().substring(0, 16),
                commit.keepHistoryFrom(), List.of()));
        if (old.isPresent() && !historyIntact(target, ref)) {
            ref = new HistoryFile.Ref(newGeneration().substring(0, 16), ref.keepFrom(), List.of());
        }
        long dead = ref.deadBytes();
        List<HistoryFile.Chunk> chunks = new ArrayList<>(ref.chunks());
        byte[] bytes = encoded.get().bytes();
        if (ref.chunks().isEmpty() || dead > 0 && dead >= HistoryFile.COMPACT_AT * ref.length()) {
            HistoryFile.Ref from = ref;
            HistoryFile.Ref compacted = new HistoryFile.Ref(newGeneration().substring(0, 16), ref.keepFrom(),
                    ref.chunks().stream().filter(c -> !from.dead(c)).toList());
            Path source = historyPath(target, ref.id());
            writeAtomically(target, historyPath(target, compacted.id()), out -> {
                if (!compacted.chunks().isEmpty()) {
                    copyLiveChunks(source, from, out);
                }
                out.write(bytes);
            });
            chunks = new ArrayList<>(compacted.chunks());
            chunks.add(encoded.get().chunk());
            return Optional.of(new HistoryFile.Ref(compacted.id(), compacted.keepFrom(), chunks));
        }
        Path file = historyPath(target, ref.id());
        refuseIfNotRegular(file, "history file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long position = ref.length();
            if (channel.size() > position) {
                channel.truncate(position); // bytes of a commit killed before its rename: never history
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(true);
        } catch (FileSystemException e) {
            throw new IOException("cannot append to the history file " + file + ": " + reason(e)
                    + "; the state was left as it was", e);
        }
        chunks.add(encoded.get().chunk());
        return Optional.of(new HistoryFile.Ref(ref.id(), ref.keepFrom(), chunks));
    }

    /**
     * Whether the history file the state names is there and at least as long as its committed chunks. A history file
     * that was deleted or cut short is not worth failing the run for (alerts matter more than the record of them): the
     * commit starts a new one and says so.
     */
    private boolean historyIntact(Target target, HistoryFile.Ref ref) {
        Path file = historyPath(target, ref.id());
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isRegularFile() && attributes.size() >= ref.length()) {
                return true;
            }
        } catch (IOException e) {
            // missing or unreadable: below
        }
        // Looked up here, not in a static field: a process that never meets this needs no slf4j provider.
        org.slf4j.LoggerFactory.getLogger(FileStateStore.class).warn("the history file {} of {} is missing or shorter than the state records; the history before this"
                + " run is lost and a new history file is started", file, describeFile());
        return false;
    }

    private void copyLiveChunks(Path source, HistoryFile.Ref ref, OutputStream out) throws IOException {
        try (FileChannel channel = ops.openForReading(source)) {
            long offset = 0;
            for (HistoryFile.Chunk chunk : ref.chunks()) {
                if (!ref.dead(chunk)) {
                    out.write(readChunk(channel, offset, chunk));
                }
                offset += chunk.length();
            }
        }
    }

    private static byte[] readChunk(FileChannel channel, long offset, HistoryFile.Chunk chunk) throws IOException {
        if (chunk.length() > Integer.MAX_VALUE - 16) {
            throw new IOException("a history chunk of " + chunk.length() + " bytes is larger than any this store writes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) chunk.length());
        long position = offset;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                break; // short: the checksum check names it
            }
            position += read;
        }
        return buffer.hasRemaining() ? java.util.Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
    }

    private static Path historyPath(Target target, String id) {
        return target.sibling(".history-" + id);
    }

    /** After a commit: history files no state names any more (the one before a compaction, a killed commit's). */
    private void removeOtherHistoryFiles(Target target, String current) {
        String prefix = target.file.getFileName() + ".history-";
        String keep = prefix + current;
        DirectoryStream.Filter<Path> ours = file -> {
            String name = file.getFileName().toString();
            return name.startsWith(prefix) && !name.equals(keep);
        };
        try (DirectoryStream<Path> files = Files.newDirectoryStream(target.directory, ours)) {
            for (Path file : files) {
                if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            // a left-over history file is named by no state and removed after the next commit
        }
    }

    @Override
    public boolean keepsHistory() {
        return true;
    }

    @Override
    public synchronized History history(HistoryQuery query) throws StateUnreadableException, IOException {
        Objects.requireNonNull(query, "query");
        try {
            for (int attempt = 0; ; attempt++) {
                Target target = held != null ? held.target : Target.resolve(path);
                Loaded loaded = held != null ? current(target) : read(target);
                if (loaded.history.isEmpty()) {
                    return History.EMPTY;
                }
                HistoryFile.Ref ref = loaded.history.get();
                Path file = historyPath(target, ref.id());
                try (FileChannel channel = ops.openForReading(file)) {
                    return readHistory(channel, file, ref, loaded.state, query);
                } catch (NoSuchFileException e) {
                    if (held == null && attempt == 0) {
                        continue; // a commit compacted it between our read of the state and the open: read again
                    }
                    throw historyUnreadable(file, "is missing", e);
                } catch (AccessDeniedException e) {
                    throw historyUnreadable(file, "cannot be read by this user: permission denied (" + ownerAndMode(file)
                            + ")", e);
                }
            }
        } catch (OutOfMemoryError e) {
            throw new IOException("ran out of memory reading the history of " + describeFile() + ": give the JVM a"
                    + " larger heap (java -Xmx...), or read less of it (--since)", e);
        } catch (Error e) {
            throw failure("reading the history of", e);
        }
    }

    private History readHistory(FileChannel channel, Path file, HistoryFile.Ref ref, StoredState state,
                                HistoryQuery query) throws IOException, StateUnreadableException {
        Map<String, HistoryEntry> events = new java.util.LinkedHashMap<>();
        List<RunSummary> runs = new ArrayList<>();
        Optional<Instant> keepFrom = ref.keepFrom();
        long offset = 0;
        int number = 0;
        for (HistoryFile.Chunk chunk : ref.chunks()) {
            number++;
            long at = offset;
            offset += chunk.length();
            if (ref.dead(chunk) || query.since().map(s -> chunk.newestMillis() < s.toEpochMilli()).orElse(false)) {
                continue;
            }
            HistoryFile.Decoded decoded;
            try {
                decoded = HistoryFile.decode(readChunk(channel, at, chunk), chunk, number);
            } catch (ShapeException e) {
                throw historyUnreadable(file, e.getMessage(), e);
            }
            for (HistoryEntry entry : decoded.events()) {
                if (keepFrom.map(k -> !entry.committedAt().isBefore(k)).orElse(true) && query.matches(entry)) {
                    events.put(entry.id(), entry);
                }
            }
            decoded.finals().forEach((id, deliveries) -> events.computeIfPresent(id,
                    (k, e) -> new HistoryEntry(e.id(), e.event(), e.committedAt(), deliveries)));
            for (RunSummary run : decoded.runs()) {
                if (keepFrom.map(k -> !run.runAt().isBefore(k)).orElse(true) && query.matches(run)) {
                    runs.add(run);
                }
            }
        }
        for (OutboxEntry entry : state.outbox()) {
            events.computeIfPresent(entry.id(), (k, e) -> new HistoryEntry(e.id(), e.event(), e.committedAt(),
                    entry.deliveries()));
        }
        return new History(List.copyOf(events.values()), runs);
    }

    private StateUnreadableException historyUnreadable(Path file, String problem, Throwable cause) {
        return new StateUnreadableException("the history file " + file + " of " + describeFile() + " " + problem
                + ". mfa-monitor changed nothing; runs go on (the next commit starts a new history file if this one is"
                + " missing or short). To keep the rest of the history, restore the file from a backup.", cause);
    }

    // ---- mark

    @Override
    public synchronized void mark(List<DeliveryMark> marks) throws IOException {
        Objects.requireNonNull(marks, "marks");
        if (marks.isEmpty()) {
            return;
        }
        try {
            Target target = held != null ? held.target : Target.resolve(path);
            Loaded base = current(target);
            if (!base.exists) {
                return; // no state, so no entry any mark could be about
            }
            checkDirectory(target.directory);
            Set<String> ids = new HashSet<>();
            for (OutboxEntry entry : base.state.outbox()) {
                ids.add(entry.id());
            }
            List<DeliveryMark> known = marks.stream().filter(m -> ids.contains(m.entryId())).toList();
            if (known.isEmpty()) {
                return;
            }
            cached = null;
            byte[] line = DeliveryJournal.line(known);
            Path journal = target.sibling(".journal");
            long length;
            if (base.journalLength >= 0) {
                length = append(journal, base.journalLength, line);
            } else {
                byte[] header = DeliveryJournal.header(base.generation);
                writeAtomically(target, journal, out -> {
                    out.write(header);
                    out.write(line);
                });
                length = header.length + line.length;
            }
            if (held != null) {
                cached = base.with(applyMarks(base.state, known), length);
            }
        } catch (Error e) {
            throw failure("recording deliveries in", e);
        }
    }

    /** Appends a line after the journal's last whole line (cutting off a torn one) and forces it to disk. */
    private long append(Path journal, long validLength, byte[] line) throws IOException {
        refuseIfNotRegular(journal, "delivery journal");
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (channel.size() > validLength) {
                channel.truncate(validLength);
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            long position = validLength;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(true);
            return position;
        } catch (FileSystemException e) {
            throw new IOException("cannot append to the delivery journal " + journal + ": " + reason(e), e);
        }
    }

    /** What the store holds now: the cache while locked (nobody else may write), else the files. */
    private Loaded current(Target target) throws IOException {
        if (held != null && cached != null) {
            return cached;
        }
        try {
            Loaded loaded = read(target);
            if (held != null) {
                cached = loaded;
            }
            return loaded;
        } catch (StateUnreadableException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    // ---- writing files

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private void writeAtomically(Target target, Content content) throws IOException {
        writeAtomically(target, target.file, content);
    }

    /**
     * Writes {@code destination} whole or not at all: a new file of our own, written through the descriptor that
     * created it, forced, renamed over the destination, and the directory forced.
     */
    private void writeAtomically(Target target, Path destination, Content content) throws IOException {
        Loaded before = cached;
        cached = null;
        Path directory = target.directory;
        Path temp = null;
        boolean renamed = false;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                temp = directory.resolve(target.temporaryPrefix() + newGeneration().substring(0, 16));
                try {
                    channel = createOwnerOnly(temp);
                } catch (FileAlreadyExistsException e) {
                    if (attempt >= 10) {
                        throw e;
                    }
                }
            }
            try (FileChannel open = channel) {
                OutputStream out = new BufferedOutputStream(new ChannelOutput(open), 256 * 1024);
                content.writeTo(out);
                out.flush();
                open.force(true);
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + destination + ": " + reason(e) + "; the state was left as it was", e);
        } finally {
            if (!renamed && temp != null) {
                deleteQuietly(temp);
            }
        }
        try {
            ops.forceDirectory(directory);
        } catch (IOException e) {
            throw new IOException("wrote " + destination + " but could not force its directory " + directory
                    + " to disk (" + reason(e) + "): the change may not survive a crash, so it counts as not stored", e);
        }
        cached = before;
    }

    /** {@code O_CREAT|O_EXCL|O_NOFOLLOW}, mode 0600 from the start; the umask can only take bits away. */
    static FileChannel createOwnerOnly(Path file) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (!posix(file.getParent())) {
            return FileChannel.open(file, options);
        }
        FileChannel channel = FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (!view.readAttributes().permissions().equals(OWNER_ONLY)) {
                // A umask such as 0277 took the owner's write bit: set 0600 on the file we created (it cannot have
                // been swapped: the directory is private to us).
                view.setPermissions(OWNER_ONLY);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            deleteQuietly(file);
            throw e;
        }
        return channel;
    }

    private void prepareDirectory(Target target) throws IOException {
        Path directory = target.directory;
        if (!Files.isDirectory(directory)) {
            if (target.viaLink) {
                throw new IOException(describeFile() + " is a symbolic link to " + target.file + ", whose directory"
                        + " does not exist");
            }
            try {
                if (posix(existingAncestor(directory))) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                } else {
                    Files.createDirectories(directory);
                }
            } catch (FileSystemException e) {
                throw new IOException("cannot create the state directory " + directory + ": " + reason(e), e);
            }
        }
        checkDirectory(directory);
    }

    /** Anyone who may write the directory could replace the state or plant links in it: refuse, as ssh does. */
    private void checkDirectory(Path directory) throws IOException {
        if (!posix(directory)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
        boolean group = permissions.contains(PosixFilePermission.GROUP_WRITE);
        boolean others = permissions.contains(PosixFilePermission.OTHERS_WRITE);
        if (group || others) {
            throw new IOException("the state directory " + directory + " may be written by "
                    + (group && others ? "its group and by others" : group ? "its group" : "others") + " (mode "
                    + PosixFilePermissions.toString(permissions) + "): whoever can write there could replace the state"
                    + " or plant links in it, so mfa-monitor refuses it. Make it private to the user that runs"
                    + " mfa-monitor: chmod 700 " + shellQuoted(directory.toString()));
        }
    }

    private static Path existingAncestor(Path directory) {
        Path at = directory;
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        return at == null ? directory.getRoot() : at;
    }

    private void refuseIfNotRegular(Path file, String what) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new IOException("the " + what + " " + file + " of " + describeFile() + " is " + kindOf(file, attributes)
                        + ", not a regular file; mfa-monitor did not open it. Remove it (rm " + shellQuoted(file.toString())
                        + ") if nothing else needs it");
            }
        } catch (NoSuchFileException e) {
            // created by us in a moment
        }
    }

    private static boolean posix(Path directory) {
        return directory != null && directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the original failure is the one to report; a left-over temp file is removed by the next lock
        }
    }

    // ---- messages

    private String describeFile() {
        return "state file " + path;
    }

    private StateUnreadableException unreadable(String problem, Throwable cause, boolean withRecovery) {
        return new StateUnreadableException(describeFile() + " " + problem + "." + (withRecovery ? " " + recovery() : ""), cause);
    }

    private StateUnreadableException journalUnreadable(Path journal, String problem, Throwable cause) {
        return new StateUnreadableException("the delivery journal " + journal + " of " + describeFile() + " " + problem
                + ". mfa-monitor left both unchanged and did nothing. The state file itself is whole: to recover, move"
                + " the journal aside (mv " + shellQuoted(journal.toString()) + " " + shellQuoted(journal + ".broken")
                + "); deliveries recorded since the last run's commit are then sent again.", cause);
    }

    private String recovery() {
        String quoted = shellQuoted(path.toString());
        return "mfa-monitor left it unchanged and did nothing. To recover, restore it from a backup, or move it aside"
                + " (mv " + quoted + " " + shellQuoted(path + ".broken") + ") to start over: the next run then records a"
                + " fresh baseline and alerts only on changes after it.";
    }

    private IOException failure(String doing, Error e) {
        return new IOException(doing.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + doing.substring(1) + " "
                + describeFile() + " failed: " + e, e);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String ownerAndMode(Path file) {
        try {
            var attributes = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return "owner " + attributes.owner().getName() + ", mode " + PosixFilePermissions.toString(attributes.permissions());
        } catch (IOException | UnsupportedOperationException e) {
            return "its owner and mode could not be read either";
        }
    }

    private static String sizeOf(Path file) {
        try {
            return Files.size(file) + " bytes";
        } catch (IOException e) {
            return "size unknown";
        }
    }

    private static String kindOf(Path file, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0140000 -> "a socket";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                default -> "not a file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    static String shellQuoted(String text) {
        if (text.matches("[A-Za-z0-9_./:@%+=,-]+")) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    // ---- parts

    /** Holds nothing between calls: every lock is released by its own {@link Lock#close()}. */
    @Override
    public void close() {
    }

    /**
     * Where the state really is: the configured path with symbolic links followed (the file itself and its
     * directories), so that the link's target is written and locked, never replaced by a regular file.
     */
    private record Target(Path file, Path directory, boolean viaLink, boolean dangling) {

        static Target resolve(Path configured) throws IOException {
            Path at = configured;
            boolean viaLink = false;
            for (int hops = 0; Files.isSymbolicLink(at); hops++) {
                if (hops == MAX_LINKS) {
                    throw new FileSystemException(configured.toString(), null, "more than " + MAX_LINKS + " symbolic links");
                }
                Path link = Files.readSymbolicLink(at);
                at = realDirectory(at.getParent()).resolve(link);
                viaLink = true;
            }
            Path directory = realDirectory(at.getParent());
            Path file = directory.resolve(at.getFileName());
            boolean dangling = viaLink && !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            return new Target(file, directory, viaLink, dangling);
        }

        private static Path realDirectory(Path directory) throws IOException {
            try {
                return directory.toRealPath();
            } catch (NoSuchFileException e) {
                return directory.toAbsolutePath().normalize();
            }
        }

        /** A file beside the real state file: {@code .lock}, {@code .journal}. */
        Path sibling(String suffix) {
            return directory.resolve(file.getFileName() + suffix);
        }

        /** Temporary files of this store start with this (so do those of the previous schema). */
        String temporaryPrefix() {
            return "." + file.getFileName() + ".tmp-";
        }
    }

    private static final class HeldLock implements Lock {
        private final FileStateStore store;
        private final FileLock lock;
        private final FileChannel channel;
        private final Path key;
        private final Target target;
        private boolean closed;

        HeldLock(FileStateStore store, FileLock lock, FileChannel channel, Path key, Target target) {
            this.store = store;
            this.lock = lock;
            this.channel = channel;
            this.key = key;
            this.target = target;
        }

        @Override
        public void close() throws IOException {
            synchronized (store) {
                if (closed) {
                    return;
                }
                closed = true;
                if (store.held == this) {
                    store.held = null;
                    store.cached = null;
                }
                try {
                    lock.release();
                } finally {
                    try {
                        channel.close();
                    } finally {
                        HELD_IN_THIS_JVM.remove(key);
                    }
                }
            }
        }
    }

    /** An output stream over the channel that does not close it (the caller forces, then closes). */
    private static final class ChannelOutput extends OutputStream {
        private final FileChannel channel;

        ChannelOutput(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Stops reading past the limit, so that a file that grows while read cannot exhaust the heap. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new TooLong();
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new TooLong();
                }
            }
            return n;
        }

        static final class TooLong extends IOException {
            private static final long serialVersionUID = 1L;

            TooLong() {
                super("the file grew past the size limit while it was read");
            }
        }
    }

    /** The file operations tests make fail: the OS's, unless a test says otherwise. */
    interface FileOps {
        FileOps SYSTEM = new FileOps() {
        };

        /** Opens a regular file for reading, without following a link. */
        default FileChannel openForReading(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }

        /** Forces a directory's entries (a rename in it) to disk. */
        default void forceDirectory(Path directory) throws IOException {
            if (!posix(directory)) {
                return; // Windows cannot open a directory; its rename is durable through the file system's journal
            }
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }
}
