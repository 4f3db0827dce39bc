//! URLs the platform will call on a partner's behalf (a postback, a tracking pixel): strictly
//! `https`, without credentials, to a public host — never a private, loopback, link-local or
//! otherwise internal address, which would let a brand's user make the platform reach inside
//! its own network. Checked when saved; whatever sends to the URL must check the address its
//! host resolves to again at that time (DNS can change).

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// The longest URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2_048;

/// The URL in its normal form, or why it is refused.
pub fn check(raw: &str) -> Result<String, String> {
    let raw = raw.trim_matches(' ');
    // Before parsing: the parser drops tabs and line breaks and percent-encodes other control
    // characters, so a URL holding them would be stored as another one.
    if let Some(c) = crate::domain::text::forbidden_char(raw, crate::domain::text::Lines::Single) {
        return Err(crate::domain::text::forbidden_char_message(c));
    }
    if raw.len() > MAX_URL_BYTES {
        return Err(format!("is longer than {MAX_URL_BYTES} bytes"));
    }
    let url = Url::parse(raw).map_err(|e| format!("is not a URL ({e})"))?;
    if url.scheme() != "https" {
        return Err("must use https".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    // `url` drops the default port, so any port left is another one.
    if url.port().is_some() {
        return Err("must use the default https port".into());
    }
    match url.host() {
        None => return Err("has no host".into()),
        Some(Host::Ipv4(ip)) if !public_v4(ip) => {
            return Err(format!("points to the non-public address {ip}"))
        }
        Some(Host::Ipv6(ip)) if !public_v6(ip) => {
            return Err(format!("points to the non-public address {ip}"))
        }
        Some(Host::Domain(name)) => {
            // One trailing dot (the root) is a name's own; `example.com..` is not.
            let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
            if !is_dns_name(&name) {
                return Err(format!(
                    "has a host that is not a DNS name ({}): labels of 1 to 63 letters, digits and hyphens, separated by single dots",
                    crate::error::quoted(&name)
                ));
            }
            let internal = [
                "localhost",
                "local",
                "internal",
                "localdomain",
                "home.arpa",
                "svc",
                "intranet",
                "lan",
                "corp",
            ];
            if !name.contains('.')
                || internal
                    .iter()
                    .any(|s| name == *s || name.ends_with(&format!(".{s}")))
            {
                return Err(format!("points to the internal host name {name:?}"));
            }
        }
        Some(_) => {}
    }
    let normal = url.to_string();
    // The normal form percent-encodes quotes and control characters; refuse anything left.
    if normal.contains(['"', '\\']) || normal.chars().any(char::is_control) {
        return Err("holds characters a URL may not".into());
    }
    // The stored form is the limit: percent-encoding makes a URL of non-ASCII text or spaces
    // up to three times as long as the one given.
    if normal.len() > MAX_URL_BYTES {
        return Err(format!(
            "is longer than {MAX_URL_BYTES} bytes once percent-encoded ({} bytes)",
            normal.len()
        ));
    }
    Ok(normal)
}

/// Whether `name` (ASCII: the parser writes other names in punycode) is a DNS host name: at most
/// 253 characters, labels of 1 to 63 letters, digits, hyphens (not first or last) and, as some
/// hosts have them, underscores.
fn is_dns_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // protocol assignments
        || (a == 192 && b == 88 && ip.octets()[2] == 99) // 6to4 relays
        || a >= 240)
}

