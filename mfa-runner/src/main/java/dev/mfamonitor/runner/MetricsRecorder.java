package dev.mfamonitor.runner;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the metrics of the latest run: writes them to {@code --metrics-file} and hands them to {@code /metrics}.
 *
 * <p>Two values outlive a run: {@code mfa_monitor_events_total} (a counter must never go back to 0 between cron
 * runs, or {@code increase()} would see a reset every run) and each monitor's last complete read. Both are read back
 * from the previous metrics file when the process starts, so the file is its own memory; a process serving
 * {@code /metrics} without a file starts them at 0, as every counter of a new process does.
 */
final class MetricsRecorder implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(MetricsRecorder.class);
    /** One series with one label, as {@link RunMetrics#text} writes it: {@code name{label="value"} number}. */
    private static final Pattern SERIES = Pattern.compile("([a-z_]+)\\{([a-z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"} (\\S+)");

    private final Optional<Path> file;
    private final Map<String, Long> events = new TreeMap<>();
    private final Map<String, Instant> lastSuccess = new TreeMap<>();
    private volatile MetricSnapshots latest = MetricSnapshots.of();

    private MetricsRecorder(Optional<Path> file) {
        this.file = file;
    }

    /** A recorder that carries on from the values in {@code file}, if it exists. */
    static MetricsRecorder create(Optional<Path> file) {
        MetricsRecorder recorder = new MetricsRecorder(file);
        file.ifPresent(recorder::readCarried);
        return recorder;
    }

    Map<String, Long> events() {
        return Map.copyOf(events);
    }

    Map<String, Instant> lastSuccess() {
        return Map.copyOf(lastSuccess);
    }

    /** Takes the figures of a finished run: remembers what carries over, serves them, writes the file. */
    void record(RunMetrics run) {
        events.clear();
        events.putAll(run.events());
        lastSuccess.clear();
        lastSuccess.putAll(run.lastSuccess());
        latest = run.snapshots();
        if (file.isPresent()) {
            try {
                write(file.get(), RunMetrics.text(latest));
            } catch (IOException | RuntimeException e) {
                log.error("could not write the metrics file {}: {}; the run itself is not affected", file.get(), e.toString());
            }
        }
    }

    @Override
    public MetricSnapshots collect() {
        return latest;
    }

    /**
     * Writes atomically, as the textfile collector needs: a temp file in the same directory (whose name does not end in
     * {@code .prom}, so the collector never reads it half-written), synced, then renamed over the old one. Mode 0644,
     * so the node_exporter user can read it; the state stays 0600.
     */
    static void write(Path target, String text) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
        try {
            if (Files.getFileAttributeView(temp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(text));
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot rename atomically; put the metrics file"
                        + " on a local file system", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The carried values of an earlier run's file; lines that are not ours are ignored. */
    private void readCarried(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            log.warn("could not read the previous metrics file {} ({}); mfa_monitor_events_total starts again at 0", path, e);
            return;
        }
        for (String line : text.split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                continue;
            }
            String label = unescape(m.group(3));
            if (m.group(1).equals("mfa_monitor_events_total") && m.group(2).equals("type") && value >= 0) {
                events.put(label, (long) value);
            } else if (m.group(1).equals("mfa_monitor_last_success_timestamp_seconds") && m.group(2).equals("monitor")) {
                lastSuccess.put(label, Instant.ofEpochMilli(Math.round(value * 1000)));
            }
        }
    }

    /** The text format escapes {@code \}, {@code "} and newline in label values. */
    static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
