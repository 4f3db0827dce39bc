//! Concurrent contract actions, run many rounds on PostgreSQL (where they really overlap):
//! whatever order they land in, every partner ends in one consistent state (one current
//! contract at most, its status mirrored on the relationship), counts and history cover only
//! what changed, two scheduled-change runners at once apply each change exactly once, and
//! actions racing the runner over changes that fell due neither lose nor repeat one.

use serde_json::{json, Value};

use crate::contract_support::{
    active_partners, day, plain_actives, strings, template_ids, PAYLOAD,
};
use crate::races::{all, rounds, Client};
use crate::support::{backend_tests, TestApp};

type Task = std::pin::Pin<Box<dyn std::future::Future<Output = Value> + Send>>;

fn task(client: &Client, name: &'static str, input_type: &'static str, input: Value) -> Task {
    let client = client.clone();
    let query = format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ {PAYLOAD} }} }}");
    Box::pin(async move { client.payload(&query, json!({ "i": input }), name).await })
}

/// Partners of `partners` whose contract state is inconsistent, and partners with more than one
/// current contract.
async fn inconsistent(app: &TestApp, campaign: i64, partners: &[i64]) -> (i64, i64) {
    let list = strings(partners).join(",");
    let current = "c.campaign_id = cp.campaign_id AND c.partner_id = cp.partner_id";
    let mismatched = app
        .count_rows(&format!(
            "campaign_partners cp WHERE cp.campaign_id = {campaign} AND cp.partner_id IN ({list}) AND NOT (\
             (cp.contract_status = 'EXPIRED' AND NOT EXISTS (SELECT 1 FROM partner_contracts c WHERE {current} \
               AND c.status IN ('ACTIVE', 'SUSPENDED'))) \
             OR EXISTS (SELECT 1 FROM partner_contracts c WHERE {current} AND c.status = cp.contract_status))"
        ))
        .await;
    let doubled = app
        .count_rows(&format!(
            "(SELECT partner_id FROM partner_contracts WHERE campaign_id = {campaign} AND partner_id IN ({list}) \
             AND status IN ('ACTIVE', 'SUSPENDED') GROUP BY partner_id HAVING COUNT(*) > 1) t"
        ))
        .await;
    (mismatched, doubled)
}

fn affected(payloads: &[Value]) -> i64 {
    payloads
        .iter()
        .map(|p| {
            assert_eq!(p["userErrors"], json!([]), "{p}");
            p["affectedCount"].as_i64().unwrap()
        })
        .sum()
}

