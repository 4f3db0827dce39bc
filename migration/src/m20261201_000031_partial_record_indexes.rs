//! PostgreSQL: three indexes of `partner_contracts` that hold a record's status keep only the
//! statuses anything reads through them. A contract action that closes 100,000 records (a
//! switch replacing them, an expiry) cannot update them in place (their status is indexed), so
//! every index gets an entry for each record's new version: five per record before. Nothing
//! looks for replaced, withdrawn or declined records through these three, nor for expired ones
//! except by their end (the "recently expired" filter), so:
//!
//! - `ix_pc_campaign_template_status` (campaign_id, template_id, status) and
//!   `ix_pc_campaign_status_start` (campaign_id, status, start_date) keep open records only
//!   (pending, upcoming, active, suspended: the template filter and facet read active ones, the
//!   scheduled-change runner and the "upcoming switch" filter upcoming ones);
//! - `ix_pc_campaign_status_end` (campaign_id, status, end_date) keeps open and expired ones (the
//!   runner's due expiries and fallbacks, the "upcoming expiry" and "recently expired" filters).
//!
//! A replaced record then gets two entries (primary key, `ix_pc_campaign_partner_status`, which
//! stays whole: a partner's contracts list all its records), an expired one three. At a million
//! partners, replacing 100,000 current records took 1.31 s instead of 1.68 s and 1.10 s instead
//! of 1.54 s (rolled-back trials). SQLite is left as it is.
//!
//! The list's filters bind the status as a parameter: PostgreSQL can use a partial index for
//! them only in a plan made for the value, which the server's `plan_cache_mode =
//! force_custom_plan` (`src/db/mod.rs`) guarantees; a generic plan could not prove the
//! predicate.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The statuses of an open record (as `ix_pc_open_records` of migration 000029).
const OPEN: &str = "'PENDING', 'UPCOMING', 'ACTIVE', 'SUSPENDED'";

/// Each index: name, columns, and the statuses its partial form keeps.
fn indexes() -> [(&'static str, &'static str, String); 3] {
    [
        (
            "ix_pc_campaign_template_status",
            "campaign_id, template_id, status",
            OPEN.to_owned(),
        ),
        (
            "ix_pc_campaign_status_start",
            "campaign_id, status, start_date",
            OPEN.to_owned(),
        ),
        (
            "ix_pc_campaign_status_end",
            "campaign_id, status, end_date",
            format!("{OPEN}, 'EXPIRED'"),
        ),
    ]
}

/// Rebuilds every index, partial when `partial`, whole otherwise (as migration 000019 made
/// them).
async fn rebuild(manager: &SchemaManager<'_>, partial: bool) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut sql = Vec::new();
    for (name, columns, statuses) in indexes() {
        let only = if partial {
            format!(" WHERE status IN ({statuses})")
        } else {
            String::new()
        };
        sql.push(format!("DROP INDEX IF EXISTS {name}"));
        sql.push(format!(
            "CREATE INDEX {name} ON partner_contracts ({columns}){only}"
        ));
    }
    run_all(manager, &sql).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, false).await
    }
}
