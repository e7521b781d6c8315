package org.openlgsp.demo;

import java.util.List;
import org.openlgsp.cli.spi.CommandProvider;

/** Plugs {@code lgsp demo} (and its {@code edoc} subcommand) into the command line. */
public final class DemoCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(DemoCommand.class);
  }
}
