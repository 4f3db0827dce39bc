//! `changePartnerGroups`: the bulk pattern over explicit ids and over a filter with exclusions,
//! idempotence, dry runs, activity entries, user errors and atomicity.

use std::collections::BTreeSet;

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::groups::{create_group, member_ids, partner_ids};
use crate::support::{backend_tests, TestApp};

const CHANGE: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) {
  matchedCount affectedCount addedCount removedCount dryRun userErrors { field code message } } }";

async fn change(app: &TestApp, acme: &NewAccount, input: Value) -> Value {
    app.data_as(acme, CHANGE, json!({ "i": input })).await["changePartnerGroups"].clone()
}

fn counts(payload: &Value) -> (i64, i64, i64, i64) {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    (
        payload["matchedCount"].as_i64().unwrap(),
        payload["affectedCount"].as_i64().unwrap(),
        payload["addedCount"].as_i64().unwrap(),
        payload["removedCount"].as_i64().unwrap(),
    )
}

/// The codes of a payload's user errors.
pub fn error_codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

fn strings(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

async fn activity_entries(app: &TestApp) -> i64 {
    app.count_rows("activity_log WHERE action = 'PARTNER_GROUPS_CHANGED'")
        .await
}

/// Every membership of the app's database, as (group, partner) pairs.
async fn memberships(app: &TestApp) -> BTreeSet<(i64, i64)> {
    use sea_orm::{EntityTrait, QuerySelect};
    entity::partner_group_member::Entity::find()
        .select_only()
        .column(entity::partner_group_member::Column::GroupId)
        .column(entity::partner_group_member::Column::PartnerId)
        .into_tuple::<(i64, i64)>()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

backend_tests! {
    async fn partners_chosen_by_id_join_a_group_once(app) {
        let acme = app.seed_account(30, 51).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let group = create_group(&app, &acme, campaign, "Spring push", &ids[..2]).await;
        let before = activity_entries(&app).await;

        let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..5]) }, "add": [group.to_string()] });
        assert_eq!(counts(&change(&app, &acme, input.clone()).await), (5, 3, 3, 0));
        assert_eq!(member_ids(&app, &acme, group).await, { let mut v = ids[..5].to_vec(); v.sort(); v });
        assert_eq!(activity_entries(&app).await - before, 3, "one entry per affected partner");

        // Idempotent: the same change again matches the same partners and changes nothing.
        assert_eq!(counts(&change(&app, &acme, input).await), (5, 0, 0, 0));
        assert_eq!(activity_entries(&app).await - before, 3);
    }

    async fn select_all_by_filter_skips_excluded_partners(app) {
        let acme = app.seed_account(120, 52).await;
        let campaign = acme.campaign_ids[0];
        let filter = json!({ "sizes": ["SMALL", "MEDIUM"] });
        let matching = partner_ids(&app, &acme, campaign, filter.clone()).await;
        assert!(matching.len() > 5, "the seed has small and medium partners");
        let excluded = &matching[..2];
        let group = create_group(&app, &acme, campaign, "Mid-size", &[]).await;

        let payload = change(&app, &acme, json!({ "campaignId": campaign.to_string(),
            "selection": { "filter": filter, "exceptIds": strings(excluded) }, "add": [group.to_string()] })).await;
        let expected = matching.len() as i64 - 2;
        assert_eq!(counts(&payload), (expected, expected, expected, 0));
        let mut wanted: Vec<i64> = matching.iter().copied().filter(|p| !excluded.contains(p)).collect();
        wanted.sort();
        assert_eq!(member_ids(&app, &acme, group).await, wanted);

        // Remove them again by the same filter: only members leave.
        let payload = change(&app, &acme, json!({ "campaignId": campaign.to_string(),
            "selection": { "filter": { "sizes": ["SMALL", "MEDIUM"] } }, "remove": [group.to_string()] })).await;
        assert_eq!(counts(&payload), (matching.len() as i64, expected, 0, expected));
        assert!(member_ids(&app, &acme, group).await.is_empty());
    }

    async fn a_dry_run_counts_without_writing(app) {
        let acme = app.seed_account(60, 53).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let a = create_group(&app, &acme, campaign, "A", &ids[..10]).await;
        let b = create_group(&app, &acme, campaign, "B", &ids[5..15]).await;
        let before = memberships(&app).await;
        let activity = activity_entries(&app).await;

        let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..20]) },
            "add": [b.to_string()], "remove": [a.to_string()], "dryRun": true });
        let dry = change(&app, &acme, input.clone()).await;
        assert_eq!(dry["dryRun"], true);
        // Affected: missing B (0..5, 15..20) or in A (0..10); 10..15 are already in B only.
        assert_eq!(counts(&dry), (20, 15, 10, 10));
        assert_eq!(memberships(&app).await, before, "a dry run writes nothing");
        assert_eq!(activity_entries(&app).await, activity);

        let mut real = input;
        real["dryRun"] = json!(false);
        let done = change(&app, &acme, real).await;
        assert_eq!(counts(&done), counts(&dry));
        assert!(member_ids(&app, &acme, a).await.is_empty());
        assert_eq!(member_ids(&app, &acme, b).await.len(), 20);
    }

    async fn remove_from_all_leaves_every_other_group(app) {
        let acme = app.seed_account(40, 54).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let a = create_group(&app, &acme, campaign, "A", &ids[..4]).await;
        let b = create_group(&app, &acme, campaign, "B", &ids[2..6]).await;
        let keep = create_group(&app, &acme, campaign, "Keep", &ids[..1]).await;
        let chosen = &ids[..3];
        let payload = change(&app, &acme, json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(chosen) },
            "removeFromAll": true, "add": [keep.to_string()] })).await;
        let (matched, _, added, _) = counts(&payload);
        assert_eq!((matched, added), (3, 2));
        let all = memberships(&app).await;
        let listed = app.data_as(&acme, "query($c: ID!) { partnerGroups(campaignId: $c) { groupId } }", json!({ "c": campaign.to_string() })).await;
        let campaign_groups: Vec<i64> = listed["partnerGroups"].as_array().unwrap().iter().map(|g| g["groupId"].as_i64().unwrap()).collect();
        for p in chosen {
            let groups: Vec<i64> = all.iter().filter(|(g, m)| m == p && campaign_groups.contains(g)).map(|(g, _)| *g).collect();
            assert_eq!(groups, vec![keep], "partner {p} is only in Keep now");
        }
        assert!(all.contains(&(a, ids[3])) && all.contains(&(b, ids[5])), "unselected partners keep their groups");
    }

    async fn bad_changes_are_refused_and_change_nothing(app) {
        let acme = app.seed_account(40, 55).await;
        let globex = app.seed_account(10, 56).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let group = create_group(&app, &acme, campaign, "Mine", &ids[..3]).await;
        let other_campaign_group = create_group(&app, &acme, acme.campaign_ids[1], "Elsewhere", &[]).await;
        let globex_group = create_group(&app, &globex, globex.campaign_ids[0], "Theirs", &[]).await;
        let before = memberships(&app).await;
        let activity = activity_entries(&app).await;
        let c = campaign.to_string();
        let sel = json!({ "ids": strings(&ids[..5]) });

        let cases = [
            (json!({ "campaignId": c, "selection": sel, "add": [group.to_string(), "99999999"] }), "NOT_FOUND"),
            (json!({ "campaignId": c, "selection": sel, "add": [group.to_string()], "remove": [globex_group.to_string()] }), "NOT_FOUND"),
            (json!({ "campaignId": c, "selection": sel, "add": [other_campaign_group.to_string()] }), "WRONG_CAMPAIGN"),
            (json!({ "campaignId": c, "selection": sel, "add": [group.to_string()], "remove": [group.to_string()] }), "CONFLICT"),
            (json!({ "campaignId": c, "selection": sel }), "REQUIRED"),
            (json!({ "campaignId": c, "selection": { "ids": [] }, "add": [group.to_string()] }), "EMPTY_SELECTION"),
            (json!({ "campaignId": c, "selection": { "filter": { "search": "no partner is called this" } }, "add": [group.to_string()] }), "EMPTY_SELECTION"),
            (json!({ "campaignId": c, "selection": { "ids": [ids[0].to_string(), "99999999"] }, "add": [group.to_string()] }), "NOT_FOUND"),
            (json!({ "campaignId": c, "selection": { "ids": strings(&ids[..2]), "filter": {} }, "add": [group.to_string()] }), "INVALID"),
            (json!({ "campaignId": c, "selection": { "filter": { "socialReach": { "min": 9, "max": 1 } } }, "add": [group.to_string()] }), "INVALID"),
            (json!({ "campaignId": globex.campaign_ids[0].to_string(), "selection": sel, "add": [group.to_string()] }), "NOT_FOUND"),
        ];
        for (input, code) in cases {
            let payload = change(&app, &acme, input.clone()).await;
            assert!(error_codes(&payload).contains(&code.to_owned()), "{input} → {payload}");
            assert_eq!(payload["matchedCount"], 0);
        }
        assert_eq!(memberships(&app).await, before, "a refused change writes nothing");
        assert_eq!(activity_entries(&app).await, activity);
    }

    async fn another_account_cannot_change_groups_or_select_partners(app) {
        let acme = app.seed_account(20, 57).await;
        let globex = app.seed_account(20, 58).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let group = create_group(&app, &acme, campaign, "Acme", &[]).await;
        let theirs = create_group(&app, &globex, globex.campaign_ids[0], "Globex", &[]).await;
        let before = memberships(&app).await;
        // Globex names Acme's group and partners inside its own campaign: nothing matches.
        let payload = change(&app, &globex, json!({ "campaignId": globex.campaign_ids[0].to_string(),
            "selection": { "ids": strings(&ids[..3]) }, "add": [theirs.to_string()] })).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"]);
        let payload = change(&app, &globex, json!({ "campaignId": globex.campaign_ids[0].to_string(),
            "selection": { "filter": {} }, "add": [group.to_string()] })).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"]);
        assert_eq!(memberships(&app).await, before);
    }

    async fn a_read_only_user_may_not_change_groups(app) {
        use partnergraph::domain::UserRole;
        use partnergraph::service::accounts;
        let acme = app.seed_account(10, 59).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let group = create_group(&app, &acme, campaign, "Admins only", &[]).await;
        let user = accounts::add_user(&app.db, acme.account_id, "Ann Analyst", "ann@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, acme.account_id, user, "analyst").await.unwrap();
        let header = TestApp::basic(&acme.account_sid, &token);
        let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..2]) }, "add": [group.to_string()] });
        let (_, body) = app.graphql_as(Some(&header), CHANGE, json!({ "i": input })).await;
        assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{body}");
        assert!(member_ids(&app, &acme, group).await.is_empty());
    }

    async fn a_selection_by_group_moves_its_members_to_another_group(app) {
        let acme = app.seed_account(30, 60).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let a = create_group(&app, &acme, campaign, "Move from", &ids[..6]).await;
        let b = create_group(&app, &acme, campaign, "Move to", &[]).await;
        // The filter reads the very memberships the change rewrites: it is fixed before writing.
        let payload = change(&app, &acme, json!({ "campaignId": campaign.to_string(),
            "selection": { "filter": { "groupIds": [a.to_string()] } }, "add": [b.to_string()], "remove": [a.to_string()] })).await;
        assert_eq!(counts(&payload), (6, 6, 6, 6));
        assert!(member_ids(&app, &acme, a).await.is_empty());
        assert_eq!(member_ids(&app, &acme, b).await, { let mut v = ids[..6].to_vec(); v.sort(); v });
    }

    async fn partners_in_no_group_join_every_added_group(app) {
        let acme = app.seed_account(30, 61).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        crate::groups::clear_groups(&app, &acme, campaign, &ids[..4]).await;
        let lonely = partner_ids(&app, &acme, campaign, json!({ "inNoGroup": true })).await;
        let a = create_group(&app, &acme, campaign, "First", &[]).await;
        let b = create_group(&app, &acme, campaign, "Second", &[]).await;
        let n = lonely.len() as i64;
        let payload = change(&app, &acme, json!({ "campaignId": campaign.to_string(),
            "selection": { "filter": { "inNoGroup": true } }, "add": [a.to_string(), b.to_string()] })).await;
        assert_eq!(counts(&payload), (n, n, 2 * n, 0));
        let mut lonely = lonely;
        lonely.sort();
        assert_eq!(member_ids(&app, &acme, a).await, lonely);
        assert_eq!(member_ids(&app, &acme, b).await, lonely);
    }

    async fn concurrent_identical_changes_all_succeed_once(app) {
        let acme = app.seed_account(40, 62).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let group = create_group(&app, &acme, campaign, "Double click", &[]).await;
        let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&ids[..20]) }, "add": [group.to_string()] });
        let (a, b, c) = tokio::join!(
            change(&app, &acme, input.clone()),
            change(&app, &acme, input.clone()),
            change(&app, &acme, input.clone())
        );
        let added: i64 = [a, b, c].iter().map(|p| counts(p).2).sum();
        assert_eq!(added, 20, "each membership is added exactly once");
        assert_eq!(member_ids(&app, &acme, group).await.len(), 20);
    }
}
