//! Every text input of a few valid requests, given each hostile string in turn: the GraphQL
//! mutations and filters that take free text, and the REST form fields.

use serde_json::{json, Value};

/// Hostile text: control characters, NUL alone and inside, bidi and byte-order marks, SQL
/// and LIKE metacharacters, very long and odd Unicode.
pub const HOSTILE: &[&str] = &[
    "\u{0}",
    "a\u{0}b",
    "\u{1}\u{2}",
    "\u{7f}",
    "\u{feff}x",
    "x\u{202e}y",
    "\u{fffd}",
    "\u{10ffff}",
    "' OR 1=1 --",
    "%",
    "_",
    "%_\\",
    "\\",
    "\"",
    "😀😀",
    "日本語",
    "\r\n",
    "\t",
    " ",
    "",
];

/// (query, variables, paths of the text values within `variables`) for requests that are valid
/// apart from the text.
pub fn graphql_templates(
    campaign: &str,
    group: &str,
) -> Vec<(&'static str, Value, Vec<Vec<&'static str>>)> {
    vec![
        (
            "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f) { totalCount nodes { name } } }",
            json!({ "c": campaign, "f": { "search": "x" } }),
            vec![vec!["f", "search"]],
        ),
        (
            "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f) { facets { countries { value count } } } }",
            json!({ "c": campaign, "f": { "or": [{ "search": "x" }, { "countries": ["US"] }] } }),
            vec![vec!["f", "or", "0", "search"]],
        ),
        (
            "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { name } userErrors { code } } }",
            json!({ "i": { "campaignId": campaign, "name": "n", "email": "fuzz@example.com", "country": "US",
                "websiteUrl": "https://example.com", "description": "d", "phone": "1", "stateProvince": "US-CA" } }),
            vec![vec!["i", "name"], vec!["i", "email"], vec!["i", "description"], vec!["i", "websiteUrl"],
                vec!["i", "phone"], vec!["i", "country"], vec!["i", "stateProvince"], vec!["i", "currency"]],
        ),
        (
            "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) { group { name } userErrors { code } } }",
            json!({ "i": { "campaignId": campaign, "name": "g" } }),
            vec![vec!["i", "name"]],
        ),
        (
            "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) { group { name } userErrors { code } } }",
            json!({ "i": { "id": group, "name": "g" } }),
            vec![vec!["i", "name"]],
        ),
        (
            "mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) { view { name } userErrors { code } } }",
            json!({ "i": { "campaignId": campaign, "name": "v", "columns": ["name"], "filter": { "search": "x" } } }),
            vec![vec!["i", "name"], vec!["i", "columns", "0"], vec!["i", "filter", "search"]],
        ),
    ]
}

/// `variables` with the text at `path` replaced by `text`.
pub fn with_text(variables: &Value, path: &[&str], text: &str) -> Value {
    let mut out = variables.clone();
    let mut at = &mut out;
    for key in path {
        at = match key.parse::<usize>() {
            Ok(index) => &mut at[index],
            Err(_) => &mut at[*key],
        };
    }
    *at = json!(text);
    out
}

/// Form fields of the REST group routes that take text.
pub const REST_FIELDS: &[&str] = &[
    "Name",
    "MediaPartners",
    "MediaPartnersAdd",
    "MediaPartnersRemove",
];

/// `text` percent-encoded for a form body.
pub fn form_encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}