/// Only global unicast (`2000::/3`), without the ranges that carry an IPv4 address inside
/// (6to4 `2002::/16`, Teredo `2001::/32`) or are for documentation (`2001:db8::/32`). That
/// also leaves out every IPv4-mapped, -compatible or -translated and NAT64 spelling of an
/// address, which lie outside `2000::/3`.
fn public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, third, ..] = ip.segments();
    (first & 0xe000) == 0x2000
        && first != 0x2002
        // Teredo 2001::/32, documentation 2001:db8::/32, benchmarking 2001:2::/48, ORCHIDv2
        // 2001:20::/28 (RFC 6890's special-purpose registry).
        && !(first == 0x2001
            && (second == 0
                || second == 0x0db8
                || (second == 2 && third == 0)
                || (second & 0xfff0) == 0x0020))
        // Documentation 3fff::/20 (RFC 9637).
        && !(first == 0x3fff && (second & 0xf000) == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_https_urls_without_credentials_pass() {
        assert_eq!(
            check(" https://partner.example.com/postback?click={clickid} ").ok(),
            Some("https://partner.example.com/postback?click={clickid}".to_owned())
        );
        for bad in [
            "http://partner.example.com/p",
            "ftp://partner.example.com/p",
            "https://user:pw@partner.example.com/p",
            "https://user@partner.example.com/p",
            "https://localhost/p",
            "https://api.localhost/p",
            "https://printer.local/p",
            "https://intranet/p",
            "https://127.0.0.1/p",
            "https://10.1.2.3/p",
            "https://172.16.0.1/p",
            "https://192.168.1.1/p",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/p",
            "https://0.0.0.0/p",
            "https://[::1]/p",
            "https://[fe80::1]/p",
            "https://[fd00::1]/p",
            "https://[::ffff:127.0.0.1]/p",
            "https://2130706433/p",
            "https://0x7f.1/p",
            "https://[::127.0.0.1]/p",
            "https://[64:ff9b::a9fe:a9fe]/p",
            "https://[::ffff:0:7f00:1]/p",
            "https://[2002:7f00:1::]/p",
            "https://[2001::1]/p",
            "https://[fec0::1]/p",
            "https://[2001:2::1]/p",
            "https://[2001:20::1]/p",
            "https://[3fff::1]/p",
            "https://[2001:db8::1]/p",
            "https://192.0.0.8/p",
            "https://kubernetes.default.svc/p",
            "https://partner.example.com:6379/p",
            "https://.example.com/p",
            "https://example..com/p",
            "https://-bad.example.com/p",
            "https://bad-.example.com/p",
            "https://example.com../p",
            "not a url",
            "",
        ] {
            assert!(check(bad).is_err(), "{bad} passed");
        }
        for good in [
            "https://bücher.example/p",
            "https://my_host.example.com/p",
            "https://a-b.example.com./p",
        ] {
            assert!(check(good).is_ok(), "{good}: {:?}", check(good));
        }
        let long = format!("https://partner.example.com/{}", "a".repeat(MAX_URL_BYTES));
        assert!(check(&long).is_err());
        // The limit holds for the stored, percent-encoded form: "é" is 2 bytes given, 6 stored.
        let encoded = format!("https://a.example/{}", "é".repeat(1_000));
        assert!(encoded.len() <= MAX_URL_BYTES);
        let err = check(&encoded).expect_err("too long once encoded");
        assert!(err.contains("percent-encoded"), "{err}");
        assert!(check(&format!("https://a.example/{}", "é".repeat(300)))
            .is_ok_and(|u| u.len() <= MAX_URL_BYTES));
        // Control characters are refused, not dropped or encoded into another URL.
        for bad in [
            "https://a.example/x?y=\u{0}",
            "https://a.example/x\u{1}y",
            "https://a.example/x\ty",
            "\thttps://a.example/x",
            "https://a.example/x\n",
        ] {
            assert!(
                check(bad)
                    .expect_err("a control character")
                    .contains("control characters"),
                "{bad:?} passed"
            );
        }
        assert!(check("https://8.8.8.8/p").is_ok());
        assert!(check("https://[2606:4700::1111]/p").is_ok());
        assert!(check("https://[2001:4860:4860::8888]/p").is_ok());
        assert!(
            check("https://[2001:2:1::1]/p").is_ok(),
            "outside the benchmarking /48"
        );
        assert!(check("https://partner.example.com:443/p").is_ok());
    }
}
