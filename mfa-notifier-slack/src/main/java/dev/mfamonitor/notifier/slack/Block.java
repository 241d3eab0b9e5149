package dev.mfamonitor.notifier.slack;

import java.util.List;
import java.util.Objects;

/**
 * The three Block Kit blocks a {@link SlackMessage} is made of, as plain values; {@link SlackJson} writes them as Slack
 * reads them (a {@code header} with {@code plain_text}, a {@code section} and a {@code context} with {@code verbatim}
 * {@code mrkdwn}).
 */
public sealed interface Block {

    /** The characters of text the block carries, as Slack counts them for {@code msg_blocks_too_long}. */
    int textLength();

    /**
     * A {@code header} block.
     *
     * @param text plain text, at most {@value SlackMessage#MAX_HEADER_CHARS} characters
     */
    record Header(String text) implements Block {
        public Header {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public int textLength() {
            return text.length();
        }
    }

    /**
     * A {@code section} block.
     *
     * @param mrkdwn its text, mrkdwn shown {@code verbatim}, at most {@value SlackMessage#MAX_SECTION_CHARS} characters
     */
    record Section(String mrkdwn) implements Block {
        public Section {
            Objects.requireNonNull(mrkdwn, "mrkdwn");
        }

        @Override
        public int textLength() {
            return mrkdwn.length();
        }
    }

    /**
     * A {@code context} block.
     *
     * @param mrkdwn its elements, each a mrkdwn text shown {@code verbatim}
     */
    record Context(List<String> mrkdwn) implements Block {
        public Context {
            mrkdwn = List.copyOf(mrkdwn);
        }

        @Override
        public int textLength() {
            return mrkdwn.stream().mapToInt(String::length).sum();
        }
    }
}
