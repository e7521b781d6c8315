package org.openlgsp.edge;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The listener's only connection selector when it accepts HTTP/1.0 requests ({@link
 * Edge.Builder#acceptHttp10()}): Helidon's HTTP/1.1 connection, whose reader presents a first
 * request line ending in {@code HTTP/1.0} as {@code HTTP/1.1} followed by {@code Connection:
 * close}. Helidon 4 has no HTTP/1.0 support (its prologue parser answers 505), and OCSP and
 * time-stamp clients in the field (OpenSSL 3.0's {@code ocsp} and {@code ts}) speak only HTTP/1.0.
 *
 * <p>What HTTP/1.0 means for such a request is what RFC 9112 §9.3 and appendix C.2 say a server
 * does with one: it is answered (in HTTP/1.1, RFC 9110 §2.5) and the connection is closed after the
 * answer. Everything else — the rest of the request line, headers, body framing, every refusal — is
 * Helidon's parser and the edge's writers, as on any other listener. Only the first request of a
 * connection is translated: a later HTTP/1.0 request on a kept-alive connection cannot happen (the
 * first one closes it). Being the only selector keeps Helidon's idle check on silent connections
 * (with more than one, Helidon waits for bytes to choose before any timeout applies).
 */
final class Http10Requests implements ServerConnectionSelector {
  private static final byte[] HTTP_10 = " HTTP/1.0\r".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AS_HTTP_11 =
      " HTTP/1.1\r\nConnection: close\r".getBytes(StandardCharsets.US_ASCII);

  private final ServerConnectionSelector http1;
  private final int maxLine;

  Http10Requests(Http1Config config) {
    this.http1 = Http1ConnectionSelector.builder().config(config).build();
    this.maxLine = config.maxPrologueLength();
  }

  @Override
  public int bytesToIdentifyConnection() {
    return 0;
  }

  @Override
  public Support supports(BufferData request) {
    return Support.SUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return http1.supportedApplicationProtocols();
  }

  @Override
  public ServerConnection connection(ConnectionContext ctx) {
    return http1.connection(new Translated(ctx, maxLine));
  }

  /** The connection, read through {@link #firstLineAsHttp11}. */
  private static final class Translated implements ConnectionContext {
    private final ConnectionContext ctx;
    private final DataReader reader;
    private final int maxLine;
    private boolean first = true;

    Translated(ConnectionContext ctx, int maxLine) {
      this.ctx = ctx;
      this.maxLine = maxLine;
      this.reader = DataReader.create(this::next);
    }

    /** The original reader's next bytes; the first ones hold the whole first line. */
    private byte[] next() {
      DataReader in = ctx.dataReader();
      in.ensureAvailable();
      if (first) {
        first = false;
        // Wait for the first line's end (or more than Helidon accepts as a request line: it then
        // refuses the line itself, untranslated).
        while (in.getBuffer(in.available()).indexOf(Bytes.LF_BYTE) < 0
            && in.available() <= maxLine + 2) {
          in.pullData();
        }
        return firstLineAsHttp11(in.readBytes(in.available()));
      }
      return in.readBytes(in.available());
    }

    @Override
    public ListenerContext listenerContext() {
      return ctx.listenerContext();
    }

    @Override
    public ExecutorService executor() {
      return ctx.executor();
    }

    @Override
    public DataWriter dataWriter() {
      return ctx.dataWriter();
    }

    @Override
    public DataReader dataReader() {
      return reader;
    }

    @Override
    public Router router() {
      return ctx.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
      return ctx.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
      return ctx.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
      return ctx.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
      return ctx.localPeer();
    }

    @Override
    public boolean isSecure() {
      return ctx.isSecure();
    }

    @Override
    public String socketId() {
      return ctx.socketId();
    }

    @Override
    public String childSocketId() {
      return ctx.childSocketId();
    }
  }

  /**
   * {@code bytes} with the first line's {@code " HTTP/1.0\r"} (right before its line feed) replaced
   * by {@code " HTTP/1.1\r\nConnection: close\r"}; unchanged when the first line ends otherwise.
   */
  static byte[] firstLineAsHttp11(byte[] bytes) {
    int lf = -1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lf = i;
        break;
      }
    }
    int start = lf - HTTP_10.length;
    if (start < 0 || !java.util.Arrays.equals(bytes, start, lf, HTTP_10, 0, HTTP_10.length)) {
      return bytes;
    }
    byte[] out = new byte[bytes.length - HTTP_10.length + AS_HTTP_11.length];
    System.arraycopy(bytes, 0, out, 0, start);
    System.arraycopy(AS_HTTP_11, 0, out, start, AS_HTTP_11.length);
    System.arraycopy(bytes, lf, out, start + AS_HTTP_11.length, bytes.length - lf);
    return out;
  }
}
