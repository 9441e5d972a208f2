//! The client's address, as every per-address limit counts it: the connection's peer, unless
//! that peer is one of `server.trusted_proxies`; then the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy. Entries further left were written by
//! whoever sent the request and prove nothing, so they are never believed.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The address a request's limits are counted under; `None` only without a peer address.
pub fn address(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    Some(resolve(peer, forwarded, trusted))
}

/// [`address`] on its parts: the peer, the `X-Forwarded-For` header lines in the order
/// received, and the trusted proxies.
pub fn resolve<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(&client) {
        return client;
    }
    let lines: Vec<&str> = forwarded_for.into_iter().collect();
    for entry in lines.iter().rev().flat_map(|line| line.rsplit(',')) {
        match hop(entry) {
            Some(ip) => {
                client = ip;
                if !is_trusted(&client) {
                    return client;
                }
            }
            // A proxy we trust wrote something unreadable: the last good hop is all we know.
            None => return client,
        }
    }
    client
}

/// One entry of the list: an address, possibly with a port (`192.0.2.7:4711`, `[2001:db8::1]:80`).
fn hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("net")).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = nets(&["10.0.0.0/8"]);
        let got = resolve(ip("203.0.113.9"), ["198.51.100.1"], &trusted);
        assert_eq!(got, ip("203.0.113.9"));
        assert_eq!(
            resolve(ip("127.0.0.1"), ["198.51.100.1"], &[]),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "192.0.2.7/32"]);
        // The client wrote "1.1.1.1" itself; its real address was appended by our proxies.
        let got = resolve(
            ip("10.0.0.5"),
            ["1.1.1.1, 198.51.100.23", "192.0.2.7"],
            &trusted,
        );
        assert_eq!(got, ip("198.51.100.23"));
        assert_eq!(
            resolve(ip("10.0.0.5"), ["198.51.100.23:5123"], &trusted),
            ip("198.51.100.23")
        );
        assert_eq!(
            resolve(ip("10.0.0.5"), ["[2001:db8::1]:443"], &trusted),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn without_a_usable_header_the_last_trusted_hop_stands() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("10.0.0.5"), Vec::<&str>::new(), &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            resolve(
                ip("10.0.0.5"),
                ["198.51.100.1, garbage, 10.0.0.6"],
                &trusted
            ),
            ip("10.0.0.6")
        );
        assert_eq!(
            resolve(ip("10.0.0.5"), ["10.1.1.1, 10.2.2.2"], &trusted),
            ip("10.1.1.1")
        );
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_ranges() {
        let trusted = nets(&["127.0.0.1/32"]);
        assert_eq!(
            resolve(ip("::ffff:127.0.0.1"), ["198.51.100.4"], &trusted),
            ip("198.51.100.4")
        );
    }

    fn any_ip() -> impl Strategy<Value = IpAddr> {
        prop_oneof![
            any::<[u8; 4]>().prop_map(IpAddr::from),
            any::<[u16; 8]>().prop_map(IpAddr::from),
        ]
    }

    proptest! {
        /// Whatever the header says, the answer is the peer or an address written in it, and
        /// from an untrusted peer it is always the peer.
        #[test]
        fn the_answer_comes_from_the_peer_or_the_header(
            peer in any_ip(),
            header in ".{0,80}",
            trust_peer in any::<bool>(),
        ) {
            let trusted: Vec<IpNet> = if trust_peer { vec![IpNet::from(peer.to_canonical())] } else { vec![] };
            let got = resolve(peer, [header.as_str()], &trusted);
            if trust_peer {
                let listed = header.split(',').filter_map(hop).any(|h| h == got);
                prop_assert!(got == peer.to_canonical() || listed);
            } else {
                prop_assert_eq!(got, peer.to_canonical());
            }
        }

        /// Behind trusted proxies, addresses the client put in front are never chosen: the
        /// answer is the first untrusted hop from the right.
        #[test]
        fn spoofed_hops_on_the_left_never_win(
            spoofed in proptest::collection::vec(any_ip(), 0..5),
            client in any::<[u8; 4]>().prop_filter("outside 10/8", |o| o[0] != 10),
            proxies in proptest::collection::vec(any::<[u8; 3]>(), 0..4),
        ) {
            let trusted = nets(&["10.0.0.0/8"]);
            let client = IpAddr::from(client);
            let mut hops: Vec<String> = spoofed.iter().map(ToString::to_string).collect();
            hops.push(client.to_string());
            hops.extend(proxies.iter().map(|p| format!("10.{}.{}.{}", p[0], p[1], p[2])));
            let header = hops.join(", ");
            prop_assert_eq!(resolve(ip("10.0.0.1"), [header.as_str()], &trusted), client);
        }
    }
}
