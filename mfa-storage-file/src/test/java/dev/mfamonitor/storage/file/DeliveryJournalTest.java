package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.StateUnreadableException;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.OutboxEntry;
import dev.mfamonitor.spi.state.RunCommit;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import dev.mfamonitor.testkit.StateStoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delivery journal under crashes and damage: what a torn append, a stale journal and a damaged line do. */
class DeliveryJournalTest {

    @TempDir
    Path directory;

    private Path file;
    private Path journal;
    private FileStateStore store;
    private final StoredState rich = StateStoreContract.richState();
    private static final Instant AT = Instant.parse("2024-05-01T12:05:00Z");
    private static final Delivery DELIVERED = new Delivery(Delivery.State.DELIVERED, 1, Optional.of(AT), Optional.empty());
    private static final Delivery RETRIED = new Delivery(Delivery.State.PENDING, 4, Optional.of(AT), Optional.of("HTTP 503"));

    @BeforeEach
    void committed() throws Exception {
        file = directory.resolve("mfa-state.json");
        journal = directory.resolve("mfa-state.json.journal");
        store = new FileStateStore(file);
        store.commit(StateStoreContract.commitOf(rich));
    }

    private DeliveryMark first() {
        return new DeliveryMark(rich.outbox().get(0).id(), "security-slack", DELIVERED);
    }

    private DeliveryMark second() {
        return new DeliveryMark(rich.outbox().get(1).id(), "security-slack", RETRIED);
    }

    private StoredState with(DeliveryMark... marks) {
        List<OutboxEntry> outbox = new ArrayList<>(rich.outbox());
        for (DeliveryMark mark : marks) {
            for (int i = 0; i < outbox.size(); i++) {
                if (outbox.get(i).id().equals(mark.entryId())) {
                    outbox.set(i, outbox.get(i).with(mark.notifierId(), mark.delivery()));
                }
            }
        }
        return new StoredState(rich.monitors(), outbox);
    }

    /** What a crash in the middle of an append can leave: part of the line, or zeros where the data did not land. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no newline", "half a line", "zero-filled", "a whole line with a wrong checksum", "only a length"})
    void aTornLastLineIsIgnoredAndCutOffBeforeTheNextAppend(String tear) throws Exception {
        try (StateStore.Lock lock = store.lock()) {
            store.mark(List.of(first()));
        }
        byte[] good = Files.readAllBytes(journal);
        byte[] line = DeliveryJournal.line(List.of(second()));
        byte[] torn = switch (tear) {
            case "no newline" -> Arrays.copyOf(line, line.length - 1);
            case "half a line" -> Arrays.copyOf(line, line.length / 2);
            case "zero-filled" -> new byte[line.length];
            case "a whole line with a wrong checksum" -> flipLastPayloadByte(line);
            case "only a length" -> "417".getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException(tear);
        };
        Files.write(journal, torn, StandardOpenOption.APPEND);

        assertThat(new FileStateStore(file).load()).as("the torn marks are lost, the others kept").isEqualTo(with(first()));
        assertThat(Files.size(journal)).as("loading changed nothing").isEqualTo(good.length + torn.length);

        DeliveryMark third = new DeliveryMark(rich.outbox().get(3).id(), "siem", DELIVERED);
        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.mark(List.of(third));
        }
        byte[] after = Files.readAllBytes(journal);
        byte[] expected = concat(good, DeliveryJournal.line(List.of(third)));
        assertThat(after).as("the torn line was cut off, the new one appended").isEqualTo(expected);
        assertThat(new FileStateStore(file).load()).isEqualTo(with(first(), third));
    }

    @Test
    void aDamagedLineFollowedByAWholeOneIsDamageNotATornAppendAndIsRefused() throws Exception {
        store.mark(List.of(first()));
        store.mark(List.of(second()));
        byte[] bytes = Files.readAllBytes(journal);
        int secondLineEnd = indexOfNth(bytes, (byte) '\n', 2);
        bytes[secondLineEnd - 3] ^= 0x01;
        Files.write(journal, bytes);

        assertThatThrownBy(() -> new FileStateStore(file).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageStartingWith("the delivery journal " + journal + " of state file " + file + " line 2 is damaged")
                .hasMessageContaining("yet line 3 after it is whole")
                .hasMessageContaining("mv " + journal + " " + journal + ".broken");
        assertThat(Files.readAllBytes(journal)).isEqualTo(bytes);
    }

    @Test
    void aJournalOfAnotherGenerationIsStaleAndIgnored() throws Exception {
        store.mark(List.of(first()));
        Path old = directory.resolve("old-journal");
        Files.copy(journal, old);
        Delivery reopened = new Delivery(Delivery.State.PENDING, 7, Optional.of(AT), Optional.of("reopened"));
        store.commit(new RunCommit(Map.of(), List.of(), List.of(new DeliveryMark(first().entryId(), "security-slack", reopened)),
                Set.of()));
        assertThat(journal).doesNotExist();

        // As if the commit had been killed after its rename and before it removed the journal it folded in.
        Files.copy(old, journal, StandardCopyOption.REPLACE_EXISTING);
        StoredState expected = with(new DeliveryMark(first().entryId(), "security-slack", reopened));
        assertThat(new FileStateStore(file).load()).isEqualTo(expected);

        try (StateStore.Lock lock = store.lock()) {
            store.load();
            store.mark(List.of(second()));
        }
        assertThat(Files.readAllLines(journal).get(0)).as("a new journal for the new generation")
                .isNotEqualTo(Files.readAllLines(old).get(0));
        assertThat(new FileStateStore(file).load()).isEqualTo(with(new DeliveryMark(first().entryId(), "security-slack", reopened),
                second()));
    }

    @Test
    void aJournalOfANewerVersionIsRefused() throws Exception {
        store.mark(List.of(first()));
        String text = Files.readString(journal);
        String header = text.substring(0, text.indexOf('\n') + 1);
        String payload = header.substring(header.indexOf('{'), header.length() - 1).replace("\"journal\":1", "\"journal\":2");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload.getBytes(StandardCharsets.UTF_8));
        Files.writeString(journal, payload.length() + " " + String.format("%08x", crc.getValue()) + " " + payload + "\n"
                + text.substring(header.length()));

        assertThatThrownBy(() -> new FileStateStore(file).load())
                .isInstanceOf(StateUnreadableException.class)
                .hasMessageContaining("was written by a newer mfa-monitor (journal version 2; this version reads 1)");
    }

    @Test
    void marksOfOneCallAreOneLine() throws Exception {
        store.mark(List.of(first(), second(), new DeliveryMark("unknown", "siem", DELIVERED)));

        List<String> lines = Files.readAllLines(journal);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains(first().entryId()).contains(second().entryId()).doesNotContain("unknown");
        assertThat(new FileStateStore(file).load()).isEqualTo(with(first(), second()));
    }

    private static byte[] flipLastPayloadByte(byte[] line) {
        byte[] copy = line.clone();
        copy[copy.length - 3] ^= 0x02;
        return copy;
    }

    private static int indexOfNth(byte[] bytes, byte b, int n) {
        for (int i = 0, seen = 0; i < bytes.length; i++) {
            if (bytes[i] == b && ++seen == n) {
                return i;
            }
        }
        throw new IllegalArgumentException("fewer than " + n);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
