package dev.spindle.trainer.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The listening half of a ring member, opened before the members exchange addresses (so the port is known
 * and already accepting when the left neighbour connects). Pass it to {@link TcpRingCollective#join}.
 */
public final class TcpRingListener implements AutoCloseable {
  private final ServerSocket server;
  private final String host;

  /** Listens on an ephemeral port of {@code host} (the address peers use to reach this machine). */
  public TcpRingListener(String host) {
    this.host = host;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen for ring peers on " + host + ": " + e.getMessage(), e);
    }
  }

  /** {@code host:port} to publish to the other members. */
  public String address() {
    return host + ":" + server.getLocalPort();
  }

  ServerSocket server() {
    return server;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing a listener that failed is not worth failing the run over.
    }
  }
}
