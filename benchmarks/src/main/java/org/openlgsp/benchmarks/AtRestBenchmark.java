package org.openlgsp.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.KeyEncryptionKey;

/**
 * CPU cost of encryption at rest (docs/privacy.md): streaming encryption and decryption of an 8 MiB
 * package (Tink AES-256-GCM-HKDF, 64 KiB segments, as {@code PackageFiles} keeps packages) next to
 * a plain in-memory copy of the same bytes through the same 64 KiB buffer in the same run (the
 * baseline), and sealing / unsealing a 200-byte column value. In memory, so disk time is left out.
 * One thread, its CPU time; all scenarios warmed up, then measured in interleaved rounds; medians.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.AtRestBenchmark}
 */
public final class AtRestBenchmark {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final int MB = 1024 * 1024;
  private static final int WARM_UP = 5;
  private static final int ROUNDS = 15;

  private AtRestBenchmark() {}

  interface Scenario {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("lgsp-at-rest-bench");
    AtRest keys =
        AtRest.open(
            dir.resolve("keyring.json"),
            KeyEncryptionKey.keyFile(KeyEncryptionKey.generateKeyFile(dir.resolve("kek.key"))),
            AtRest.DEFAULT_TENANT);
    byte[] body = new byte[8 * MB];
    new Random(1).nextBytes(body);
    ByteArrayOutputStream sealedOut = new ByteArrayOutputStream(body.length + MB);
    try (OutputStream out = keys.encrypting(sealedOut, "edoc_package:bench")) {
      out.write(body);
    }
    byte[] sealed = sealedOut.toByteArray();
    String field = "Nguyễn Thị Hương, 079090001234, lỗi: backend answered 500 ".repeat(3);
    String sealedField = keys.sealText(field, "opmon_record.fault_string#1");
    byte[] chunk = new byte[64 * 1024];

    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put(
        "8 MiB: plain copy (baseline)",
        () -> copy(new ByteArrayInputStream(body), OutputStream.nullOutputStream(), chunk));
    scenarios.put(
        "8 MiB: encrypt (streaming AEAD)",
        () -> {
          try (OutputStream out =
              keys.encrypting(OutputStream.nullOutputStream(), "edoc_package:bench")) {
            copy(new ByteArrayInputStream(body), out, chunk);
          }
        });
    scenarios.put(
        "8 MiB: decrypt (streaming AEAD)",
        () -> {
          try (InputStream in =
              keys.decrypting(new ByteArrayInputStream(sealed), "edoc_package:bench")) {
            copy(in, OutputStream.nullOutputStream(), chunk);
          }
        });
    scenarios.put(
        "column value (" + field.getBytes(StandardCharsets.UTF_8).length + " B) x 1000: seal",
        () -> {
          for (int i = 0; i < 1000; i++) {
            keys.sealText(field, "opmon_record.fault_string#1");
          }
        });
    scenarios.put(
        "column value x 1000: unseal",
        () -> {
          for (int i = 0; i < 1000; i++) {
            keys.unsealText(sealedField, "opmon_record.fault_string#1");
          }
        });

    List<String> names = new ArrayList<>(scenarios.keySet());
    Map<String, List<Long>> times = new LinkedHashMap<>();
    names.forEach(n -> times.put(n, new ArrayList<>()));
    for (int round = 0; round < WARM_UP + ROUNDS; round++) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((i + round) % names.size());
        long t0 = CPU.getCurrentThreadCpuTime();
        scenarios.get(name).run();
        long t = CPU.getCurrentThreadCpuTime() - t0;
        if (round >= WARM_UP) {
          times.get(name).add(t);
        }
      }
    }
    System.out.printf("| scenario | CPU ms / op (median) | CPU ms / MiB | quartiles ms |%n");
    System.out.printf("|---|---:|---:|---:|%n");
    for (String n : names) {
      long[] t = times.get(n).stream().mapToLong(Long::longValue).sorted().toArray();
      double med = t[t.length / 2] / 1e6;
      String perMb = n.startsWith("8 MiB") ? String.format("%.2f", med / 8) : "-";
      System.out.printf(
          "| %s | %.2f | %s | %.2f - %.2f |%n",
          n, med, perMb, t[t.length / 4] / 1e6, t[3 * t.length / 4] / 1e6);
    }
    Arrays.fill(body, (byte) 0);
  }

  private static void copy(InputStream in, OutputStream out, byte[] chunk) throws Exception {
    for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
      out.write(chunk, 0, n);
    }
  }
}
