package dev.mfamonitor.notifier.email;

import dev.mfamonitor.spi.PluginConfig;
import dev.mfamonitor.spi.Secret;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;

/**
 * The certificates the SMTP server's certificate is checked against: the Java runtime's trust store, or a file of
 * trusted certificates (PKCS#12, JKS, or PEM with one or more {@code CERTIFICATE} blocks). The result always validates
 * the chain with the JDK's PKIX trust manager; nothing here can trust every certificate.
 */
final class TrustMaterial {
    private static final long MAX_FILE_BYTES = 1_048_576;

    private TrustMaterial() {
    }

    /** TLS sockets that trust what the Java runtime trusts ({@code javax.net.ssl.trustStore}, else its cacerts). */
    static SSLSocketFactory runtimeDefault() {
        try {
            return sockets(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the Java runtime's trust store cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * TLS sockets that trust exactly the certificates of a file.
     *
     * @throws dev.mfamonitor.spi.ConfigException naming {@code trustStore} and the path (never the password) when the
     *                                           file cannot be read, is of no known kind or holds no certificate
     */
    static SSLSocketFactory fromFile(PluginConfig config, Path path, Optional<Secret> password) {
        byte[] content;
        try {
            if (!Files.isRegularFile(path)) {
                throw EmailNotifierProvider.trustStoreError(config, path, "is not a regular file");
            }
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw EmailNotifierProvider.trustStoreError(config, path, "is larger than 1 MiB; a trust store holds "
                        + "certificates only");
            }
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw EmailNotifierProvider.trustStoreError(config, path, "cannot be read (" + e.getClass().getSimpleName()
                    + "); check that the file exists and that mfa-monitor may read it");
        }
        KeyStore store;
        try {
            store = isPem(content) ? pem(content) : keyStore(path, password);
        } catch (IOException | GeneralSecurityException e) {
            throw EmailNotifierProvider.trustStoreError(config, path, "is not a PKCS#12, JKS or PEM file of certificates "
                    + "that this password opens (" + e.getClass().getSimpleName() + "); export the CA certificate that "
                    + "signed the server's certificate as PEM, or check trustStore.password");
        }
        try {
            boolean anyCertificate = false;
            for (String alias : Collections.list(store.aliases())) {
                anyCertificate |= store.getCertificate(alias) != null;
            }
            if (!anyCertificate) {
                throw EmailNotifierProvider.trustStoreError(config, path, password.isEmpty()
                        ? "holds no certificate that can be read without a password: set trustStore.password, or use a "
                        + "PEM file" : "holds no certificate");
            }
            return sockets(store);
        } catch (GeneralSecurityException e) {
            throw EmailNotifierProvider.trustStoreError(config, path, "cannot be used as a trust store ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static boolean isPem(byte[] content) {
        return new String(content, 0, Math.min(content.length, 4096), StandardCharsets.US_ASCII)
                .contains("-----BEGIN CERTIFICATE-----");
    }

    private static KeyStore pem(byte[] content) throws GeneralSecurityException, IOException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(content));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + n++, certificate);
        }
        return store;
    }

    /** PKCS#12 or JKS, whichever the file is (the JDK recognises both). */
    private static KeyStore keyStore(Path path, Optional<Secret> password) throws GeneralSecurityException, IOException {
        char[] chars = password.map(secret -> secret.reveal().toCharArray()).orElse(null);
        return KeyStore.getInstance(path.toFile(), chars);
    }

    /** @param store the trusted certificates; null for the runtime's trust store */
    private static SSLSocketFactory sockets(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls.getSocketFactory();
    }
}
