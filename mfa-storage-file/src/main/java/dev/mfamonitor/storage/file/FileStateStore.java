package dev.mfamonitor.storage.file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.StateStore;
import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.StoredState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The state in one JSON file (see {@link StateFileFormat}), replaced atomically on every save and guarded by an OS
 * file lock on a sibling {@code <file>.lock}.
 *
 * <p>A save writes a temporary file in the same directory (mode 0600), forces it to disk, renames it over the state
 * file in one atomic step and forces the directory, so that a crash at any moment leaves either the old or the new
 * state, whole. A load never changes the file: an absent file is a first run, anything else it cannot read is a
 * {@link StateUnreadableException} that says how to recover.
 */
public final class FileStateStore implements StateStore {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /**
     * Lock files this JVM holds. Within one process the OS lock cannot tell two holders apart, and closing a second
     * channel on a locked file releases the process's lock on some systems (POSIX record locks), so a second attempt
     * from this JVM must be refused before it opens the file at all.
     */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final Path lockPath;

    /** @param path the state file; its directory is created on the first save or lock */
    public FileStateStore(Path path) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        if (this.path.getFileName() == null) {
            throw new IllegalArgumentException("the state path " + path + " names no file");
        }
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    }

    /** The state file. */
    public Path path() {
        return path;
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public StoredState load() throws StateUnreadableException, IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return StoredState.EMPTY;
        }
        if (bytes.length == 0) {
            throw unreadable("is empty", null);
        }
        JsonNode root;
        try {
            root = StateFileFormat.parse(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            throw unreadable("is not valid JSON (truncated or corrupt?)" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw unreadable("is empty (it holds only white space)", null);
        }
        try {
            int schema = StateFileFormat.schemaVersion(root);
            if (schema > StateFileFormat.SCHEMA_VERSION) {
                throw new StateUnreadableException(describeFile() + " was written by a newer mfa-monitor (schema " + schema
                        + "; this version reads schema " + StateFileFormat.SCHEMA_VERSION + "). Run that newer version, or "
                        + recovery());
            }
            if (schema < 1) {
                throw unreadable("declares schema " + schema + ", which no mfa-monitor writes", null);
            }
            return StateFileFormat.read(root);
        } catch (StateFileFormat.ShapeException e) {
            throw unreadable("is JSON but not an mfa-monitor state file of schema " + StateFileFormat.SCHEMA_VERSION
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(StoredState state) throws IOException {
        byte[] bytes = StateFileFormat.write(state);
        Path directory = path.getParent();
        Files.createDirectories(directory);
        Path temp = createTempFile(directory);
        boolean renamed = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
        } finally {
            if (!renamed) {
                deleteQuietly(temp);
            }
        }
        forceDirectory(directory);
    }

    @Override
    public Lock lock() throws StateLockedException, IOException {
        Files.createDirectories(lockPath.getParent());
        Path key = lockPath.getParent().toRealPath().resolve(lockPath.getFileName());
        if (!HELD_IN_THIS_JVM.add(key)) {
            throw locked();
        }
        FileChannel channel = null;
        try {
            channel = openLockFile();
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Another part of this JVM locked the same file through another path; refuse as if it were a run.
                lock = null;
            }
            if (lock == null) {
                throw locked();
            }
            return new HeldLock(lock, channel, key);
        } catch (StateLockedException | IOException | RuntimeException | Error e) {
            HELD_IN_THIS_JVM.remove(key);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** Holds nothing between calls: every lock is released by its own {@link Lock#close()}. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return describe();
    }

    private FileChannel openLockFile() throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (supportsPosix(lockPath.getParent())) {
            return FileChannel.open(lockPath, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        return FileChannel.open(lockPath, options);
    }

    private StateLockedException locked() {
        return new StateLockedException("state file " + path + " is in use by another mfa-monitor run (it holds the lock "
                + lockPath + "); this run did nothing. Wait for that run to finish; if none is running, the lock was"
                + " released when its process ended, so simply run again");
    }

    private String describeFile() {
        return "state file " + path;
    }

    private StateUnreadableException unreadable(String problem, Throwable cause) {
        return new StateUnreadableException(describeFile() + " " + problem + ". " + recovery(), cause);
    }

    private String recovery() {
        String quoted = shellQuoted(path.toString());
        return "mfa-monitor left it unchanged and did nothing. To recover, restore it from a backup, or move it aside"
                + " (mv " + quoted + " " + shellQuoted(path + ".broken") + ") to start over: the next run then records a"
                + " fresh baseline and alerts only on changes after it.";
    }

    private static String shellQuoted(String text) {
        if (text.matches("[A-Za-z0-9_./:@%+=,-]+")) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private Path createTempFile(Path directory) throws IOException {
        boolean posix = supportsPosix(directory);
        for (int attempt = 0; ; attempt++) {
            String name = "." + path.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            Path temp = directory.resolve(name);
            try {
                if (posix) {
                    FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
                    Files.createFile(temp, ownerOnly);
                    // The umask can only take bits away; set the mode explicitly anyway so it is exactly 0600.
                    Files.setPosixFilePermissions(temp, OWNER_ONLY);
                } else {
                    Files.createFile(temp);
                }
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    private static boolean supportsPosix(Path directory) {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Makes the rename durable. Some file systems (and Windows) refuse to open a directory: nothing more to do there. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not supported here; the rename itself is still atomic
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the original failure is the one to report; a left-over hidden temp file is harmless
        }
    }

    private static final class HeldLock implements Lock {
        private final FileLock lock;
        private final FileChannel channel;
        private final Path key;
        private boolean closed;

        HeldLock(FileLock lock, FileChannel channel, Path key) {
            this.lock = lock;
            this.channel = channel;
            this.key = key;
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
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
