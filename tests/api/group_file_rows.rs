//! `bulkEditPartnerGroups.rows` a page at a time, and charged what it may return: a file has up
//! to 100,000 rows, each joining or leaving up to every group of the campaign, so a request
//! selecting each row's groups' members is refused before the file is read (it once ran
//! 40 times the cost limit, then timed out after committing).

use serde_json::{json, Value};

use crate::groups::{clear_groups, create_group, member_ids, partner_ids};
use crate::support::{backend_tests, post_file, TestApp};

const PAGE: &str = "mutation($c: ID!, $file: Upload!, $first: Int, $after: Int) {
  bulkEditPartnerGroups(campaignId: $c, file: $file) {
    rowCount rows(first: $first, afterRow: $after) { row partnerId } } }";

const MEMBERS_OF_EVERY_ROW: &str = "mutation($c: ID!, $file: Upload!) {
  bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) {
    rows { row joins { groupId members(first: 100) { nodes { partnerId groups { name } } } } } } }";

async fn send(
    app: &TestApp,
    header: &str,
    query: &str,
    variables: Value,
    csv: &str,
) -> (u16, Value) {
    let mut variables = variables;
    variables["file"] = Value::Null;
    let operations = json!({ "query": query, "variables": variables });
    post_file(
        &app.base_url,
        header,
        &operations,
        "groups.csv",
        csv.as_bytes().to_vec(),
    )
    .await
}

backend_tests! {
    async fn rows_come_a_page_at_a_time(app) {
        let acme = app.seed_account(260, 71).await;
        let header = TestApp::header_of(&acme);
        let campaign = acme.campaign_ids[0];
        let p = partner_ids(&app, &acme, campaign, Value::Null).await;
        assert!(p.len() >= 250, "{}", p.len());
        let csv: String = std::iter::once("Partner Id,Add To\n".to_owned())
            .chain(p[..250].iter().map(|id| format!("{id},\n")))
            .collect();
        let page = |first: Value, after: Value| {
            let (app, header, csv) = (&app, &header, &csv);
            async move {
                let (status, body) = send(app, header, PAGE, json!({ "c": campaign.to_string(), "first": first, "after": after }), csv).await;
                assert_eq!(status, 200, "{body}");
                body
            }
        };
        let rows = |body: &Value| -> Vec<i64> {
            body["data"]["bulkEditPartnerGroups"]["rows"].as_array().unwrap().iter().map(|r| r["row"].as_i64().unwrap()).collect()
        };
        let first = page(Value::Null, Value::Null).await;
        assert_eq!(first["data"]["bulkEditPartnerGroups"]["rowCount"], 250);
        assert_eq!(rows(&first), (2..=101).collect::<Vec<_>>(), "100 rows unless asked");
        let next = page(json!(200), json!(101)).await;
        assert_eq!(rows(&next), (102..=251).collect::<Vec<_>>(), "the rest, after the last row seen");
        assert_eq!(next["data"]["bulkEditPartnerGroups"]["rows"][0]["partnerId"].as_i64(), Some(p[100]));
        for bad in [0, -1, 1001] {
            let body = page(json!(bad), Value::Null).await;
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "first: {bad} {body}");
        }
    }

    async fn every_rows_groups_members_is_refused_before_the_file_is_read(app) {
        let acme = app.seed_account(20, 72).await;
        let header = TestApp::header_of(&acme);
        let campaign = acme.campaign_ids[0];
        let p = partner_ids(&app, &acme, campaign, Value::Null).await;
        clear_groups(&app, &acme, campaign, &p[..3]).await;
        let group = create_group(&app, &acme, campaign, "Rows", &[]).await;
        let csv = format!("Partner Id,Add To\n{},{group}\n{},{group}\n", p[0], p[1]);
        let (status, body) = send(&app, &header, MEMBERS_OF_EVERY_ROW, json!({ "c": campaign.to_string() }), &csv).await;
        assert_eq!(crate::first_error_code(&body), "QUERY_TOO_EXPENSIVE", "{status} {body}");
        assert!(member_ids(&app, &acme, group).await.is_empty(), "nothing applied");
        // Each row's groups by id, a page of rows: served.
        let cheap = "mutation($c: ID!, $file: Upload!) { bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) {
          applied rows { row joins { groupId name } } } }";
        let (status, body) = send(&app, &header, cheap, json!({ "c": campaign.to_string() }), &csv).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["bulkEditPartnerGroups"]["applied"], true, "{body}");
        assert_eq!(body["data"]["bulkEditPartnerGroups"]["rows"][1]["joins"][0]["groupId"].as_i64(), Some(group));
    }

    async fn an_applied_file_with_a_bad_rows_page_writes_nothing(app) {
        // The page is checked before the file is read: it once answered VALIDATION after the
        // file's changes were committed.
        let acme = app.seed_account(20, 73).await;
        let header = TestApp::header_of(&acme);
        let campaign = acme.campaign_ids[0];
        let p = partner_ids(&app, &acme, campaign, Value::Null).await;
        clear_groups(&app, &acme, campaign, &p[..2]).await;
        let group = create_group(&app, &acme, campaign, "Paged", &[]).await;
        let csv = format!("Partner Id,Add To\n{},{group}\n{},{group}\n", p[0], p[1]);
        let apply = "mutation($c: ID!, $file: Upload!, $first: Int) {
          bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) {
            applied addedCount rows(first: $first) { row } } }";
        let through_fragment = "mutation($c: ID!, $file: Upload!) {
          bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) { applied ...Page } }
          fragment Page on BulkEditPartnerGroupsPayload { rows(first: 5000) { row } }";
        // A connection under a row checks its arguments only as it runs: with `apply`, refused.
        let members = "mutation($c: ID!, $file: Upload!) {
          bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) {
            applied rows(first: 1) { joins { ... on PartnerGroup { members(first: 501) { totalCount } } } } } }";
        for (query, first) in [(apply, json!(0)), (apply, json!(1001)), (apply, json!(3_000_000_000_i64)), (through_fragment, Value::Null), (members, Value::Null)] {
            let (status, body) = send(&app, &header, query, json!({ "c": campaign.to_string(), "first": first }), &csv).await;
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{first}: {status} {body}");
            assert!(member_ids(&app, &acme, group).await.is_empty(), "{first}: nothing applied");
        }
        // Left out by `@skip`, a bad page is no page at all.
        let skipped = "mutation($c: ID!, $file: Upload!) {
          bulkEditPartnerGroups(campaignId: $c, file: $file) { rowCount rows(first: 0) @skip(if: true) { row } } }";
        let (status, body) = send(&app, &header, skipped, json!({ "c": campaign.to_string() }), &csv).await;
        assert_eq!((status, &body["data"]["bulkEditPartnerGroups"]["rowCount"]), (200, &json!(2)), "{body}");
        let (status, body) = send(&app, &header, apply, json!({ "c": campaign.to_string(), "first": 1 }), &csv).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["bulkEditPartnerGroups"]["addedCount"], 2, "{body}");
        assert_eq!(body["data"]["bulkEditPartnerGroups"]["rows"].as_array().map(Vec::len), Some(1), "{body}");
        assert_eq!(member_ids(&app, &acme, group).await.len(), 2);
    }
}
