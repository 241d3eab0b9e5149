package dev.mfamonitor.core.inventory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Opens an inventory file as a stream of checked UTF-8 text, and turns what reading it can throw into messages. */
final class InventoryInput {
    private static final int BUFFER_CHARS = 64 * 1024;

    private InventoryInput() {
    }

    /**
     * Opens the file for reading: a regular file only (a FIFO would block the run until the deadline), decoded strictly
     * as UTF-8, without the byte order mark spreadsheets and Windows editors put first.
     */
    static TrackedReader open(Path file, String monitorId) throws InventoryException {
        String check = "; check 'path' of monitor '" + monitorId + "'";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new InventoryException("inventory file " + file + " does not exist; create it or correct 'path' of "
                    + "monitor '" + monitorId + "'");
        } catch (IOException e) {
            throw new InventoryException("inventory file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")"
                    + check, e);
        }
        if (!attributes.isRegularFile()) {
            throw new InventoryException("inventory file " + file + " cannot be read (it is "
                    + (attributes.isDirectory() ? "a directory" : "not a regular file but a device, pipe or socket") + ")" + check);
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (AccessDeniedException e) {
            throw new InventoryException("inventory file " + file + " cannot be read: permission denied; let the user "
                    + "running mfa-monitor read it");
        } catch (IOException e) {
            throw new InventoryException("inventory file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")"
                    + check, e);
        }
        BufferedReader text = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), BUFFER_CHARS);
        try {
            text.mark(1);
            if (text.read() != '\uFEFF') {
                text.reset();
            }
        } catch (IOException e) {
            try {
                text.close();
            } catch (IOException ignored) {
                // the read error below is the one to report
            }
            throw readError(new InventoryText(String.valueOf(file.getFileName())), e, "text");
        }
        return new TrackedReader(text);
    }

    /** Whether an exception comes from the input itself (too long a line, not UTF-8) rather than from the parser. */
    static boolean isInputError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TrackedReader.LineTooLongException || t instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    /** The message for an exception met while reading the file as {@code format}. */
    static InventoryException readError(InventoryText file, Throwable e, String format) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TrackedReader.LineTooLongException tooLong) {
                return file.error(tooLong.line, "the line is longer than " + TrackedReader.MAX_LINE_CHARS
                        + " characters; an inventory has one short entry a line, check that the file is an account list");
            }
            if (t instanceof CharacterCodingException) {
                return file.error("is not UTF-8 text; save it as UTF-8");
            }
        }
        return file.error("cannot be read as " + format + ": " + e.getMessage());
    }
}
