//! A partner's e-mail address is unique within a campaign: `createPartner` refuses an address a
//! partner of the campaign already has. The address lives on the profile (`partners`, shared by
//! every brand), the rule on the relationship, so each relationship gets the profile's address
//! lower-cased (`campaign_partners.email`) and a unique index over (campaign, address) answers
//! the service's check by one index lookup and stops concurrent creates the check cannot see.
//!
//! Existing relationships take their profile's address; where two partners of one campaign
//! already share an address, the earliest relationship keeps it and the others get none (they
//! stay listed and unchanged; only the duplicate check sees the one address once).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_len_null;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CampaignPartners {
    Table,
    Email,
}

/// The backfill, lower-casing ASCII letters only as the service does (`lower` on SQLite; on
/// PostgreSQL under the "C" collation). `UPDATE … FROM` needs SQLite 3.33 or later.
fn backfill(backend: DbBackend) -> String {
    let lower = match backend {
        DbBackend::Postgres => "lower(p.email COLLATE \"C\")",
        _ => "lower(p.email)",
    };
    format!(
        "UPDATE campaign_partners SET email = {lower} FROM partners p \
         WHERE p.id = campaign_partners.partner_id AND p.email IS NOT NULL"
    )
}

/// After the backfill: the earliest relationship of a campaign keeps a shared address, then the
/// unique index.
const UP: &[&str] = &[
    "UPDATE campaign_partners SET email = NULL WHERE id IN (SELECT id FROM (\
       SELECT id, ROW_NUMBER() OVER (PARTITION BY campaign_id, email ORDER BY id) AS n \
       FROM campaign_partners WHERE email IS NOT NULL) ranked WHERE n > 1)",
    "CREATE UNIQUE INDEX ux_campaign_partners_campaign_email ON campaign_partners (campaign_id, email)",
];

const DOWN: &[&str] = &[
    "DROP INDEX ux_campaign_partners_campaign_email",
    "ALTER TABLE campaign_partners DROP COLUMN email",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// SQLite too: a backfill that stops halfway must not leave the column behind.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CampaignPartners::Table)
                    .add_column(string_len_null(CampaignPartners::Email, 254))
                    .to_owned(),
            )
            .await?;
        run_all(manager, &[backfill(manager.get_database_backend())]).await?;
        run_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, DOWN).await
    }
}
