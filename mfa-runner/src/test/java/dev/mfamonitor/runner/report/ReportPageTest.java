package dev.mfamonitor.runner.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The page as text: self-contained, a strict policy that matches its style sheet, every name escaped. */
class ReportPageTest {
    private final String html = ReportPage.html(HostileReport.report());

    @Test
    void thePolicyAllowsOnlyThePagesOwnStyleSheetByItsHash() throws Exception {
        Matcher style = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL).matcher(html);
        assertThat(style.find()).isTrue();
        String hash = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(style.group(1).getBytes(StandardCharsets.UTF_8)));

        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"
                + hash + "'; img-src data:; base-uri 'none'; form-action 'none'\">");
        // The policy comes before the style sheet it governs, and there is only one.
        assertThat(html.indexOf("Content-Security-Policy")).isLessThan(html.indexOf("<style>"));
        assertThat(html.split("<style", -1)).hasSize(2);
    }

    @Test
    void thePageLoadsNothingAndRunsNothing() {
        // After escaping, every '<' of the page starts one of its own tags: list them all, with their attributes.
        Set<String> tags = new TreeSet<>();
        Set<String> attributes = new TreeSet<>();
        Matcher tag = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>").matcher(html);
        while (tag.find()) {
            tags.add(tag.group(1).toLowerCase(Locale.ROOT));
            Pattern quoted = Pattern.compile("\\s([a-zA-Z][a-zA-Z0-9-]*)=\"[^\"]*\"");
            Matcher attribute = quoted.matcher(tag.group(2));
            while (attribute.find()) {
                attributes.add(attribute.group(1).toLowerCase(Locale.ROOT));
            }
            // Nothing else in a tag: no unquoted or valueless attribute.
            assertThat(quoted.matcher(tag.group(2)).replaceAll("")).as(tag.group()).matches("/?");
        }

        assertThat(tags).containsExactlyInAnyOrder("html", "head", "meta", "title", "style", "body", "main", "header", "h1",
                "p", "section", "h2", "small", "ul", "li", "b", "figure", "svg", "g", "line", "text", "polyline", "circle",
                "figcaption", "span", "table", "thead", "tr", "th", "tbody", "td", "footer");
        assertThat(attributes).containsExactlyInAnyOrder("lang", "charset", "http-equiv", "content", "name", "id", "class",
                "xmlns", "viewbox", "role", "aria-labelledby", "x1", "x2", "y1", "y2", "x", "y", "data-monitor", "points",
                "cx", "cy", "r");
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("url(").doesNotContain("@import").doesNotContain("@font-face");
        // The only URL is the SVG namespace, which is a name, not a request.
        assertThat(Pattern.compile("https?://").matcher(html).results().count()).isEqualTo(1);
        assertThat(html).contains("xmlns=\"http://www.w3.org/2000/svg\"");
    }

    @Test
    void everyHostileStringIsShownEscaped() {
        assertThat(html).contains("<td>&lt;img src=x onerror=alert(1)&gt; <span class=\"badge admin\">admin</span></td>");
        assertThat(html).contains("&lt;script&gt;document.title=&#39;pwned&#39;;window.__pwned=1&lt;/script&gt;");
        assertThat(html).doesNotContain(HostileReport.ALERT_NAME).doesNotContain(HostileReport.IMG)
                .doesNotContain(HostileReport.ATTRIBUTE).doesNotContain(HostileReport.SVG_TITLE).doesNotContain(HostileReport.SCRIPT);
    }

    @Test
    void sectionsInTheOrderOfTheIssue() {
        assertThat(html).containsSubsequence("id=\"summary\"", "id=\"coverage\"", "id=\"without-mfa\"", "id=\"weak-mfa\"",
                "id=\"changes\"", "id=\"exceptions\"", "id=\"health\"");
        assertThat(html).contains("This report lists account names.");
    }
}
