/**
 * Document axis: the edXML package format of QCVN 102:2016/BTTTT (binding, signatures, validation),
 * the durable document store with inbox and status history, and its HTTP service.
 */
@XmlSchema(
    namespace = Edxml.NS,
    elementFormDefault = XmlNsForm.QUALIFIED,
    xmlns = {@XmlNs(prefix = "edXML", namespaceURI = Edxml.NS)})
@XmlAccessorType(XmlAccessType.FIELD)
package org.openlgsp.documents;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlNs;
import jakarta.xml.bind.annotation.XmlNsForm;
import jakarta.xml.bind.annotation.XmlSchema;
