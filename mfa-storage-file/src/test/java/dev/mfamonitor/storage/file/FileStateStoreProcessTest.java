package dev.mfamonitor.storage.file;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.spi.StateLockedException;
import dev.mfamonitor.spi.state.StateStore;
import dev.mfamonitor.spi.state.StoredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only real processes can show: a commit or a mark killed at any moment leaves a whole state, and the lock dies
 * with its process.
 *
 * <p>The SIGKILL test catches a store that streams its JSON into the state file, or overwrites it without truncating
 * (the states differ in size), and a journal whose torn last line is not recognised. A store that truncates and then
 * writes a ready byte array is broken only for the fraction of a millisecond the write takes, which a kill rarely
 * hits; the contract's concurrent reader catches that one every time.
 */
class FileStateStoreProcessTest {

    @TempDir
    Path directory;

    @Test
    void aWriterKilledAtAnyMomentLeavesAWholeStateBehind() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);
        try (StateStore.Lock lock = store.lock()) {
            store.commit(StateFileChild.commitReplacing(StoredState.EMPTY, StateFileChild.bulkyState(0)));
        }
        Random random = new Random();
        List<Integer> savesPerRound = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();

        for (int round = 0; round < 10 && System.nanoTime() < deadline; round++) {
            int lastSaved;
            int lastMarked;
            try (ChildJvm child = ChildJvm.start("write", file)) {
                child.awaitLine("started", Duration.ofSeconds(20));
                Thread.sleep(50 + random.nextInt(351));
                child.kill();
                lastSaved = last(child.output(), "saved ");
                lastMarked = last(child.output(), "marked ");
            }

            StoredState loaded = store.load();

            assertThat(loaded.monitors()).as("state after kill in round %d", round).containsOnlyKeys("github-acme");
            int generation = StateFileChild.generationOf(loaded);
            Snapshot snapshot = loaded.monitors().get("github-acme").lastGood().orElseThrow();
            assertThat(snapshot.accounts()).hasSize(Integer.parseInt(snapshot.facts().get("accounts")));
            assertThat(snapshot.accounts()).extracting(Account::facts)
                    .allSatisfy(facts -> assertThat(facts).containsEntry("generation", String.valueOf(generation)));
            assertThat(generation).as("a commit that returned is kept; at most the one under way when killed is added")
                    .isBetween(lastSaved, lastSaved + 1);
            StoredState committed = StateFileChild.bulkyState(generation);
            if (generation == lastMarked) {
                assertThat(loaded).as("marks that returned are kept").isEqualTo(StateFileChild.marked(committed));
            } else {
                assertThat(loaded).as("the marks of one call are kept whole or not at all")
                        .isIn(committed, StateFileChild.marked(committed));
            }
            savesPerRound.add(lastSaved);
        }

        assertThat(savesPerRound).as("rounds run within the time limit").hasSizeGreaterThanOrEqualTo(5);
        assertThat(savesPerRound).as("the children were killed in the middle of saving, not before")
                .anyMatch(saves -> saves > 2);
        store.lock().close();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("taking the lock removed the temporary files of killed runs")
                    .allMatch(name -> List.of("mfa-state.json", "mfa-state.json.lock", "mfa-state.json.journal").contains(name));
        }
    }

    private static int last(List<String> output, String prefix) {
        return output.stream().filter(line -> line.startsWith(prefix))
                .mapToInt(line -> Integer.parseInt(line.substring(prefix.length()))).max().orElse(0);
    }

    @Test
    void theLockIsHeldAcrossProcessesAndDiesWithItsProcess() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);

        try (ChildJvm child = ChildJvm.start("lock", file)) {
            child.awaitLine("locked", Duration.ofSeconds(20));

            assertThatThrownBy(store::lock)
                    .isInstanceOf(StateLockedException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("another mfa-monitor run");

            child.kill();
        }

        try (StateStore.Lock lock = store.lock()) {
            assertThat(lock).isNotNull();
        }
    }

    @Test
    void aRefusedSecondLockInThisProcessDoesNotReleaseTheFirst() throws Exception {
        Path file = directory.resolve("mfa-state.json");
        FileStateStore store = new FileStateStore(file);

        StateStore.Lock held = store.lock();
        try {
            assertThatThrownBy(() -> new FileStateStore(file).lock()).isInstanceOf(StateLockedException.class);

            try (ChildJvm child = ChildJvm.start("try-lock", file)) {
                assertThat(child.waitFor(Duration.ofSeconds(20))).isZero();
                assertThat(child.output()).containsExactly("busy");
            }
        } finally {
            held.close();
        }

        try (ChildJvm child = ChildJvm.start("try-lock", file)) {
            assertThat(child.waitFor(Duration.ofSeconds(20))).isZero();
            assertThat(child.output()).containsExactly("locked");
        }
    }
}
