package dev.mfamonitor.core.inventory;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;

/**
 * Passes an inventory's characters through, one read at a time, while counting lines, so that the file is never held
 * in memory whole (a million-row export stays a stream) and errors can still name a line.
 *
 * <p>It refuses a line longer than {@link #MAX_LINE_CHARS} as it reads it, before a parser builds a string of it: no
 * honest inventory has one, and an 8 MB "name" would otherwise cost a gigabyte of parser buffers.
 */
final class TrackedReader extends Reader {
    /** The longest line accepted; an entry is far shorter, and the longest field is {@link InventoryText#MAX_FIELD_CHARS}. */
    static final int MAX_LINE_CHARS = 64 * 1024;

    /** A line over {@link #MAX_LINE_CHARS}; the readers turn it into an error naming the line. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;
        final int line;

        LineTooLongException(int line) {
            super("line " + line + " is longer than " + MAX_LINE_CHARS + " characters");
            this.line = line;
        }
    }

    private final Reader in;
    private long offset;
    private int line = 1;
    private int lineLength;
    private boolean atLineStart = true;
    private boolean afterCarriageReturn;
    /** {offset, line} of the first character of each non-empty line read but not yet asked about: the read-ahead only. */
    private final ArrayDeque<long[]> lineStarts = new ArrayDeque<>();

    TrackedReader(Reader in) {
        this.in = in;
    }

    @Override
    public int read(char[] buffer, int start, int length) throws IOException {
        int count = in.read(buffer, start, length);
        for (int i = start; i < start + Math.max(count, 0); i++) {
            track(buffer[i]);
        }
        return count;
    }

    private void track(char c) throws LineTooLongException {
        if (c == '\n' || c == '\r') {
            // "\r\n" is one line break, as are "\n" and "\r" alone.
            if (!(c == '\n' && afterCarriageReturn)) {
                line++;
            }
            atLineStart = true;
            lineLength = 0;
        } else {
            if (atLineStart) {
                lineStarts.addLast(new long[] {offset, line});
                atLineStart = false;
            }
            if (++lineLength > MAX_LINE_CHARS) {
                throw new LineTooLongException(line);
            }
        }
        afterCarriageReturn = c == '\r';
        offset++;
    }

    /**
     * The line of the first non-empty line starting at or after {@code characterOffset}: where a record that starts
     * there, after any blank lines, really is. Offsets asked about must not decrease.
     */
    int lineOfRecordAt(long characterOffset) {
        while (!lineStarts.isEmpty() && lineStarts.peekFirst()[0] < characterOffset) {
            lineStarts.removeFirst();
        }
        return lineStarts.isEmpty() ? line : (int) lineStarts.peekFirst()[1];
    }

    /** The first non-empty line after line {@code after}, for an error that follows the last good record. */
    int firstNonEmptyLineAfter(int after) {
        for (long[] start : lineStarts) {
            if (start[1] > after) {
                return (int) start[1];
            }
        }
        return after + 1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
