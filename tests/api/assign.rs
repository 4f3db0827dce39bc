//! `assignPartners`: "Assign to" on the bulk engine — by ids and by filter with exclusions, dry
//! runs, idempotence, activity entries in the engine's shape, the list's filters and facets
//! right after, tenancy, and a statement count that does not grow with the selection.

use partnergraph::domain::UserRole;
use partnergraph::service::accounts::{self, NewAccount};
use serde_json::{json, Value};

use crate::group_changes::error_codes;
use crate::groups::partner_ids;
use crate::support::{backend_tests, TestApp};

const ASSIGN: &str = "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) {
  matchedCount affectedCount dryRun userErrors { field code message } } }";

const ASSIGNED: &str =
    "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 1) {
  totalCount facets { assignedTo { value count } none { assignedTo } } } }";

async fn assign(app: &TestApp, acme: &NewAccount, input: Value) -> Value {
    app.data_as(acme, ASSIGN, json!({ "i": input })).await["assignPartners"].clone()
}

fn counts(payload: &Value) -> (i64, i64) {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    (
        payload["matchedCount"].as_i64().unwrap(),
        payload["affectedCount"].as_i64().unwrap(),
    )
}

fn strings(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

async fn manager(app: &TestApp, acme: &NewAccount, name: &str) -> i64 {
    let email = format!("{}@acme.example", name.to_lowercase().replace(' ', "."));
    accounts::add_user(&app.db, acme.account_id, name, &email, UserRole::Editor)
        .await
        .unwrap()
}

/// How many partners the list shows assigned to `user` (`None`: unassigned), by filter and by facet.
async fn assigned_to(
    app: &TestApp,
    acme: &NewAccount,
    campaign: i64,
    user: Option<i64>,
) -> (i64, i64) {
    let filter = match user {
        Some(u) => json!({ "assignedUserIds": [u.to_string()] }),
        None => json!({ "unassigned": true }),
    };
    let listed = app
        .data_as(
            acme,
            ASSIGNED,
            json!({ "c": campaign.to_string(), "f": filter }),
        )
        .await;
    let all = app
        .data_as(
            acme,
            ASSIGNED,
            json!({ "c": campaign.to_string(), "f": null }),
        )
        .await;
    let facets = &all["partners"]["facets"];
    let faceted = match user {
        Some(u) => facets["assignedTo"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["value"].as_str() == Some(u.to_string().as_str()))
            .map_or(0, |b| b["count"].as_i64().unwrap()),
        None => facets["none"]["assignedTo"].as_i64().unwrap_or(0),
    };
    (listed["partners"]["totalCount"].as_i64().unwrap(), faceted)
}

async fn entries(app: &TestApp) -> i64 {
    app.count_rows("activity_log WHERE action = 'PARTNERS_ASSIGNED'")
        .await
}

backend_tests! {
    async fn a_document_with_a_literal_that_is_no_date_runs_nothing(app) {
        // Values written into the document are checked when it is validated, as variables are:
        // the assignment beside the expiry must not run when the expiry's date is none.
        let acme = app.seed_account(5, 75).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let kim = manager(&app, &acme, "Kim Literal").await;
        let selection = format!("{{ ids: [\"{}\"] }}", ids[0]);
        for bad in [
            format!("b: expirePartners(input: {{ campaignId: \"{campaign}\", selection: {selection}, expireOn: \"2027-02-30\" }}) {{ matchedCount }}"),
            format!("b: expirePartners(input: {{ campaignId: \"{campaign}\", selection: {selection}, expireOn: \"2027-1-1\" }}) {{ matchedCount }}"),
        ] {
            let document = format!(
                "mutation {{ a: assignPartners(input: {{ campaignId: \"{campaign}\", selection: {selection}, userId: \"{kim}\" }}) {{ affectedCount }} {bad} }}"
            );
            let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), &document, Value::Null).await;
            assert_eq!(crate::first_error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
            assert!(body.get("data").is_none() || body["data"].is_null(), "{body}");
        }
        let query = format!(
            "{{ campaign(id: \"{campaign}\") {{ contractHistory(first: 1, since: \"2026-13-01T00:00:00Z\") {{ nodes {{ action }} }} }} }}"
        );
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), &query, Value::Null).await;
        assert_eq!(crate::first_error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
        assert_eq!(entries(&app).await, 0, "nothing was assigned");
        assert_eq!(assigned_to(&app, &acme, campaign, Some(kim)).await, (0, 0));
    }

    async fn partners_chosen_by_id_are_assigned_once_and_the_list_shows_it(app) {
        let acme = app.seed_account(30, 71).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let kim = manager(&app, &acme, "Kim Keeper").await;
        let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..7]) }, "userId": kim.to_string() });
        assert_eq!(counts(&assign(&app, &acme, input.clone()).await), (7, 7));
        assert_eq!(assigned_to(&app, &acme, campaign, Some(kim)).await, (7, 7), "filter and facet agree at once");
        assert_eq!(entries(&app).await, 7, "one entry per affected partner");
        // Idempotent: nothing changes, nothing is logged — no activity, and no change for the
        // facet index (the list version stays).
        let version = format!("SELECT CAST(version AS TEXT) FROM campaign_list_versions WHERE campaign_id = {campaign}");
        let was = app.texts(&version).await;
        assert_eq!(counts(&assign(&app, &acme, input).await), (7, 0));
        assert_eq!(entries(&app).await, 7);
        assert_eq!(app.texts(&version).await, was, "no list version for a change of nothing");

        // The entry says who did it and what changed, in the engine's shape.
        let details = app.texts("SELECT details FROM activity_log WHERE action = 'PARTNERS_ASSIGNED' ORDER BY id LIMIT 1").await;
        let details: Value = serde_json::from_str(details[0].as_deref().unwrap()).unwrap();
        assert_eq!(details["after"], json!({ "assignedUserId": kim }), "{details}");
        assert_eq!(details["input"], json!({ "userId": kim }), "{details}");
        assert!(details.get("before").is_some(), "{details}");
        assert_eq!(app.count_rows(&format!("activity_log WHERE action = 'PARTNERS_ASSIGNED' AND user_id = {}", acme.user_id)).await, 7);
    }

    async fn select_all_with_exclusions_and_a_dry_run_that_writes_nothing(app) {
        let acme = app.seed_account(80, 72).await;
        let campaign = acme.campaign_ids[0];
        let filter = json!({ "sizes": ["SMALL", "MEDIUM"] });
        let matching = partner_ids(&app, &acme, campaign, filter.clone()).await;
        assert!(matching.len() > 4, "the seed has small and medium partners");
        let lee = manager(&app, &acme, "Lee Lead").await;
        let input = json!({ "campaignId": campaign.to_string(), "userId": lee.to_string(), "dryRun": true,
            "selection": { "filter": filter, "exceptIds": strings(&matching[..2]) } });
        let expected = matching.len() as i64 - 2;
        let dry = assign(&app, &acme, input.clone()).await;
        assert_eq!(dry["dryRun"], true);
        assert_eq!(counts(&dry), (expected, expected));
        assert_eq!(assigned_to(&app, &acme, campaign, Some(lee)).await, (0, 0), "a dry run writes nothing");
        assert_eq!(entries(&app).await, 0);

        let mut real = input;
        real["dryRun"] = json!(false);
        assert_eq!(counts(&assign(&app, &acme, real).await), counts(&dry), "the dry run's counts are the real run's");
        assert_eq!(assigned_to(&app, &acme, campaign, Some(lee)).await, (expected, expected));
        let excluded = app.count_rows(&format!("campaign_partners WHERE campaign_id = {campaign} AND assigned_user_id = {lee} AND partner_id IN ({}, {})", matching[0], matching[1])).await;
        assert_eq!(excluded, 0, "excluded partners keep their manager");
    }

    async fn unassigning_clears_the_manager_and_the_unassigned_filter_lists_them(app) {
        let acme = app.seed_account(25, 73).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let kim = manager(&app, &acme, "Kim Keeper").await;
        assign(&app, &acme, json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids) }, "userId": kim.to_string() })).await;
        assert_eq!(assigned_to(&app, &acme, campaign, None).await, (0, 0));
        let unassign = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..4]) }, "unassign": true });
        let payload = assign(&app, &acme, unassign.clone()).await;
        assert_eq!(counts(&payload), (4, 4));
        // The state after (known without reading the rows again) is the text the snapshot of an
        // unassigned partner reads: a second unassignment changes no one.
        let details = app.texts("SELECT details FROM activity_log WHERE action = 'PARTNERS_ASSIGNED' ORDER BY id DESC LIMIT 1").await;
        let details: Value = serde_json::from_str(details[0].as_deref().unwrap()).unwrap();
        assert_eq!(details["after"], json!({ "assignedUserId": null }), "{details}");
        assert_eq!(details["before"], json!({ "assignedUserId": kim }), "{details}");
        assert_eq!(counts(&assign(&app, &acme, unassign).await), (4, 0));
        assert_eq!(assigned_to(&app, &acme, campaign, None).await, (4, 4));
        assert_eq!(assigned_to(&app, &acme, campaign, Some(kim)).await, (ids.len() as i64 - 4, ids.len() as i64 - 4));
    }

    async fn another_accounts_user_is_unknown_and_bad_input_writes_nothing(app) {
        let acme = app.seed_account(10, 74).await;
        let other = app.seed_account(5, 75).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let stranger = manager(&app, &other, "Sam Stranger").await;
        let base = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..3]) } });
        let with = |extra: Value| { let mut v = base.clone(); v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone()); v };

        let payload = assign(&app, &acme, with(json!({ "userId": stranger.to_string() }))).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"], "{payload}");
        assert_eq!(payload["userErrors"][0]["field"], json!(["input", "userId"]));
        let payload = assign(&app, &acme, with(json!({ "userId": "987654" }))).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"], "an unknown id answers the same");
        let payload = assign(&app, &acme, with(json!({ "userId": acme.user_id.to_string(), "unassign": true }))).await;
        assert_eq!(error_codes(&payload), vec!["INVALID"], "{payload}");
        let payload = assign(&app, &acme, with(json!({}))).await;
        assert_eq!(error_codes(&payload), vec!["INVALID"], "{payload}");
        // Another account's partners are not in this campaign.
        let theirs = partner_ids(&app, &other, other.campaign_ids[0], Value::Null).await;
        let payload = assign(&app, &acme, json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&theirs[..1]) }, "userId": acme.user_id.to_string() })).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"], "{payload}");
        // Nor is their campaign ours.
        let payload = assign(&app, &acme, json!({ "campaignId": other.campaign_ids[0].to_string(), "selection": { "ids": strings(&theirs[..1]) }, "userId": acme.user_id.to_string() })).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"], "{payload}");
        assert_eq!(app.count_rows(&format!("campaign_partners WHERE assigned_user_id = {stranger}")).await, 0);
        assert_eq!(entries(&app).await, 0, "nothing was written");
    }

    async fn the_statements_of_an_assignment_do_not_grow_with_the_selection(app) {
        let acme = app.seed_account(200, 76).await;
        let campaign = acme.campaign_ids[0];
        let kim = manager(&app, &acme, "Kim Keeper").await;
        // Authenticated once first: every measured request then finds the credential cached.
        app.data_as(&acme, "{ __typename }", json!({})).await;
        let mut spent = Vec::new();
        for filter in [json!({ "sizes": ["SMALL"] }), json!({})] {
            let before = app.statements();
            let payload = assign(&app, &acme, json!({ "campaignId": campaign.to_string(), "selection": { "filter": filter }, "userId": kim.to_string() })).await;
            spent.push((counts(&payload).0, app.statements() - before));
        }
        assert!(spent[1].0 >= 2 * spent[0].0.max(1), "the second selection is much larger: {spent:?}");
        assert_eq!(spent[0].1, spent[1].1, "same statements for {} and {} partners", spent[0].0, spent[1].0);
    }
}
