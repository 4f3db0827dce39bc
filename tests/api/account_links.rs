//! Account links: two partners of the account linked with a reason, listed from either side,
//! unlinked; duplicates either way, self-links, other accounts' partners and links refused.

use serde_json::{json, Value};

use crate::rest_support::create_partners;
use crate::support::{backend_tests, TestApp};

const LINK: &str = "mutation($i: LinkPartnersInput!) { linkPartners(input: $i) {
  link { linkId linkedPartnerId linkedPartnerName reason } userErrors { field code } } }";
const UNLINK: &str = "mutation($i: UnlinkPartnersInput!) { unlinkPartners(input: $i) { unlinkedLinkId userErrors { field code } } }";
const LINKS: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { accountLinks { linkId linkedPartnerId reason } } }";

async fn link(app: &TestApp, a: i64, b: i64, reason: &str) -> Value {
    app.data(LINK, json!({ "i": { "partnerId": a.to_string(), "linkedPartnerId": b.to_string(), "reason": reason } }))
        .await["linkPartners"]
        .clone()
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn links_of(app: &TestApp, p: i64) -> Value {
    app.data(
        LINKS,
        json!({ "c": app.campaign_id().to_string(), "p": p.to_string() }),
    )
    .await["partner"]["accountLinks"]
        .clone()
}

backend_tests! {
    async fn partners_are_linked_listed_from_both_sides_and_unlinked(app) {
        let p = create_partners(&app, &["Alpha", "Alpha Deals"]).await;
        let made = link(&app, p[0], p[1], "Same parent company").await;
        assert_eq!(made["userErrors"], json!([]), "{made}");
        assert_eq!(made["link"]["linkedPartnerName"], "Alpha Deals");
        let id = made["link"]["linkId"].as_i64().unwrap();
        assert_eq!(links_of(&app, p[1]).await, json!([{ "linkId": id, "linkedPartnerId": p[0], "reason": "Same parent company" }]));
        assert_eq!(links_of(&app, p[0]).await[0]["linkedPartnerId"].as_i64(), Some(p[1]));
        assert_eq!(codes(&link(&app, p[1], p[0], "again").await), ["CONFLICT"], "either way round");
        assert_eq!(codes(&link(&app, p[0], p[0], "self").await), ["INVALID"]);
        assert_eq!(codes(&link(&app, p[0], p[1] + 10_000, "who").await), ["NOT_FOUND"]);
        assert_eq!(codes(&link(&app, p[0], p[1], "  ").await), ["REQUIRED", "CONFLICT"]);
        let linked = app.texts("SELECT CAST(COUNT(*) AS TEXT) FROM activity_log WHERE action = 'PARTNERS_LINKED'").await;
        assert_eq!(linked, [Some("2".to_owned())], "one entry per partner");

        // Another account's partners and links are unknown here.
        let other = app.seed_account(10, 33).await;
        let theirs: i64 = app.texts(&format!(
            "SELECT CAST(MIN(partner_id) AS TEXT) FROM campaign_partners WHERE account_id = {}", other.account_id
        )).await[0].as_deref().unwrap().parse().unwrap();
        assert_eq!(codes(&link(&app, p[0], theirs, "cross").await), ["NOT_FOUND"]);
        let their_link: i64 = app.texts(&format!(
            "SELECT CAST(MIN(id) AS TEXT) FROM partner_account_links WHERE account_id = {}", other.account_id
        )).await[0].as_deref().unwrap().parse().unwrap();
        let refused = app.data(UNLINK, json!({ "i": { "linkId": their_link.to_string() } })).await["unlinkPartners"].clone();
        assert_eq!(codes(&refused), ["NOT_FOUND"]);
        assert_eq!(app.count_rows(&format!("partner_account_links WHERE id = {their_link}")).await, 1);

        let gone = app.data(UNLINK, json!({ "i": { "linkId": id.to_string() } })).await["unlinkPartners"].clone();
        assert_eq!(gone, json!({ "unlinkedLinkId": id, "userErrors": [] }));
        assert_eq!(links_of(&app, p[0]).await, json!([]));
    }

    async fn the_same_pair_linked_both_ways_at_once_is_linked_once(app) {
        let p = create_partners(&app, &["Ann", "Ben", "Cy", "Dee", "Eve", "Fay"]).await;
        for pair in p.chunks(2) {
            let (a, b) = (pair[0], pair[1]);
            let both_ways = [(a, b), (b, a), (a, b)].map(|(x, y)| app.graphql(LINK,
                json!({ "i": { "partnerId": x.to_string(), "linkedPartnerId": y.to_string(), "reason": "same person" } })));
            let mut linked = 0;
            for (status, answer) in futures_util::future::join_all(both_ways).await {
                assert_eq!((status, &answer["errors"]), (200, &Value::Null), "no retry-later error: {answer}");
                let payload = &answer["data"]["linkPartners"];
                if codes(payload).is_empty() { linked += 1 } else { assert_eq!(codes(payload), ["CONFLICT"], "{payload}") }
            }
            assert_eq!(linked, 1, "one link for the pair");
            assert_eq!(links_of(&app, a).await.as_array().unwrap().len(), 1);
        }
    }

    async fn partners_are_linked_by_their_global_ids_too(app) {
        let p = create_partners(&app, &["Gil", "Hal"]).await;
        let global = |id: i64| { let app = &app; async move {
            app.data("query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { id } }",
                json!({ "c": app.campaign_id().to_string(), "p": id.to_string() })).await["partner"]["id"].as_str().unwrap().to_owned()
        } };
        let (a, b) = (global(p[0]).await, global(p[1]).await);
        assert_ne!(a, p[0].to_string(), "a global id");
        let linked = app.data(LINK, json!({ "i": { "partnerId": a, "linkedPartnerId": b, "reason": "same owner" } })).await["linkPartners"].clone();
        assert_eq!(codes(&linked), Vec::<String>::new(), "{linked}");
        assert_eq!(linked["link"]["linkedPartnerId"].as_i64(), Some(p[1]), "{linked}");
    }
}
