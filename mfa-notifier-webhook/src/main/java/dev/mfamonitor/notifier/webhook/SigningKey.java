package dev.mfamonitor.notifier.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;

/**
 * The key of Standard Webhooks' symmetric signature scheme and the signing itself.
 *
 * <p>A secret is written {@code whsec_<base64>}, the base64 of the key bytes: the form the specification recommends
 * showing to users and the only one the official Standard Webhooks libraries take (they strip {@code whsec_} and
 * base64-decode the rest), so sender and receiver always agree on the key. Plain text is refused with the way to
 * convert it (the base64 of the same bytes, so signatures stay the same). The key has at least {@value #MIN_BYTES}
 * bytes (192 bits), the specification's minimum. {@link #toString()} never shows the key.
 */
final class SigningKey {
    static final String PREFIX = "whsec_";
    static final int MIN_BYTES = 24;

    private final byte[] key;

    private SigningKey(byte[] key) {
        this.key = key;
    }

    /**
     * Reads a secret as configured.
     *
     * @return the problem in words when the secret is unusable; the words never contain the secret
     */
    static Result parse(String secret) {
        byte[] bytes;
        if (!secret.startsWith(PREFIX)) {
            return new Result(Optional.empty(), Optional.of("must be written whsec_ followed by the base64 of the key "
                    + "bytes, the form the Standard Webhooks libraries take (generate one with: echo \"whsec_$(openssl "
                    + "rand -base64 32)\"); to keep a plain-text secret, write whsec_ and its base64 (printf %s "
                    + "\"$SECRET\" | base64): the key bytes, and so the signatures, stay the same"));
        }
        try {
            bytes = Base64.getDecoder().decode(secret.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            return new Result(Optional.empty(), Optional.of("starts with whsec_ but what follows is not valid base64; "
                    + "write whsec_ followed by the base64 of the key bytes (echo \"whsec_$(openssl rand -base64 32)\")"));
        }
        if (bytes.length < MIN_BYTES) {
            return new Result(Optional.empty(), Optional.of("is " + bytes.length + " bytes long; a signing secret needs at least "
                    + MIN_BYTES + " bytes (192 bits), such as echo \"whsec_$(openssl rand -base64 32)\" gives"));
        }
        return new Result(Optional.of(new SigningKey(bytes)), Optional.empty());
    }

    /**
     * The {@code webhook-signature} header value: {@code v1,} and the base64 HMAC-SHA256 of
     * {@code id + "." + timestamp + "." + body}.
     */
    String sign(String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "****";
    }

    /** A key, or why there is none. */
    record Result(Optional<SigningKey> key, Optional<String> problem) {
    }
}
