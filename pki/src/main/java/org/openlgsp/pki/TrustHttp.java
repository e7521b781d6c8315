package org.openlgsp.pki;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Posts a DER request to an OCSP responder or a TSA and reads its bounded answer. */
final class TrustHttp {
  private static final int MAX_RESPONSE = 256 * 1024;
  private final WebClient client;

  TrustHttp(Duration timeout) {
    this.client =
        WebClient.builder()
            .followRedirects(false)
            .readTimeout(timeout)
            .connectTimeout(timeout)
            .sendExpectContinue(false)
            .build();
  }

  byte[] post(String url, String contentType, String accept, byte[] body, ErrorCode failure) {
    try (HttpClientResponse r =
        client
            .post()
            .uri(url)
            .header(HeaderNames.CONTENT_TYPE, contentType)
            .header(HeaderNames.ACCEPT, accept)
            .submit(body)) {
      if (r.status().code() != 200) {
        throw new LgspException(
            failure, url + " answered HTTP " + r.status().code() + "; check the service's logs");
      }
      byte[] answer = r.entity().inputStream().readNBytes(MAX_RESPONSE + 1);
      if (answer.length > MAX_RESPONSE) {
        throw new LgspException(failure, url + " sent an oversized answer");
      }
      return answer;
    } catch (IOException | UncheckedIOException e) {
      throw unreachable(url, failure, e);
    } catch (LgspException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unreachable(url, failure, e);
    }
  }

  private static LgspException unreachable(String url, ErrorCode failure, Exception e) {
    return new LgspException(
        failure,
        "cannot reach "
            + url
            + " ("
            + e.getClass().getSimpleName()
            + "); check the URL, the network path and that the service is running",
        e);
  }
}
