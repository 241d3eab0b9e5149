package dev.mfamonitor.runner.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Writes the report atomically: a temporary file in the target's directory, flushed to disk, then renamed over the
 * target (and the directory flushed), so a web server or a person opening the file never sees half a page, and a failed write leaves the previous
 * report as it was. The file is made readable by everyone (0644), like a page meant to be served; the state file
 * stays 0600.
 */
public final class ReportFile {
    private ReportFile() {
    }

    /**
     * Why {@code target} cannot receive a report, or empty when it can: its directory must exist and it must not be a
     * directory itself. Checked before anything is read.
     */
    public static Optional<String> problem(Path target) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            return Optional.of("--output " + target + " is a directory; name the file to write, such as "
                    + target.resolve("report.html"));
        }
        if (directory == null || !Files.isDirectory(directory)) {
            return Optional.of("the directory of --output " + target + " does not exist; create it (mkdir -p "
                    + directory + ") or choose another path");
        }
        if (!Files.isWritable(directory)) {
            return Optional.of("cannot write in " + directory + " (the directory of --output); choose another path");
        }
        return Optional.empty();
    }

    /** Replaces {@code target} with {@code html}, atomically. */
    public static void write(Path target, String html) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temp = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            if (Files.getFileAttributeView(temp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + absolute + " atomically on this file system: " + e.getMessage(), e);
            }
            syncDirectory(directory);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename itself durable where the platform can (Linux can; some file systems and Windows cannot). */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The report is written and renamed; only its durability across a power cut is left to the system.
        }
    }
}
