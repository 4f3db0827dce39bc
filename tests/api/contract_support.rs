//! Helpers of the contract tests: the mutations, a partner's contract records read from the
//! database, and the list's view of them.

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::groups::partner_ids;
use crate::support::TestApp;

pub const PAYLOAD: &str = "matchedCount affectedCount skipped { reason count } templateId template { templateId } dryRun userErrors { field code message }";

/// Runs contract mutation `name` with `input`; returns its payload.
pub async fn act(
    app: &TestApp,
    acme: &NewAccount,
    name: &str,
    input_type: &str,
    input: Value,
) -> Value {
    let query = format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ {PAYLOAD} }} }}");
    app.data_as(acme, &query, json!({ "i": input })).await[name].clone()
}

pub async fn switch(app: &TestApp, acme: &NewAccount, input: Value) -> Value {
    act(
        app,
        acme,
        "switchPartnerContracts",
        "SwitchPartnerContractsInput",
        input,
    )
    .await
}

pub async fn expire(app: &TestApp, acme: &NewAccount, input: Value) -> Value {
    act(app, acme, "expirePartners", "ExpirePartnersInput", input).await
}

pub async fn standing(app: &TestApp, acme: &NewAccount, suspend: bool, input: Value) -> Value {
    let name = if suspend {
        "suspendPartners"
    } else {
        "reinstatePartners"
    };
    act(app, acme, name, "PartnerStandingInput", input).await
}

pub async fn withdraw(app: &TestApp, acme: &NewAccount, input: Value) -> Value {
    act(
        app,
        acme,
        "withdrawUpcomingContractChanges",
        "WithdrawUpcomingContractChangesInput",
        input,
    )
    .await
}

pub async fn answer(app: &TestApp, acme: &NewAccount, input: Value) -> Value {
    act(
        app,
        acme,
        "recordProposalAnswer",
        "RecordProposalAnswerInput",
        input,
    )
    .await
}

/// A contract action's input over `selection` in `campaign`.
pub fn base(campaign: i64, selection: Value) -> Value {
    json!({ "campaignId": campaign.to_string(), "selection": selection })
}

/// `input` with the fields of `extra` added.
pub fn with(mut input: Value, extra: Value) -> Value {
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input
}

/// (matched, affected, skipped as `REASON:n` sorted), after checking there are no user errors.
pub fn counts(payload: &Value) -> (i64, i64, Vec<String>) {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let skipped = payload["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}:{}", s["reason"].as_str().unwrap(), s["count"]))
        .collect();
    (
        payload["matchedCount"].as_i64().unwrap(),
        payload["affectedCount"].as_i64().unwrap(),
        skipped,
    )
}

