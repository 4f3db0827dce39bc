//! "Invite to my campaign": partners of one campaign join another as prospects with a proposed
//! contract; those already there are skipped and counted; dry runs and refusals write nothing.

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};
use partnergraph::service::accounts::NewAccount;
use partnergraph::service::write::campaign_lock_key;

const INVITE: &str = "mutation($i: InvitePartnersInput!) { invitePartners(input: $i) {
  matchedCount affectedCount invitedCount alreadyInCampaignCount emailTakenCount dryRun
  userErrors { field code message } } }";

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    app.texts(sql)
        .await
        .into_iter()
        .map(|v| v.unwrap().parse().unwrap())
        .collect()
}

async fn invite(app: &TestApp, account: &NewAccount, input: Value) -> Value {
    app.data_as(account, INVITE, json!({ "i": input })).await["invitePartners"].clone()
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

backend_tests! {
    async fn partners_join_another_campaign_as_prospects_with_a_proposal(app) {
        let brand = app.seed_account(60, 77).await;
        let (a, b) = (brand.campaign_ids[0], brand.campaign_ids[1]);
        let only_a = ids(&app, &format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {a} AND partner_id NOT IN \
             (SELECT partner_id FROM campaign_partners WHERE campaign_id = {b}) AND (email IS NULL OR email NOT IN \
             (SELECT email FROM campaign_partners WHERE campaign_id = {b} AND email IS NOT NULL)) ORDER BY partner_id LIMIT 3"
        )).await;
        let both = ids(&app, &format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {a} AND partner_id IN \
             (SELECT partner_id FROM campaign_partners WHERE campaign_id = {b}) ORDER BY partner_id LIMIT 1"
        )).await;
        assert_eq!((only_a.len(), both.len()), (3, 1), "the seed gives both kinds");
        let template = ids(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {b}")).await[0];
        let wrong = ids(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {a}")).await[0];
        let selected: Vec<String> = only_a.iter().chain(&both).map(i64::to_string).collect();
        let input = |extra: Value| {
            let mut i = json!({ "campaignId": a.to_string(), "selection": { "ids": selected },
                "targetCampaignId": b.to_string(), "templateId": template.to_string() });
            i.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            i
        };
        let in_b = format!("campaign_partners WHERE campaign_id = {b}");
        let (rows_b, contracts) = (app.count_rows(&in_b).await, app.count_rows("partner_contracts").await);

        let dry = invite(&app, &brand, input(json!({ "dryRun": true }))).await;
        assert_eq!((dry["matchedCount"].as_i64(), dry["invitedCount"].as_i64(), dry["alreadyInCampaignCount"].as_i64()),
            (Some(4), Some(3), Some(1)), "{dry}");
        assert_eq!((app.count_rows(&in_b).await, app.count_rows("partner_contracts").await), (rows_b, contracts), "a dry run writes nothing");

        let version = |c: i64| { let app = &app; async move {
            ids(app, &format!("SELECT CAST(COALESCE(MAX(version), 0) AS TEXT) FROM campaign_list_versions WHERE campaign_id = {c}")).await[0]
        } };
        let (version_a, version_b) = (version(a).await, version(b).await);
        let done = invite(&app, &brand, input(json!({}))).await;
        assert_eq!((done["invitedCount"].as_i64(), done["affectedCount"].as_i64(), &done["userErrors"]), (Some(3), Some(3), &json!([])), "{done}");
        assert_eq!(app.count_rows(&in_b).await, rows_b + 3);
        // The source campaign is not written: no version, nothing logged. The other campaign's
        // new rows are logged by the triggers.
        assert_eq!(version(a).await, version_a, "nothing of the source campaign changed");
        let logged_b = ids(&app, &format!("SELECT DISTINCT CAST(partner_id AS TEXT) FROM campaign_list_changes \
            WHERE campaign_id = {b} AND version > {version_b}")).await;
        assert!(version(b).await > version_b && only_a.iter().all(|p| logged_b.contains(p)), "{logged_b:?}");
        assert_eq!(app.count_rows("change_log_pauses").await, 0, "no pause outlives its action");
        for p in &only_a {
            let partner = app.data_as(&brand, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
                relationshipStage pendingContracts { status template { templateId } } } }",
                json!({ "c": b.to_string(), "p": p.to_string() })).await["partner"].clone();
            assert_eq!(partner["relationshipStage"], "OUTREACH", "{partner}");
            assert_eq!(partner["pendingContracts"][0]["template"]["templateId"].as_i64(), Some(template), "{partner}");
        }
        let listed = app.data_as(&brand, "query($c: ID!) { partners(campaignId: $c, filter: { relationshipStages: [OUTREACH] }) { nodes { partnerId } } }",
            json!({ "c": b.to_string() })).await;
        let listed: Vec<i64> = listed["partners"]["nodes"].as_array().unwrap().iter().map(|n| n["partnerId"].as_i64().unwrap()).collect();
        assert!(only_a.iter().all(|p| listed.contains(p)), "the other campaign's list shows them at once: {listed:?}");
        let logged = ids(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM activity_log WHERE campaign_id = {a} AND action = 'PARTNER_INVITED'")).await;
        assert_eq!(logged, [3]);

        // The partner accepts: the proposal is its first contract, and it has joined.
        let accepted = crate::contract_support::answer(&app, &brand, json!({ "campaignId": b.to_string(),
            "selection": { "ids": [only_a[0].to_string()] }, "accept": true })).await;
        assert_eq!(crate::contract_support::counts(&accepted), (1, 1, vec![]), "{accepted}");
        assert_eq!(crate::contract_support::current_template(&app, b, only_a[0]).await, Some(template));
        assert_eq!(crate::contract_support::standing_of(&app, b, only_a[0]).await, ("ACTIVE".to_owned(), "JOINED".to_owned()));
        let joined = app.texts(&format!("SELECT CAST(date_joined AS TEXT) FROM campaign_partners WHERE campaign_id = {b} AND partner_id = {}", only_a[0])).await;
        assert!(joined[0].is_some(), "it joined now");

        // Again: everyone is there now — a user error, nothing written.
        let again = invite(&app, &brand, input(json!({}))).await;
        assert_eq!(codes(&again), ["CONFLICT"], "{again}");
        assert_eq!(app.count_rows(&in_b).await, rows_b + 3);
        let same = invite(&app, &brand, input(json!({ "targetCampaignId": a.to_string() }))).await;
        assert_eq!(codes(&same), ["INVALID"]);
        let wrong_template = invite(&app, &brand, input(json!({ "templateId": wrong.to_string() }))).await;
        assert_eq!(codes(&wrong_template), ["WRONG_CAMPAIGN"]);
        let foreign = invite(&app, &brand, input(json!({ "targetCampaignId": app.campaign_id().to_string() }))).await;
        assert_eq!(codes(&foreign), ["NOT_FOUND"], "another account's campaign");
        assert_eq!(app.count_rows(&format!("campaign_partners WHERE campaign_id = {}", app.campaign_id())).await, 0);
    }

    async fn invitations_between_two_campaigns_in_opposite_directions_wait_for_each_other(app) {
        // Each invitation writes two campaigns: they are locked lowest id first, so two at once
        // in opposite directions queue instead of deadlocking (on PostgreSQL the loser of each
        // deadlock was retried, and after four losses told UNAVAILABLE).
        let brand = app.seed_account(40, 79).await;
        let (a, b) = (brand.campaign_ids[0], brand.campaign_ids[1]);
        let only = |from: i64, to: i64| format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {from} AND partner_id NOT IN \
             (SELECT partner_id FROM campaign_partners WHERE campaign_id = {to}) ORDER BY partner_id LIMIT 3");
        let from_a = ids(&app, &only(a, b)).await;
        // Partners of the second campaign only: new ones (the seed puts its partners in the first).
        let mut from_b = Vec::new();
        for n in 0..2 {
            let made = app.data_as(&brand, "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { partnerId } } }",
                json!({ "i": { "campaignId": b.to_string(), "name": format!("Only in B {n}"), "email": format!("b{n}@only-b.example"), "country": "US" } })).await;
            from_b.push(made["createPartner"]["partner"]["partnerId"].as_i64().unwrap());
        }
        assert!(!from_a.is_empty(), "the seed has partners in the first campaign only");
        let template = |c: i64| format!("SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {c}");
        let (ta, tb) = (ids(&app, &template(a)).await[0], ids(&app, &template(b)).await[0]);
        let input = |from: i64, to: i64, partners: &[i64], template: i64| json!({ "i": {
            "campaignId": from.to_string(), "targetCampaignId": to.to_string(), "templateId": template.to_string(),
            "selection": { "ids": partners.iter().map(i64::to_string).collect::<Vec<_>>() }, "dryRun": true } });
        let header = TestApp::header_of(&brand);
        if app.db.get_database_backend() == DbBackend::Postgres {
            // The order itself: with the higher campaign's lock held elsewhere, an invitation
            // from the higher to the lower campaign waits holding the lower one's lock already.
            let (low, high) = (a.min(b), a.max(b));
            let (partners, template) = if high == a { (&from_a, tb) } else { (&from_b, ta) };
            let holder = app.db.begin().await.unwrap();
            holder.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({})", campaign_lock_key(high))).await.unwrap();
            let probe = async {
                // The invitation's wait for this lock, in this test's database.
                let key = campaign_lock_key(high);
                let waiting = format!(
                    "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                     AND classid::text::bigint = {} AND objid::text::bigint = {}",
                    key >> 32,
                    key & 0xFFFF_FFFF
                );
                loop {
                    let row = app.db.query_one_raw(Statement::from_string(DbBackend::Postgres, waiting.clone())).await.unwrap().unwrap();
                    if row.try_get::<i64>("", "n").unwrap() > 0 {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                let free = format!("SELECT pg_try_advisory_xact_lock({}) AS free", campaign_lock_key(low));
                let row = holder.query_one_raw(Statement::from_string(DbBackend::Postgres, free)).await.unwrap().unwrap();
                let lower_was_free: bool = row.try_get("", "free").unwrap();
                holder.rollback().await.unwrap();
                lower_was_free
            };
            let (lower_was_free, (status, body)) = tokio::join!(
                probe,
                app.graphql_as(Some(&header), INVITE, input(high, low, partners, template)),
            );
            assert!(!lower_was_free, "the invitation waited for the higher campaign holding the lower one's lock");
            assert_eq!((status, body.get("errors")), (200, None), "{body}");
        }
        for round in 0..8 {
            let both_ways = (0..8).map(|i| {
                let variables = if i % 2 == 0 { input(a, b, &from_a, tb) } else { input(b, a, &from_b, ta) };
                app.graphql_as(Some(&header), INVITE, variables)
            });
            for (status, body) in futures_util::future::join_all(both_ways).await {
                assert_eq!(status, 200, "round {round}: {body}");
                assert!(body.get("errors").is_none(), "round {round}: {body}");
                assert_eq!(body["data"]["invitePartners"]["userErrors"], json!([]), "round {round}: {body}");
            }
        }
    }
}
