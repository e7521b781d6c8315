package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

class BodySpoolTest {
  @Test
  void largeBodySpillsToDiskAndReadsBackIdentically() throws Exception {
    byte[] data = new byte[BodySpool.MEMORY_THRESHOLD * 3 + 17];
    new Random(1).nextBytes(data);
    try (BodySpool s =
        BodySpool.read(new ByteArrayInputStream(data), 10_000_000, ErrorCode.REQUEST_TOO_LARGE)) {
      assertThat(s.length()).isEqualTo(data.length);
      assertThat(s.digest()).isEqualTo(Digests.base64(Digests.sha256(data)));
      assertThatThrownBy(s::bytes).isInstanceOf(IllegalStateException.class);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.writeTo(out);
      assertThat(out.toByteArray()).isEqualTo(data);
      assertThat(s.open().readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void bodyOverTheLimitIsRefusedWithTheGivenCode() {
    assertThatThrownBy(
            () ->
                BodySpool.read(
                    new ByteArrayInputStream(new byte[101]), 100, ErrorCode.REQUEST_TOO_LARGE))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
  }

  @Test
  void emptyBodyHasTheDigestOfNothing() {
    assertThat(BodySpool.empty().digest())
        .isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assertThat(BodySpool.empty().isEmpty()).isTrue();
  }

  @Test
  void aSpilledBodyIsEncryptedOnDiskAndReadBackWhole() throws Exception {
    byte[] body =
        "{\"hoTen\":\"Nguyễn Thị Hương\",\"soDinhDanh\":\"079090001234\"}\n"
            .repeat(20_000)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
    java.util.Set<java.nio.file.Path> before = spoolFiles(tmp);
    try (BodySpool spool =
        BodySpool.read(new ByteArrayInputStream(body), 10_000_000, ErrorCode.REQUEST_TOO_LARGE)) {
      java.util.Set<java.nio.file.Path> now = spoolFiles(tmp);
      now.removeAll(before);
      assertThat(now).hasSize(1);
      String raw =
          new String(
              java.nio.file.Files.readAllBytes(now.iterator().next()),
              java.nio.charset.StandardCharsets.UTF_8);
      assertThat(raw).doesNotContain("079090001234").doesNotContain("Hương");
      try (var in = spool.open()) {
        assertThat(in.readAllBytes()).isEqualTo(body);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      spool.writeTo(out);
      assertThat(out.toByteArray()).isEqualTo(body);
    }
  }

  private static java.util.Set<java.nio.file.Path> spoolFiles(java.nio.file.Path tmp)
      throws java.io.IOException {
    try (var files = java.nio.file.Files.list(tmp)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("lgsp-body-"))
          .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
  }
}