pub fn strings(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

/// `{"ids": [...]}`.
pub fn ids(partners: &[i64]) -> Value {
    json!({ "ids": strings(partners) })
}

/// A partner's contract records, oldest first, as `STATUS:template`.
pub async fn records(app: &TestApp, campaign: i64, partner: i64) -> Vec<String> {
    app.texts(&format!(
        "SELECT status || ':' || COALESCE(CAST(template_id AS TEXT), '-') FROM partner_contracts \
         WHERE campaign_id = {campaign} AND partner_id = {partner} ORDER BY id"
    ))
    .await
    .into_iter()
    .map(Option::unwrap_or_default)
    .collect()
}

/// The records of a partner with the given status.
pub async fn with_status(app: &TestApp, campaign: i64, partner: i64, status: &str) -> Vec<String> {
    records(app, campaign, partner)
        .await
        .into_iter()
        .filter(|r| r.starts_with(&format!("{status}:")))
        .collect()
}

/// `campaign_partners.contract_status` and `relationship_stage` of a partner.
pub async fn standing_of(app: &TestApp, campaign: i64, partner: i64) -> (String, String) {
    let row = app
        .texts(&format!(
            "SELECT COALESCE(contract_status, '-') || ' ' || relationship_stage FROM campaign_partners \
             WHERE campaign_id = {campaign} AND partner_id = {partner}"
        ))
        .await;
    let text = row[0].clone().unwrap_or_default();
    let (a, b) = text.split_once(' ').unwrap();
    (a.to_owned(), b.to_owned())
}

/// Every partner of the campaign with an active contract that has no end (no temporary
/// contract, no scheduled expiry), by partner id.
pub async fn active_partners(app: &TestApp, _acme: &NewAccount, campaign: i64) -> Vec<i64> {
    app.texts(&format!(
        "SELECT CAST(cp.partner_id AS TEXT) FROM campaign_partners cp WHERE cp.campaign_id = {campaign} \
         AND cp.contract_status = 'ACTIVE' AND EXISTS (SELECT 1 FROM partner_contracts c \
           WHERE c.campaign_id = cp.campaign_id AND c.partner_id = cp.partner_id AND c.status = 'ACTIVE' \
           AND c.end_date IS NULL AND c.expires_at IS NULL) ORDER BY cp.partner_id"
    ))
    .await
    .into_iter()
    .map(|p| p.unwrap().parse().unwrap())
    .collect()
}

/// A partner of the campaign with no contract at all (a prospect).
pub async fn prospect(app: &TestApp, campaign: i64) -> i64 {
    app.texts(&format!(
        "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {campaign} \
         AND contract_status IS NULL ORDER BY partner_id LIMIT 1"
    ))
    .await[0]
        .clone()
        .unwrap()
        .parse()
        .unwrap()
}

/// The campaign's template ids, oldest first.
pub async fn template_ids(app: &TestApp, acme: &NewAccount, campaign: i64) -> Vec<i64> {
    let data = app
        .data_as(
            acme,
            "query($c: ID!) { contractTemplates(campaignId: $c) { templateId } }",
            json!({ "c": campaign.to_string() }),
        )
        .await;
    data["contractTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["templateId"].as_i64().unwrap())
        .collect()
}

/// The template of a partner's current contract (ACTIVE or SUSPENDED).
pub async fn current_template(app: &TestApp, campaign: i64, partner: i64) -> Option<i64> {
    app.texts(&format!(
        "SELECT CAST(template_id AS TEXT) FROM partner_contracts WHERE campaign_id = {campaign} \
         AND partner_id = {partner} AND status IN ('ACTIVE', 'SUSPENDED')"
    ))
    .await
    .first()
    .cloned()
    .flatten()
    .and_then(|t| t.parse().ok())
}

/// A partner's current contract as the API shows it: `endDate`, `expiresAt`, `isTemporary`,
/// `fallbackTemplate { templateId }`, `template { templateId }` and `status` (null without one).
pub async fn current_contract(
    app: &TestApp,
    acme: &NewAccount,
    campaign: i64,
    partner: i64,
) -> Value {
    let data = app
        .data_as(
            acme,
            "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { currentContract { \
             status endDate expiresAt isTemporary fallbackTemplate { templateId } template { templateId } } } }",
            json!({ "c": campaign.to_string(), "p": partner.to_string() }),
        )
        .await;
    data["partner"]["currentContract"].clone()
}

/// Partner ids the list shows for `filter`.
pub async fn listed(app: &TestApp, acme: &NewAccount, campaign: i64, filter: Value) -> Vec<i64> {
    let mut ids = partner_ids(app, acme, campaign, filter).await;
    ids.sort_unstable();
    ids
}

/// The date `days` from today (UTC, the test accounts' time zone) as `YYYY-MM-DD`.
pub fn day(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Applies the scheduled changes due `days` from now.
pub async fn apply_due_in(
    app: &TestApp,
    days: i64,
) -> partnergraph::service::contracts::due::Applied {
    let at = chrono::Utc::now() + chrono::Duration::days(days);
    let applied = partnergraph::service::contracts::due::apply_due(
        &app.db,
        &partnergraph::clock::Clock::fixed(at),
    )
    .await
    .unwrap();
    assert_eq!(
        app.count_rows("change_log_pauses").await,
        0,
        "the runner's pause of the change log ends with it"
    );
    applied
}

/// `n` partners with an active contract on another template than `template`.
pub async fn active_not_on(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    campaign: i64,
    template: i64,
    n: usize,
) -> Vec<i64> {
    let mut out = Vec::new();
    for p in active_partners(app, acme, campaign).await {
        if current_template(app, campaign, p)
            .await
            .is_some_and(|t| t != template)
        {
            out.push(p);
        }
        if out.len() == n {
            break;
        }
    }
    assert_eq!(out.len(), n, "the seed has enough active partners");
    out
}

/// `n` partners with an active contract on another template than `target` and nothing else
/// open: no end, no scheduled expiry, no scheduled switch, no proposal.
pub async fn plain_actives(app: &TestApp, campaign: i64, target: i64, n: usize) -> Vec<i64> {
    let mut found: Vec<i64> = app.texts(&format!(
        "SELECT CAST(partner_id AS TEXT) FROM partner_contracts c WHERE campaign_id = {campaign} \
         AND status = 'ACTIVE' AND end_date IS NULL AND expires_at IS NULL AND template_id <> {target} \
         AND NOT EXISTS (SELECT 1 FROM partner_contracts o WHERE o.campaign_id = {campaign} \
           AND o.partner_id = c.partner_id AND o.status IN ('PENDING', 'UPCOMING'))"
    ))
    .await
    .into_iter()
    .map(|p| p.unwrap().parse().unwrap())
    .collect();
    found.sort_unstable();
    assert!(
        found.len() >= n,
        "the seed has {n} such partners: {found:?}"
    );
    found[..n].to_vec()
}

/// Everything a contract action may write, as text: relationship rows, their stage copies and
/// contract records whole; how many templates, history and activity entries there are and the
/// last one's id (rows only ever added); each campaign's list version (every change logged for
/// the facet index raises it; the log itself is pruned in the background).
pub async fn written(app: &TestApp) -> Vec<Option<String>> {
    let mut all = Vec::new();
    for sql in [
        "SELECT CAST(partner_id AS TEXT) || ' ' || COALESCE(contract_status, '-') || ' ' || \
         relationship_stage || ' ' || CAST(updated_at AS TEXT) FROM campaign_partners ORDER BY id",
        "SELECT CAST(id AS TEXT) || ' ' || relationship_stage FROM campaign_partner_stages ORDER BY id",
        "SELECT CAST(id AS TEXT) || ' ' || status || ' ' || COALESCE(CAST(template_id AS TEXT), '-') \
         || ' ' || CAST(start_date AS TEXT) || ' ' || COALESCE(CAST(end_date AS TEXT), '-') || ' ' \
         || COALESCE(CAST(expires_at AS TEXT), '-') || ' ' || CAST(updated_at AS TEXT) \
         FROM partner_contracts ORDER BY id",
        "SELECT CAST(COUNT(*) AS TEXT) || ' ' || CAST(COALESCE(MAX(id), 0) AS TEXT) FROM contract_templates",
        "SELECT CAST(COUNT(*) AS TEXT) || ' ' || CAST(COALESCE(MAX(id), 0) AS TEXT) FROM contract_history",
        "SELECT CAST(COUNT(*) AS TEXT) || ' ' || CAST(COALESCE(MAX(id), 0) AS TEXT) FROM activity_log",
        // The facet index's change log is pruned in the background; its version only grows.
        "SELECT CAST(campaign_id AS TEXT) || ' ' || CAST(version AS TEXT) FROM campaign_list_versions ORDER BY campaign_id",
    ] {
        all.extend(app.texts(sql).await);
    }
    all
}