backend_tests! {
    async fn concurrent_switches_leave_one_current_contract_and_count_what_they_did(app) {
        let acme = app.seed_account(120, 111).await;
        let campaign = acme.campaign_ids[0];
        let partners: Vec<i64> = active_partners(&app, &acme, campaign).await.into_iter().take(30).collect();
        let templates = template_ids(&app, &acme, campaign).await;
        let client = Client::new(&app, &acme);
        let history = format!("contract_history WHERE campaign_id = {campaign} AND action = 'SWITCHED'");
        let seeded = app.texts(&format!("SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) FROM contract_history WHERE campaign_id = {campaign}")).await;
        let seeded = seeded[0].as_deref().unwrap_or("0").to_owned();
        for round in 0..rounds(&app, 20) {
            let before = app.count_rows(&history).await;
            let tasks = (0..4)
                .map(|i| {
                    let template = templates[(round + i) % templates.len()];
                    task(&client, "switchPartnerContracts", "SwitchPartnerContractsInput", json!({
                        "campaignId": campaign.to_string(), "selection": { "ids": strings(&partners) }, "templateId": template.to_string() }))
                })
                .collect();
            let payloads = all(tasks).await;
            assert_eq!(inconsistent(&app, campaign, &partners).await, (0, 0), "round {round}");
            assert_eq!(app.count_rows(&history).await - before, affected(&payloads), "round {round}: one history entry per change reported");
        }
        // Each action reads its time once it holds the campaign's lock: one that waited for
        // another never records an earlier time (a contract ending before it starts).
        let list = strings(&partners).join(",");
        assert_eq!(app.count_rows(&format!("partner_contracts WHERE campaign_id = {campaign} AND partner_id IN ({list}) AND end_date < start_date")).await, 0);
        assert_eq!(app.count_rows(&format!(
            "contract_history a, contract_history b WHERE a.campaign_id = {campaign} AND b.campaign_id = {campaign} \
             AND a.partner_id = b.partner_id AND a.id > {seeded} AND a.id < b.id AND a.created_at > b.created_at")).await, 0,
            "history in the order the changes were made");
    }

    async fn suspend_reinstate_and_expire_at_once_leave_each_partner_consistent(app) {
        let acme = app.seed_account(120, 112).await;
        let campaign = acme.campaign_ids[0];
        let all_active = active_partners(&app, &acme, campaign).await;
        let client = Client::new(&app, &acme);
        for round in 0..rounds(&app, 15) {
            let partners: Vec<i64> = all_active.iter().copied().skip(round * 4).take(4).collect();
            if partners.len() < 4 {
                break;
            }
            let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(&partners) } });
            let mut expire = input.clone();
            expire["expireOn"] = json!(day(0));
            let tasks = vec![
                task(&client, "suspendPartners", "PartnerStandingInput", input.clone()),
                task(&client, "expirePartners", "ExpirePartnersInput", expire),
                task(&client, "reinstatePartners", "PartnerStandingInput", input.clone()),
                task(&client, "suspendPartners", "PartnerStandingInput", input),
            ];
            let payloads = all(tasks).await;
            affected(&payloads);
            assert_eq!(inconsistent(&app, campaign, &partners).await, (0, 0), "round {round}");
            assert_eq!(
                app.count_rows(&format!("campaign_partners WHERE campaign_id = {campaign} AND partner_id IN ({}) AND contract_status = 'EXPIRED'", strings(&partners).join(","))).await,
                4,
                "round {round}: the expiry wins whenever it lands (nothing reinstates an expired contract)"
            );
        }
    }

    async fn two_runners_at_once_apply_each_scheduled_switch_exactly_once(app) {
        let acme = app.seed_account(120, 113).await;
        let campaign = acme.campaign_ids[0];
        let actives = active_partners(&app, &acme, campaign).await;
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let client = Client::new(&app, &acme);
        for round in 0..rounds(&app, 10) {
            let partners: Vec<i64> = actives.iter().copied().skip(round * 3).take(3).collect();
            if partners.len() < 3 {
                break;
            }
            let payload = client.payload(
                &format!("mutation($i: SwitchPartnerContractsInput!) {{ switchPartnerContracts(input: $i) {{ {PAYLOAD} }} }}"),
                json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": strings(&partners) },
                    "templateId": target.to_string(), "effectiveDate": day(2 + round as i64) } }),
                "switchPartnerContracts",
            ).await;
            let scheduled = payload["affectedCount"].as_i64().unwrap();
            let at = chrono::Utc::now() + chrono::Duration::days(3 + round as i64);
            let (db1, db2) = (app.db.clone(), app.db.clone());
            let (a, b) = tokio::join!(
                tokio::spawn(async move { partnergraph::service::contracts::due::apply_due(&db1, &partnergraph::clock::Clock::fixed(at)).await }),
                tokio::spawn(async move { partnergraph::service::contracts::due::apply_due(&db2, &partnergraph::clock::Clock::fixed(at)).await }),
            );
            let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
            let list = strings(&partners).join(",");
            let applied = app.count_rows(&format!("contract_history WHERE campaign_id = {campaign} AND action = 'SWITCH_APPLIED' AND partner_id IN ({list})")).await;
            assert_eq!(applied, scheduled, "round {round}: each switch applied once (runners reported {a:?} and {b:?})");
            assert_eq!(inconsistent(&app, campaign, &partners).await, (0, 0), "round {round}");
        }
    }
}

