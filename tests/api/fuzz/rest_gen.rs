//! Random REST requests: the product's paths with real, foreign and broken ids, random methods,
//! paging parameters and form bodies with hostile values and content types.

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use reqwest::Method;

/// One REST request.
pub struct RestRequest {
    pub method: Method,
    pub path: String,
    pub content_type: Option<&'static str>,
    pub body: String,
}

const VALUES: &[&str] = &[
    "",
    "1",
    "-1",
    "0",
    "abc",
    "1,2,3",
    ",,,",
    "1,,x",
    "99999999999999999999",
    "%00",
    "%FF%FE",
    "a%00b",
    "%E2%80%AE",
    "VIP",
    "%25",
    "%2F..%2F",
    "1e9",
    " 7 ",
    "%0D%0AX-Injected:%201",
];

/// A random REST request against `sid`'s account (`ids`: real ids of its campaigns, groups and
/// partners).
pub fn request(rng: &mut ChaCha8Rng, sid: &str, ids: &[String]) -> RestRequest {
    let id = |rng: &mut ChaCha8Rng| -> String {
        if rng.random_bool(0.6) && !ids.is_empty() {
            ids.choose(rng).cloned().unwrap_or_default()
        } else {
            VALUES.choose(rng).copied().unwrap_or_default().to_owned()
        }
    };
    let account = match rng.random_range(0..10) {
        0 => "IRNOTMINE0000000000000000000000001".to_owned(),
        1 => "%00".to_owned(),
        _ => sid.to_owned(),
    };
    let json = if rng.random_bool(0.3) { ".json" } else { "" };
    let path = match rng.random_range(0..5) {
        0 | 1 => format!(
            "/Advertisers/{account}/Campaigns/{}/MediaPartnerGroups{json}",
            id(rng)
        ),
        2 => format!(
            "/Advertisers/{account}/Campaigns/{}/MediaPartnerGroups/{}{json}",
            id(rng),
            id(rng)
        ),
        3 => format!("/Advertisers/{account}/MediaPartners/{}{json}", id(rng)),
        _ => format!("/Advertisers/{account}/{}/{}", id(rng), id(rng)),
    };
    let query = if rng.random_bool(0.4) {
        let mut q = Vec::new();
        for name in ["Page", "PageSize", "MediaPartnersPage"] {
            if rng.random_bool(0.5) {
                q.push(format!(
                    "{name}={}",
                    VALUES.choose(rng).copied().unwrap_or_default()
                ));
            }
        }
        format!("?{}", q.join("&"))
    } else {
        String::new()
    };
    let method = [
        Method::GET,
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ]
    .choose(rng)
    .cloned()
    .unwrap_or(Method::GET);
    let mut form = Vec::new();
    for name in [
        "Name",
        "MediaPartners",
        "MediaPartnersAdd",
        "MediaPartnersRemove",
        "Junk",
    ] {
        if rng.random_bool(0.5) {
            let value = if rng.random_bool(0.05) {
                "x".repeat(rng.random_range(300..20_000))
            } else {
                VALUES.choose(rng).copied().unwrap_or_default().to_owned()
            };
            form.push(format!("{name}={value}"));
        }
    }
    let content_type = *[
        Some("application/x-www-form-urlencoded"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json"),
        Some("multipart/form-data"),
        None,
    ]
    .choose(rng)
    .unwrap_or(&None);
    RestRequest {
        method,
        path: format!("{path}{query}"),
        content_type,
        body: form.join("&"),
    }
}
