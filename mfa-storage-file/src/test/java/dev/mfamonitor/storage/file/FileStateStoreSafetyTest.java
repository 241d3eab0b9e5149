package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.StateStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The file store against a hostile or broken file system: modes, planted links, special files, huge files, files it
 * may not read, failing fsyncs and errors of the JVM (issue 12, items 20, 42, 44, 45, 47).
 */
class FileStateStoreSafetyTest {

    @TempDir
    Path directory;

    private static final StoredState RICH = StateStoreContract.richState();

    // ---- item 20: modes, the directory, planted links

    @Test
    void theStateDirectoryIsCreatedPrivateAndTheFilesReadableByTheirOwnerOnly() throws Exception {
        Path file = directory.resolve("state").resolve("deeper").resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);

        try (StateStore.Lock lock = store.lock()) {
            store.commit(StateStoreContract.commitOf(RICH));
            store.mark(StateFileChild.marksFor(RICH));
        }

        assertThat(mode(directory.resolve("state"))).isEqualTo("rwx------");
        assertThat(mode(file.getParent())).isEqualTo("rwx------");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(file.resolveSibling("mfa-state.json.lock"))).isEqualTo("rw-------");
        assertThat(mode(file.resolveSibling("mfa-state.json.journal"))).isEqualTo("rw-------");
    }

    @Test
    void theStateFileIsReadableByItsOwnerOnlyEvenWhenItWasNotBefore() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.writeString(file, "{\"schemaVersion\":2,\"generation\":\"g\",\"monitors\":{},\"outbox\":[]}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        new FileStateStore(file).commit(StateStoreContract.commitOf(RICH));

        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void aStateDirectoryOthersMayWriteIsRefusedWithTheFixAndNothingIsCreatedInIt() throws Exception {
        Path shared = Files.createDirectory(directory.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        FileStateStore store = new FileStateStore(shared.resolve("mfa-state.json"));

        assertThatThrownBy(store::lock)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the state directory " + shared + " may be written by its group and by others (mode rwxrwxrwx)")
                .hasMessageContaining("chmod 700 " + shared);
        assertThatThrownBy(() -> store.commit(StateStoreContract.commitOf(RICH)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("chmod 700 " + shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(store::lock).hasMessageContaining("may be written by its group (mode rwxrwxr-x)");

        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aPlantedLockFileLinkIsNotFollowed() throws Exception {
        Path victim = directory.resolve("victim");
        Path file = directory.resolve("mfa-state.json");
        Files.createSymbolicLink(directory.resolve("mfa-state.json.lock"), victim);

        assertThatThrownBy(() -> new FileStateStore(file).lock())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the lock file " + directory.resolve("mfa-state.json.lock"))
                .hasMessageContaining("is a symbolic link, not a regular file");

        assertThat(victim).doesNotExist();
    }

    @Test
    void aPlantedJournalLinkIsNotFollowed() throws Exception {
        Path victim = directory.resolve("victim");
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        store.commit(StateStoreContract.commitOf(RICH));
        Files.createSymbolicLink(directory.resolve("mfa-state.json.journal"), victim);

        assertThatThrownBy(store::load)
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("the delivery journal " + directory.resolve("mfa-state.json.journal"))
                .hasMessageContaining("is not a regular file (it is a symbolic link)");
        assertThat(victim).doesNotExist();
    }

    @Test
    void aTemporaryFileIsCreatedAnewAndNeverThroughALinkPlantedAtItsName() throws Exception {
        Path victim = Files.writeString(directory.resolve("victim"), "untouched");
        Path planted = directory.resolve(".mfa-state.json.tmp-0000");
        Files.createSymbolicLink(planted, victim);

        assertThatThrownBy(() -> FileStateStore.createOwnerOnly(planted)).isInstanceOf(FileAlreadyExistsException.class);

        assertThat(Files.readString(victim)).isEqualTo("untouched");
        try (FileChannel channel = FileStateStore.createOwnerOnly(directory.resolve(".mfa-state.json.tmp-0001"))) {
            assertThat(channel.isOpen()).isTrue();
        }
        assertThat(mode(directory.resolve(".mfa-state.json.tmp-0001"))).isEqualTo("rw-------");
    }

    // ---- item 42: a state path that is a symbolic link

    @Test
    void aStatePathThatIsALinkIsWrittenThroughToItsTargetAndLockedBesideIt() throws Exception {
        Path real = Files.createDirectory(directory.resolve("volume"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path target = real.resolve("state.json");
        new FileStateStore(target).commit(StateStoreContract.commitOf(StoredState.EMPTY));
        Path configured = Files.createDirectory(directory.resolve("etc")).resolve("mfa-state.json");
        Files.createSymbolicLink(configured, target);
        FileStateStore store = new FileStateStore(configured);

        try (StateStore.Lock lock = store.lock()) {
            assertThat(real.resolve("state.json.lock")).exists();
            assertThatThrownBy(() -> new FileStateStore(target).lock()).as("the same lock through the real path")
                    .isInstanceOf(dev.mfamonitor.spi.StateLockedException.class);
            store.commit(StateStoreContract.commitOf(RICH));
            store.mark(StateFileChild.marksFor(RICH));
        }

        assertThat(Files.isSymbolicLink(configured)).as("the link is still a link").isTrue();
        assertThat(Files.readSymbolicLink(configured)).isEqualTo(target);
        assertThat(new FileStateStore(target).load()).isEqualTo(StateFileChild.marked(RICH));
        assertThat(store.load()).isEqualTo(StateFileChild.marked(RICH));
        assertThat(real.resolve("state.json.journal")).exists();
        try (Stream<Path> files = Files.list(configured.getParent())) {
            assertThat(files).containsExactly(configured);
        }
    }

    @Test
    void aLinkToALinkAndALinkedDirectoryAreFollowedToTheRealFile() throws Exception {
        Path real = Files.createDirectory(directory.resolve("real"));
        Path linkedDirectory = Files.createSymbolicLink(directory.resolve("linked"), real);
        Path second = Files.createSymbolicLink(directory.resolve("second.json"), linkedDirectory.resolve("state.json"));
        Path first = Files.createSymbolicLink(directory.resolve("first.json"), Path.of("second.json"));
        new FileStateStore(real.resolve("state.json")).commit(StateStoreContract.commitOf(StoredState.EMPTY));
        FileStateStore store = new FileStateStore(first);

        try (StateStore.Lock lock = store.lock()) {
            store.commit(StateStoreContract.commitOf(RICH));
        }

        assertThat(Files.isSymbolicLink(first) && Files.isSymbolicLink(second)).isTrue();
        assertThat(new FileStateStore(real.resolve("state.json")).load()).isEqualTo(RICH);
        assertThat(real.resolve("state.json.lock")).exists();
    }

    @Test
    void aDanglingLinkIsUnreadableStateNeverAFreshBaseline() throws Exception {
        Path missing = Files.createDirectory(directory.resolve("volume")).resolve("state.json");
        Path configured = directory.resolve("mfa-state.json");
        Files.createSymbolicLink(configured, missing);
        FileStateStore store = new FileStateStore(configured);

        try (StateStore.Lock lock = store.lock()) {
            assertThatThrownBy(store::load)
                    .isInstanceOf(StateUnreadableException.class)
                    .hasMessageStartingWith("state file " + configured + " is a symbolic link to " + missing
                            + ", which does not exist")
                    .hasMessageContaining("rather than start over with a fresh baseline");
            assertThatThrownBy(() -> store.commit(StateStoreContract.commitOf(RICH))).isInstanceOf(IOException.class);
        }
        assertThat(missing).doesNotExist();
        assertThat(Files.isSymbolicLink(configured)).isTrue();

        Path noDirectory = directory.resolve("unmounted").resolve("state.json");
        Path other = Files.createSymbolicLink(directory.resolve("other.json"), noDirectory);
        assertThatThrownBy(() -> new FileStateStore(other).lock()).isInstanceOf(IOException.class)
                .hasMessageContaining("is a symbolic link to " + noDirectory + ", whose directory does not exist");
        assertThatThrownBy(() -> new FileStateStore(other).load()).isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("which does not exist");
        assertThat(directory.resolve("unmounted")).doesNotExist();
    }

    // ---- item 44: regular files only, a size limit

    @Test
    void aFifoIsRefusedAtOnceWithoutBeingOpened() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        FileStateStore store = new FileStateStore(file);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (StateStore.Lock lock = store.lock()) {
                assertThatThrownBy(store::load)
                        .isInstanceOf(StateUnreadableException.class)
                        .hasMessage("state file " + file + " is not a regular file (it is a FIFO (named pipe)); mfa-monitor"
                                + " reads its state only from a regular file and did not open it.");
            }
        });
    }

    @Test
    void aDirectoryAtTheStatePathIsRefused() throws Exception {
        Path file = Files.createDirectory(directory.resolve("mfa-state.json"));

        assertThatThrownBy(() -> new FileStateStore(file).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("is not a regular file (it is a directory)");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedWithoutReadingIt() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength((2L << 30) + 1); // 2 GiB and a byte: no array can hold it, and none is tried
        }

        assertThatThrownBy(() -> new FileStateStore(file).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("is 2147483649 bytes, more than the 1073741824 bytes this store reads")
                .hasMessageContaining("restore it from a backup");
        assertThat(Files.size(file)).isEqualTo((2L << 30) + 1);
    }

    @Test
    void theLimitIsTheStoresOwnAndAppliesToTheJournalToo() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        new FileStateStore(file).commit(StateStoreContract.commitOf(StateFileChild.bulkyState(1)));
        long size = Files.size(file);

        assertThat(new FileStateStore(file, size, FileStateStore.FileOps.SYSTEM).load()).isEqualTo(StateFileChild.bulkyState(1));
        assertThatThrownBy(() -> new FileStateStore(file, size - 1, FileStateStore.FileOps.SYSTEM).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("is " + size + " bytes, more than the " + (size - 1) + " bytes this store reads");

        FileStateStore small = new FileStateStore(directory.resolve("small.json"), 20_000, FileStateStore.FileOps.SYSTEM);
        try (StateStore.Lock lock = small.lock()) {
            small.commit(StateStoreContract.commitOf(RICH));
            for (int i = 0; i < 40; i++) {
                small.mark(StateFileChild.marksFor(RICH));
            }
        }
        assertThatThrownBy(small::load)
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("the delivery journal " + directory.resolve("small.json.journal"))
                .hasMessageContaining("more than the 20000 bytes this store reads");
    }

    // ---- item 45: temporary files of killed runs

    @Test
    void takingTheLockRemovesTemporaryFilesOfKilledRunsAndNothingElse() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        store.commit(StateStoreContract.commitOf(RICH));
        byte[] state = Files.readAllBytes(file);
        for (String name : List.of(".mfa-state.json.tmp-1f2e3d4c5b6a7988", ".mfa-state.json.tmp-0", ".mfa-state.json.tmp-journal")) {
            Files.write(directory.resolve(name), new byte[5_000]);
        }
        Files.writeString(directory.resolve(".other.json.tmp-1234"), "another store's");
        Files.writeString(directory.resolve("notes.txt"), "mine");
        Files.createDirectory(directory.resolve(".mfa-state.json.tmp-dir"));

        store.lock().close();

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("mfa-state.json",
                    "mfa-state.json.lock", ".other.json.tmp-1234", "notes.txt", ".mfa-state.json.tmp-dir");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(state);
    }

    @Test
    void aStateFileNameWithGlobCharactersOnlyEverRemovesItsOwnTemporaryFiles() throws Exception {
        Path file = directory.resolve("state[1]{a,b}*.json");
        FileStateStore store = new FileStateStore(file);
        Files.writeString(directory.resolve(".state[1]{a,b}*.json.tmp-5"), "stale");
        Files.writeString(directory.resolve(".state1a.json.tmp-5"), "another store's");

        store.lock().close();

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("state[1]{a,b}*.json.lock", ".state1a.json.tmp-5");
        }
    }

    // ---- item 47: a file this user may not read, a failing directory fsync

    @Test
    void aStateFileThisUserMayNotReadIsUnreadableStateWithTheReason() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        new FileStateStore(file).commit(StateStoreContract.commitOf(RICH));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        boolean osRefuses;
        try (var in = Files.newInputStream(file)) {
            osRefuses = false; // root reads anyway: let the store's file operations answer EACCES as the OS would
        } catch (AccessDeniedException e) {
            osRefuses = true;
        }
        FileStateStore.FileOps denied = new FileStateStore.FileOps() {
            @Override
            public FileChannel openForReading(Path path) throws IOException {
                throw new AccessDeniedException(path.toString());
            }
        };
        FileStateStore store = osRefuses ? new FileStateStore(file) : new FileStateStore(file, FileStateStore.DEFAULT_MAX_BYTES, denied);

        assertThatThrownBy(store::load)
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageStartingWith("state file " + file + " cannot be read by this user: permission denied (owner ")
                .hasMessageContaining("mode ---------")
                .hasMessageContaining("Run mfa-monitor as the user that owns the state, or give this user read and write access");
        assertThat(mode(file)).isEqualTo("---------");
    }

    @Test
    void aFailedDirectoryFsyncIsAFailedCommit() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore.FileOps failingSync = new FileStateStore.FileOps() {
            @Override
            public void forceDirectory(Path path) throws IOException {
                throw new IOException("Input/output error");
            }
        };
        FileStateStore store = new FileStateStore(file, FileStateStore.DEFAULT_MAX_BYTES, failingSync);

        assertThatThrownBy(() -> store.commit(StateStoreContract.commitOf(RICH)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("could not force its directory " + directory + " to disk (Input/output error)")
                .hasMessageContaining("counts as not stored");
    }

    // ---- every Error of the JVM becomes a failure with a message

    @Test
    void runningOutOfMemoryWhileLoadingIsAnIoFailureThatSaysWhatToDo() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        new FileStateStore(file).commit(StateStoreContract.commitOf(RICH));
        FileStateStore.FileOps exhausted = new FileStateStore.FileOps() {
            @Override
            public FileChannel openForReading(Path path) {
                throw new OutOfMemoryError("Java heap space");
            }
        };

        assertThatThrownBy(() -> new FileStateStore(file, FileStateStore.DEFAULT_MAX_BYTES, exhausted).load())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("ran out of memory reading state file " + file + " (" + Files.size(file) + " bytes)")
                .hasMessageContaining("-Xmx")
                .hasCauseInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void anErrorWhileCommittingIsAnIoFailureNamingIt() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore.FileOps broken = new FileStateStore.FileOps() {
            @Override
            public void forceDirectory(Path path) {
                throw new InternalError("the JVM broke");
            }
        };
        FileStateStore store = new FileStateStore(file, FileStateStore.DEFAULT_MAX_BYTES, broken);

        assertThatThrownBy(() -> store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of())))
                .isInstanceOf(IOException.class)
                .hasMessage("Committing to state file " + file + " failed: java.lang.InternalError: the JVM broke");
        assertThat(store.load()).as("the rename before the failed sync").isEqualTo(StoredState.EMPTY);
    }

    @Test
    void anErrorWhileMarkingIsAnIoFailureNamingIt() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        new FileStateStore(file).commit(StateStoreContract.commitOf(RICH));
        FileStateStore.FileOps broken = new FileStateStore.FileOps() {
            @Override
            public void forceDirectory(Path path) {
                throw new InternalError("the JVM broke");
            }
        };

        assertThatThrownBy(() -> new FileStateStore(file, FileStateStore.DEFAULT_MAX_BYTES, broken).mark(StateFileChild.marksFor(RICH)))
                .isInstanceOf(IOException.class)
                .hasMessage("Recording deliveries in state file " + file + " failed: java.lang.InternalError: the JVM broke");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
}
