//! The client's address (R-THROTTLE): the peer address, unless the peer is a proxy listed in
//! `ZHIHUI_TRUSTED_PROXIES`; then `X-Forwarded-For` is read from the right, skipping trusted
//! proxies, and the first address that is not one is the client.

use ipnet::IpNet;
use std::net::IpAddr;

/// Parses `ZHIHUI_TRUSTED_PROXIES`: a comma list of addresses and CIDRs.
pub fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("not an IP address or CIDR: {s:?}"))
        })
        .collect()
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    let ip = canonical(ip);
    proxies.iter().any(|n| n.contains(&ip))
}

/// `::ffff:10.0.0.1` is `10.0.0.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The client of a request with peer `peer` and the `X-Forwarded-For` values `forwarded`.
pub fn client_addr(peer: Option<IpAddr>, forwarded: &[&str], proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = canonical(peer?);
    if !trusted(peer, proxies) {
        return Some(peer);
    }
    let hops: Vec<&str> = forwarded
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !trusted(client, proxies) {
                    return Some(client);
                }
            }
            // A hop that is not an address: stop at the last address we could trust.
            Err(_) => return Some(client),
        }
    }
    Some(client)
}

/// The client address of a poem request.
pub fn of_request(req: &poem::Request, proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    client_addr(peer, &forwarded, proxies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    // R-THROTTLE: X-Forwarded-For only counts when the peer is a trusted proxy.
    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = parse_trusted("127.0.0.1, 10.0.0.0/8").unwrap();
        // An untrusted peer: its own address, whatever it claims.
        assert_eq!(
            client_addr(Some(ip("203.0.113.9")), &["1.2.3.4"], &proxies),
            Some(ip("203.0.113.9"))
        );
        // A trusted proxy: the right-most address that is not a trusted proxy.
        assert_eq!(
            client_addr(
                Some(ip("127.0.0.1")),
                &["6.6.6.6, 198.51.100.7, 10.1.2.3"],
                &proxies
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_addr(Some(ip("::ffff:127.0.0.1")), &["198.51.100.7"], &proxies),
            Some(ip("198.51.100.7"))
        );
        // No header, or garbage in it: the last trusted hop.
        assert_eq!(
            client_addr(Some(ip("127.0.0.1")), &[], &proxies),
            Some(ip("127.0.0.1"))
        );
        assert_eq!(
            client_addr(Some(ip("127.0.0.1")), &["nonsense"], &proxies),
            Some(ip("127.0.0.1"))
        );
        // Nothing trusted: the peer.
        assert_eq!(
            client_addr(Some(ip("127.0.0.1")), &["1.2.3.4"], &[]),
            Some(ip("127.0.0.1"))
        );
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("").unwrap().is_empty());
    }
}
