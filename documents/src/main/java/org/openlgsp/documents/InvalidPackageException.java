package org.openlgsp.documents;

import java.util.List;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.Problem;

/** A package refused with every problem found, reported as {@code errors} of the problem. */
public final class InvalidPackageException extends LgspException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public InvalidPackageException(List<String> problems) {
    super(
        ErrorCode.DOCUMENT_INVALID,
        "the package has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s"));
    this.problems = List.copyOf(problems);
  }

  List<String> problems() {
    return problems;
  }

  @Override
  public Problem toProblem() {
    return Problem.of(code(), detail(), problems);
  }
}
