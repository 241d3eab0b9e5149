package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.spi.NotifierProvider;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.PluginContext;
import dev.mfamonitor.spi.Secret;
import dev.mfamonitor.spi.SpiVersion;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code type: slack}. Either an incoming webhook:
 * <pre>{@code
 * - { id: security-slack, type: slack, webhookUrl: "${file:/run/secrets/slack_webhook}" }
 * }</pre>
 * or a bot token and a channel:
 * <pre>{@code
 * - { id: security-slack, type: slack, token: "${env:SLACK_BOT_TOKEN}", channel: C0123456789, mention: "<!subteam^S0123ABCD>" }
 * }</pre>
 * Keys: {@code webhookUrl} (secret) or {@code token} (secret) with {@code channel}; optional {@code mention},
 * {@code username}, {@code iconEmoji}, {@code timeout} (per HTTP call, default 10s, never past the delivery deadline)
 * and, with a token, {@code apiUrl} (default {@value #DEFAULT_API_URL}). See the module's README.
 */
public final class SlackNotifierProvider implements NotifierProvider {
    /** Where Web API calls go unless {@code apiUrl} says otherwise. */
    public static final String DEFAULT_API_URL = "https://slack.com/api/";
    /** How long one HTTP call may take unless {@code timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final String ONE_MENTION = "<(?:!here|!channel|!everyone|!subteam\\^[A-Z0-9]+|@[UW][A-Z0-9]+)>";
    private static final Pattern MENTIONS = Pattern.compile(ONE_MENTION + "(?: " + ONE_MENTION + ")*");
    private static final Pattern EMOJI = Pattern.compile(":[a-z0-9_+'-]+:");

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public int spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Notifier create(PluginConfig config, PluginContext context) {
        Optional<Secret> webhookUrl = config.optionalSecret("webhookUrl");
        Optional<Secret> token = config.optionalSecret("token");
        Optional<String> channel = config.optionalString("channel").map(String::trim);
        Optional<String> apiUrl = config.optionalString("apiUrl").map(String::trim);
        Optional<String> mention = config.optionalString("mention").map(String::trim);
        Optional<String> username = config.optionalString("username").map(String::trim);
        Optional<String> iconEmoji = config.optionalString("iconEmoji").map(String::trim);
        Duration timeout = config.duration("timeout", DEFAULT_TIMEOUT);

        if (webhookUrl.isPresent() == token.isPresent()) {
            throw config.error(webhookUrl.isPresent() ? "token" : "webhookUrl", webhookUrl.isPresent()
                    ? "give either webhookUrl or token (with channel), not both"
                    : "is required: the incoming webhook's URL, written ${env:NAME} or ${file:PATH}; or give 'token' "
                    + "(a bot token) and 'channel' instead");
        }
        mention.ifPresent(m -> {
            if (!MENTIONS.matcher(m).matches()) {
                throw config.error("mention", "'" + m + "' is not a Slack mention; write it as Slack does, such as "
                        + "<!subteam^S0123ABCD> (a user group), <@U0123ABCD> (a person), <!here> or <!channel>");
            }
        });
        iconEmoji.ifPresent(e -> {
            if (!EMOJI.matcher(e).matches()) {
                throw config.error("iconEmoji", "'" + e + "' is not an emoji name; write it such as :rotating_light:");
            }
        });
        if (username.isPresent() && username.get().isEmpty()) {
            throw config.error("username", "is empty; remove it or give a name");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw config.error("timeout", "must be longer than 0s");
        }

        SlackHttp http;
        if (webhookUrl.isPresent()) {
            if (channel.isPresent() || apiUrl.isPresent()) {
                throw config.error(channel.isPresent() ? "channel" : "apiUrl", "does not apply to an incoming webhook "
                        + "(its channel is fixed when it is created); remove it, or use 'token' instead of 'webhookUrl'");
            }
            URI url = checkedUrl(config, context, "webhookUrl", webhookUrl.get().reveal(), true);
            http = new SlackHttp(timeout, context.redactor());
            return new SlackNotifier(new WebhookTransport(http, url, username, iconEmoji, context.clock()), mention);
        }

        String bot = token.get().reveal();
        if (bot.isBlank() || bot.chars().anyMatch(Character::isWhitespace)) {
            throw config.error("token", "is empty or holds spaces or line breaks; check the variable or file it is read from");
        }
        String channelId = channel.filter(c -> !c.isEmpty()).orElseThrow(() -> config.error("channel",
                "is required with 'token': the channel to post in, best its id (such as C0123456789)"));
        String prefix = apiUrl.orElse(DEFAULT_API_URL);
        URI api = checkedUrl(config, context, "apiUrl", prefix.endsWith("/") ? prefix : prefix + "/", false);
        http = new SlackHttp(timeout, context.redactor());
        return new SlackNotifier(new ChatPostMessageTransport(http, api, token.get(), channelId, username, iconEmoji,
                context.clock()), mention);
    }

    /**
     * An https URL, or http to a loopback address (a local relay, a test), by the context's HTTP rules. The value of a
     * secret is never shown: the rules' message goes through the redactor, which knows every configured secret.
     */
    private static URI checkedUrl(PluginConfig config, PluginContext context, String key, String value,
                                      boolean secret) {
        String shown = secret ? "" : " '" + value + "'";
        String hint = secret ? "; copy the Webhook URL from the Slack app's Incoming Webhooks page (it starts with "
                + "https://hooks.slack.com/)" : "";
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw config.error(key, "the value" + shown + " is not a URL" + hint);
        }
        try {
            context.http().requireSecureEndpoint(key, uri);
        } catch (ConfigException e) {
            // The rules' message may quote the URL; the context's redactor learns this instance's secrets only once
            // create returns, so the value is masked here too.
            String message = context.redactor().redact(e.getMessage());
            throw new ConfigException((secret ? message.replace(uri.toString(), "****") : message) + hint);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw config.error(key, "the value" + shown + " is not an absolute https URL without user info" + hint);
        }
        return uri;
    }
}
