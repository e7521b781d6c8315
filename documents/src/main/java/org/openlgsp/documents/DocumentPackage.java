package org.openlgsp.documents;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** An official document package (messagetype {@code edoc}). */
public record DocumentPackage(Edxml.DocumentRoot root) implements EdxmlPackage {
  public DocumentPackage {
    Objects.requireNonNull(root, "root");
  }

  public Edxml.DocumentHeader header() {
    return root.envelope.header.messageHeader;
  }

  @Override
  public String fromOrganId() {
    return header().from == null ? "" : Objects.toString(header().from.organId, "");
  }

  public String documentId() {
    return Objects.toString(header().documentId, "");
  }

  public List<String> recipientIds() {
    return header().to.stream().map(o -> Objects.toString(o.organId, "")).toList();
  }

  public String subject() {
    return Objects.toString(header().subject, "");
  }

  /** The business action of the trace header; a package without one is a new document. */
  public BusinessType businessType() {
    return business()
        .flatMap(b -> BusinessType.fromCode(Objects.toString(b.bussinessDocType, "")))
        .orElse(BusinessType.NEW);
  }

  public Optional<Edxml.Business> business() {
    Edxml.TraceHeaderList t = root.envelope.header.traceHeaderList;
    return t == null ? Optional.empty() : Optional.ofNullable(t.business);
  }

  /** The document a revoke, update or replace acts on (the business DocumentId, else our own). */
  public String targetDocumentId() {
    return business()
        .map(b -> b.documentId)
        .filter(s -> !s.isBlank())
        .or(
            () ->
                business()
                    .map(b -> b.replacementInfoList)
                    .filter(l -> !l.isEmpty())
                    .map(l -> l.get(0).documentId))
        .orElse(documentId());
  }

  public List<Edxml.Attachment> attachments() {
    return root.attachmentEncoded == null ? List.of() : root.attachmentEncoded.attachments;
  }
}
