//! The bulk engine every action over a selection of a campaign's partners runs on: change
//! groups, assign to an account manager, the contract actions. A per-partner action is the same
//! action over a selection of one id.
//!
//! [`run`] does what every action needs, in this order:
//! 1. the caller's permissions for the action and what it was asked (`FORBIDDEN`, nothing
//!    written), and the campaign;
//! 2. the action's checks that need no database;
//! 3. in one write transaction holding the campaign's write lock (and that of another campaign
//!    the action writes, the lower id first; so what is checked is what is
//!    written: nothing deleted meanwhile, no change counted twice by concurrent actions; a
//!    deadlock or serialization failure retries the whole attempt): the time, read from the
//!    request's clock once the lock is held (so actions on a campaign happen in the order of
//!    their times), the action's preparation
//!    (the contract actions apply what is due first), its checks against the database and the
//!    selection's — any user error rolls back with nothing written;
//! 4. the selection fixed once ([`fixed`]), with a snapshot of each partner's state;
//! 5. the action's set-based statements, whose number does not grow with the selection;
//! 6. one activity entry per partner whose state changed (one shape for every action) — the
//!    affected count is that number, so counts and activity cover only what really changed —
//!    and the selected partners logged once for the facet index ([`changes`]: the change-log
//!    triggers skip the campaign while the action runs);
//! 7. commit, or for a dry run roll back: a dry run runs the very same statements, so its
//!    counts are the real run's.

pub mod changes;
pub mod fixed;
pub mod json;
mod selection;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbBackend};

use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::domain::UserErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign, write_transaction, Finish};

pub use fixed::Selected;
pub use selection::{resolve, Selection, MAX_SELECTED_IDS};

/// Where and when an action runs, and for whom.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    /// The caller.
    pub auth: &'a AuthContext,
    /// The campaign acted on.
    pub campaign_id: i64,
    /// The time the action happens at (the server's clock).
    pub now: DateTime<Utc>,
    /// The database's kind, for SQL that differs.
    pub backend: DbBackend,
}

impl<'a> Run<'a> {
    /// A run of `auth`'s action on `campaign_id` at `now`, over `db`.
    pub fn new(
        db: &impl sea_orm::ConnectionTrait,
        auth: &'a AuthContext,
        campaign_id: i64,
        now: DateTime<Utc>,
    ) -> Self {
        Run {
            auth,
            campaign_id,
            now,
            backend: db.get_database_backend(),
        }
    }
}

/// One bulk action: what it needs, checks, changes and counts. The engine does the rest.
pub trait BulkAction: Send + Sync {
    /// The action's own counts (created, skipped per reason, ...).
    type Counts: Default + Send;

    /// The activity-log action of its entries.
    const ACTIVITY: &'static str;

    /// The permission the caller needs.
    const PERMISSION: Permission;

    /// Whether the action may change what the facet index holds (relationship rows' facet
    /// columns, contract records, group memberships). One that may runs with the change-log
    /// triggers paused for its campaign and logs its selection itself ([`changes`]); one that
    /// cannot (custom field answers, settings the index does not hold, an invitation's source
    /// campaign) leaves the triggers on, which log nothing for it.
    const CHANGES_FACETS: bool = true;

    /// Whether this action, as asked, changes the relationship stage of most partners it
    /// changes (an expiry now). With [`Self::CHANGES_FACETS`], the stage copy's row trigger is
    /// then paused while it writes (PostgreSQL), and the action must change stages only through
    /// [`changes::update_rows`] (given `true`), whose one statement copies the stages of the rows
    /// it changed: a set-based copy instead of a trigger call per row. An action that changes a
    /// few stages or none keeps the trigger (`false`, the default).
    fn changes_stages(&self) -> bool {
        false
    }

    /// Permissions the action needs besides [`Self::PERMISSION`] for what it was asked (an
    /// expiry that also withdraws switches needs `MANAGE_CONTRACTS`): checked with it, first.
    fn also_requires(&self) -> &'static [Permission] {
        &[]
    }

    /// Another campaign the action writes (an invitation's target), if one: the engine takes
    /// its write lock together with the action's own, the lower id first, so two actions
    /// between the same campaigns in opposite directions wait for each other instead of
    /// deadlocking. Only a campaign of the caller's account is locked (the action's checks
    /// report any other).
    fn other_campaign(&self) -> Option<i64> {
        None
    }

    /// Checks of the input alone.
    fn validate(&self, _check: &mut Checker) {}

    /// Brings the campaign up to date before anything is checked or selected, in the action's
    /// transaction under the campaign's write lock: the contract actions apply the campaign's
    /// scheduled changes that are due ([`crate::service::contracts::due::catch_up`]).
    fn prepare<'a>(
        &'a self,
        _db: &'a DatabaseTransaction,
        _run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }

    /// Checks against the database, inside the transaction, under the campaign's write lock.
    fn check<'a>(
        &'a self,
        _db: &'a DatabaseTransaction,
        _run: Run<'a>,
        _check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }

    /// SQL of the JSON text of what the action may change about the partner, over its
    /// relationship row [`fixed::ROW`] (the partner is [`fixed::STATE_PARTNER`]); a partner whose
    /// state is unchanged afterwards is not affected.
    fn state(&self, run: Run<'_>) -> String;

    /// SQL of the JSON text of every selected partner's state after the action (changed or
    /// not: it is compared with each one's snapshot), when the action knows it without reading
    /// the partners again (an assignment: the same for everyone), built by the same SQL as
    /// [`Self::state`] so equal states read as equal text. The activity entries are then
    /// written from the selection alone; `None` (the default) reads [`Self::state`] over each
    /// partner's row again after [`Self::apply`].
    fn known_after(&self, _run: Run<'_>) -> Option<String> {
        None
    }

    /// What the action was asked, for its activity entries.
    fn input(&self) -> serde_json::Value;

    /// Ends what [`Self::apply`] set up for the activity entries (a contract action's table of
    /// the partners it applied to, which its [`Self::known_after`] reads): called once the
    /// entries are written, when [`Self::apply`] ran.
    fn finish<'a>(&'a self, _db: &'a DatabaseTransaction) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }

    /// The set-based statements over the fixed selection ([`fixed::ids`]); returns the
    /// action's counts.
    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<Self::Counts>>;
}

