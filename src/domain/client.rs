//! Who a request counts against (issue 23, finding 5): the one answer the public rate limit and
//! the login throttle both use.
//!
//! - An IPv4 client is its address; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is that IPv4
//!   address, so one client is not two buckets.
//! - An IPv6 client is its network prefix, /64 by default (one household or host is given a /64
//!   and may use any address in it).
//! - Behind a trusted reverse proxy the client is the last `X-Forwarded-For` entry, the one the
//!   proxy appended, in any of the forms proxies write (`a.b.c.d`, `a.b.c.d:port`, `v6`,
//!   `[v6]:port`, quoted). An entry that cannot be read (`unknown`, a trailing comma, garbage) or
//!   that is a loopback address is one shared [`ClientKey::Unknown`] client: limited like any
//!   other, never exempt as the proxy's own loopback address would be.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The default IPv6 prefix length a client is keyed by.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// A client, as limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4(Ipv4Addr),
    /// The address with every bit after the prefix cleared, and the prefix length.
    V6(Ipv6Addr, u8),
    /// A forwarded entry that could not be read or named a loopback address.
    Unknown,
}

impl ClientKey {
    /// The key of an address: IPv4-mapped addresses as IPv4, IPv6 by its first `prefix` bits.
    pub fn of(ip: IpAddr, prefix: u8) -> ClientKey {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4),
                // ::1 is this machine, whatever the prefix (masking would lose that).
                None if v6.is_loopback() => ClientKey::V6(v6, 128),
                None => {
                    let prefix = prefix.clamp(1, 128);
                    let mask = u128::MAX << (128 - u32::from(prefix));
                    ClientKey::V6(Ipv6Addr::from(u128::from(v6) & mask), prefix)
                }
            },
        }
    }

    /// The client of a request: the peer, or behind a trusted proxy the last entry of the
    /// `X-Forwarded-For` values (each value a comma-separated list, in header order).
    pub fn of_request(
        peer: Option<IpAddr>,
        forwarded_for: &[&str],
        trust_forwarded_for: bool,
        prefix: u8,
    ) -> Option<ClientKey> {
        if trust_forwarded_for && !forwarded_for.is_empty() {
            let last = forwarded_for
                .iter()
                .flat_map(|v| v.split(','))
                .next_back()
                .unwrap_or("");
            return Some(match parse_entry(last) {
                Some(ip) if !ip.is_loopback() && !is_mapped_loopback(ip) => {
                    ClientKey::of(ip, prefix)
                }
                _ => ClientKey::Unknown,
            });
        }
        peer.map(|ip| ClientKey::of(ip, prefix))
    }

    /// A loopback client (the operator's own tools), which limits may exempt. [`ClientKey::Unknown`]
    /// is never one.
    pub fn is_loopback(&self) -> bool {
        match self {
            ClientKey::V4(v4) => v4.is_loopback(),
            ClientKey::V6(v6, _) => v6.is_loopback(),
            ClientKey::Unknown => false,
        }
    }
}

fn is_mapped_loopback(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()))
}

/// `203.0.113.5`, `2001:db8:1:2::/64` or `unknown`: how the audit log and the logs name a client.
impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::V4(v4) => write!(f, "{v4}"),
            ClientKey::V6(v6, prefix) => write!(f, "{v6}/{prefix}"),
            ClientKey::Unknown => f.write_str("unknown"),
        }
    }
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port, an IPv6 address perhaps in
/// brackets, perhaps quoted. `None` when it is none of these.
pub fn parse_entry(entry: &str) -> Option<IpAddr> {
    let e = entry.trim().trim_matches('"').trim();
    if e.is_empty() {
        return None;
    }
    if let Ok(ip) = e.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sock) = e.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    // `[v6]` without a port
    e.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|v6| v6.parse::<Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> ClientKey {
        ClientKey::of(s.parse().unwrap(), DEFAULT_IPV6_PREFIX)
    }

    #[test]
    fn every_address_of_one_ipv6_64_is_one_client_and_the_next_64_another() {
        assert_eq!(
            key("2001:db8:1:2::1"),
            key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("2001:db8:1:2::99").to_string(), "2001:db8:1:2::/64");
        let p48 = |s: &str| ClientKey::of(s.parse().unwrap(), 48);
        assert_eq!(p48("2001:db8:1:2::1"), p48("2001:db8:1:3::1"));
        let p128 = |s: &str| ClientKey::of(s.parse().unwrap(), 128);
        assert_ne!(p128("2001:db8::1"), p128("2001:db8::2"));
        // A prefix of 0 would make the whole Internet one client: at least 1 bit is kept.
        let p0 = ClientKey::of("2001:db8::1".parse().unwrap(), 0);
        assert_eq!(p0.to_string(), "::/1");
    }

    #[test]
    fn an_ipv4_mapped_address_is_the_ipv4_client() {
        assert_eq!(key("::ffff:203.0.113.5"), key("203.0.113.5"));
        assert_eq!(key("::ffff:203.0.113.5").to_string(), "203.0.113.5");
    }

    #[test]
    fn forwarded_entries_in_every_form_proxies_write() {
        for (entry, want) in [
            ("203.0.113.5", Some("203.0.113.5")),
            (" 203.0.113.5:4711 ", Some("203.0.113.5")),
            ("2001:db8::7", Some("2001:db8::7")),
            ("[2001:db8::7]:443", Some("2001:db8::7")),
            ("[2001:db8::7]", Some("2001:db8::7")),
            ("\"[2001:db8::7]:443\"", Some("2001:db8::7")),
            ("unknown", None),
            ("", None),
            ("_hidden", None),
            ("203.0.113.5:port", None),
            ("300.1.1.1", None),
        ] {
            assert_eq!(
                parse_entry(entry),
                want.map(|w| w.parse().unwrap()),
                "{entry:?}"
            );
        }
    }

    #[test]
    fn behind_a_trusted_proxy_the_last_entry_is_the_client() {
        let of = |peer: &str, xff: &[&str]| {
            ClientKey::of_request(Some(peer.parse().unwrap()), xff, true, 64)
        };
        assert_eq!(
            of("127.0.0.1", &["1.1.1.1, 203.0.113.5"]),
            Some(key("203.0.113.5"))
        );
        assert_eq!(
            of("127.0.0.1", &["1.1.1.1", "203.0.113.5:80"]),
            Some(key("203.0.113.5"))
        );
        // Unreadable or loopback last entries are one shared client that is limited.
        for xff in [
            "1.1.1.1, unknown",
            "1.1.1.1,",
            "garbage",
            "127.0.0.1",
            "::1",
            "[::1]:80",
            "::ffff:127.0.0.1",
        ] {
            let k = of("127.0.0.1", &[xff]).unwrap();
            assert_eq!(k, ClientKey::Unknown, "{xff}");
            assert!(!k.is_loopback(), "{xff}");
        }
        // No header: the peer itself (the operator's tool on the same machine), over IPv4 or IPv6.
        let direct = of("127.0.0.1", &[]).unwrap();
        assert!(direct.is_loopback());
        assert!(of("::1", &[]).unwrap().is_loopback());
        assert!(ClientKey::of("::1".parse().unwrap(), 48).is_loopback());
        assert!(!key("2001:db8::1").is_loopback());
        // Not trusted: the header is the client's own word and is ignored.
        assert_eq!(
            ClientKey::of_request(
                Some("198.51.100.1".parse().unwrap()),
                &["1.2.3.4"],
                false,
                64
            ),
            Some(key("198.51.100.1"))
        );
        assert_eq!(ClientKey::of_request(None, &[], true, 64), None);
    }
}
