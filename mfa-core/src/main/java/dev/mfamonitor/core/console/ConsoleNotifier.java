package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Prints each notification as one {@link TextMessage} to a stream, standard output outside tests. Useful for the
 * quickstart, for cron jobs whose output is mailed, and for container logs.
 */
public final class ConsoleNotifier implements Notifier {
    private final PrintStream out;

    /** @param out where messages go; flushed after each message and never closed */
    public ConsoleNotifier(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Writes the message in one piece followed by a newline, then flushes. A stream that reports an error (a closed
     * pipe, a full disk) is a transient failure, so that the events stay pending instead of being marked delivered.
     */
    @Override
    public DeliveryResult send(Notification notification) {
        out.print(TextMessage.render(notification) + "\n");
        out.flush();
        // PrintStream swallows IOExceptions; without this check a broken pipe would count as delivered.
        if (out.checkError()) {
            return DeliveryResult.retry("could not write to the console (standard output is closed or failing); "
                    + "check where the output of mfa-monitor goes");
        }
        return DeliveryResult.delivered();
    }

    /** Flushes; the stream is not ours to close. */
    @Override
    public void close() {
        out.flush();
    }
}