/// What an action did (or, in a dry run, would do).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome<C> {
    /// Partners in the selection.
    pub matched: i64,
    /// Partners the action changed (each got an activity entry).
    pub affected: i64,
    /// The action's own counts.
    pub counts: C,
}

/// A bulk action asked for.
#[derive(Clone, Debug)]
pub struct Request<A> {
    /// The campaign.
    pub campaign_id: i64,
    /// Which partners.
    pub selection: Selection,
    /// The action.
    pub action: A,
    /// Count only; write nothing.
    pub dry_run: bool,
    /// The clock the action's time is read from, once the action holds the campaign's write
    /// lock: actions on a campaign then happen in the order of their times (one that waited
    /// for the lock does not record a time earlier than the action it waited for, such as a
    /// contract that ends before it starts).
    pub clock: Clock,
}

/// Runs `request` as described in the module documentation.
pub async fn run<A: BulkAction>(
    db: &DatabaseConnection,
    auth: &AuthContext,
    request: &Request<A>,
) -> AppResult<Result<Outcome<A::Counts>, Vec<UserError>>> {
    auth.require(A::PERMISSION)?;
    for permission in request.action.also_requires() {
        auth.require(*permission)?;
    }
    let mut check = Checker::default();
    if !campaigns::check_exists(db, auth, request.campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    request.action.validate(&mut check);
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    write_transaction(db, &(auth, request), |txn, &(auth, request)| {
        Box::pin(async move {
            let mut locked = vec![request.campaign_id];
            if let Some(other) = request.action.other_campaign() {
                if other != request.campaign_id
                    && campaigns::find(txn, auth, other).await?.is_some()
                {
                    locked.push(other);
                }
            }
            locked.sort_unstable();
            for campaign_id in locked {
                lock_campaign(txn, campaign_id).await?;
            }
            let run = Run::new(txn, auth, request.campaign_id, request.clock.now());
            request.action.prepare(txn, run).await?;
            let mut check = Checker::default();
            request.action.check(txn, run, &mut check).await?;
            let selected = selection::resolve(
                txn,
                auth,
                run.campaign_id,
                &request.selection,
                "selection",
                &mut check,
                run.now,
            )
            .await?;
            if let Err(errors) = check.finish() {
                return Ok(Finish::Rollback(Err(errors)));
            }
            let selected =
                selected.ok_or_else(|| AppError::internal("selection left unresolved"))?;
            let outcome = execute(txn, run, Selected::Where(selected), &request.action).await?;
            if outcome.matched == 0 {
                let mut check = Checker::default();
                check.push(
                    "selection",
                    UserErrorCode::EmptySelection,
                    "the selection matches no partners",
                );
                return Ok(Finish::Rollback(check.finish().map(|()| outcome)));
            }
            Ok(if request.dry_run {
                Finish::Rollback(Ok(outcome))
            } else {
                Finish::Commit(Ok(outcome))
            })
        })
    })
    .await
}

/// Steps 4 to 6 inside a transaction the caller holds (with the campaign's write lock): for a
/// write that does more than one action, such as creating a group with members.
pub async fn execute<A: BulkAction>(
    txn: &DatabaseTransaction,
    run: Run<'_>,
    selected: Selected<'_>,
    action: &A,
) -> AppResult<Outcome<A::Counts>> {
    let state = action.state(run);
    let mut outcome = Outcome {
        matched: fixed::fix(txn, run.campaign_id, selected, &state).await?,
        affected: 0,
        counts: A::Counts::default(),
    };
    if outcome.matched > 0 {
        let write = async {
            let counts = action.apply(txn, run).await?;
            let known = action.known_after(run);
            let after = match &known {
                Some(after) => fixed::After::Known(after),
                None => fixed::After::Read(&state),
            };
            let affected = fixed::record_changes(
                txn,
                run.auth,
                run.campaign_id,
                A::ACTIVITY,
                after,
                &action.input(),
                run.now,
            )
            .await?;
            action.finish(txn).await?;
            // Nobody's state changed: nothing the index holds changed either.
            if A::CHANGES_FACETS && affected > 0 {
                let selected = format!("SELECT partner_id FROM {}", fixed::TABLE);
                changes::log(txn, run.campaign_id, &selected).await?;
            }
            Ok((counts, affected))
        };
        let (counts, affected) = if A::CHANGES_FACETS {
            changes::paused(txn, run.campaign_id, action.changes_stages(), write).await?
        } else {
            write.await?
        };
        outcome.counts = counts;
        outcome.affected = affected;
    }
    fixed::release(txn).await?;
    Ok(outcome)
}