/// Contract actions and the runner at once over switches that fell due (the server's clock
/// moved past them): each is applied exactly once, by whichever takes the campaign's lock
/// first, and never withdrawn or overtaken.
async fn actions_racing_the_runner_over_due_switches(backend: crate::support::Backend) {
    // The server's clock, moved two days on each round: the switches scheduled for the
    // next day are then due for the runner and for every action (which applies what fell
    // due first), whichever takes the campaign's lock first.
    let Some((app, clock)) = TestApp::spawn_clocked(backend, chrono::Utc::now()).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(160, 114).await;
    let campaign = acme.campaign_ids[0];
    let templates = template_ids(&app, &acme, campaign).await;
    let (scheduled_to, now_to) = (
        templates[templates.len() - 1],
        templates[templates.len() - 2],
    );
    let plain = plain_actives(&app, campaign, scheduled_to, 60).await;
    let client = Client::new(&app, &acme);
    let mut by_runner = 0;
    for round in 0..rounds(&app, 12) {
        let partners = &plain[4 * round..4 * round + 4];
        let list = strings(partners).join(",");
        let tomorrow = (clock.now() + chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string();
        let payload = client.payload(
            &format!("mutation($i: SwitchPartnerContractsInput!) {{ switchPartnerContracts(input: $i) {{ {PAYLOAD} }} }}"),
            json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": strings(partners) },
                "templateId": scheduled_to.to_string(), "effectiveDate": tomorrow } }),
            "switchPartnerContracts",
        ).await;
        assert_eq!(payload["affectedCount"], 4, "{payload}");
        clock.advance(chrono::Duration::days(2));
        let input = |ps: &[i64], extra: Value| {
            let mut i =
                json!({ "campaignId": campaign.to_string(), "selection": { "ids": strings(ps) } });
            i.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            i
        };
        let db = app.db.clone();
        let runner_clock = clock.clone();
        let runner: Task = Box::pin(async move {
            let applied = partnergraph::service::contracts::due::apply_due(&db, &runner_clock)
                .await
                .unwrap();
            json!({ "switched": applied.switched })
        });
        let tasks = vec![
            runner,
            task(
                &client,
                "expirePartners",
                "ExpirePartnersInput",
                input(
                    &partners[..2],
                    json!({ "expireOn": "2000-01-01", "withdrawPendingSwitches": true }),
                ),
            ),
            task(
                &client,
                "switchPartnerContracts",
                "SwitchPartnerContractsInput",
                input(&partners[2..], json!({ "templateId": now_to.to_string() })),
            ),
            task(
                &client,
                "withdrawUpcomingContractChanges",
                "WithdrawUpcomingContractChangesInput",
                input(partners, json!({ "switches": true })),
            ),
        ];
        let payloads = all(tasks).await;
        by_runner += payloads[0]["switched"].as_u64().unwrap();
        for p in &payloads[1..] {
            assert_eq!(p["userErrors"], json!([]), "round {round}: {p}");
        }
        assert_eq!(
            payloads[3]["affectedCount"], 0,
            "round {round}: a switch whose day has come is applied, not withdrawn: {payloads:?}"
        );
        assert_eq!(app.count_rows(&format!(
            "contract_history WHERE campaign_id = {campaign} AND action = 'SWITCH_APPLIED' AND partner_id IN ({list})")).await, 4,
            "round {round}: each due switch applied exactly once, by the runner or an action: {payloads:?}");
        assert_eq!(
            inconsistent(&app, campaign, partners).await,
            (0, 0),
            "round {round}"
        );
        assert_eq!(app.count_rows(&format!(
            "campaign_partners WHERE campaign_id = {campaign} AND partner_id IN ({list}) AND contract_status = 'EXPIRED'")).await, 2, "round {round}");
        assert_eq!(app.count_rows(&format!(
            "partner_contracts WHERE campaign_id = {campaign} AND partner_id IN ({list}) AND status = 'ACTIVE' AND template_id = {now_to}")).await, 2,
            "round {round}: switched now, after the scheduled switch applied");
    }
    eprintln!("the runner applied {by_runner} of the due switches, the actions the rest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_racing_the_runner_over_due_switches_neither_lose_nor_repeat_one_on_sqlite() {
    actions_racing_the_runner_over_due_switches(crate::support::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_racing_the_runner_over_due_switches_neither_lose_nor_repeat_one_on_postgres() {
    actions_racing_the_runner_over_due_switches(crate::support::Backend::Postgres).await;
}
