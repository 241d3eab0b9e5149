package dev.mfamonitor.runner;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code /metrics} while {@code run --interval} keeps the process alive: the Prometheus client's own HTTP exporter
 * serving the latest run's metrics, on loopback unless told otherwise.
 */
final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    /** The address or port cannot be used; the message says which and what to do. */
    static final class CannotListen extends Exception {
        CannotListen(String message) {
            super(message);
        }
    }

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    static MetricsServer start(String address, int port, MultiCollector metrics) throws CannotListen {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new CannotListen("--metrics-address '" + address + "' is not an address of this machine; use an IP address "
                    + "such as 127.0.0.1 or 0.0.0.0");
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(metrics);
        HTTPServer server;
        try {
            server = HTTPServer.builder().inetAddress(bind).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new CannotListen("--metrics-port " + port + ": cannot listen on " + bind.getHostAddress() + ":" + port + " ("
                    + e.getMessage() + "); choose another --metrics-port or --metrics-address");
        }
        if (!bind.isLoopbackAddress()) {
            log.warn("metrics are served on {} without authentication: anyone who reaches the port sees monitor names and "
                    + "account counts; a firewall or a reverse proxy should guard it", bind.getHostAddress());
        }
        log.info("serving metrics at http://{}:{}/metrics", hostForUrl(bind), server.getPort());
        return new MetricsServer(server);
    }

    int port() {
        return server.getPort();
    }

    private static String hostForUrl(InetAddress address) {
        String host = address.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        server.close();
    }
}
