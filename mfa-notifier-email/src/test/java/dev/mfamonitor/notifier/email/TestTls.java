package dev.mfamonitor.notifier.email;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made once per test JVM with the JDK's {@code keytool}, in a temporary directory:
 * <ul>
 * <li>{@link #SERVER_KEYS}: the test SMTP servers' key, for {@code CN=localhost} with the subject alternative names
 *     {@code localhost} and {@code 127.0.0.1}; GreenMail's SMTPS serves it too (set through its system properties);</li>
 * <li>{@link #WRONG_NAME_KEYS}: a key for {@code mail.example.com} only, to show that a trusted certificate naming
 *     another host is refused;</li>
 * <li>{@link #TRUST_STORE} (PKCS#12, password {@link #TRUST_STORE_PASSWORD}) and {@link #TRUST_PEM}: trust both
 *     certificates above;</li>
 * <li>{@link #STRANGER_TRUST_STORE}: trusts an unrelated certificate only, so the servers above are not trusted.</li>
 * </ul>
 */
final class TestTls {
    static final String KEY_PASSWORD = "server-key-pass";
    static final String TRUST_STORE_PASSWORD = "trust-store-pass";
    static final Path DIR;
    static final Path SERVER_KEYS;
    static final Path WRONG_NAME_KEYS;
    static final Path TRUST_STORE;
    static final Path TRUST_PEM;
    static final Path STRANGER_TRUST_STORE;

    static {
        try {
            DIR = Files.createTempDirectory("mfa-email-tls");
            DIR.toFile().deleteOnExit();
            SERVER_KEYS = keyPair("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
            WRONG_NAME_KEYS = keyPair("wrong-name", "CN=mail.example.com", "SAN=dns:mail.example.com");
            Path stranger = keyPair("stranger", "CN=stranger.example.com", "SAN=dns:stranger.example.com");
            Path serverPem = export(SERVER_KEYS, "server");
            Path wrongNamePem = export(WRONG_NAME_KEYS, "wrong-name");
            TRUST_STORE = DIR.resolve("trust.p12");
            importInto(TRUST_STORE, TRUST_STORE_PASSWORD, "server", serverPem);
            importInto(TRUST_STORE, TRUST_STORE_PASSWORD, "wrong-name", wrongNamePem);
            TRUST_PEM = DIR.resolve("trust.pem");
            Files.writeString(TRUST_PEM, Files.readString(serverPem) + Files.readString(wrongNamePem));
            STRANGER_TRUST_STORE = DIR.resolve("stranger-trust.p12");
            importInto(STRANGER_TRUST_STORE, TRUST_STORE_PASSWORD, "stranger", export(stranger, "stranger"));
            // GreenMail's SMTPS reads its key once per JVM from these.
            System.setProperty("greenmail.tls.keystore.file", SERVER_KEYS.toString());
            System.setProperty("greenmail.tls.keystore.password", KEY_PASSWORD);
            System.setProperty("greenmail.tls.key.password", KEY_PASSWORD);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestTls() {
    }

    /** Makes sure the material exists (and GreenMail's properties are set) before a GreenMail server starts. */
    static void init() {
        // The static initialiser does the work.
    }

    /** A server-side TLS context with the key of a key store made here. */
    static SSLContext serverContext(Path keys) {
        try (InputStream in = Files.newInputStream(keys)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, KEY_PASSWORD.toCharArray());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, KEY_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path keyPair(String alias, String dname, String san) throws IOException {
        Path store = DIR.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", dname, "-ext", san, "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", KEY_PASSWORD, "-keypass", KEY_PASSWORD);
        return store;
    }

    private static Path export(Path store, String alias) throws IOException {
        Path pem = DIR.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass", KEY_PASSWORD,
                "-file", pem.toString());
        return pem;
    }

    private static void importInto(Path store, String password, String alias, Path pem) throws IOException {
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(), "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
