package dev.mfamonitor.notifier.webhook;

import dev.mfamonitor.testkit.webhook.FakeWebhookReceiver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Standard Webhooks signatures against vectors computed outside this code base, once, with
 * {@code printf '%s' 'ID.TIMESTAMP.BODY' | openssl dgst -sha256 -hmac KEY -binary | base64} (and the same with
 * {@code -mac HMAC -macopt hexkey:...} for the whsec_ key), cross-checked with Python's {@code hmac}.
 */
class SignatureTest {
    private static final String ID = "msg_0123456789abcdef";
    private static final long TIMESTAMP = 1772442000L;
    private static final String BODY = "{\"schemaVersion\":1,\"hello\":\"world\"}";

    /** A plain-text secret is its UTF-8 bytes. */
    private static final String TEXT_SECRET = "correct-horse-battery-staple-42";
    private static final String TEXT_SIGNATURE = "v1,nmSy5Xnw7vmvtv82ygVhP1twP9pJCdR2bO+wXIDfMfM=";

    /** whsec_ + base64 of the 32 bytes 0x01..0x20. */
    private static final String WHSEC_SECRET = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private static final String WHSEC_SIGNATURE = "v1,sDRfKZIkb4WTugmObcAwXH5ZSs1Em8yZopmEADKcDok=";

    @Test
    void aPlainTextSecretConvertedToWhsecSignsExactlyAsItsUtf8BytesDid() {
        // The conversion the refusal message gives: whsec_ and the base64 of the same bytes; receivers need not change.
        String converted = "whsec_" + java.util.Base64.getEncoder().encodeToString(TEXT_SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(key(converted).sign(ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8))).isEqualTo(TEXT_SIGNATURE);
        assertThat(SigningKey.parse(TEXT_SECRET).key()).as("plain text itself is refused").isEmpty();
    }

    @Test
    void aWhsecSecretSignsWithTheBytesItsBase64Encodes() {
        assertThat(key(WHSEC_SECRET).sign(ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8))).isEqualTo(WHSEC_SIGNATURE);
    }

    @Test
    void matchesTheVectorOfTheStandardWebhooksReferenceLibraries() {
        String body = "{\"test\": 2432232314}";
        assertThat(key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theFakeReceiverAcceptsTheVectorsAndRejectsEveryTampering() {
        byte[] textKey = FakeWebhookReceiver.keyOf(TEXT_SECRET);
        byte[] whsecKey = FakeWebhookReceiver.keyOf(WHSEC_SECRET);
        String ts = Long.toString(TIMESTAMP);

        assertThat(FakeWebhookReceiver.verify(textKey, ID, ts, BODY, TEXT_SIGNATURE)).isTrue();
        assertThat(FakeWebhookReceiver.verify(whsecKey, ID, ts, BODY, WHSEC_SIGNATURE)).isTrue();
        // Several signatures, space-separated (key rotation): one match is enough.
        assertThat(FakeWebhookReceiver.verify(textKey, ID, ts, BODY, WHSEC_SIGNATURE + " " + TEXT_SIGNATURE)).isTrue();

        assertThat(FakeWebhookReceiver.verify(textKey, ID, ts, BODY.replace("world", "World"), TEXT_SIGNATURE))
                .as("tampered body").isFalse();
        assertThat(FakeWebhookReceiver.verify(whsecKey, ID, ts, BODY, TEXT_SIGNATURE)).as("wrong secret").isFalse();
        assertThat(FakeWebhookReceiver.verify(textKey, ID, "1772442001", BODY, TEXT_SIGNATURE)).as("other timestamp").isFalse();
        assertThat(FakeWebhookReceiver.verify(textKey, "msg_0123456789abcdeF", ts, BODY, TEXT_SIGNATURE)).as("other id").isFalse();
        assertThat(FakeWebhookReceiver.verify(textKey, ID, ts, BODY, TEXT_SIGNATURE.replace("v1,", "v1a,")))
                .as("another scheme's prefix").isFalse();
    }

    @Test
    void aSecretNeedsAtLeast24Bytes() {
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        assertThat(SigningKey.parse("whsec_" + base64.encodeToString(new byte[24])).key()).isPresent();
        assertThat(SigningKey.parse("whsec_" + base64.encodeToString(new byte[23])).problem()).contains("is 23 bytes "
                + "long; a signing secret needs at least 24 bytes (192 bits), such as echo \"whsec_$(openssl rand "
                + "-base64 32)\" gives");
        // 44 characters of text, but they encode only 16 bytes.
        assertThat(SigningKey.parse("whsec_AAECAwQFBgcICQoLDA0ODw==").problem()).hasValueSatisfying(
                problem -> assertThat(problem).startsWith("is 16 bytes long"));
        assertThat(SigningKey.parse("whsec_not*base64!").problem()).hasValueSatisfying(
                problem -> assertThat(problem).startsWith("starts with whsec_ but what follows is not valid base64"));
        assertThat(key(WHSEC_SECRET).toString()).isEqualTo("****");
    }

    private static SigningKey key(String secret) {
        return SigningKey.parse(secret).key().orElseThrow();
    }
}
