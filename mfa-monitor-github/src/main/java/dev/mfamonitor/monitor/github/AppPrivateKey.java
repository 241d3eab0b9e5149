package dev.mfamonitor.monitor.github;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub App's private key read from PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}) as is, and PKCS#1 ({@code BEGIN
 * RSA PRIVATE KEY}, what GitHub hands out) wrapped into PKCS#8 here, so that nobody has to run {@code openssl pkcs8}.
 *
 * <p>Messages of {@link InvalidKey} say what is wrong with the key and never quote any of it.
 */
final class AppPrivateKey {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
            0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private AppPrivateKey() {
    }

    /** The key is not usable; the message is safe to show. */
    static final class InvalidKey extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidKey(String message) {
            super(message);
        }
    }

    /** Reads an RSA private key from PEM text (PKCS#8 or PKCS#1). */
    static PrivateKey parse(String pem) throws InvalidKey {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new InvalidKey("is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- / -----END ...----- block); "
                    + "give the .pem file GitHub generated for the App, through ${file:PATH} or ${env:NAME}");
        }
        String label = m.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidKey("the " + label + " block is not valid base64; the key file seems damaged");
        }
        byte[] pkcs8 = switch (label) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> pkcs1ToPkcs8(der);
            case "ENCRYPTED PRIVATE KEY" -> throw new InvalidKey("is encrypted (BEGIN ENCRYPTED PRIVATE KEY); give the "
                    + "unencrypted key: openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out app-key-pkcs8.pem");
            default -> throw new InvalidKey("is a '" + label + "' block; a GitHub App key is an RSA key, BEGIN RSA PRIVATE "
                    + "KEY (as GitHub hands it out) or BEGIN PRIVATE KEY (PKCS#8)");
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidKey("the " + label + " block is not a readable RSA private key; the key file seems damaged "
                    + "(a PKCS#8 copy: openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out app-key-pkcs8.pem)");
        }
        if (!(key instanceof RSAPrivateKey)) {
            throw new InvalidKey("is not an RSA private key; GitHub App keys are RSA");
        }
        return key;
    }

    /** PKCS#8 PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier rsaEncryption, OCTET STRING pkcs1 }. */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {0x02, 0x01, 0x00});
        content.writeBytes(RSA_ALGORITHM);
        content.writeBytes(derElement(0x04, pkcs1));
        return derElement(0x30, content.toByteArray());
    }

    private static byte[] derElement(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((length >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
