package org.openlgsp.gateway;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDirectory;

/**
 * Pulls the signed directory from the registry at a fixed interval into a {@link DirectoryHolder}.
 * A failed fetch or an invalid directory is logged and the last valid one stays in force.
 */
public final class DirectoryFetcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DirectoryFetcher.class.getName());
  private final WebClient client;
  private final DirectoryHolder holder;
  private final Duration interval;
  private final Thread thread;
  private volatile boolean running = true;

  public DirectoryFetcher(String registryUrl, DirectoryHolder holder, Duration interval) {
    this.client =
        WebClient.builder()
            .baseUri(registryUrl)
            .followRedirects(false)
            .readTimeout(Duration.ofSeconds(10))
            .connectionListener(new HandshakeTimeout(Duration.ofSeconds(10)))
            .build();
    this.holder = holder;
    this.interval = interval;
    this.thread = Thread.ofVirtual().name("directory-fetcher").unstarted(this::loop);
  }

  /** Fetches once now (so a starting gateway has a directory), then keeps polling in background. */
  public DirectoryFetcher start() {
    fetchOnce();
    thread.start();
    return this;
  }

  /** One fetch; true when a directory was installed. */
  boolean fetchOnce() {
    try (HttpClientResponse r = client.get("/directory").request()) {
      if (r.status().code() != 200) {
        LOG.warning("registry answered " + r.status().code() + " for /directory");
        return false;
      }
      Directory d = holder.accept(SignedDirectory.parse(r.entity().as(byte[].class)));
      LOG.fine(() -> "directory serial " + d.serial() + " installed");
      return true;
    } catch (LgspException e) {
      LOG.warning("directory rejected: " + e.detail());
      return false;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "registry unreachable: " + e.getMessage());
      return false;
    }
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      if (running) {
        fetchOnce();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
