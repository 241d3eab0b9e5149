package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Reads one inventory and prints how many accounts it holds; run in a child JVM with a small heap by the tests. */
public final class ReadInventoryMain {
    private ReadInventoryMain() {
    }

    public static void main(String[] args) throws Exception {
        try (InventoryMonitor monitor = new InventoryMonitor("big", Path.of(args[0]), Optional.empty(), Clock.systemUTC())) {
            Snapshot snapshot = monitor.snapshot(new ScanRequest(Optional.empty(), true,
                    Deadline.after(Duration.ofMinutes(5), System::nanoTime)));
            System.out.println("accounts=" + snapshot.accounts().size());
        }
    }
}
