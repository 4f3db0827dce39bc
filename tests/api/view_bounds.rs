//! Filters inside mutation inputs keep the same bounds and are refused as user errors: a saved
//! view's JSON filter (its shape checked before it is even converted to JSON) and a bulk
//! change's selection. Nothing is written.

use serde_json::{json, Value};

use crate::bounds_support::{assert_alive, assert_user_error, literal, nested};
use crate::support::backend_tests;

const SAVE: &str = "mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) {
  view { id filter } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdatePartnerViewInput!) { updatePartnerView(input: $i) {
  view { id } userErrors { field code message } } }";
const CHANGE: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) {
  matchedCount userErrors { field code message } } }";

fn view(campaign: i64, filter: Value) -> Value {
    json!({ "campaignId": campaign.to_string(), "name": "Deep", "columns": ["partner"], "filter": filter })
}

backend_tests! {
    async fn a_saved_view_filter_over_its_bounds_is_a_user_error(app) {
        let c = app.campaign_id();
        let save = |filter: Value| {
            let app = &app;
            async move { app.data(SAVE, json!({ "i": view(c, filter) })).await["savePartnerView"].clone() }
        };
        assert_user_error(&save(nested("not", 8)).await, &["input", "filter"], "INVALID", "at most 8 levels");
        assert_user_error(&save(nested("and", 25)).await, &["input", "filter"], "INVALID", "at most 8 levels");
        // Unknown keys nested deep are refused before the JSON is converted, too.
        let mut junk = json!(1);
        for _ in 0..55 { junk = json!({ "x": junk }); }
        assert_user_error(&save(junk).await, &["input", "filter"], "INVALID", "nested too deeply");
        let many: Vec<String> = (1..=40_000).map(|i| i.to_string()).collect();
        assert_user_error(&save(json!({ "groupIds": many })).await, &["input", "filter"], "INVALID", "at most 1000");
        assert_user_error(&save(json!({ "search": "\0" })).await, &["input", "filter"], "INVALID", "control characters");
        // GraphQL's Int is 32 bits: a bound `partners(filter:)` would refuse is not kept.
        for range in [json!({ "mozDomainAuthority": { "min": 2_147_483_648_i64 } }), json!({ "socialReach": { "max": i64::MAX } })] {
            assert_user_error(&save(range).await, &["input", "filter"], "INVALID", "not a PartnerFilter");
        }
        let mut wide = view(c, json!({}));
        wide["columns"] = json!(vec!["partner"; 501]);
        let payload = app.data(SAVE, json!({ "i": wide })).await["savePartnerView"].clone();
        assert_user_error(&payload, &["input", "columns"], "TOO_LONG", "at most 500");
        // A column chosen twice is refused, as an export of the view would refuse it.
        let mut repeated = view(c, json!({}));
        repeated["columns"] = json!(["partner", "country", "partner"]);
        let payload = app.data(SAVE, json!({ "i": repeated })).await["savePartnerView"].clone();
        assert_user_error(&payload, &["input", "columns"], "INVALID", "\"partner\" is chosen twice");
        assert_eq!(app.count_rows("partner_views").await, 0, "nothing saved");

        // Written into the document 20 levels deep: the filter's bound; 140 levels deep (the
        // issue's crash): the request's nesting limit, before the parser.
        for (depth, refused) in [(20, None), (140, Some("nests brackets"))] {
            let deep = literal(&nested("not", depth));
            let document = format!("mutation {{ savePartnerView(input: {{ campaignId: \"{c}\", name: \"Deep\", columns: [\"partner\"], filter: {deep} }}) {{ view {{ id }} userErrors {{ field code message }} }} }}");
            let (_, body) = app.graphql(&document, Value::Null).await;
            match refused {
                None => assert_user_error(&body["data"]["savePartnerView"], &["input", "filter"], "INVALID", "at most 8 levels"),
                Some(message) => {
                    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION", "{body}");
                    assert!(body["errors"][0]["message"].as_str().unwrap().contains(message), "{body}");
                }
            }
        }

        // Within bounds: saved; an update over them is refused and keeps the view.
        let saved = save(nested("and", 7)).await;
        assert_eq!(saved["userErrors"], json!([]), "{saved}");
        let id = saved["view"]["id"].clone();
        let payload = app.data(UPDATE, json!({ "i": { "id": id, "filter": nested("or", 9) } })).await["updatePartnerView"].clone();
        assert_user_error(&payload, &["input", "filter"], "INVALID", "at most 8 levels");
        let payload = app.data(UPDATE, json!({ "i": { "id": id, "columns": ["country", "country"] } })).await["updatePartnerView"].clone();
        assert_user_error(&payload, &["input", "columns"], "INVALID", "chosen twice");
        let kept = app.data("query($c: ID!) { partnerViews(campaignId: $c) { filter columns } }", json!({ "c": c.to_string() })).await;
        assert_eq!(kept["partnerViews"][0]["filter"], nested("and", 7));
        assert_eq!(kept["partnerViews"][0]["columns"], json!(["partner"]));
        assert_alive(&app).await;
    }

    async fn a_bulk_selection_filter_over_its_bounds_is_a_user_error(app) {
        let c = app.campaign_id().to_string();
        let group = app.data("mutation($c: ID!) { createPartnerGroup(input: { campaignId: $c, name: \"G\" }) { group { id } } }",
            json!({ "c": c })).await["createPartnerGroup"]["group"]["id"].clone();
        let change = |filter: Value| {
            let (app, c, group) = (&app, c.clone(), group.clone());
            async move {
                let input = json!({ "campaignId": c, "add": [group], "selection": { "filter": filter } });
                app.data(CHANGE, json!({ "i": input })).await["changePartnerGroups"].clone()
            }
        };
        let field = ["input", "selection", "filter"];
        assert_user_error(&change(nested("and", 20)).await, &field, "INVALID", "at most 8 levels");
        assert_user_error(&change(json!({ "or": vec![json!({}); 14_000] })).await, &field, "INVALID", "at most 100");
        assert_user_error(&change(json!({ "search": "x".repeat(5_000) })).await, &field, "INVALID", "at most 200");
        assert_user_error(&change(json!({ "countries": vec!["US"; 2_000] })).await, &field, "INVALID", "at most 1000");
        assert_eq!(app.count_rows("activity_log").await, 1, "only the group's creation");
        assert_alive(&app).await;
    }
}
