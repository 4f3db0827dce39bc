//! A scheduled expiry gets a column of its own: `partner_contracts.expires_at`, the end of the
//! "expire on" day of an open record, null when none is scheduled (and once the record closes).
//!
//! Before, a scheduled expiry was the current record's `end_date` with `is_temporary` false:
//! scheduling one on a temporary contract overwrote the contract's own end and fallback, so
//! withdrawing the expiry could not restore them, and a temporary contract ending before the
//! expiry fell back to terms that no longer carried it. With two columns the contract keeps its
//! end and fallback, the expiry is withdrawn by clearing its column, and a fallback or switch
//! carries it over.
//!
//! Up moves every scheduled expiry (an active or suspended record, not temporary, with an end)
//! into the new column; down moves them back into `end_date` (a temporary contract's end and
//! fallback give way to an expiry on or before its end; one ending first keeps them and loses
//! the expiry: the old model could not hold both). `ix_pc_campaign_expiry` (campaign_id,
//! expires_at), partial on `expires_at IS NOT NULL`, holds only the scheduled expiries: the
//! scheduled-change runner finds the due ones by it, and the "upcoming expiry" filter.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PartnerContracts {
    Table,
    ExpiresAt,
}

/// The statuses of a current record (active or suspended).
const CURRENT: &str = "status IN ('ACTIVE', 'SUSPENDED')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PartnerContracts::Table)
                    .add_column(timestamp_with_time_zone_null(PartnerContracts::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        run_all(
            manager,
            &[
                format!(
                    "UPDATE partner_contracts SET expires_at = end_date, end_date = NULL \
                     WHERE {CURRENT} AND is_temporary = false AND end_date IS NOT NULL"
                ),
                "CREATE INDEX ix_pc_campaign_expiry ON partner_contracts (campaign_id, expires_at) \
                 WHERE expires_at IS NOT NULL"
                    .to_owned(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(
            manager,
            &[
                "DROP INDEX IF EXISTS ix_pc_campaign_expiry".to_owned(),
                format!(
                    "UPDATE partner_contracts SET end_date = expires_at, is_temporary = false, \
                     fallback_template_id = NULL \
                     WHERE {CURRENT} AND expires_at IS NOT NULL \
                     AND (end_date IS NULL OR expires_at <= end_date OR is_temporary = false)"
                ),
            ],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PartnerContracts::Table)
                    .drop_column(PartnerContracts::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
