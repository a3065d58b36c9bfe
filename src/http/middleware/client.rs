//! Who sent a request, resolved once per request by the pipeline and carried as a request
//! extension: the connection's peer, and the client it counts as (`domain::client`: the peer, or
//! behind a trusted proxy the last `X-Forwarded-For` entry). The rate limit, the login throttle
//! (`filters::client`) and the access log all read this one answer.

use std::fmt;
use std::net::SocketAddr;

use warp::http::HeaderMap;

use crate::domain::client::ClientKey;

/// How the client of a request is found (`GONGSHI_TRUST_FORWARDED_FOR`,
/// `GONGSHI_RATE_IPV6_PREFIX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientSettings {
    pub trust_forwarded_for: bool,
    /// IPv6 clients are counted by this many leading bits of their address.
    pub ipv6_prefix: u8,
}

/// The client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The connection's peer (the proxy, behind one); `None` for a request not served by
    /// the server's connection loop (a test calling the router directly).
    pub peer: Option<SocketAddr>,
    /// Who the request counts against; `None` when there is no peer.
    pub key: Option<ClientKey>,
}

impl Client {
    /// The client of a request that came from `peer` with `headers`.
    pub fn resolve(
        peer: Option<SocketAddr>,
        headers: &HeaderMap,
        settings: ClientSettings,
    ) -> Client {
        let forwarded: Vec<&str> = headers
            .get_all(warp::http::header::HeaderName::from_static(
                "x-forwarded-for",
            ))
            .iter()
            .map(|v| v.to_str().unwrap_or(""))
            .collect();
        Client {
            peer,
            key: ClientKey::of_request(
                peer.map(|p| p.ip()),
                &forwarded,
                settings.trust_forwarded_for,
                settings.ipv6_prefix,
            ),
        }
    }
}

/// How the access log names the client: its key (`203.0.113.5`, `2001:db8::/64`, `unknown`), or
/// `-` when there is none.
impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key {
            Some(key) => key.fmt(f),
            None => f.write_str("-"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(trust: bool) -> ClientSettings {
        ClientSettings {
            trust_forwarded_for: trust,
            ipv6_prefix: 64,
        }
    }

    #[test]
    fn the_forwarded_address_counts_only_behind_a_trusted_proxy() {
        let proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.7, 203.0.113.9".parse().unwrap(),
        );
        let trusted = Client::resolve(Some(proxy), &headers, settings(true));
        assert_eq!(trusted.to_string(), "203.0.113.9");
        assert_eq!(trusted.peer, Some(proxy));
        let untrusted = Client::resolve(Some(proxy), &headers, settings(false));
        assert_eq!(untrusted.to_string(), "127.0.0.1");
        assert_eq!(
            Client::resolve(None, &HeaderMap::new(), settings(false)).to_string(),
            "-"
        );
    }
}
