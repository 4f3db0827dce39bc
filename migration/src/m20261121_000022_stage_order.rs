//! Bulk actions rewrite a relationship row in place. A bulk assignment or expiry of 100,000
//! partners updated every one of the `campaign_partners` row's 22 indexes on PostgreSQL (11 to
//! 23 s at a million partners), because an UPDATE that changes any indexed column writes a new
//! entry in every index. PostgreSQL skips the indexes altogether (a HOT update) when no indexed
//! column changes and the row's page has room for its new version: 8.8 s → 1.8 s for the
//! assignment, 11.9 s → 1.4 s for the expiry (`EXPLAIN ANALYZE`, rolled back).
//!
//! So the columns bulk actions change (account manager, contract status, relationship stage)
//! leave the table's indexes on PostgreSQL, and the table keeps a fifth of each page free
//! (`fillfactor = 80`; an existing table's pages get it as their rows are rewritten, or at once
//! with `VACUUM FULL campaign_partners`). Filters on those columns still run in SQL, over the
//! campaign's range of another index; the facet index counts them.
//!
//! Sorting by relationship stage needs an index in stage order, so the stage is copied to a
//! narrow table of its own, `campaign_partner_stages` (the relationship row's id, campaign,
//! partner, stage), kept equal to `campaign_partners` by triggers and indexed
//! `(campaign_id, relationship_stage, partner_id)`: a stage sort walks it and fetches each row by
//! id. Both databases sort that way, so the list has one query; SQLite (which only updates the
//! indexes of changed columns, and has no HOT) keeps its filter indexes and drops only the old
//! stage sort index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes on the columns bulk actions change: PostgreSQL drops them all (a HOT update needs
/// none), SQLite only the stage sort, which the stage table replaces.
const POSTGRES_DROPPED: &[(&str, &str)] = &[
    (
        "ix_cp_campaign_assigned_user",
        "campaign_id, assigned_user_id",
    ),
    (
        "ix_cp_campaign_contract_status",
        "campaign_id, contract_status",
    ),
    ("ix_cp_campaign_stage", "campaign_id, relationship_stage"),
    (
        "ix_cp_list_stage",
        "account_id, campaign_id, relationship_stage NULLS FIRST, partner_id",
    ),
];
const SQLITE_DROPPED: &[(&str, &str)] = &[(
    "ix_cp_list_stage",
    "account_id, campaign_id, relationship_stage, partner_id",
)];

const TABLE: &str = "CREATE TABLE campaign_partner_stages (\
     id BIGINT NOT NULL PRIMARY KEY, \
     campaign_id BIGINT NOT NULL, \
     partner_id BIGINT NOT NULL, \
     relationship_stage VARCHAR(32) NOT NULL)";
/// SQLite: `INTEGER PRIMARY KEY`, the row id itself.
const SQLITE_TABLE: &str = "CREATE TABLE campaign_partner_stages (\
     id INTEGER NOT NULL PRIMARY KEY, \
     campaign_id BIGINT NOT NULL, \
     partner_id BIGINT NOT NULL, \
     relationship_stage VARCHAR(32) NOT NULL)";
const FILL: &str =
    "INSERT INTO campaign_partner_stages (id, campaign_id, partner_id, relationship_stage) \
     SELECT id, campaign_id, partner_id, relationship_stage FROM campaign_partners";

