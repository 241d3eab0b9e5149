package dev.mfamonitor.monitor.okta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.Secret;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The private key of an Okta service app, as the Admin Console hands it out: a PKCS#8 PEM ({@code -----BEGIN PRIVATE
 * KEY-----}) or the private JWK (an RSA key with {@code d}, {@code p}, {@code q}, ...; its {@code kid} is used).
 *
 * @param privateKey  the RSA private key that signs the client assertion
 * @param keyId       the {@code kid} of the assertion's header, when known (Okta needs it when the app has several keys)
 * @param secretForms the key's secret parts as text, for redaction
 */
record ServiceAppKey(PrivateKey privateKey, Optional<String> keyId, List<String> secretForms) {
    static final String KEY = "privateKey";

    ServiceAppKey {
        secretForms = List.copyOf(secretForms);
    }

    /**
     * Reads the key.
     *
     * @throws dev.mfamonitor.spi.ConfigException naming {@code privateKey} and what is wrong, without any of its content
     */
    static ServiceAppKey parse(Secret secret, Optional<String> configuredKeyId, PluginConfig config) {
        String text = secret.reveal().strip();
        if (text.isEmpty()) {
            throw config.error(KEY, "is empty; check the variable or file it is read from");
        }
        if (text.startsWith("{")) {
            return jwk(text, configuredKeyId, config);
        }
        if (text.contains("BEGIN RSA PRIVATE KEY")) {
            throw config.error(KEY, "is a PKCS#1 key (BEGIN RSA PRIVATE KEY); convert it to PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem', or give the private JWK");
        }
        if (text.contains("ENCRYPTED PRIVATE KEY")) {
            throw config.error(KEY, "is an encrypted key; give the unencrypted PKCS#8 PEM (keep the file readable by "
                    + "this user only) or the private JWK");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw config.error(KEY, "is neither a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) nor a private JWK ({\"kty\":"
                    + "\"RSA\", ...}); copy the private key the Okta Admin Console showed when the key was generated");
        }
        String body = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end);
        List<String> forms = new ArrayList<>();
        for (String line : body.split("\\R")) {
            if (line.strip().length() >= 16) {
                forms.add(line.strip());
            }
        }
        String base64 = body.replaceAll("\\s", "");
        forms.add(base64);
        try {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            requireStrength((RSAPrivateKey) key, config);
            return new ServiceAppKey(key, configuredKeyId, forms);
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw config.error(KEY, "is a PEM block that does not hold an RSA private key (PKCS#8); Okta signs client "
                    + "assertions with RSA (RS256)");
        }
    }

    private static ServiceAppKey jwk(String text, Optional<String> configuredKeyId, PluginConfig config) {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw config.error(KEY, "starts with '{' but is not JSON; give the private JWK as the Admin Console shows it");
        }
        if (node.has("keys") && node.get("keys").isArray() && node.get("keys").size() == 1) {
            node = node.get("keys").get(0);
        }
        if (!"RSA".equals(node.path("kty").asText())) {
            throw config.error(KEY, "is a JWK whose kty is not RSA; Okta signs client assertions with RSA (RS256)");
        }
        List<String> forms = new ArrayList<>();
        String[] fields = {"n", "e", "d", "p", "q", "dp", "dq", "qi"};
        BigInteger[] values = new BigInteger[fields.length];
        for (int i = 0; i < fields.length; i++) {
            String value = node.path(fields[i]).asText("");
            if (value.isEmpty()) {
                throw config.error(KEY, "is a JWK without '" + fields[i] + "': give the private key (with d, p, q, dp, "
                        + "dq, qi), not the public one");
            }
            if (i >= 2) {
                forms.add(value);
            }
            try {
                values[i] = new BigInteger(1, Base64.getUrlDecoder().decode(value));
            } catch (IllegalArgumentException e) {
                throw config.error(KEY, "is a JWK whose '" + fields[i] + "' is not base64url");
            }
        }
        try {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(values[0], values[1],
                    values[2], values[3], values[4], values[5], values[6], values[7]));
            requireStrength((RSAPrivateKey) key, config);
            String jwkKid = node.path("kid").asText("");
            Optional<String> kid = configuredKeyId.or(() -> Optional.of(jwkKid).filter(k -> !k.isBlank()));
            return new ServiceAppKey(key, kid, forms);
        } catch (GeneralSecurityException e) {
            throw config.error(KEY, "is a JWK that does not make an RSA private key");
        }
    }

    private static void requireStrength(RSAPrivateKey key, PluginConfig config) {
        if (key.getModulus().bitLength() < 2048) {
            throw config.error(KEY, "is an RSA key of " + key.getModulus().bitLength() + " bits; Okta needs at least 2048");
        }
    }

    @Override
    public String toString() {
        return "ServiceAppKey[kid=" + keyId.orElse("") + ", ****]";
    }
}
