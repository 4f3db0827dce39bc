//! Search over a campaign large enough that SQLite switches plans: a term with 2,000 matches or
//! more pages by walking the sort order, a rare term sorts its few matches. Both must return
//! exactly the partners, in exactly the order, that the unfiltered list says.

use serde_json::{json, Value};

use partnergraph::service::accounts::NewAccount;

use crate::support::{backend_tests, TestApp};

const PAGE: &str = "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!], $after: String) {
  partners(campaignId: $c, filter: $f, orderBy: $o, first: 500, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { partnerId name websiteUrl } } }";

/// Every partner of the list under `filter` in `order`, read page by page; and the total.
async fn walk(
    app: &TestApp,
    account: &NewAccount,
    campaign: &str,
    filter: Value,
    order: &Value,
) -> (Vec<Value>, i64) {
    let (mut all, mut after) = (Vec::new(), Value::Null);
    loop {
        let vars = json!({ "c": campaign, "f": filter, "o": order, "after": after });
        let data = app.data_as(account, PAGE, vars).await;
        let page = &data["partners"];
        all.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return (all, page["totalCount"].as_i64().unwrap());
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

fn contains(p: &Value, term: &str) -> bool {
    let text = format!(
        "{} {} {}",
        p["name"].as_str().unwrap_or_default(),
        p["partnerId"],
        p["websiteUrl"].as_str().unwrap_or_default()
    );
    text.to_lowercase().contains(&term.to_lowercase())
}

fn ids(partners: &[Value]) -> Vec<i64> {
    partners
        .iter()
        .map(|p| p["partnerId"].as_i64().unwrap())
        .collect()
}

backend_tests! {
    async fn a_greek_sigma_is_found_wherever_it_stands(app) {
        // `str::to_lowercase` writes a word-final `ς`; the end of a term is the end of its
        // word, so `ΑΣ` used to find nothing in `ΑΣΑ`. Both sides now fold `Σ` to `σ`.
        let ids = crate::rest_support::create_partners(&app, &["ΑΣΑ Deals", "ΟΔΟΣ Shop", "Plain Partner"]).await;
        let found = |term: &'static str| {
            let app = &app;
            async move {
                let data = app.data("query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 50) { nodes { partnerId } } }",
                    json!({ "c": app.campaign_id().to_string(), "f": { "search": term } })).await;
                let mut got: Vec<i64> = data["partners"]["nodes"].as_array().unwrap().iter().map(|n| n["partnerId"].as_i64().unwrap()).collect();
                got.sort_unstable();
                got
            }
        };
        for (term, expected) in [("ΑΣ", vec![ids[0]]), ("ασ", vec![ids[0]]), ("ΑΣΑ", vec![ids[0]]),
                                 ("οδος", vec![ids[1]]), ("ΟΔΟΣ", vec![ids[1]]), ("οδοσ s", vec![ids[1]])] {
            assert_eq!(found(term).await, expected, "{term}");
        }
    }

    async fn common_and_rare_terms_page_exactly_like_the_filtered_full_list(app) {
        let account = app.seed_account(4_500, 7).await;
        let campaign = account.campaign_ids[0].to_string();
        let rare_name = {
            let (all, _) = walk(&app, &account, &campaign, json!({}), &json!([])).await;
            all[all.len() / 2]["name"].as_str().unwrap().to_owned()
        };
        for order in [
            json!([{ "field": "NAME", "direction": "ASC" }]),
            json!([{ "field": "DATE_JOINED", "direction": "DESC" }]),
        ] {
            let (everyone, _) = walk(&app, &account, &campaign, json!({}), &order).await;
            for term in ["WWW.", rare_name.as_str()] {
                let expected: Vec<Value> = everyone.iter().filter(|p| contains(p, term)).cloned().collect();
                if term == "WWW." {
                    assert!(expected.len() >= 2_000, "a common term: {} matches", expected.len());
                } else {
                    assert!(!expected.is_empty() && expected.len() < 50, "a rare term");
                }
                let (got, total) = walk(&app, &account, &campaign, json!({ "search": term }), &order).await;
                assert_eq!(ids(&got), ids(&expected), "search {term:?} in order {order}");
                assert_eq!(total, expected.len() as i64, "totalCount of {term:?}");
            }
        }
    }
}

/// PostgreSQL plans each execution of a prepared statement for its own values: a search pattern
/// never falls into a generic plan (which bitmaps the whole campaign for a common term).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_plans_every_search_for_its_own_pattern() {
    let Some(app) = TestApp::spawn(crate::support::Backend::Postgres).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    // Every connection of the server's pool, not just one: ask more times than it has.
    for _ in 0..12 {
        let mode = app.texts("SELECT current_setting('plan_cache_mode')").await;
        assert_eq!(mode, [Some("force_custom_plan".to_owned())]);
        // Nor is any statement compiled (JIT): bulk writes paid 0.2–0.4 s per statement for it.
        let jit = app.texts("SELECT current_setting('jit')").await;
        assert_eq!(jit, [Some("off".to_owned())]);
    }
}
