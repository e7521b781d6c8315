package org.openlgsp.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards TCP connections from {@code listen} to {@code target}: the separate-hosts test's
 * stand-in for a database host. The machine's PostgreSQL listens on 127.0.0.1 of the root
 * namespace, which no namespace reaches; the test's hosts connect to the bridge address instead and
 * this forwards (in the root namespace) to the server, which sees a local client.
 */
final class TcpForwarder implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private TcpForwarder(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  static TcpForwarder start(InetSocketAddress listen, InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(listen);
    TcpForwarder f = new TcpForwarder(server, target);
    Thread.ofVirtual().name("forward-accept").start(f::accept);
    return f;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread.ofVirtual().start(() -> connect(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    open.add(upstream);
    try {
      upstream.connect(target, 5_000);
      Thread.ofVirtual().start(() -> pump(upstream, client));
      pump(client, upstream);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /** Copies until either side ends, then closes both: a database connection is all or nothing. */
  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side closed: the other goes too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(this::closeQuietly);
  }
}
