package dev.mfamonitor.notifier.email;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server on 127.0.0.1 that speaks STARTTLS in front of GreenMail (whose SMTP has no STARTTLS, GreenMail issue
 * 135): it greets, answers EHLO with {@code STARTTLS} and nothing else (no AUTH before TLS), refuses every other command
 * with {@code 530 5.7.0 Must issue a STARTTLS command first}, upgrades the connection with its own certificate, and then
 * relays every line to GreenMail's plain SMTP port and every reply back, so that what is received, and whether the
 * login is right, is GreenMail's real SMTP server's business.
 *
 * <p>Tests script it: a reply to a command instead of GreenMail's ({@link #answer}), a greeting ({@link #greeting}), a
 * server that never says anything ({@link #neverAnswer}), a server that is down ({@link #close}). It records the
 * commands it saw ({@link #commands()}), each marked with whether TLS was on, but never their arguments.
 */
final class StartTlsFront implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final SSLContext tls;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private volatile String greeting = "220 front.localhost ESMTP ready";
    private volatile boolean silent;
    private volatile boolean authBeforeTls;
    private final Map<String, String> answersBeforeTls = new ConcurrentHashMap<>();

    private StartTlsFront(int upstreamPort, SSLContext tls) throws IOException {
        this.upstreamPort = upstreamPort;
        this.tls = tls;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "starttls-front-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A front with the certificate of {@code keys} before GreenMail's plain SMTP port {@code upstreamPort}. */
    static StartTlsFront start(int upstreamPort, java.nio.file.Path keys) {
        try {
            return new StartTlsFront(upstreamPort, TestTls.serverContext(keys));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** The commands seen, oldest first: {@code EHLO}, {@code STARTTLS}, then {@code tls:EHLO}, {@code tls:AUTH}, ... */
    List<String> commands() {
        return List.copyOf(commands);
    }

    /**
     * From now on, answer the command {@code verb} (MAIL, RCPT, DATA, AUTH) after STARTTLS with this reply; {@code null}
     * relays it to GreenMail again.
     */
    void answer(String verb, String reply) {
        if (reply == null) {
            answers.remove(verb.toUpperCase(Locale.ROOT));
        } else {
            answers.put(verb.toUpperCase(Locale.ROOT), reply);
        }
    }

    /** From now on, answer the command {@code verb} before STARTTLS (STARTTLS itself, say) with this reply. */
    void answerBeforeTls(String verb, String reply) {
        answersBeforeTls.put(verb.toUpperCase(Locale.ROOT), reply);
    }

    /**
     * From now on, also offer AUTH before TLS, as a careless server might; an AUTH before STARTTLS is recorded as
     * {@code AUTH} and refused.
     */
    void offerAuthBeforeTls() {
        authBeforeTls = true;
    }

    /** From now on, greet new connections with this line (a 421 or 554 greeting). */
    void greeting(String line) {
        greeting = line;
    }

    /** From now on, accept connections and never say a word. */
    void neverAnswer() {
        silent = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread session = new Thread(() -> serve(client), "starttls-front-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            if (silent) {
                client.getInputStream().read();   // until the client gives up
                return;
            }
            BufferedReader in = reader(client);
            OutputStream out = client.getOutputStream();
            send(out, greeting);
            if (!greeting.startsWith("220")) {
                return;
            }
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String verb = verb(line);
                commands.add(verb);
                String scripted = answersBeforeTls.get(verb);
                if (scripted != null) {
                    send(out, scripted);
                    continue;
                }
                switch (verb) {
                    case "EHLO" -> send(out, "250-front.localhost\r\n250-STARTTLS\r\n"
                            + (authBeforeTls ? "250-AUTH PLAIN LOGIN\r\n" : "") + "250 8BITMIME");
                    case "HELO" -> send(out, "250 front.localhost");
                    case "NOOP" -> send(out, "250 OK");
                    case "QUIT" -> {
                        send(out, "221 bye");
                        return;
                    }
                    case "STARTTLS" -> {
                        send(out, "220 2.0.0 ready to start TLS");
                        relayOverTls(client);
                        return;
                    }
                    default -> send(out, "530 5.7.0 Must issue a STARTTLS command first");
                }
            }
        } catch (IOException e) {
            // The client went away, or the test closed the front.
        }
    }

    private void relayOverTls(Socket client) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), true);
        secure.setUseClientMode(false);
        open.add(secure);
        secure.startHandshake();
        try (secure; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            open.add(upstream);
            BufferedReader fromClient = reader(secure);
            OutputStream toClient = secure.getOutputStream();
            BufferedReader fromServer = reader(upstream);
            OutputStream toServer = upstream.getOutputStream();
            reply(fromServer);   // GreenMail's greeting: the client already had ours
            boolean data = false;
            while (true) {
                String line = fromClient.readLine();
                if (line == null) {
                    return;
                }
                if (data) {
                    send(toServer, line);
                    if (line.equals(".")) {
                        data = false;
                        send(toClient, reply(fromServer));
                    }
                    continue;
                }
                String verb = verb(line);
                commands.add("tls:" + verb);
                String scripted = answers.get(verb);
                if (scripted != null) {
                    send(toClient, scripted);
                    continue;
                }
                send(toServer, line);
                String answer = reply(fromServer);
                if (answer == null) {
                    return;
                }
                send(toClient, answer);
                data = answer.startsWith("354");
                if (verb.equals("QUIT")) {
                    return;
                }
            }
        }
    }

    /** A whole reply, multi-line ones included, without the last CRLF. */
    private static String reply(BufferedReader in) throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return reply.length() == 0 ? null : reply.toString();
            }
            reply.append(reply.length() == 0 ? "" : "\r\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    /** The command word of a line; SASL continuation lines (base64) are not commands and are not recorded as such. */
    private static String verb(String line) {
        String word = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        return word.matches("[A-Z]{4,8}") ? word : "(continuation)";
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
