//! The deterministic demo and benchmark data generator.
//!
//! `generate` creates accounts with two campaigns each and any number of partners (a million
//! in a few minutes); `seed_demo` creates the demo account. Data is realistic and
//! skewed like a real program (mostly small, mostly joined, mostly marketplace partners), every
//! enumeration value occurs, and the same seed always gives the same data (dates are relative
//! to the time of the run).
//!
//! Rows are generated a chunk of partners at a time on a blocking thread while the previous
//! chunk is loaded in one transaction: multi-row `INSERT`s on SQLite, `COPY` on PostgreSQL
//! (skipping the foreign-key triggers when the role may; the rows satisfy them by construction).
//! Primary keys are assigned from the tables' current maximum, so nothing else should insert
//! into the same tables while a seed runs; PostgreSQL sequences are moved past them at the end.

mod account;
mod attributes;
mod contract_stories;
mod contracts;
mod copy;
mod custom_fields;
mod generator;
mod geo;
mod groups;
mod insert;
mod media;
mod notes;
mod pick;
mod profiles;
mod relationships;
mod tables;
mod words;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};

use crate::error::{AppError, AppResult};
use crate::service::accounts::{
    create_account, create_account_with_credentials, new_token, NewAccount,
};
use generator::{CampaignPlan, Generator};
use insert::{Batch, Ids, Writer};
use pick::{account_rng, slug, Rng8};

/// The demo account's Account SID (34 characters): fixed, so a start finds the demo account.
/// Its Auth Tokens are random (see [`crate::demo`]).
pub const DEMO_SID: &str = "IRDEMO0000000000000000000000000001";

/// The demo account's name.
pub const DEMO_NAME: &str = "Demo Brand";

/// Partners of the demo account.
pub const DEMO_PARTNERS: usize = 300;

/// The seed of the demo account's data.
const DEMO_SEED: u64 = 20_240_601;

/// Partners generated (and inserted) per chunk.
const CHUNK_PARTNERS: usize = 10_000;

/// What `generate` makes.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// Number of accounts.
    pub accounts: usize,
    /// Partners per account.
    pub partners: usize,
    /// Random seed: the same seed gives the same data.
    pub seed: u64,
    /// Whether to show a progress bar on the terminal.
    pub progress: bool,
}

/// Creates `accounts` accounts, each with 2 campaigns and `partners` partners; returns their credentials.
pub async fn generate(db: &DatabaseConnection, opts: &SeedOptions) -> AppResult<Vec<NewAccount>> {
    let bar = progress_bar(opts.progress, (opts.accounts * opts.partners) as u64);
    let result = generate_accounts(db, opts, &bar).await;
    // Sequences are reset even after a failure: committed chunks used ids past them.
    let reset = insert::reset_sequences(db).await;
    bar.finish_and_clear();
    let created = result?;
    reset?;
    // Fresh planner statistics: after a bulk load both planners otherwise guess, and pick
    // poor indexes for the list's filters.
    db.execute_unprepared("ANALYZE").await?;
    // The PostgreSQL bulk load skips the triggers that keep the list versions.
    crate::service::partners::facet_index::invalidate_all(db).await?;
    Ok(created)
}

async fn generate_accounts(
    db: &DatabaseConnection,
    opts: &SeedOptions,
    bar: &ProgressBar,
) -> AppResult<Vec<NewAccount>> {
    let writer = Writer::new(db).await;
    let mut ids = Ids::load(db).await?;
    let mut names = HashSet::new();
    let mut created = Vec::with_capacity(opts.accounts);
    for index in 0..opts.accounts {
        let mut rng = account_rng(opts.seed, index as u64);
        let brand = account::brand_name(&mut rng, &mut names);
        let campaigns = campaign_names(&brand);
        let account = create_account(db, &brand, &campaigns.each_ref().map(String::as_str)).await?;
        let job = Job {
            account: &account,
            brand: &brand,
            partners: opts.partners,
            second_share: 0.2,
        };
        ids = seed_account(&writer, rng, ids, job, bar).await?;
        created.push(account);
    }
    Ok(created)
}

