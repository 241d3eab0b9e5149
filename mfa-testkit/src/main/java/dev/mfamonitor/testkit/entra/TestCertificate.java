package dev.mfamonitor.testkit.entra;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A self-signed RSA certificate made at test time (the JDK has no public API to issue one, so the DER is built here):
 * the credential an app registration would hold, for tests of certificate authentication. Never for production.
 *
 * @param certificate the X.509 certificate (its public part is what an app registration holds)
 * @param privateKey  its RSA private key
 */
public record TestCertificate(X509Certificate certificate, PrivateKey privateKey) {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    /** RSA key generation takes up to a second on a busy machine: a few key pairs serve every test of a JVM. */
    private static final KeyPair[] KEYS = new KeyPair[3];

    private static synchronized KeyPair key(int number) throws GeneralSecurityException {
        if (KEYS[number] == null) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KEYS[number] = generator.generateKeyPair();
        }
        return KEYS[number];
    }

    /** A 2048-bit RSA certificate for {@code CN=commonName}, valid from {@code notBefore} to {@code notAfter}, with key 0. */
    public static TestCertificate generate(String commonName, Instant notBefore, Instant notAfter) {
        return generate(commonName, notBefore, notAfter, 0);
    }

    /**
     * A certificate with key pair number {@code keyNumber} (0, 1 or 2) of this JVM: certificates made with different
     * numbers have different keys, those with the same number share one.
     */
    public static TestCertificate generate(String commonName, Instant notBefore, Instant notAfter, int keyNumber) {
        try {
            KeyPair pair = key(keyNumber);
            byte[] sha256WithRsa = der(0x30, concat(der(0x06, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0x86,
                    (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0b}), new byte[] {0x05, 0x00}));
            byte[] name = der(0x30, der(0x31, der(0x30, concat(der(0x06, new byte[] {0x55, 0x04, 0x03}),
                    der(0x0c, commonName.getBytes(StandardCharsets.UTF_8))))));
            byte[] validity = der(0x30, concat(
                    der(0x17, UTC_TIME.format(notBefore).getBytes(StandardCharsets.US_ASCII)),
                    der(0x17, UTC_TIME.format(notAfter).getBytes(StandardCharsets.US_ASCII))));
            byte[] serial = der(0x02, BigInteger.valueOf(System.nanoTime() & 0x7fffffffffffL).add(BigInteger.ONE).toByteArray());
            byte[] tbs = der(0x30, concat(serial, sha256WithRsa, name, validity, name, pair.getPublic().getEncoded()));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            byte[] signature = concat(new byte[] {0x00}, signer.sign());
            byte[] certificate = der(0x30, concat(tbs, sha256WithRsa, der(0x03, signature)));
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            return new TestCertificate(parsed, pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    /** A certificate with key 0, valid from a year before to a year after {@code now}. */
    public static TestCertificate validAround(Instant now) {
        return validAround(now, 0);
    }

    /** A certificate with key {@code keyNumber}, valid from a year before to a year after {@code now}. */
    public static TestCertificate validAround(Instant now, int keyNumber) {
        return generate("mfa-monitor test " + keyNumber, now.minusSeconds(365L * 86400), now.plusSeconds(365L * 86400), keyNumber);
    }

    /** The PEM a user would configure: the certificate, then its PKCS#8 private key. */
    public String pem() {
        try {
            return block("CERTIFICATE", certificate.getEncoded()) + block("PRIVATE KEY", privateKey.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base64 (not base64url) of the private key's PKCS#8 encoding, for canary checks. */
    public String privateKeyBase64() {
        return Base64.getEncoder().encodeToString(privateKey.getEncoded());
    }

    /** The base64url SHA-1 thumbprint Entra expects as {@code x5t}. */
    public String thumbprint() {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] digits = BigInteger.valueOf(length).toByteArray();
            int start = digits[0] == 0 ? 1 : 0;
            out.write(0x80 | (digits.length - start));
            out.write(digits, start, digits.length - start);
        }
        out.write(content, 0, content.length);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
