package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NotifierContract;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The console notifier against the notifier contract. It lives in mfa-testkit because mfa-core cannot depend on the
 * testkit (the testkit depends on mfa-core).
 */
class ConsoleNotifierContractTest extends NotifierContract {
    private final FlushSplitter console = new FlushSplitter();

    @Override
    protected Notifier createNotifier() {
        return new ConsoleNotifier(new PrintStream(console, false, StandardCharsets.UTF_8));
    }

    /** The notifier flushes once per message, so what was written between two flushes is one message. */
    @Override
    protected List<String> deliveredMessages() {
        return List.copyOf(console.messages);
    }

    private static final class FlushSplitter extends OutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final List<String> messages = new ArrayList<>();

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            if (pending.size() > 0) {
                messages.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }
    }
}
