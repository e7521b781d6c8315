package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceNetworkTest {
  static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void ipv4AndIpv6NetworksHoldTheirAddressesOnly() throws Exception {
    SourceNetwork v4 = SourceNetwork.parse("10.20.0.0/16");
    assertThat(v4.contains(ip("10.20.255.1"))).isTrue();
    assertThat(v4.contains(ip("10.21.0.1"))).isFalse();
    assertThat(v4.contains(ip("::ffff:10.20.0.1"))).isTrue(); // an IPv4-mapped address is IPv4

    SourceNetwork v6 = SourceNetwork.parse("2001:db8:abcd::/48");
    assertThat(v6.contains(ip("2001:db8:abcd:12::7"))).isTrue();
    assertThat(v6.contains(ip("2001:db8:abce::7"))).isFalse();
    assertThat(v6.contains(ip("10.20.0.1"))).isFalse();

    SourceNetwork one = SourceNetwork.parse(" 192.168.1.7 ");
    assertThat(one).hasToString("192.168.1.7/32");
    assertThat(one.contains(ip("192.168.1.7"))).isTrue();
    assertThat(one.contains(ip("192.168.1.8"))).isFalse();
    assertThat(SourceNetwork.parse("::1").contains(ip("::1"))).isTrue();
    assertThat(SourceNetwork.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    assertThat(SourceNetwork.parse("10.20.0.0/16")).isEqualTo(v4);
  }

  @Test
  void anythingButAnAddressLiteralWithAPrefixInRangeIsRefused() {
    for (String bad :
        new String[] {
          "localhost",
          "example.org/24",
          "10.0.0.300/8",
          "10.0.0.0/33",
          "10.0.0.0/-1",
          "10.0.0.0/x",
          "10.0.0.0/",
          "2001:db8::/129",
          "10.0.0.1/8",
          "",
          "10.0.0"
        }) {
      assertThatThrownBy(() -> SourceNetwork.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> SourceNetwork.parse("10.1.2.3/8")).hasMessageContaining("10.0.0.0/8");
  }
}
