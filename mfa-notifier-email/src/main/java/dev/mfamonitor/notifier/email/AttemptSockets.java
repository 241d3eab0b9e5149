package dev.mfamonitor.notifier.email;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The sockets of one delivery attempt, so that they can all be closed when the attempt's deadline passes: an SMTP
 * session is a dozen exchanges, each bounded by the read timeout, and a server that answers each just in time would
 * otherwise hold the attempt far past its deadline. Closing the TCP socket ends whatever Jakarta Mail is blocked in.
 *
 * <p>{@link #plain()} makes the first socket of a {@code starttls} or {@code none} connection; {@link #tls()} wraps a
 * socket in TLS (the STARTTLS upgrade, and every {@code smtps} connection, whose TCP socket Jakarta Mail makes itself
 * and hands to it), with the configured trust and nothing weaker.
 */
final class AttemptSockets {
    private final List<Socket> sockets = new ArrayList<>();
    private final SSLSocketFactory trusted;
    private boolean closed;

    /** @param trusted verifies the server against the configured trust store; null for {@code tls: none} */
    AttemptSockets(SSLSocketFactory trusted) {
        this.trusted = trusted;
    }

    /** Closes every socket of the attempt, and any opened later. Called once, from the deadline's timer. */
    void closeAll() {
        List<Socket> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(sockets);
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all we wanted; the attempt reports the deadline.
            }
        }
    }

    /** Whether the deadline closed the sockets. */
    synchronized boolean closedByDeadline() {
        return closed;
    }

    private <S extends Socket> S register(S socket) throws IOException {
        synchronized (this) {
            if (!closed) {
                sockets.add(socket);
                return socket;
            }
        }
        socket.close();
        throw new IOException("the delivery deadline passed");
    }

    /** Unconnected plain sockets (Jakarta Mail connects them with its connection timeout). */
    SocketFactory plain() {
        return new SocketFactory() {
            @Override
            public Socket createSocket() throws IOException {
                return register(new Socket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return register(new Socket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
                return register(new Socket(host, port, local, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return register(new Socket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
                return register(new Socket(host, port, local, localPort));
            }
        };
    }

    /** TLS over a connected socket, or new TLS sockets, all with the configured trust. */
    SSLSocketFactory tls() {
        return new SSLSocketFactory() {
            @Override
            public String[] getDefaultCipherSuites() {
                return trusted.getDefaultCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return trusted.getSupportedCipherSuites();
            }

            @Override
            public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
                register(socket);
                return register(trusted.createSocket(socket, host, port, autoClose));
            }

            @Override
            public Socket createSocket() throws IOException {
                return register(trusted.createSocket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return register(trusted.createSocket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
                return register(trusted.createSocket(host, port, local, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return register(trusted.createSocket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
                return register(trusted.createSocket(host, port, local, localPort));
            }
        };
    }
}
