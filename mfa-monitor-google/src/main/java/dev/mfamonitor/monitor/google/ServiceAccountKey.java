package dev.mfamonitor.monitor.google;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.HttpRules;
import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A service account's JSON key as Google hands it out ({@code "type": "service_account"}, {@code client_email},
 * {@code client_id}, {@code private_key} as PKCS#8 PEM, {@code token_uri}).
 *
 * <p>Every message about a bad key names the field and the fix, never a value of the key: a key pasted into the wrong
 * place must not end up in a log.
 *
 * @param clientEmail  the service account, the JWT's {@code iss}
 * @param clientId     its numeric "Unique ID", what an admin grants domain-wide delegation to
 * @param privateKeyId the key's id, the JWT header's {@code kid}
 * @param privateKey   the RSA key that signs the JWT
 * @param tokenUri     where the JWT-bearer grant is posted
 * @param secretForms  the key's secret parts in the forms a server or a library may echo them, for redaction
 */
record ServiceAccountKey(String clientEmail, String clientId, String privateKeyId, PrivateKey privateKey, URI tokenUri,
                         List<String> secretForms) {
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    private static final String KEY = "serviceAccountKey";
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"]{1,200}@[^@\\s\"]{1,200}");
    private static final Pattern CLIENT_ID = Pattern.compile("[0-9]{1,40}");
    private static final Pattern PLAIN_WORD = Pattern.compile("[a-z_]{1,40}");

    ServiceAccountKey {
        Objects.requireNonNull(clientEmail, "clientEmail");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(tokenUri, "tokenUri");
        secretForms = List.copyOf(secretForms);
    }

    /**
     * Reads and checks the key.
     *
     * @throws ConfigException naming {@code serviceAccountKey} and what is wrong, without any of its content
     */
    static ServiceAccountKey parse(Secret secret, PluginConfig config, HttpRules http, ObjectMapper json) {
        String text = secret.reveal().strip();
        if (text.isEmpty()) {
            throw config.error(KEY, "is empty; check the variable or file it is read from");
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input: only the position is safe to show.
            JsonLocation at = e.getLocation();
            throw config.error(KEY, "is not a service account's JSON key (not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + "); give it the JSON key file downloaded from the service account, written ${file:PATH}");
        }
        if (root == null || !root.isObject()) {
            throw config.error(KEY, "is not a service account's JSON key (not a JSON object); give it the JSON key file "
                    + "downloaded from the service account, written ${file:PATH}");
        }
        String type = text(root, "type");
        if (!"service_account".equals(type)) {
            throw config.error(KEY, "is not a service account's key (\"type\" is "
                    + (type == null ? "missing" : PLAIN_WORD.matcher(type).matches() ? "'" + type + "'" : "not 'service_account'")
                    + "); create a key for a service account (IAM > Service accounts > Keys > Add key > JSON)");
        }
        String clientEmail = text(root, "client_email");
        if (clientEmail == null || !EMAIL.matcher(clientEmail).matches()) {
            throw config.error(KEY, "has no valid \"client_email\"; download the service account's JSON key again");
        }
        String clientId = text(root, "client_id");
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw config.error(KEY, "has a \"client_id\" that is not the service account's numeric Unique ID; download "
                    + "the JSON key again");
        }
        String pem = text(root, "private_key");
        if (pem == null || pem.isBlank()) {
            throw config.error(KEY, "has no \"private_key\"; download the service account's JSON key again");
        }
        List<String> forms = new ArrayList<>();
        PrivateKey privateKey = privateKey(pem, config, forms);
        String privateKeyId = text(root, "private_key_id");
        if (privateKeyId != null && !privateKeyId.isBlank()) {
            forms.add(privateKeyId);
        }
        String tokenUriText = text(root, "token_uri");
        URI tokenUri;
        try {
            tokenUri = new URI(tokenUriText == null ? DEFAULT_TOKEN_URI : tokenUriText.strip());
        } catch (URISyntaxException e) {
            throw config.error(KEY, "has a \"token_uri\" that is not a URL; download the JSON key again");
        }
        tokenUri = http.requireSecureEndpoint(KEY + " token_uri", tokenUri);
        return new ServiceAccountKey(clientEmail, clientId == null ? "" : clientId,
                privateKeyId == null ? "" : privateKeyId, privateKey, tokenUri, forms);
    }

    /** The PKCS#8 RSA key of a PEM text; its base64 body (whole and line by line) goes into {@code forms}. */
    private static PrivateKey privateKey(String pem, PluginConfig config, List<String> forms) {
        String normalised = pem.replace("\r", "");
        forms.add(normalised);
        forms.add(normalised.replace("\n", "\\n"));
        if (normalised.contains("BEGIN RSA PRIVATE KEY")) {
            throw config.error(KEY, "holds a PKCS#1 \"private_key\" (BEGIN RSA PRIVATE KEY); Google's JSON keys hold "
                    + "PKCS#8 (BEGIN PRIVATE KEY): download the service account's JSON key again");
        }
        String body = normalised.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
        for (String line : body.split("\n")) {
            if (line.strip().length() >= 16) {
                forms.add(line.strip());
            }
        }
        String base64 = body.replaceAll("\\s", "");
        forms.add(base64);
        if (!normalised.contains("-----BEGIN PRIVATE KEY-----") || base64.isEmpty()) {
            throw config.error(KEY, "has a \"private_key\" that is not a PEM private key (BEGIN PRIVATE KEY); download "
                    + "the service account's JSON key again");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64);
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(key instanceof RSAPrivateKey rsa) || rsa.getModulus().bitLength() < 2048) {
                throw config.error(KEY, "has a \"private_key\" that is not an RSA key of at least 2048 bits; download the "
                        + "service account's JSON key again");
            }
            return key;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The JDK's reasons say nothing of the key's bytes, but the cause is left out all the same.
            throw config.error(KEY, "has a \"private_key\" that cannot be read as an RSA private key; download the "
                    + "service account's JSON key again");
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** "Unique ID 1234" or, for a key without {@code client_id}, where to find it; for messages. */
    String describeClientId() {
        return clientId.isEmpty() ? "the service account's Unique ID (IAM > Service accounts > " + clientEmail + ")"
                : clientId;
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + "]";
    }
}
