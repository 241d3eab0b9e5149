package dev.mfamonitor.support;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "500ms, PT0.5S",
            "30s,   PT30S",
            "15m,   PT15M",
            "24h,   PT24H",
            "7d,    PT168H",
            "PT15M, PT15M",
            "pt1h30m, PT1H30M",
            "' 10 M ', PT10M",
            "0s,    PT0S",
    })
    void parsesHowPeopleWriteDurations(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(strings = {"", "soon", "15", "m", "1.5h", "-5m", "PT", "P1Y", "15 minutes", "PT-15M",
            "99999999999999999999d", "9999999999999999d"})
    void rejectsAnythingElseSayingHowToWriteIt(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
    }

    @Test
    void nullIsRejected() {
        assertThatThrownBy(() -> Durations.parse(null))
                .hasMessage("'null' is not a duration; write it like 500ms, 30s, 15m, 24h, 7d or PT15M");
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({"PT0.5S, 500ms", "PT30S, 30s", "PT15M, 15m", "PT24H, 1d", "PT25H, 25h", "PT0S, 0s", "PT90M, 90m"})
    void formatsInTheLargestUnitThatDividesIt(Duration duration, String expected) {
        assertThat(Durations.format(duration)).isEqualTo(expected);
        assertThat(Durations.parse(expected)).isEqualTo(duration);
    }
}
