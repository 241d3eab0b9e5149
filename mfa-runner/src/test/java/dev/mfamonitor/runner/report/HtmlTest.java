package dev.mfamonitor.runner.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one escaper of the report (text and double-quoted attribute contexts). */
class HtmlTest {

    @Test
    void theFiveMarkupCharactersBecomeReferencesInTextAndAttributes() {
        String name = "<img src=x onerror=alert(1)> & \"quoted\" 'single'";
        String escaped = "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;";

        assertThat(Html.text(name)).isEqualTo(escaped);
        assertThat(Html.attribute(name)).isEqualTo(escaped);
    }

    @Test
    void anAttributeValueCannotBeClosed() {
        assertThat(Html.attribute("x\" onmouseover=\"alert(1)")).isEqualTo("x&quot; onmouseover=&quot;alert(1)");
        assertThat(Html.attribute("x' onmouseover='alert(1)")).isEqualTo("x&#39; onmouseover=&#39;alert(1)");
    }

    @Test
    void controlAndInvisibleCharactersAreRemovedBeforeEscaping() {
        assertThat(Html.text("ad\u2060min\u0000\r\n<b>")).isEqualTo("admin&lt;b&gt;");
        assertThat(Html.text("\u202Egnp.exe")).isEqualTo("gnp.exe");
    }

    @Test
    void everyOtherCharacterIsKeptAsIs() {
        assertThat(Html.text("Zoë 山田 👩‍💻 50% a+b=c")).isEqualTo("Zoë 山田 👩‍💻 50% a+b=c");
        assertThat(Html.text(null)).isEmpty();
    }
}