/// Creates the demo account (name "Demo Brand", Account SID `DEMO_SID`, a random Auth Token
/// returned only here) with ~300 partners across its two campaigns.
pub async fn seed_demo(db: &DatabaseConnection) -> AppResult<NewAccount> {
    let campaigns = campaign_names(DEMO_NAME);
    let campaigns = campaigns.each_ref().map(String::as_str);
    let token = new_token();
    let account =
        create_account_with_credentials(db, DEMO_NAME, DEMO_SID, &token, &campaigns).await?;
    let writer = Writer::new(db).await;
    let ids = Ids::load(db).await?;
    let job = Job {
        account: &account,
        brand: DEMO_NAME,
        partners: DEMO_PARTNERS,
        second_share: 0.4,
    };
    let hidden = ProgressBar::hidden();
    let result = seed_account(&writer, account_rng(DEMO_SEED, 0), ids, job, &hidden).await;
    insert::reset_sequences(db).await?;
    result.map(|_| account)
}

/// The two campaigns of a brand.
fn campaign_names(brand: &str) -> [String; 2] {
    [format!("{brand} US Program"), format!("{brand} EU Program")]
}

fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template =
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} partners ({per_sec}, {eta} left)";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// One account to fill.
struct Job<'a> {
    /// The account (already created, with its administrator and campaigns).
    account: &'a NewAccount,
    /// The brand's name.
    brand: &'a str,
    /// Partners to generate.
    partners: usize,
    /// Share of the partners that also join the second campaign.
    second_share: f64,
}

/// Fills one account: users, the EU campaign's currency, then templates, groups and custom
/// fields of each campaign, then the partners chunk by chunk. Returns the id counters.
async fn seed_account(
    writer: &Writer<'_>,
    mut rng: Rng8,
    mut ids: Ids,
    job: Job<'_>,
    bar: &ProgressBar,
) -> AppResult<Ids> {
    let (db, account) = (writer.db(), job.account);
    let users =
        account::create_users(db, &mut rng, account.account_id, account.user_id, job.brand).await?;
    if let Some(eu) = account.campaign_ids.get(1) {
        let mut update = Query::update();
        update
            .table("campaigns")
            .value("currency", Value::from("EUR"))
            .and_where(Expr::col("id").eq(*eu));
        db.execute(&update).await?;
    }
    let first_partner_id = ids.partner + 1;
    ids.partner += job.partners as i64;
    let campaigns = account
        .campaign_ids
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let share = if i == 0 { 1.0 } else { job.second_share };
            let total = ((job.partners as f64) * share).round() as usize;
            CampaignPlan {
                id,
                joins_needed: total,
                joined: 0,
                total,
                templates: vec![],
                fields: vec![],
                groups: vec![],
            }
        })
        .collect();
    let mut gen = Generator {
        rng,
        ids,
        batch: Batch::new(),
        now: Utc::now()
            .duration_trunc(TimeDelta::seconds(1))
            .unwrap_or_else(|_| Utc::now()),
        account_id: account.account_id,
        users,
        campaigns,
        partners_total: job.partners,
        partners_done: 0,
        first_partner_id,
        names: HashMap::new(),
        domains: HashSet::new(),
        chunk_size: CHUNK_PARTNERS,
        backend: db.get_database_backend(),
        finished: false,
    };
    for c in 0..gen.campaigns.len() {
        gen.plan_templates(c);
        gen.plan_groups(c);
        gen.plan_fields(c);
    }
    writer.write(gen.take()?).await?;
    // The next chunk is generated on a blocking thread while this one is loaded.
    let (mut generating, mut loading) = (Duration::ZERO, Duration::ZERO);
    let mut task = tokio::task::spawn_blocking(move || {
        let chunk = gen.next_chunk();
        (gen, chunk)
    });
    loop {
        let started = Instant::now();
        let joined = task.await;
        generating += started.elapsed();
        let (mut gen, chunk) =
            joined.map_err(|e| AppError::internal(format!("seed generator failed: {e}")))?;
        let Some((count, batch)) = chunk? else {
            tracing::debug!(account = %slug(job.brand), ?generating, ?loading, "account seeded");
            return Ok(gen.ids);
        };
        task = tokio::task::spawn_blocking(move || {
            let chunk = gen.next_chunk();
            (gen, chunk)
        });
        let started = Instant::now();
        writer.write(batch).await?;
        loading += started.elapsed();
        bar.inc(count as u64);
    }
}
