package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.StateStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file store's own behaviour beside the contract: its format, its messages, what it refuses. */
class FileStateStoreTest {

    @TempDir
    Path directory;

    static byte[] richFile() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StateFileFormat.write(StateStoreContract.richState(), "0123456789abcdef0123456789abcdef", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String richText() {
        return new String(richFile(), StandardCharsets.UTF_8);
    }

    /** Each case: what the file holds, and what the message must say about it. */
    static Stream<Arguments> unreadableFiles() {
        byte[] whole = richFile();
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        String rich = richText();
        return Stream.of(
                Arguments.of("empty", new byte[0], "is empty"),
                Arguments.of("white space only", bytes(" \n\t\n"), "is empty (it holds only white space)"),
                Arguments.of("truncated", Arrays.copyOf(whole, whole.length / 2), "is not valid JSON (truncated or corrupt?) at line 1, column "),
                Arguments.of("cut after the last brace", Arrays.copyOf(whole, whole.length - 2), "is not valid JSON (truncated or corrupt?)"),
                Arguments.of("garbage", garbage, "is not valid JSON (truncated or corrupt?) at line 1, column "),
                Arguments.of("trailing garbage", bytes("{\"schemaVersion\":2,\"generation\":\"g\",\"monitors\":{},\"outbox\":[]}\n}"),
                        "is not valid JSON (truncated or corrupt?) at line 2, column "),
                Arguments.of("a JSON array", bytes("[1, 2, 3]"), "the top level is an array, expected an object"),
                Arguments.of("no schemaVersion", bytes("{\"monitors\": {}, \"outbox\": []}"), "'schemaVersion' is missing"),
                Arguments.of("an empty object", bytes("{}"), "'schemaVersion' is missing"),
                Arguments.of("a string schemaVersion", bytes("{\"schemaVersion\": \"2\"}"), "'schemaVersion' is a string, expected a whole number"),
                Arguments.of("no generation", bytes("{\"schemaVersion\":2,\"monitors\":{},\"outbox\":[]}"), "'generation' is missing"),
                Arguments.of("monitors of the wrong type", bytes("{\"schemaVersion\":2,\"generation\":\"g\",\"monitors\":[],\"outbox\":[]}"),
                        "is JSON but not an mfa-monitor state file: 'monitors' is an array, expected an object"),
                Arguments.of("a nested field of the wrong type",
                        bytes("{\"schemaVersion\":2,\"generation\":\"g\",\"monitors\":{\"gh\":{\"failureStreak\":\"3\",\"alertedAt\":{}}},\"outbox\":[]}"),
                        "'monitors.gh.failureStreak' is a string, expected a whole number"),
                Arguments.of("an unknown MFA status", bytes(rich.replaceFirst("\"mfa\":\"DISABLED\"", "\"mfa\":\"OFF\"")),
                        "'monitors.aws/prod.eu.lastGood.accounts[1].mfa' is 'OFF', expected one of ENABLED, DISABLED, NOT_APPLICABLE, UNKNOWN"),
                Arguments.of("negative attempts", bytes(rich.replaceFirst("\"attempts\":3", "\"attempts\":-3")),
                        "'outbox[0].deliveries.siem' is not valid: delivery attempts must not be negative"),
                Arguments.of("a blank event id", bytes(rich.replaceFirst("\"event\":\\{\"id\":\"[0-9a-f]+\"", "\"event\":{\"id\":\" \"")),
                        "'outbox[0].event' is not valid: event id must not be blank"),
                Arguments.of("an entry meant for no notifier", bytes(rich.replaceFirst("\"deliveries\":\\{\"security-slack\":\\{\"state\":\"PENDING\",\"attempts\":0}}",
                                "\"deliveries\":{}")),
                        "'outbox[1]' is not valid: outbox entry 0002-failed is meant for no notifier"),
                Arguments.of("a blank entry id", bytes(rich.replaceFirst("\"id\":\"0002-failed\"", "\"id\":\"\"")),
                        "'outbox[1]' is not valid: outbox entry id must not be blank"),
                Arguments.of("two entries of one id", bytes(rich.replaceFirst("\"id\":\"0002-failed\"", "\"id\":\"0001-disabled\"")),
                        "'outbox[1]' has the id '0001-disabled' of an earlier entry"),
                Arguments.of("a negative failure streak", bytes(rich.replaceFirst("\"failureStreak\":5", "\"failureStreak\":-5")),
                        "'monitors.never-worked' is not valid: failureStreak must not be negative"),
                Arguments.of("a duplicate field", bytes("{\"schemaVersion\":2,\"schemaVersion\":1}"), "Duplicate field 'schemaVersion'"),
                Arguments.of("not an event type name", bytes(rich.replaceFirst("\"name\":\"MFA_DISABLED\"", "\"name\":\"mfa disabled!\"")),
                        "'outbox[0].event.type' is not valid: 'mfa disabled!' is not an event type name"),
                Arguments.of("schema 3", bytes("{\"schemaVersion\":3,\"generation\":\"g\",\"monitors\":{},\"outbox\":[]}"),
                        "was written by a newer mfa-monitor (schema 3; this version reads schemas 1 and 2)"),
                Arguments.of("schema 7 of another shape", bytes("{\"schemaVersion\": 7, \"state\": [\"whatever\"]}"),
                        "was written by a newer mfa-monitor (schema 7; this version reads schemas 1 and 2)"),
                Arguments.of("schema 9 not first", bytes("{\"state\": [\"whatever\"], \"schemaVersion\": 9}"),
                        "was written by a newer mfa-monitor (schema 9; this version reads schemas 1 and 2)"),
                Arguments.of("schema 0", bytes("{\"schemaVersion\":0}"), "declares schema 0, which no mfa-monitor writes"),
                Arguments.of("schema-1 negative attempts", bytes(v1Golden().replace("\"attempts\" : 3", "\"attempts\" : -3")),
                        "'outbox[0].deliveries.siem' is not valid: delivery attempts must not be negative"),
                Arguments.of("schema-1 blank event id", bytes(v1Golden().replace("\"id\" : \"e-4\"", "\"id\" : \"\"")),
                        "'outbox[3].event' is not valid: event id must not be blank"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableFiles")
    void anUnreadableFileIsRefusedWithARecoveryHintAndLeftExactlyAsItWas(String what, byte[] content, String problem)
            throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.write(file, content);
        FileStateStore store = new FileStateStore(file);

        try (StateStore.Lock lock = store.lock()) {
            assertThatThrownBy(store::load)
                    .isInstanceOf(StateUnreadableException.class)
                    .hasMessageStartingWith("state file " + file + " ")
                    .hasMessageContaining(problem)
                    .hasMessageContaining("restore it from a backup")
                    .hasMessageContaining("(mv " + file + " " + file + ".broken)")
                    .hasMessageContaining("fresh baseline");
            assertThatThrownBy(() -> store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of())))
                    .as("a commit over a state it cannot read").isInstanceOf(IOException.class)
                    .hasMessageContaining(problem);
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(fileNames()).containsExactly("mfa-state.json", "mfa-state.json.lock");
    }

    @Test
    void anAbsentFileIsAFirstRunAndLoadingItCreatesNothing() throws Exception {
        Path file = directory.resolve("sub").resolve("mfa-state.json");

        StoredState loaded = new FileStateStore(file).load();

        assertThat(loaded).isEqualTo(StoredState.EMPTY);
        assertThat(loaded.firstRun()).isTrue();
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
    void theFileIsCompactJsonOfSchemaTwoOnOneLine() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);

        store.commit(StateStoreContract.commitOf(StateStoreContract.richState()));

        String text = Files.readString(file);
        assertThat(text).startsWith("{\"schemaVersion\":2,\"generation\":\"").endsWith("]}\n");
        assertThat(text.indexOf('\n')).as("one line").isEqualTo(text.length() - 1);
        assertThat(text).doesNotContain("\": ").doesNotContain("\" : ").doesNotContain("\n  ");
        assertThat(text).as("written as UTF-8, not escaped").contains("José Müller 🔐");
        String generation = text.substring(33, 65);
        assertThat(generation).matches("[0-9a-f]{32}");
        assertThat(text.replace(generation, "0123456789abcdef0123456789abcdef")).isEqualTo(richText());
    }

    /**
     * state-v2.json was written by the first version of schema 2 from {@link StateStoreContract#richState()}. Files
     * written by earlier releases must stay readable; if richState() changes, this fixture must not simply be
     * regenerated: keep an expected state for it here instead.
     */
    @Test
    void theFormatOfSchemaTwoStaysReadableAndIsWrittenTheSame() throws Exception {
        String golden = resource("state-v2.json");
        Path file = directory.resolve("mfa-state.json");
        Files.writeString(file, golden);
        FileStateStore store = new FileStateStore(file);

        assertThat(store.load()).isEqualTo(StateStoreContract.richState());
        assertThat(golden).isEqualTo(richText().replace("0123456789abcdef0123456789abcdef", "6b1f9c2e0d4a48e7a1c35f0b9e2d7c61"));
    }

    @Test
    void fieldsAddedByALaterWriterOfSchemaTwoAreSkipped() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.writeString(file, richText()
                .replace("{\"schemaVersion\":2,", "{\"schemaVersion\":2,\"writtenBy\":{\"version\":\"9.9\",\"list\":[1,[2]]},")
                .replace("\"kind\":\"root\"", "\"kind\":\"root\",\"extra\":null"));

        assertThat(new FileStateStore(file).load()).isEqualTo(StateStoreContract.richState());
    }

