package dev.mfamonitor.notifier.teams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.support.NotificationText;
import dev.mfamonitor.support.SafeText;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One run's events as the body of one Workflows webhook request: a {@code message} with one Adaptive Card (version
 * {@value #CARD_VERSION}) made of TextBlocks, arranged by {@link NotificationText} as every notifier arranges a run.
 *
 * <pre>
 * mfa-monitor: 9 events                                         (large, bold)
 * 3 MFA disabled · 1 New account without MFA · 1 Monitor failed · ...
 * github-acme (github)                                          (bold, a line above)
 * **MFA disabled** (1, critical): "zoe-owner" (role=admin, was enabled)
 * **New account without MFA** (1, high): "r＆d-‹bot›"
 * aws-prod (aws)
 * **Monitor failed** (medium): IAM answered AccessDenied ...
 * </pre>
 *
 * <p>Groups come by monitor, most severe first; names in natural order, in double quotes; lines of critical and high
 * groups in the card's {@code attention} colour, medium ones in {@code warning}. Every text from a source or the
 * configuration is {@linkplain SafeText#clean cleaned} and escaped by {@link TeamsMarkdown}.
 *
 * <p>The whole request body stays within a byte budget given to {@link #render} ({@value #MAX_BODY_BYTES} by
 * default; Microsoft documents about 28 KB a message for Teams): a group lists up to 50 names, fewer (20, 10, 5, 2,
 * then only the count) when the card would not fit otherwise, and ends "and N more"; groups that still do not fit,
 * the least severe ones, are counted in a last line.
 *
 * @param json the request body
 */
public record TeamsCard(String json) {
    /** The Adaptive Card version the card declares: what Teams renders everywhere (desktop, web, mobile). */
    public static final String CARD_VERSION = "1.4";
    /** The card's {@code $schema}, as Microsoft's samples write it. */
    public static final String SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
    /** The content type of an Adaptive Card attachment. */
    public static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    /** Teams' documented limit of one message: "about 28 KB", including what Teams adds to render it. */
    public static final int TEAMS_LIMIT_BYTES = 28_000;
    /**
     * The most bytes a request body this renderer writes: under {@link #TEAMS_LIMIT_BYTES}, with room for the HTML
     * Teams makes of the markdown ({@code **x**} becomes {@code <strong>x</strong>}) and for the flow's own wrapping.
     */
    public static final int MAX_BODY_BYTES = 24_000;
    /** The longest line of names or detail, in characters, so that one group cannot take the whole card. */
    static final int MAX_LINE_CHARS = 6_000;
    /** The longest summary line (the counts per type), in characters. */
    static final int MAX_SUMMARY_CHARS = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Names per group, tried from the most down, until the card fits its budget. */
    private static final int[] NAME_STEPS = {NotificationText.MAX_NAMES, 20, 10, 5, 2, 0};
    /** Bytes kept back for the line that counts what did not fit. */
    private static final int OMITTED_LINE_BYTES = 400;

    public TeamsCard {
        Objects.requireNonNull(json, "json");
    }

    /** Renders a notification within {@link #MAX_BODY_BYTES}. */
    public static TeamsCard render(Notification notification) {
        return render(notification, MAX_BODY_BYTES);
    }

    /**
     * Renders a notification.
     *
     * @param maxBytes the most bytes (UTF-8) the request body may have; at least 4,000
     */
    public static TeamsCard render(Notification notification, int maxBytes) {
        if (maxBytes < 4_000) {
            throw new IllegalArgumentException("a card needs at least 4000 bytes, not " + maxBytes);
        }
        NotificationText arranged = NotificationText.of(notification);
        List<ObjectNode> head = new ArrayList<>();
        head.add(textBlock(arranged.title()).put("size", "large").put("weight", "bolder"));
        // The counts hold the words of event types, which a plugin declares: escaped like any other text.
        String counts = TeamsMarkdown.escape(SafeText.clean(arranged.counts())).replace(", ", " · ");
        head.add(textBlock(NotificationText.cut(counts, MAX_SUMMARY_CHARS)).put("isSubtle", true));

        int budget = maxBytes - size(envelope(head)) - OMITTED_LINE_BYTES;

        // Monitor by monitor reads best; but when not everything fits, groups go in across monitors in severity order
        // instead (a monitor's heading coming again where needed), so that one monitor's reminders or good news never
        // push out another monitor's bad news.
        List<Placed> byMonitor = new ArrayList<>();
        for (NotificationText.Monitor monitor : arranged.monitors()) {
            monitor.groups().forEach(g -> byMonitor.add(new Placed(monitor, g)));
        }
        List<Placed> bySeverity = new ArrayList<>(byMonitor);
        bySeverity.sort(Comparator.comparing((Placed p) -> p.group().severity())
                .thenComparing(p -> arranged.monitors().indexOf(p.monitor())));

        // As many names as possible, but fewer names rather than fewer groups.
        Layout layout = null;
        for (int maxNames : NAME_STEPS) {
            Layout candidate = Layout.of(byMonitor, maxNames, budget);
            if (candidate.omittedGroups() > 0) {
                candidate = Layout.of(bySeverity, maxNames, budget);
            }
            if (layout == null || candidate.omittedGroups() < layout.omittedGroups()) {
                layout = candidate;
            }
            if (layout.omittedGroups() == 0) {
                break;
            }
        }
        List<ObjectNode> body = new ArrayList<>(head);
        body.addAll(layout.blocks());
        if (layout.omittedGroups() > 0) {
            int events = layout.omittedEvents();
            int groups = layout.omittedGroups();
            body.add(textBlock("… and " + events + " more " + (events == 1 ? "event" : "events") + " in " + groups
                    + " more " + (groups == 1 ? "group" : "groups") + " not shown: a Teams message holds about 28 KB")
                    .put("isSubtle", true).put("separator", true));
        }
        return new TeamsCard(write(envelope(body)));
    }

    /** The body's size in bytes, as sent (UTF-8). */
    public int bytes() {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    private record Placed(NotificationText.Monitor monitor, NotificationText.Group group) {
    }

    /** The blocks that fit in a byte budget, and what did not fit. */
    private record Layout(List<ObjectNode> blocks, int omittedEvents, int omittedGroups) {
        /**
         * Lays groups out in the given order, with a monitor heading wherever the monitor changes; once a group does
         * not fit, neither do the ones after it, so what is shown is always the front of the order.
         */
        static Layout of(List<Placed> ordered, int maxNames, int budget) {
            List<ObjectNode> blocks = new ArrayList<>();
            int used = 0;
            int omittedEvents = 0;
            int omittedGroups = 0;
            NotificationText.Monitor current = null;
            for (Placed placed : ordered) {
                if (omittedGroups == 0) {
                    List<ObjectNode> adding = new ArrayList<>();
                    if (placed.monitor() != current) {
                        adding.add(textBlock(placed.monitor().heading(TeamsMarkdown.STYLE)).put("weight", "bolder")
                                .put("separator", true).put("spacing", "medium"));
                    }
                    String colour = colour(placed.group().severity());
                    for (String line : placed.group().lines(TeamsMarkdown.STYLE, maxNames, MAX_LINE_CHARS)) {
                        ObjectNode block = textBlock(line).put("spacing", "small");
                        if (colour != null) {
                            block.put("color", colour);
                        }
                        adding.add(block);
                    }
                    int cost = adding.stream().mapToInt(b -> size(b) + 1).sum();
                    if (used + cost <= budget) {
                        blocks.addAll(adding);
                        used += cost;
                        current = placed.monitor();
                        continue;
                    }
                }
                omittedEvents += placed.group().size();
                omittedGroups++;
            }
            return new Layout(blocks, omittedEvents, omittedGroups);
        }
    }

    /** The card's colour for a group's lines: red for what needs action now, amber for what needs a look. */
    private static String colour(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "attention";
            case MEDIUM -> "warning";
            case LOW, INFO -> null;
        };
    }

    /** A TextBlock that wraps, its text made safe to start a block. */
    private static ObjectNode textBlock(String markdown) {
        ObjectNode block = JSON.createObjectNode();
        block.put("type", "TextBlock");
        block.put("text", TeamsMarkdown.block(markdown));
        block.put("wrap", true);
        return block;
    }

    /** The message a Workflows webhook takes: one Adaptive Card attachment holding these body elements. */
    private static ObjectNode envelope(List<ObjectNode> bodyElements) {
        ObjectNode card = JSON.createObjectNode();
        card.put("$schema", SCHEMA);
        card.put("type", "AdaptiveCard");
        card.put("version", CARD_VERSION);
        ArrayNode body = card.putArray("body");
        bodyElements.forEach(body::add);
        ObjectNode message = JSON.createObjectNode();
        message.put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject();
        attachment.put("contentType", CONTENT_TYPE);
        attachment.set("content", card);
        return message;
    }

    private static int size(ObjectNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a card of plain strings could not be written as JSON", e);
        }
    }
}
