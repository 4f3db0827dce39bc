//! Lets a bulk write that changes many relationship stages (an expiry now) pause the stage
//! copy's row trigger on PostgreSQL (`000028`), as it pauses the change log (`000033`), and copy
//! the stages itself, set-based (`partnergraph::service::bulk::changes`: first once for the
//! partners it logged, before it ends; since, in the statement that updates the rows, from the
//! rows it returns). The trigger runs its function once per row whose
//! stage changed: an expiry of 100,000 partners spent 1.4 s of its 2.1 s relationship-row update
//! there; paused, the update took 0.65 s and the one copying statement 0.75 s (`psql`, a million
//! partners, rolled back).
//!
//! The pause is the transaction's setting `partnergraph.stage_copy = 'paused'` (`set_config`
//! with `is_local`: it ends with the transaction at the latest), read by the trigger's `WHEN`,
//! so a paused row queues no call at all. Every other write, and SQLite's trigger (a row
//! trigger of SQLite's own, no function call), copies as before.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

const DROP_TRIGGER: &str =
    "DROP TRIGGER IF EXISTS tr_campaign_partner_stages_update ON campaign_partners";

/// The trigger of `000028`, with the pause (`paused = true`) or without.
fn trigger(paused: bool) -> String {
    let pause = if paused {
        " AND current_setting('partnergraph.stage_copy', true) IS DISTINCT FROM 'paused'"
    } else {
        ""
    };
    format!(
        "CREATE TRIGGER tr_campaign_partner_stages_update \
         AFTER UPDATE OF relationship_stage, campaign_id, partner_id ON campaign_partners \
         FOR EACH ROW WHEN ((OLD.relationship_stage IS DISTINCT FROM NEW.relationship_stage \
         OR OLD.campaign_id <> NEW.campaign_id OR OLD.partner_id <> NEW.partner_id){pause}) \
         EXECUTE FUNCTION campaign_partner_stage_row()"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        run_all(manager, &[DROP_TRIGGER.to_owned(), trigger(true)]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        run_all(manager, &[DROP_TRIGGER.to_owned(), trigger(false)]).await
    }
}
