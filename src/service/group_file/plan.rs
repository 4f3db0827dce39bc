//! Previewing and applying a bulk-edit file: each row resolved against the campaign (the
//! partner, the groups it joins and leaves, or what is wrong), then — when asked and only when
//! no row has an error — every row applied in the same transaction the rows were resolved in.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use super::lookup;
use super::parse::{self, FileRow};
use super::write;
use crate::auth::{AuthContext, Permission};
use crate::error::{AppError, AppResult};
use crate::service::bulk::{self, Run, Selected};
use crate::service::write::{lock_campaign, write_transaction, Finish};
use crate::service::{campaigns, catalog};

use entity::partner_group;

/// One row of the file as the preview shows it.
#[derive(Clone, Debug)]
pub struct RowPlan {
    /// The row's number in the file.
    pub row: usize,
    /// The `Partner Id` cell as written.
    pub partner_id_text: String,
    /// The partner (id and name), when the row names a partner of the campaign.
    pub partner: Option<(i64, String)>,
    /// Groups the partner joins (it is not in them yet).
    pub joins: Vec<partner_group::Model>,
    /// Groups the partner leaves (it is in them now).
    pub leaves: Vec<partner_group::Model>,
    /// What is wrong with the row; empty when it can be applied.
    pub errors: Vec<String>,
}

/// The whole file: its rows and what applying them does.
#[derive(Clone, Debug, Default)]
pub struct FilePlan {
    /// Every data row, in file order.
    pub rows: Vec<RowPlan>,
    /// Rows with at least one error.
    pub error_count: usize,
    /// Memberships the file creates.
    pub added: usize,
    /// Memberships the file removes.
    pub removed: usize,
    /// Partners whose memberships change.
    pub affected: usize,
    /// Whether the changes were written.
    pub applied: bool,
}

/// The permission applying a file needs (a preview needs none).
pub const APPLY_PERMISSION: Permission = Permission::ManageGroups;

/// How many uploaded files are read at once, in the whole process.
pub const MAX_CONCURRENT_PARSES: usize = 2;
static PARSES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_PARSES);

thread_local! {
    /// Whether a panic on this thread is its caller's to report (see [`quietly`]).
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the process's panic hook silent for panics on this thread: the caller catches
/// them and reports them itself. Other threads' panics are reported as ever.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                report(info);
            }
        }));
    });
    /// Ends the quiet when `f` returns or unwinds.
    struct Loud;
    impl Drop for Loud {
        fn drop(&mut self) {
            QUIET.with(|quiet| quiet.set(false));
        }
    }
    QUIET.with(|quiet| quiet.set(true));
    let _loud = Loud;
    f()
}

/// Reads the file's rows.
async fn read(bytes: Vec<u8>) -> AppResult<Vec<FileRow>> {
    // Parsing up to 10 MB is CPU work: keep it off the async workers, a few files at a time
    // (a workbook of 1 MB may expand to 100 MB of XML and hold 250 MB while it is read; eight
    // at once took 1.6 GB). Others wait their turn, within the request's time limit. The XLSX
    // reader panics on some damaged workbooks (a shared string index past the table's end,
    // say): that is a damaged file, the client's, never an internal error.
    let turn = PARSES
        .acquire()
        .await
        .map_err(|_| AppError::internal("the file readers' semaphore is closed"))?;
    // The turn ends with the reading, even when the request gave up waiting for it.
    tokio::task::spawn_blocking(move || {
        let rows = quietly(|| parse::parse(&bytes));
        drop(turn);
        rows
    })
    .await
    .map_err(|err| {
        if err.is_panic() {
            // One line with the panic's message, not its backtrace on standard error: any
            // reader can send a damaged file, as often as the rate limit lets them.
            let payload = err.into_panic();
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let message: String = message.chars().take(200).collect();
            tracing::warn!(%message, "the file reader gave up on a damaged upload (panicked)");
            AppError::Validation("the workbook is damaged: its cells cannot be read".into())
        } else {
            AppError::internal(err)
        }
    })?
}

