package dev.mfamonitor.notifier.email;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deadline's guard: closing an attempt's sockets ends a blocked read, and no socket opens after it. */
class AttemptSocketsTest {

    @Test
    void closingTheAttemptEndsABlockedReadAndRefusesNewSockets() throws Exception {
        AttemptSockets sockets = new AttemptSockets(TrustMaterial.runtimeDefault());
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket plain = sockets.plain().createSocket();
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 5_000);
            try (Socket accepted = silent.accept()) {
                Thread closer = new Thread(sockets::closeAll);
                closer.start();
                // Blocks until the other thread closes the socket: no read timeout is set.
                assertThatThrownBy(() -> plain.getInputStream().read()).isInstanceOf(IOException.class);
                closer.join();
            }

            assertThat(sockets.closedByDeadline()).isTrue();
            assertThat(plain.isClosed()).isTrue();
            assertThatThrownBy(() -> sockets.plain().createSocket()).isInstanceOf(IOException.class)
                    .hasMessage("the delivery deadline passed");
            assertThatThrownBy(() -> sockets.tls().createSocket()).isInstanceOf(IOException.class)
                    .hasMessage("the delivery deadline passed");
        }
    }

    @Test
    void aFreshAttemptIsNotClosed() throws Exception {
        AttemptSockets sockets = new AttemptSockets(TrustMaterial.runtimeDefault());
        try (Socket socket = sockets.plain().createSocket()) {
            assertThat(sockets.closedByDeadline()).isFalse();
            assertThat(socket.isClosed()).isFalse();
        }
    }
}
