//! The activity log read back: a partner's changes through any route (a bulk action, notes)
//! newest first with who made them and before → after, filtered by action and time, paged; a
//! campaign's feed; another account's campaign and bad filters are refused.

use serde_json::{json, Value};

use crate::rest_support::{create_partners, Rest};
use crate::support::{backend_tests, TestApp};

const PARTNER: &str = "query($c: ID!, $p: ID!, $actions: [String!], $since: DateTime, $first: Int, $after: String) {
  partner(campaignId: $c, id: $p) { activity(actions: $actions, since: $since, first: $first, after: $after) {
    nodes { activityId action partnerId user { name } before after createdAt }
    pageInfo { hasNextPage endCursor } } } }";
const CAMPAIGN: &str = "query($c: ID!, $actions: [String!]) { campaign(id: $c) {
  activity(actions: $actions, first: 100) { nodes { action partnerId } } } }";

fn actions(data: &Value) -> Vec<String> {
    data["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn assign(app: &TestApp, partner: i64, user: Value) {
    let data = app
        .data(
            "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) { affectedCount userErrors { message } } }",
            json!({ "i": { "campaignId": app.campaign_id().to_string(), "selection": { "ids": [partner.to_string()] }, "userId": user } }),
        )
        .await;
    assert_eq!(data["assignPartners"]["affectedCount"], 1, "{data}");
}

backend_tests! {
    async fn every_route_leaves_a_readable_trail_newest_first(app) {
        let p = create_partners(&app, &["Alpha Outdoors", "Beta Blog"]).await;
        let me = app.data("{ viewer { user { userId name } } }", json!({})).await["viewer"]["user"].clone();
        assign(&app, p[0], json!(me["userId"].to_string())).await;
        // A note over REST, an edit over GraphQL: one trail.
        let rest = Rest::new(&app);
        let notes = format!("/Advertisers/{}/Campaigns/{}/Notes", rest.sid, app.campaign_id());
        let made = rest.post(&notes, &[("MediaId", &p[0].to_string()), ("Content", "First call")]).await;
        assert_eq!(made.status, 200, "{}", made.text);
        let note_id = made.json()["Uri"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let edited = app.data("mutation($i: UpdateNoteInput!) { updateNote(input: $i) { userErrors { code } } }",
            json!({ "i": { "id": note_id, "body": "First call, follow up Friday" } })).await;
        assert_eq!(edited["updateNote"]["userErrors"], json!([]));
        rest.post(&notes, &[("MediaId", &p[1].to_string()), ("Content", "Other partner")]).await;

        let vars = |extra: Value| {
            let mut v = json!({ "c": app.campaign_id().to_string(), "p": p[0].to_string() });
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            v
        };
        let all = app.data(PARTNER, vars(json!({}))).await["partner"]["activity"].clone();
        assert_eq!(actions(&all), ["NOTE_UPDATED", "NOTE_ADDED", "PARTNERS_ASSIGNED", "PARTNER_CREATED"], "{all}");
        let assigned = &all["nodes"][2];
        assert_eq!(assigned["partnerId"].as_i64(), Some(p[0]));
        assert_eq!(assigned["user"]["name"], me["name"]);
        assert_eq!(assigned["before"], json!({ "assignedUserId": null }), "{assigned}");
        assert_eq!(assigned["after"], json!({ "assignedUserId": me["userId"] }), "{assigned}");
        assert_eq!(all["nodes"][0]["after"]["body"], "First call, follow up Friday");
        assert_eq!(all["nodes"][0]["before"]["body"], "First call");

        let only = app.data(PARTNER, vars(json!({ "actions": ["PARTNERS_ASSIGNED", "NOTE_ADDED"] }))).await;
        assert_eq!(actions(&only["partner"]["activity"]), ["NOTE_ADDED", "PARTNERS_ASSIGNED"]);
        let later = app.data(PARTNER, vars(json!({ "since": "2999-01-01T00:00:00Z" }))).await;
        assert_eq!(actions(&later["partner"]["activity"]), Vec::<String>::new());

        // Paging one at a time walks the same entries.
        let (mut walked, mut after) = (Vec::new(), Value::Null);
        loop {
            let page = app.data(PARTNER, vars(json!({ "first": 1, "after": after }))).await["partner"]["activity"].clone();
            walked.extend(actions(&page));
            if page["pageInfo"]["hasNextPage"] != true { break; }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(walked, actions(&all));

        let feed = app.data(CAMPAIGN, json!({ "c": app.campaign_id().to_string(), "actions": ["NOTE_ADDED"] })).await;
        let partners: Vec<i64> = feed["campaign"]["activity"]["nodes"].as_array().unwrap().iter().map(|n| n["partnerId"].as_i64().unwrap()).collect();
        assert_eq!(partners, [p[1], p[0]], "the campaign's feed, newest first: {feed}");
        // A group made and deleted: the campaign's own entries, without a partner.
        let group = app.data("mutation($c: ID!) { createPartnerGroup(input: { campaignId: $c, name: \"Feed Watchers\" }) { group { id } } }",
            json!({ "c": app.campaign_id().to_string() })).await["createPartnerGroup"]["group"]["id"].clone();
        app.data("mutation($g: ID!) { deletePartnerGroup(input: { id: $g }) { userErrors { code } } }", json!({ "g": group })).await;
        let feed = app.data(CAMPAIGN, json!({ "c": app.campaign_id().to_string(), "actions": ["PARTNER_GROUP_CREATED", "PARTNER_GROUP_DELETED"] })).await;
        assert_eq!(actions(&feed["campaign"]["activity"]), ["PARTNER_GROUP_DELETED", "PARTNER_GROUP_CREATED"], "{feed}");
        assert_eq!(feed["campaign"]["activity"]["nodes"][0]["partnerId"], Value::Null);

        // Bounds and tenancy.
        let many: Vec<String> = (0..51).map(|i| format!("A{i}")).collect();
        let (_, body) = app.graphql(PARTNER, vars(json!({ "actions": many }))).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION", "{body}");
        let (_, body) = app.graphql(PARTNER, vars(json!({ "after": "bm9wZQ" }))).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION", "{body}");
        let other = app.seed_account(10, 9).await;
        let theirs = other.campaign_ids[0].to_string();
        let data = app.data(CAMPAIGN, json!({ "c": theirs })).await;
        assert_eq!(data["campaign"], Value::Null, "another account's campaign is none of ours");
        let (_, body) = app.graphql(PARTNER, json!({ "c": theirs, "p": p[0].to_string() })).await;
        assert_eq!(body["data"]["partner"], Value::Null, "{body}");
    }

    async fn an_action_with_a_control_character_is_a_validation_error(app) {
        // PostgreSQL takes no NUL as a parameter: this was `INTERNAL` there.
        for action in ["a\u{0}b", "PARTNERS_\nASSIGNED"] {
            let (_, body) = app.graphql(CAMPAIGN, json!({ "c": app.campaign_id().to_string(), "actions": [action] })).await;
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{action:?}: {body}");
        }
    }

    async fn a_bulk_actions_entries_share_one_time_and_page_whole(app) {
        // One bulk action writes every entry at one time; paging through them must not skip
        // the rest of that time (SQLite keeps it to the nanosecond).
        let names: Vec<String> = (0..7).map(|i| format!("Partner {i}")).collect();
        let p = create_partners(&app, &names.iter().map(String::as_str).collect::<Vec<_>>()).await;
        let me = app.data("{ viewer { user { userId } } }", json!({})).await["viewer"]["user"]["userId"].to_string();
        let data = app.data(
            "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) { affectedCount } }",
            json!({ "i": { "campaignId": app.campaign_id().to_string(),
                "selection": { "ids": p.iter().map(i64::to_string).collect::<Vec<_>>() }, "userId": me } }),
        ).await;
        assert_eq!(data["assignPartners"]["affectedCount"], 7);
        let query = "query($c: ID!, $after: String) { campaign(id: $c) {
          activity(actions: [\"PARTNERS_ASSIGNED\"], first: 2, after: $after) { nodes { partnerId } pageInfo { hasNextPage endCursor } } } }";
        let (mut seen, mut after) = (Vec::new(), Value::Null);
        loop {
            let page = app.data(query, json!({ "c": app.campaign_id().to_string(), "after": after })).await["campaign"]["activity"].clone();
            seen.extend(page["nodes"].as_array().unwrap().iter().map(|n| n["partnerId"].as_i64().unwrap()));
            if page["pageInfo"]["hasNextPage"] != true { break; }
            after = page["pageInfo"]["endCursor"].clone();
        }
        seen.sort_unstable();
        assert_eq!(seen, p, "every entry once");
    }
}
