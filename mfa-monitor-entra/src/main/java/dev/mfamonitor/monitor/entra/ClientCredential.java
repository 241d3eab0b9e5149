package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.Secret;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the app proves who it is to the token endpoint: a client secret, or a certificate's private key. */
sealed interface ClientCredential {

    /** The form fields of the client-credentials request that carry the credential. */
    List<String[]> formFields(String clientId, URI tokenUri, Instant now);

    /** The {@code client_secret} form field. */
    record ClientSecret(Secret secret) implements ClientCredential {
        @Override
        public List<String[]> formFields(String clientId, URI tokenUri, Instant now) {
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[] {"client_secret", secret.reveal()});
            return fields;
        }

        @Override
        public String toString() {
            return "ClientSecret[****]";
        }
    }

    /**
     * A certificate uploaded to the app registration and its private key: each token request carries a client
     * assertion, a JWT signed RS256 whose {@code x5t} header is the base64url SHA-1 thumbprint of the certificate.
     */
    final class ClientCertificate implements ClientCredential {
        private static final Pattern PEM = Pattern.compile(
                "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
        /** How long an assertion is valid; Entra accepts up to 10 minutes of clock skew around it anyway. */
        private static final long ASSERTION_SECONDS = 600;

        private final X509Certificate certificate;
        private final PrivateKey key;
        private final String thumbprint;

        private ClientCertificate(X509Certificate certificate, PrivateKey key, String thumbprint) {
            this.certificate = certificate;
            this.key = key;
            this.thumbprint = thumbprint;
        }

        /**
         * Reads a PEM text holding the certificate and its unencrypted RSA private key (PKCS#8 {@code PRIVATE KEY} or
         * PKCS#1 {@code RSA PRIVATE KEY}), in either order.
         *
         * @throws IllegalArgumentException saying what is missing or wrong; never any of the PEM's content
         */
        static ClientCertificate parse(Secret pem) {
            X509Certificate certificate = null;
            PrivateKey key = null;
            Matcher m = PEM.matcher(pem.reveal());
            while (m.find()) {
                String label = m.group(1);
                byte[] der;
                try {
                    der = Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the " + label + " block is not valid base64");
                }
                switch (label) {
                    case "CERTIFICATE" -> {
                        if (certificate == null) {
                            certificate = certificate(der);
                        }
                    }
                    case "PRIVATE KEY" -> key = rsaKey(der);
                    case "RSA PRIVATE KEY" -> key = rsaKey(pkcs1ToPkcs8(der));
                    case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the private key is encrypted; "
                            + "decrypt it (openssl pkey -in key.pem -out plain.pem) and keep the file readable by this process only");
                    default -> {
                        // Other blocks (a chain's CA certificates come as CERTIFICATE too, parameters) are not needed.
                    }
                }
            }
            if (certificate == null) {
                throw new IllegalArgumentException("holds no -----BEGIN CERTIFICATE----- block; the PEM needs the "
                        + "certificate uploaded to the app registration and its private key");
            }
            if (key == null) {
                throw new IllegalArgumentException("holds no -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY) block; "
                        + "the PEM needs the certificate's private key beside the certificate");
            }
            if (!(certificate.getPublicKey() instanceof RSAPublicKey publicKey)
                    || !(key instanceof RSAPrivateCrtKey privateKey)
                    || !publicKey.getModulus().equals(privateKey.getModulus())) {
                throw new IllegalArgumentException("the private key does not belong to the certificate (subject "
                        + certificate.getSubjectX500Principal().getName() + "); put the certificate's own key in the PEM");
            }
            try {
                String thumbprint = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
                return new ClientCertificate(certificate, key, thumbprint);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot compute the certificate's thumbprint: " + e.getClass().getSimpleName());
            }
        }

        private static X509Certificate certificate(byte[] der) {
            try {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new IllegalArgumentException("the CERTIFICATE block is not an X.509 certificate");
            }
        }

        private static PrivateKey rsaKey(byte[] pkcs8) {
            try {
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // No cause: the key spec's message is not for people, and nothing of the key may travel.
                throw new IllegalArgumentException("the private key is not an RSA key; Entra client assertions are signed RS256");
            }
        }

        /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL parameters). */
        private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
            byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
            byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
            byte[] body = concat(new byte[] {0x02, 0x01, 0x00}, algorithm, octets);
            return concat(new byte[] {0x30}, length(body.length), body);
        }

        private static byte[] length(int length) {
            if (length < 0x80) {
                return new byte[] {(byte) length};
            }
            byte[] digits = BigInteger.valueOf(length).toByteArray();
            int start = digits[0] == 0 ? 1 : 0;
            byte[] out = new byte[digits.length - start + 1];
            out[0] = (byte) (0x80 | (digits.length - start));
            System.arraycopy(digits, start, out, 1, digits.length - start);
            return out;
        }

        private static byte[] concat(byte[]... parts) {
            int size = 0;
            for (byte[] part : parts) {
                size += part.length;
            }
            byte[] out = new byte[size];
            int at = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, out, at, part.length);
                at += part.length;
            }
            return out;
        }

        /** The certificate's base64url SHA-1 thumbprint, as in the {@code x5t} header. */
        String thumbprint() {
            return thumbprint;
        }

        /** When the certificate stops being valid; Entra refuses assertions signed for an expired one. */
        Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }

        /** The certificate's subject, for messages. */
        String subject() {
            return certificate.getSubjectX500Principal().getName();
        }

        @Override
        public List<String[]> formFields(String clientId, URI tokenUri, Instant now) {
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[] {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"});
            fields.add(new String[] {"client_assertion", assertion(clientId, tokenUri, now)});
            return fields;
        }

        /** The signed client assertion: {@code aud} the token endpoint, {@code iss} and {@code sub} the client id. */
        String assertion(String clientId, URI tokenUri, Instant now) {
            long iat = now.getEpochSecond();
            String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"" + thumbprint + "\"}";
            String claims = "{\"aud\":\"" + json(tokenUri.toString()) + "\",\"iss\":\"" + json(clientId)
                    + "\",\"sub\":\"" + json(clientId) + "\",\"jti\":\"" + UUID.randomUUID() + "\",\"nbf\":" + iat
                    + ",\"iat\":" + iat + ",\"exp\":" + (iat + ASSERTION_SECONDS) + "}";
            String signingInput = base64Url(header) + "." + base64Url(claims);
            try {
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initSign(key);
                signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign the client assertion with the certificate's key: " + e.getClass().getSimpleName());
            }
        }

        private static String base64Url(String json) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }

        /** The values are a GUID, a domain and a URI we built: only quotes and backslashes could need escaping. */
        private static String json(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"");
        }

        @Override
        public String toString() {
            return "ClientCertificate[x5t=" + thumbprint + "]";
        }
    }
}
