package org.openlgsp.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.bouncycastle.util.IPAddress;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.20.0.0/16}, {@code 2001:db8::/32}), or one
 * address ({@code 10.20.0.7}, as {@code /32} or {@code /128}): where a local system that
 * authenticates by its source address may call from.
 */
public final class SourceNetwork {
  private final byte[] network;
  private final int prefix;

  private SourceNetwork(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * @throws IllegalArgumentException when {@code cidr} is not an address literal with an optional
   *     prefix length in range, or has bits set past the prefix (a likely typo)
   */
  public static SourceNetwork parse(String cidr) {
    String text = cidr.strip();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    // Validated as a literal first, so that InetAddress never resolves a host name.
    if (!IPAddress.isValidIPv4(address) && !IPAddress.isValidIPv6(address)) {
      throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 or IPv6 address or CIDR");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 or IPv6 address", e);
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(
            "'" + cidr + "': the prefix length must be 0 to " + bits);
      }
    }
    SourceNetwork n = new SourceNetwork(bytes, prefix);
    if (!Arrays.equals(bytes, n.masked(bytes))) {
      throw new IllegalArgumentException(
          "'" + cidr + "' has host bits set; write the network address, e.g. " + n.canonical());
    }
    return n;
  }

  /** True when {@code address} is in this network (an IPv4 address is never in an IPv6 one). */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  private boolean contains(byte[] address) {
    return address.length == network.length && Arrays.equals(masked(address), network);
  }

  private byte[] masked(byte[] address) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.clamp(prefix - i * 8L, 0, 8);
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  private String canonical() {
    try {
      return InetAddress.getByAddress(masked(network)).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceNetwork n && n.prefix == prefix && Arrays.equals(n.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return canonical();
  }
}
