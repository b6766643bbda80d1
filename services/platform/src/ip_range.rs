//! Address ranges in CIDR notation, for settings that name whole networks
//! (the proxies whose `X-Forwarded-For` is believed: in a cluster the
//! ingress controller's pods change address, but not their network).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// One address (`10.0.0.7`) or a network (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Whether `ip` lies in the range. IPv4 addresses written as IPv6
    /// (`::ffff:10.0.0.7`, as dual-stack sockets report them) count as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base.to_canonical(), ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(base)), 32, self.prefix)
                    == masked(u128::from(u32::from(ip)), 32, self.prefix)
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                masked(u128::from(base), 128, self.prefix) == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// The first `prefix` bits of a `width`-bit address.
fn masked(address: u128, width: u8, prefix: u8) -> u128 {
    let host_bits = u32::from(width.saturating_sub(prefix));
    if host_bits >= 128 {
        0
    } else {
        (address >> host_bits) << host_bits
    }
}

impl From<IpAddr> for IpRange {
    fn from(base: IpAddr) -> Self {
        let prefix = if base.to_canonical().is_ipv4() { 32 } else { 128 };
        Self {
            base: base.to_canonical(),
            prefix,
        }
    }
}

impl FromStr for IpRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = address
            .parse()
            .map_err(|_| format!("{text}: not an IP address or a network like 10.0.0.0/8"))?;
        let single = IpRange::from(base);
        let Some(prefix) = prefix else {
            return Ok(single);
        };
        match prefix.parse::<u8>() {
            Ok(p) if p <= single.prefix => Ok(IpRange {
                base: single.base,
                prefix: p,
            }),
            _ => Err(format!("{text}: the prefix length must be 0–{}", single.prefix)),
        }
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

impl<'de> serde::Deserialize<'de> for IpRange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn networks_contain_their_addresses_and_nothing_else() {
        let cluster: IpRange = "10.0.0.0/8".parse().expect("range");
        assert!(cluster.contains(ip("10.42.7.9")));
        assert!(cluster.contains(ip("::ffff:10.42.7.9")));
        assert!(!cluster.contains(ip("11.0.0.1")));
        assert!(!cluster.contains(ip("fd00::1")));
        let v6: IpRange = "fd00::/8".parse().expect("range");
        assert!(v6.contains(ip("fd12:3456::1")));
        assert!(!v6.contains(ip("fe80::1")));
        let one: IpRange = "127.0.0.1".parse().expect("address");
        assert!(one.contains(ip("127.0.0.1")));
        assert!(!one.contains(ip("127.0.0.2")));
        let everything: IpRange = "0.0.0.0/0".parse().expect("range");
        assert!(everything.contains(ip("203.113.1.1")));
        assert_eq!(cluster.to_string(), "10.0.0.0/8");
    }

    #[test]
    fn bad_ranges_are_refused_with_the_reason() {
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("fd00::/129".parse::<IpRange>().is_err());
        assert!("proxy.local".parse::<IpRange>().is_err());
        assert!("10.0.0.0/x".parse::<IpRange>().is_err());
    }
}
