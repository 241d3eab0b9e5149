package dev.mfamonitor.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTest {

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {
            "2060", // word joiner: "ad\u2060min" must not pass as "admin"
            "00AD", // soft hyphen
            "180E", // Mongolian vowel separator
            "200B", "200C", "200E", "200F", // zero-width space and non-joiner, LRM, RLM
            "202A", "202B", "202C", "202D", "202E", // bidi embeddings and overrides
            "2066", "2067", "2068", "2069", "061C", // bidi isolates, Arabic letter mark
            "2061", "2062", "2063", "2064", // invisible operators
            "FEFF", "FFF9", "FFFB", // byte order mark, interlinear annotation
            "E0001", "E0020", "E0041", "E007F", "E0000", // tag characters, the whole block
            "2028", "2029", // line and paragraph separators
            "0000", "0007", "0009", "000A", "000D", "001B", "007F", // C0 and DEL
            "0080", "0085", "009B", "009F", // C1
            "200D", // a joiner that is not between two emoji
    })
    void removesEveryInvisibleOrControlCharacter(String hex) {
        String hidden = new String(Character.toChars(Integer.parseInt(hex, 16)));

        assertThat(SafeText.clean("ad" + hidden + "min")).isEqualTo("admin");
    }

    @Test
    void keepsAJoinerBetweenTwoEmojiSoSequencesStayWhole() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // man ZWJ woman ZWJ girl
        String rainbowFlag = "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08"; // white flag VS16 ZWJ rainbow
        String healthWorker = "\uD83D\uDC69\uD83C\uDFFD\u200D\u2695\uFE0F"; // woman, skin tone, ZWJ, staff of Aesculapius
        String heartOnFire = "\u2764\uFE0F\u200D\uD83D\uDD25";

        assertThat(SafeText.clean("team " + family + " " + rainbowFlag + " " + healthWorker + " " + heartOnFire))
                .isEqualTo("team " + family + " " + rainbowFlag + " " + healthWorker + " " + heartOnFire);
    }

    @Test
    void removesAJoinerNextToOnlyOneEmoji() {
        assertThat(SafeText.clean("a\u200D\uD83D\uDC69")).isEqualTo("a\uD83D\uDC69");
        assertThat(SafeText.clean("\uD83D\uDC69\u200Db")).isEqualTo("\uD83D\uDC69b");
        assertThat(SafeText.clean("\u200D\uD83D\uDC69")).isEqualTo("\uD83D\uDC69");
        assertThat(SafeText.clean("\uD83D\uDC69\u200D")).isEqualTo("\uD83D\uDC69");
        // The joiner's neighbour is what is shown, not what was there: a removed character does not count.
        assertThat(SafeText.clean("\uD83D\uDC69\u200D\u200B\uD83D\uDC69")).isEqualTo("\uD83D\uDC69\uD83D\uDC69");
    }

    @Test
    void removesTerminalEscapeSequencesIntroducers() {
        assertThat(SafeText.clean("mal\u001b[2J\u001b]0;pwned\u0007lory\r\n\u202Egnp.exe"))
                .isEqualTo("mal[2J]0;pwnedlorygnp.exe");
    }

    @Test
    void keepsOrdinaryTextOfEveryScript() {
        String text = "Zoë O'Brien-日本 & <co> \uD83D\uDC69 \u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627 "
                + "\u0928\u092E\u0938\u094D\u0924\u0947 \u2764\uFE0F *bold* _it_ ~s~ `code`";

        assertThat(SafeText.clean(text)).isEqualTo(text);
    }
}