/// Reads a file against a campaign of the caller and, with `apply` and no row errors, applies
/// it (at `clock`'s time once the campaign's write lock is held). A file that cannot be read at
/// all is a `VALIDATION` error.
pub async fn bulk_edit(
    db: &DatabaseConnection,
    auth: &AuthContext,
    campaign_id: i64,
    bytes: Vec<u8>,
    apply: bool,
    clock: &crate::clock::Clock,
) -> AppResult<FilePlan> {
    if apply {
        auth.require(APPLY_PERMISSION)?;
    }
    campaigns::get(db, auth, campaign_id).await?;
    let rows = read(bytes).await?;
    if !apply {
        // A preview reads one consistent picture and writes nothing.
        let txn = db.begin().await?;
        let plan = resolve(&txn, auth, campaign_id, rows).await?;
        txn.rollback().await?;
        return Ok(plan);
    }
    // Applying reads the memberships under the campaign's write lock, so the rows it writes
    // (and the partners it counts and logs as changed) are the changes still to be made.
    write_transaction(db, &(auth, &rows, clock), |txn, &(auth, rows, clock)| {
        Box::pin(async move {
            lock_campaign(txn, campaign_id).await?;
            let now = clock.now();
            let mut plan = resolve(txn, auth, campaign_id, rows.clone()).await?;
            if plan.error_count > 0 {
                return Ok(Finish::Rollback(plan));
            }
            let changed: Vec<i64> = plan
                .rows
                .iter()
                .filter(|row| !row.joins.is_empty() || !row.leaves.is_empty())
                .filter_map(|row| row.partner.as_ref().map(|(id, _)| *id))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let run = Run::new(txn, auth, campaign_id, now);
            bulk::execute(
                txn,
                run,
                Selected::Ids(&changed),
                &write::FileChanges(&plan),
            )
            .await?;
            plan.applied = true;
            Ok(Finish::Commit(plan))
        })
    })
    .await
}

async fn resolve(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    rows: Vec<FileRow>,
) -> AppResult<FilePlan> {
    let groups: HashMap<i64, partner_group::Model> = catalog::groups(db, auth, campaign_id)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.partner_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = lookup::partner_names(db, auth, campaign_id, &ids).await?;
    let current = lookup::memberships(db, auth, campaign_id, &ids).await?;

    let mut plan = FilePlan::default();
    for row in rows {
        let mut errors = row.errors;
        let partner = row
            .partner_id
            .and_then(|id| names.get(&id).map(|name| (id, name.clone())));
        if let (Some(id), None) = (row.partner_id, &partner) {
            errors.push(format!("partner {id} is not in this campaign"));
        }
        for id in row.add_to.iter().chain(&row.remove_from) {
            if !groups.contains_key(id) {
                errors.push(format!("group {id} is not a group of this campaign"));
            }
        }
        let member_of = partner
            .as_ref()
            .and_then(|(id, _)| current.get(id))
            .cloned()
            .unwrap_or_default();
        let mut joins: BTreeMap<i64, partner_group::Model> = BTreeMap::new();
        let mut leaves: BTreeMap<i64, partner_group::Model> = BTreeMap::new();
        if errors.is_empty() {
            for id in &row.add_to {
                if let (false, Some(group)) = (member_of.contains(id), groups.get(id)) {
                    joins.insert(*id, group.clone());
                }
            }
            for id in &member_of {
                let leaving = if row.remove_all {
                    !row.add_to.contains(id)
                } else {
                    row.remove_from.contains(id)
                };
                if let (true, Some(group)) = (leaving, groups.get(id)) {
                    leaves.insert(*id, group.clone());
                }
            }
        } else {
            plan.error_count += 1;
        }
        plan.added += joins.len();
        plan.removed += leaves.len();
        if !joins.is_empty() || !leaves.is_empty() {
            plan.affected += 1;
        }
        plan.rows.push(RowPlan {
            row: row.row,
            partner_id_text: row.partner_id_text,
            partner,
            joins: joins.into_values().collect(),
            leaves: leaves.into_values().collect(),
            errors: bounded(errors),
        });
    }
    Ok(plan)
}

/// The most problems one row lists: a cell naming a million unknown groups is a million
/// problems of one row, and the answer must stay a readable size.
pub const MAX_ROW_ERRORS: usize = 20;

/// A row's first [`MAX_ROW_ERRORS`] problems, and how many more there are.
fn bounded(mut errors: Vec<String>) -> Vec<String> {
    if errors.len() > MAX_ROW_ERRORS {
        let more = errors.len() - MAX_ROW_ERRORS;
        errors.truncate(MAX_ROW_ERRORS);
        errors.push(format!("and {more} more problems on this row"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_so_many_files_are_read_at_once() {
        let csv = b"Partner Id,Add To\n1,2\n".to_vec();
        let held = PARSES
            .acquire_many(MAX_CONCURRENT_PARSES as u32)
            .await
            .expect("permits");
        let waiting = tokio::spawn(read(csv.clone()));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "a third file waits for its turn");
        drop(held);
        let rows = waiting.await.expect("join").expect("read");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            PARSES.available_permits(),
            MAX_CONCURRENT_PARSES,
            "every turn ends"
        );
    }

    #[test]
    fn a_quiet_panic_is_the_callers_and_the_thread_is_loud_again() {
        let caught = std::panic::catch_unwind(|| quietly(|| panic!("a damaged workbook")));
        assert!(caught.is_err());
        assert!(!QUIET.with(std::cell::Cell::get), "loud after the unwind");
        assert_eq!(quietly(|| 7), 7);
        assert!(!QUIET.with(std::cell::Cell::get), "loud after a return");
    }
}
