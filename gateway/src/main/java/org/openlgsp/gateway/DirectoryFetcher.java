package org.openlgsp.gateway;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;

/**
 * Pulls the signed directory from the registry at a fixed interval into a {@link DirectoryHolder}.
 * A failed fetch or an invalid directory is logged and the last valid one stays in force. Each
 * newly installed directory is kept on disk as served, and at start-up the kept one is verified
 * again and used until the first successful fetch (so a gateway restarted while the registry is
 * down keeps serving until that directory's expiry plus grace). The registry's URL is asked for at
 * each fetch, so a gateway can be repointed (a tenant moved out of an as-a-Service installation)
 * without a restart.
 */
public final class DirectoryFetcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DirectoryFetcher.class.getName());
  private final java.util.function.Supplier<String> registryUrl;
  private String clientUrl;
  private WebClient client;
  private final DirectoryHolder holder;
  private final Duration interval;
  private final DirectoryCache cache;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param cacheFile where the last valid signed directory is kept across restarts
   */
  public DirectoryFetcher(
      String registryUrl, DirectoryHolder holder, Duration interval, Path cacheFile) {
    this(() -> registryUrl, holder, interval, cacheFile);
  }

  /**
   * @param registryUrl asked before each fetch: where the registry is now
   * @param cacheFile where the last valid signed directory is kept across restarts
   */
  public DirectoryFetcher(
      java.util.function.Supplier<String> registryUrl,
      DirectoryHolder holder,
      Duration interval,
      Path cacheFile) {
    this.registryUrl = registryUrl;
    this.holder = holder;
    this.interval = interval;
    this.cache = new DirectoryCache(cacheFile);
    this.thread = Thread.ofVirtual().name("directory-fetcher").unstarted(this::loop);
  }

  /**
   * Installs the cached directory if it still verifies, fetches once now (so a starting gateway has
   * a directory), then keeps polling in background.
   */
  public DirectoryFetcher start() {
    cache.load(holder);
    fetchOnce();
    thread.start();
    return this;
  }

  /** One fetch; true when a directory was installed. */
  boolean fetchOnce() {
    try (HttpClientResponse r = client().get("/directory").request()) {
      if (r.status().code() != 200) {
        LOG.warning("registry answered " + r.status().code() + " for /directory");
        return false;
      }
      byte[] signed = r.entity().as(byte[].class);
      Directory d = holder.accept(SignedDocument.parse(signed, Directory.SIGNED));
      LOG.fine(() -> "directory serial " + d.serial() + " installed");
      cache.store(signed);
      return true;
    } catch (LgspException e) {
      LOG.warning("directory rejected: " + e.detail());
      return false;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "registry unreachable: " + e.getMessage());
      return false;
    }
  }

  /** The client for the registry's current URL; a new one when the URL changed. */
  private synchronized WebClient client() {
    String url = registryUrl.get();
    if (!url.equals(clientUrl)) {
      if (clientUrl != null) {
        LOG.info("registry URL changed: fetching the directory from " + url);
      }
      client =
          WebClient.builder()
              .baseUri(url)
              .followRedirects(false)
              .readTimeout(Duration.ofSeconds(10))
              .connectionListener(new HandshakeTimeout(Duration.ofSeconds(10)))
              .build();
      clientUrl = url;
    }
    return client;
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