    @Test
    void aMarkAppendsToTheJournalAndLeavesTheStateFileAsItWas() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        StoredState state = StateStoreContract.richState();
        try (StateStore.Lock lock = store.lock()) {
            store.commit(StateStoreContract.commitOf(state));
            byte[] committed = Files.readAllBytes(file);
            Object inode = Files.getAttribute(file, "unix:ino");

            store.mark(List.of(new DeliveryMark("0002-failed", "security-slack",
                    new Delivery(Delivery.State.DELIVERED, 1, Optional.empty(), Optional.empty()))));
            long afterOne = Files.size(directory.resolve("mfa-state.json.journal"));
            store.mark(List.of(new DeliveryMark("0004-removed", "siem",
                    new Delivery(Delivery.State.PENDING, 2, Optional.empty(), Optional.of("timeout")))));

            assertThat(Files.readAllBytes(file)).isEqualTo(committed);
            assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
            List<String> lines = Files.readAllLines(directory.resolve("mfa-state.json.journal"));
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).matches("\\d+ [0-9a-f]{8} \\{\"journal\":1,\"generation\":\"[0-9a-f]{32}\"}");
            assertThat(lines.get(2)).matches("\\d+ [0-9a-f]{8} \\{\"marks\":\\[\\{\"entry\":\"0004-removed\",\"notifier\":\"siem\","
                    + "\"delivery\":\\{\"state\":\"PENDING\",\"attempts\":2,\"lastError\":\"timeout\"}}]}");
            assertThat(Files.size(directory.resolve("mfa-state.json.journal")))
                    .isEqualTo(afterOne + lines.get(2).length() + 1);