/// PostgreSQL: statement-level triggers over the statement's rows. Each statement runs through
/// `EXECUTE`, planned for the rows at hand on every call: a plan kept from a first small call
/// is what once made a 100,000-row update quadratic (migration 000020).
fn postgres_up() -> Vec<String> {
    let function = |name: &str, sql: &str| {
        format!(
            "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN EXECUTE '{sql}'; RETURN NULL; END $$"
        )
    };
    let trigger = |event: &str, transition: &str, name: &str| {
        format!(
            "CREATE TRIGGER tr_{name} AFTER {event} ON campaign_partners \
             REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    };
    let mut sql: Vec<String> = POSTGRES_DROPPED
        .iter()
        .map(|(name, _)| format!("DROP INDEX IF EXISTS {name}"))
        .collect();
    sql.extend([
        "ALTER TABLE campaign_partners SET (fillfactor = 80)".to_owned(),
        TABLE.to_owned(),
        FILL.to_owned(),
        "CREATE INDEX ix_cp_stages_order ON campaign_partner_stages \
         (campaign_id, relationship_stage NULLS FIRST, partner_id)"
            .to_owned(),
        function(
            "campaign_partner_stages_insert",
            "INSERT INTO campaign_partner_stages (id, campaign_id, partner_id, relationship_stage) \
             SELECT id, campaign_id, partner_id, relationship_stage FROM new_rows",
        ),
        function(
            "campaign_partner_stages_update",
            "UPDATE campaign_partner_stages s SET campaign_id = n.campaign_id, \
             partner_id = n.partner_id, relationship_stage = n.relationship_stage \
             FROM new_rows n WHERE s.id = n.id AND (s.relationship_stage <> n.relationship_stage \
             OR s.campaign_id <> n.campaign_id OR s.partner_id <> n.partner_id)",
        ),
        function(
            "campaign_partner_stages_delete",
            "DELETE FROM campaign_partner_stages s USING old_rows o WHERE s.id = o.id",
        ),
        trigger(
            "INSERT",
            "NEW TABLE AS new_rows",
            "campaign_partner_stages_insert",
        ),
        trigger(
            "UPDATE",
            "NEW TABLE AS new_rows",
            "campaign_partner_stages_update",
        ),
        trigger(
            "DELETE",
            "OLD TABLE AS old_rows",
            "campaign_partner_stages_delete",
        ),
    ]);
    sql
}

fn postgres_down() -> Vec<String> {
    let mut sql: Vec<String> = ["insert", "update", "delete"]
        .iter()
        .flat_map(|event| {
            [
                format!("DROP TRIGGER IF EXISTS tr_campaign_partner_stages_{event} ON campaign_partners"),
                format!("DROP FUNCTION IF EXISTS campaign_partner_stages_{event}()"),
            ]
        })
        .collect();
    sql.push("DROP TABLE IF EXISTS campaign_partner_stages".to_owned());
    sql.push("ALTER TABLE campaign_partners RESET (fillfactor)".to_owned());
    sql.extend(
        POSTGRES_DROPPED
            .iter()
            .map(|(name, columns)| format!("CREATE INDEX {name} ON campaign_partners ({columns})")),
    );
    sql
}

/// SQLite: per-row triggers; an update only when the stage (or the row's keys) changed.
fn sqlite_up() -> Vec<String> {
    let mut sql: Vec<String> = SQLITE_DROPPED
        .iter()
        .map(|(name, _)| format!("DROP INDEX IF EXISTS {name}"))
        .collect();
    sql.extend([
        SQLITE_TABLE.to_owned(),
        FILL.to_owned(),
        "CREATE INDEX ix_cp_stages_order ON campaign_partner_stages \
         (campaign_id, relationship_stage, partner_id)"
            .to_owned(),
        "CREATE TRIGGER tr_campaign_partner_stages_insert AFTER INSERT ON campaign_partners BEGIN \
         INSERT INTO campaign_partner_stages (id, campaign_id, partner_id, relationship_stage) \
         VALUES (new.id, new.campaign_id, new.partner_id, new.relationship_stage); END"
            .to_owned(),
        "CREATE TRIGGER tr_campaign_partner_stages_update \
         AFTER UPDATE OF relationship_stage, campaign_id, partner_id ON campaign_partners \
         WHEN old.relationship_stage IS NOT new.relationship_stage \
         OR old.campaign_id <> new.campaign_id OR old.partner_id <> new.partner_id BEGIN \
         UPDATE campaign_partner_stages SET campaign_id = new.campaign_id, \
         partner_id = new.partner_id, relationship_stage = new.relationship_stage \
         WHERE id = new.id; END"
            .to_owned(),
        "CREATE TRIGGER tr_campaign_partner_stages_delete AFTER DELETE ON campaign_partners BEGIN \
         DELETE FROM campaign_partner_stages WHERE id = old.id; END"
            .to_owned(),
    ]);
    sql
}

fn sqlite_down() -> Vec<String> {
    let mut sql: Vec<String> = ["insert", "update", "delete"]
        .iter()
        .map(|event| format!("DROP TRIGGER IF EXISTS tr_campaign_partner_stages_{event}"))
        .collect();
    sql.push("DROP TABLE IF EXISTS campaign_partner_stages".to_owned());
    sql.extend(
        SQLITE_DROPPED
            .iter()
            .map(|(name, columns)| format!("CREATE INDEX {name} ON campaign_partners ({columns})")),
    );
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run_all(manager, &postgres_up()).await,
            _ => run_all(manager, &sqlite_up()).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run_all(manager, &postgres_down()).await,
            _ => run_all(manager, &sqlite_down()).await,
        }
    }
}
