package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.StoredState;
import dev.mfamonitor.testkit.StateStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class FileStateStoreTest {

    @TempDir
    Path directory;

    /** Each case: what the file holds, and what the message must say about it. */
    static Stream<Arguments> unreadableFiles() {
        byte[] whole = StateFileFormat.write(StateStoreContract.richState());
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        return Stream.of(
                Arguments.of("empty", new byte[0], "is empty"),
                Arguments.of("white space only", bytes(" \n\t\n"), "is empty"),
                Arguments.of("truncated", Arrays.copyOf(whole, whole.length / 2), "is not valid JSON (truncated or corrupt?) at line "),
                Arguments.of("garbage", garbage, "is not valid JSON (truncated or corrupt?) at line 1 column "),
                Arguments.of("trailing garbage", bytes("{\"schemaVersion\": 1, \"monitors\": {}, \"outbox\": []}\n}"),
                        "is not valid JSON (truncated or corrupt?) at line 2 column "),
                Arguments.of("a JSON array", bytes("[1, 2, 3]"), "the top level is an array, not an object"),
                Arguments.of("no schemaVersion", bytes("{\"monitors\": {}, \"outbox\": []}"), "'schemaVersion' is missing"),
                Arguments.of("monitors of the wrong type", bytes("{\"schemaVersion\": 1, \"monitors\": [], \"outbox\": []}"),
                        "is JSON but not an mfa-monitor state file of schema 1: 'monitors' is an array, expected an object"),
                Arguments.of("a nested field of the wrong type",
                        bytes("{\"schemaVersion\": 1, \"monitors\": {\"gh\": {\"failureStreak\": \"3\", \"alertedAt\": {}}}, \"outbox\": []}"),
                        "'monitors.gh.failureStreak' is a string, expected a whole number"),
                Arguments.of("an unknown MFA status",
                        new String(whole, StandardCharsets.UTF_8).replaceFirst("\"DISABLED\"", "\"OFF\"").getBytes(StandardCharsets.UTF_8),
                        "is 'OFF', expected one of ENABLED, DISABLED, NOT_APPLICABLE, UNKNOWN"),
                Arguments.of("schema 2", bytes("{\"schemaVersion\": 2, \"monitors\": {}, \"outbox\": []}"),
                        "was written by a newer mfa-monitor (schema 2; this version reads schema 1)"),
                Arguments.of("schema 7 of another shape", bytes("{\"schemaVersion\": 7, \"state\": [\"whatever\"]}"),
                        "was written by a newer mfa-monitor (schema 7; this version reads schema 1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableFiles")
    void anUnreadableFileIsRefusedWithARecoveryHintAndLeftExactlyAsItWas(String what, byte[] content, String problem)
            throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.write(file, content);

        assertThatThrownBy(() -> new FileStateStore(file).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageStartingWith("state file " + file + " ")
                .hasMessageContaining(problem)
                .hasMessageContaining("restore it from a backup")
                .hasMessageContaining("(mv " + file + " " + file + ".broken)")
                .hasMessageContaining("fresh baseline");

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(fileNames()).containsExactly("mfa-state.json");
    }

    @Test
    void anAbsentFileIsAFirstRunAndLoadingItCreatesNothing() throws Exception {
        Path file = directory.resolve("sub").resolve("mfa-state.json");

        assertThat(new FileStateStore(file).load()).isEqualTo(StoredState.EMPTY);
        assertThat(fileNames()).isEmpty();
    }

    @Test
    void theRecoveryCommandQuotesAPathWithSpaces() throws Exception {
        Path file = directory.resolve("my state").resolve("mfa state.json");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[0]);

        assertThatThrownBy(() -> new FileStateStore(file).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("(mv '" + file + "' '" + file + ".broken')");
    }

    @Test
    void theStateFileIsReadableByItsOwnerOnlyEvenWhenItWasNotBefore() throws Exception {
        assumeThat(directory.getFileSystem().supportedFileAttributeViews()).as("POSIX file system").contains("posix");
        Path file = directory.resolve("mfa-state.json");
        Files.writeString(file, "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        FileStateStore store = new FileStateStore(file);

        store.save(StateStoreContract.richState());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        store.lock().close();
        Path lockFile = directory.resolve("mfa-state.json.lock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile))).isEqualTo("rw-------");
    }

    @Test
    void savesLeaveNoTemporaryFilesBehind() throws Exception {
        FileStateStore store = new FileStateStore(directory.resolve("mfa-state.json"));

        for (int generation = 1; generation <= 5; generation++) {
            store.save(StateFileChild.bulkyState(generation));
        }

        assertThat(fileNames()).containsExactly("mfa-state.json");
        assertThat(store.load()).isEqualTo(StateFileChild.bulkyState(5));
    }

    @Test
    void aFailedSaveRemovesItsTemporaryFileAndKeepsWhatWasThere() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.createDirectories(file);
        Files.writeString(file.resolve("keep.txt"), "not ours");

        assertThatThrownBy(() -> new FileStateStore(file).save(StateStoreContract.richState())).isInstanceOf(IOException.class);

        assertThat(fileNames()).containsExactly("mfa-state.json");
        assertThat(Files.readString(file.resolve("keep.txt"))).isEqualTo("not ours");
    }

    @Test
    void saveCreatesMissingDirectories() throws Exception {
        FileStateStore store = new FileStateStore(directory.resolve("a").resolve("b").resolve("mfa-state.json"));

        store.save(StateStoreContract.richState());

        assertThat(new FileStateStore(directory.resolve("a/b/mfa-state.json")).load()).isEqualTo(StateStoreContract.richState());
    }

    @Test
    void aReaderDuringSavesAlwaysSeesOneWholeState() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore writer = new FileStateStore(file);
        FileStateStore reader = new FileStateStore(file);
        StoredState odd = StateFileChild.stateWithAccounts(1, 300);
        StoredState even = StateFileChild.stateWithAccounts(2, 200);
        writer.save(odd);
        AtomicBoolean stop = new AtomicBoolean();

        CompletableFuture<Integer> saving = CompletableFuture.supplyAsync(() -> {
            int saves = 0;
            try {
                while (!stop.get()) {
                    writer.save(saves % 2 == 0 ? even : odd);
                    saves++;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return saves;
        });
        int loads = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
            while (System.nanoTime() < deadline) {
                StoredState loaded = reader.load();
                assertThat(loaded).as("load %d", loads).isIn(odd, even);
                loads++;
            }
        } finally {
            stop.set(true);
        }

        assertThat(saving.get(10, TimeUnit.SECONDS)).isGreaterThan(5);
        assertThat(loads).isGreaterThan(5);
    }

    /**
     * state-v1.json was written by the first version of the format from {@link StateStoreContract#richState()}. Files
     * written by earlier releases must stay readable; if richState() changes, this fixture must not simply be
     * regenerated: keep an expected state for it here instead.
     */
    @Test
    void theFormatOfSchemaOneStaysReadableAndIsWrittenByteForByteTheSame() throws Exception {
        byte[] golden;
        try (var in = FileStateStoreTest.class.getResourceAsStream("state-v1.json")) {
            golden = in.readAllBytes();
        }
        Path file = directory.resolve("mfa-state.json");
        Files.write(file, golden);
        FileStateStore store = new FileStateStore(file);

        assertThat(store.load()).isEqualTo(StateStoreContract.richState());

        store.save(StateStoreContract.richState());
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(new String(golden, StandardCharsets.UTF_8))
                .startsWith("{\n  \"schemaVersion\" : 1,\n  \"monitors\" : {");
    }

    @Test
    void describeNamesTheAbsoluteFile() {
        Path file = directory.resolve("mfa-state.json");
        assertThat(new FileStateStore(file).describe()).isEqualTo("file " + file.toAbsolutePath());
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
