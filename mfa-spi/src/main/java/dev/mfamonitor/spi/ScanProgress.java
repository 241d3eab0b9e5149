package dev.mfamonitor.spi;

/**
 * Where a long scan stands, for the person watching: a monitor calls it as it reads (pages, accounts). The engine
 * shows it on standard error; calls are cheap and may come from any thread.
 */
@FunctionalInterface
public interface ScanProgress {
    /** Progress that goes nowhere. */
    ScanProgress NONE = (read, unit) -> { };

    /**
     * @param read how many {@code unit}s were read so far in this scan
     * @param unit what is counted, plural: {@code "accounts"}, {@code "pages"}
     */
    void read(long read, String unit);
}