            store.commit(new RunCommit(Map.of(), List.of(), List.of(), Set.of("0002-failed")));
            assertThat(fileNames()).as("the commit folded the journal in").doesNotContain("mfa-state.json.journal");
        }
        assertThat(new FileStateStore(file).load().outbox().get(2).deliveries().get("siem"))
                .isEqualTo(new Delivery(Delivery.State.PENDING, 2, Optional.empty(), Optional.of("timeout")));
    }

    @Test
    void commitsLeaveNoTemporaryFilesBehind() throws Exception {
        FileStateStore store = new FileStateStore(directory.resolve("mfa-state.json"));

        StoredState previous = StoredState.EMPTY;
        for (int generation = 1; generation <= 5; generation++) {
            store.commit(StateFileChild.commitReplacing(previous, StateFileChild.bulkyState(generation)));
            store.mark(StateFileChild.marksFor(StateFileChild.bulkyState(generation)));
            previous = StateFileChild.bulkyState(generation);
        }

        assertThat(fileNames()).containsExactly("mfa-state.json", "mfa-state.json.journal");
        assertThat(store.load()).isEqualTo(StateFileChild.marked(StateFileChild.bulkyState(5)));
    }

    @Test
    void aFailedCommitRemovesItsTemporaryFileAndKeepsWhatWasThere() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        Files.createDirectories(file);
        Files.writeString(file.resolve("keep.txt"), "not ours");
        FileStateStore store = new FileStateStore(file);

        assertThatThrownBy(() -> store.commit(StateStoreContract.commitOf(StateStoreContract.richState())))
                .isInstanceOf(IOException.class);

        assertThat(fileNames()).containsExactly("mfa-state.json");
        assertThat(Files.readString(file.resolve("keep.txt"))).isEqualTo("not ours");
    }

    @Test
    void commitCreatesMissingDirectories() throws Exception {
        FileStateStore store = new FileStateStore(directory.resolve("a").resolve("b").resolve("mfa-state.json"));

        store.commit(StateStoreContract.commitOf(StateStoreContract.richState()));

        assertThat(new FileStateStore(directory.resolve("a/b/mfa-state.json")).load()).isEqualTo(StateStoreContract.richState());
    }

    /** Catches a store that truncates the file and then writes it: a reader would see it empty or half written. */
    @Test
    void aReaderDuringCommitsAndMarksAlwaysSeesOneWholeState() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore writer = new FileStateStore(file);
        FileStateStore reader = new FileStateStore(file);
        StoredState odd = StateFileChild.stateWithAccounts(1, 3000);
        StoredState even = StateFileChild.stateWithAccounts(2, 2000);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        StateStore.Lock lock = writer.lock();
        java.util.concurrent.CompletableFuture<Void> writing;
        int loads = 0;
        try {
            writer.commit(StateFileChild.commitReplacing(StoredState.EMPTY, odd));
            writing = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    StoredState last = odd;
                    while (!stop.get()) {
                        StoredState next = commits.get() % 2 == 0 ? even : odd;
                        writer.commit(StateFileChild.commitReplacing(last, next));
                        writer.mark(StateFileChild.marksFor(next));
                        last = next;
                        commits.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Enough overlap to catch a torn write, counted rather than timed, so that a slow machine only takes
            // longer; the cap only keeps a broken writer from hanging the build.
            long cap = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while ((loads < 200 || commits.get() < 20) && System.nanoTime() < cap && !writing.isDone()) {
                StoredState loaded = reader.load();
                assertThat(loaded).as("load %d", loads).isIn(odd, even, StateFileChild.marked(odd), StateFileChild.marked(even));
                loads++;
            }
        } finally {
            stop.set(true);
        }
        try {
            writing.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            lock.close();
        }
        assertThat(commits.get()).as("commits while reading").isGreaterThanOrEqualTo(20);
        assertThat(loads).isGreaterThanOrEqualTo(200);
    }

    @Test
    void describeNamesTheAbsoluteFile() {
        Path file = directory.resolve("mfa-state.json");
        assertThat(new FileStateStore(file).describe()).isEqualTo("file " + file.toAbsolutePath());
    }

    static String v1Golden() {
        return resource("state-v1.json");
    }

    static String resource(String name) {
        try (var in = FileStateStoreTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name, e);
        }
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
