package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/ops.md's index names every field of the operational record, so a new one cannot be missed.
 */
class OpsDocumentationTest {
  @Test
  void opsMdListsEveryOperationalRecordField() throws Exception {
    String ops = Files.readString(Path.of("../docs/ops.md"));
    String index = ops.substring(ops.indexOf("**Operational record**"));
    index = index.substring(0, index.indexOf("\n\n"));
    List<String> fields =
        Arrays.stream(OperationalRecord.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .toList();
    assertThat(fields).hasSizeGreaterThan(40);
    String paragraph = index;
    assertThat(fields.stream().filter(f -> !paragraph.contains("`" + f + "`")).toList())
        .as("operational record fields missing from docs/ops.md")
        .isEmpty();
  }
}
