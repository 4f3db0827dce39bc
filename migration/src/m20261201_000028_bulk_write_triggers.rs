//! Cheaper bulk writes to `campaign_partners` and `activity_log` on PostgreSQL, measured on a
//! 100,000-partner assignment at a million partners (`EXPLAIN ANALYZE`):
//! - The stage copy (`campaign_partner_stages`, `000022`) follows an update through a row-level
//!   trigger that fires only when `relationship_stage`, `campaign_id` or `partner_id` is set and
//!   differs (as SQLite's has since `000022`). The statement-level trigger joined every updated
//!   row to the copy, whatever the update changed: 0.5 s of an assignment that changes no stage.
//!   Where 100,000 stages do change (an expiry) the row trigger takes 0.94 s against the
//!   statement trigger's 1.02 s. The row trigger compares the row's old and new values, not the
//!   copy: a copy that differed from its row (it cannot, through these triggers and the seeder's
//!   copy) would no longer be set right by an unrelated update.
//! - `campaign_partners.assigned_user_id` and `activity_log.account_id` lose their foreign keys,
//!   as the contract tables did in `000019`: each is a per-row trigger that queries and locks the
//!   row it points to, 0.32 s of the assignment's update and 0.24 s of inserting its 100,000
//!   activity entries. Account users and accounts are never deleted; the two services that set
//!   an account manager (`assignPartners`, `createPartner`) check the user is one of the
//!   caller's account inside their transaction, and activity entries are written by the
//!   services for the caller's own account. SQLite keeps both keys (each a primary-key probe).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::common::{drop_keys, key, restore_keys, Key};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CampaignPartners {
    Table,
    AssignedUserId,
}

#[derive(DeriveIden)]
enum ActivityLog {
    Table,
    AccountId,
}

#[derive(DeriveIden)]
enum AccountUsers {
    Table,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
}

/// Each table with the key PostgreSQL drops, as `000003` and `000007` made them.
fn keys() -> Vec<(DynIden, Vec<Key>)> {
    use ForeignKeyAction::{Cascade, SetNull};
    vec![
        (
            CampaignPartners::Table.into_iden(),
            vec![key(
                CampaignPartners::AssignedUserId,
                AccountUsers::Table,
                SetNull,
            )],
        ),
        (
            ActivityLog::Table.into_iden(),
            vec![key(ActivityLog::AccountId, Accounts::Table, Cascade)],
        ),
    ]
}

const ROW_TRIGGER: [&str; 2] = [
    "CREATE OR REPLACE FUNCTION campaign_partner_stage_row() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN UPDATE campaign_partner_stages SET campaign_id = NEW.campaign_id, \
     partner_id = NEW.partner_id, relationship_stage = NEW.relationship_stage \
     WHERE id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER tr_campaign_partner_stages_update \
     AFTER UPDATE OF relationship_stage, campaign_id, partner_id ON campaign_partners \
     FOR EACH ROW WHEN (OLD.relationship_stage IS DISTINCT FROM NEW.relationship_stage \
     OR OLD.campaign_id <> NEW.campaign_id OR OLD.partner_id <> NEW.partner_id) \
     EXECUTE FUNCTION campaign_partner_stage_row()",
];

/// `000022`'s statement-level trigger (its function `campaign_partner_stages_update` stays).
const STATEMENT_TRIGGER: &str = "CREATE TRIGGER tr_campaign_partner_stages_update \
     AFTER UPDATE ON campaign_partners REFERENCING NEW TABLE AS new_rows \
     FOR EACH STATEMENT EXECUTE FUNCTION campaign_partner_stages_update()";

const DROP_TRIGGER: &str =
    "DROP TRIGGER IF EXISTS tr_campaign_partner_stages_update ON campaign_partners";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(DROP_TRIGGER).await?;
        for sql in ROW_TRIGGER {
            db.execute_unprepared(sql).await?;
        }
        for (table, keys) in keys() {
            drop_keys(manager, &table, &keys).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (table, keys) in keys() {
            restore_keys(manager, &table, &keys).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(DROP_TRIGGER).await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS campaign_partner_stage_row()")
            .await?;
        db.execute_unprepared(STATEMENT_TRIGGER).await?;
        Ok(())
    }
}
