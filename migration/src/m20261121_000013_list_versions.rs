//! A version number per campaign that every write to what the list's facets count bumps: the
//! relationship rows, group memberships, contracts and profile attributes. The server keeps an
//! in-memory facet index per campaign and rebuilds it when the number it was built at is no
//! longer current, so no write path can leave it stale, whichever service (or tool) writes.
//!
//! Triggers keep the number, each backend its own way: SQLite fires once per row (about 0.3 µs
//! a row), PostgreSQL once per statement over its transition table. A campaign without a row
//! is at version 0. The table has no foreign key: a cascade that deletes a campaign's rows
//! bumps its number on the way out, and a bookkeeping row must not stop that.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::{drop_triggers, run_all, statement_triggers};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CampaignListVersions {
    Table,
    CampaignId,
    Version,
}

/// The tables whose rows name their campaign, and the columns whose change matters.
const BY_CAMPAIGN: &[(&str, &str)] = &[
    (
        "campaign_partners",
        "campaign_id, country, contract_status, relationship_type, relationship_stage, \
         prospecting_source, size_rank, assigned_user_id",
    ),
    ("partner_group_members", "campaign_id, group_id, partner_id"),
    (
        "partner_contracts",
        "campaign_id, partner_id, status, template_id",
    ),
];

/// Profile attributes belong to the partner: every campaign that has the partner.
const ATTRIBUTES: &str = "partner_attributes";

const UPSERT: &str = "INSERT INTO campaign_list_versions (campaign_id, version)";
const BUMP: &str =
    "ON CONFLICT (campaign_id) DO UPDATE SET version = campaign_list_versions.version + 1";

fn sqlite_bump(campaign: &str) -> String {
    format!("{UPSERT} VALUES ({campaign}, 1) {BUMP};")
}

fn sqlite_bump_partner(partner: &str) -> String {
    // `WHERE true`: SQLite's parser needs it between a SELECT and an upsert clause.
    format!(
        "{UPSERT} SELECT campaign_id, 1 FROM campaign_partners WHERE partner_id = {partner} AND true {BUMP};"
    )
}

pub(crate) fn sqlite_up() -> Vec<String> {
    let mut sql = Vec::new();
    for (table, columns) in BY_CAMPAIGN {
        sql.push(format!(
            "CREATE TRIGGER tr_{table}_version_insert AFTER INSERT ON {table} BEGIN {} END",
            sqlite_bump("new.campaign_id")
        ));
        sql.push(format!(
            "CREATE TRIGGER tr_{table}_version_delete AFTER DELETE ON {table} BEGIN {} END",
            sqlite_bump("old.campaign_id")
        ));
        sql.push(format!(
            "CREATE TRIGGER tr_{table}_version_update AFTER UPDATE OF {columns} ON {table} BEGIN {} {} END",
            sqlite_bump("old.campaign_id"),
            sqlite_bump("new.campaign_id")
        ));
    }
    let t = ATTRIBUTES;
    sql.push(format!(
        "CREATE TRIGGER tr_{t}_version_insert AFTER INSERT ON {t} BEGIN {} END",
        sqlite_bump_partner("new.partner_id")
    ));
    sql.push(format!(
        "CREATE TRIGGER tr_{t}_version_delete AFTER DELETE ON {t} BEGIN {} END",
        sqlite_bump_partner("old.partner_id")
    ));
    sql.push(format!(
        "CREATE TRIGGER tr_{t}_version_update AFTER UPDATE ON {t} BEGIN {} {} END",
        sqlite_bump_partner("old.partner_id"),
        sqlite_bump_partner("new.partner_id")
    ));
    sql
}

/// One function per way of finding the campaigns of the changed rows; `changed` is the union of
/// the statement's transition tables (PostgreSQL allows one event per trigger that has them).
fn postgres_function(name: &str, campaigns: &str) -> String {
    format!(
        "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF TG_OP = 'INSERT' THEN \
           {UPSERT} SELECT DISTINCT campaign_id, 1 FROM ({}) c {BUMP}; \
         ELSIF TG_OP = 'DELETE' THEN \
           {UPSERT} SELECT DISTINCT campaign_id, 1 FROM ({}) c {BUMP}; \
         ELSE \
           {UPSERT} SELECT DISTINCT campaign_id, 1 FROM ({} UNION {}) c {BUMP}; \
         END IF; RETURN NULL; END $$",
        campaigns.replace("changed", "new_rows"),
        campaigns.replace("changed", "old_rows"),
        campaigns.replace("changed", "new_rows"),
        campaigns.replace("changed", "old_rows"),
    )
}

pub(crate) fn postgres_up() -> Vec<String> {
    let mut sql = vec![
        postgres_function(
            "bump_list_versions_by_campaign",
            "SELECT campaign_id FROM changed",
        ),
        postgres_function(
            "bump_list_versions_by_partner",
            "SELECT cp.campaign_id FROM campaign_partners cp WHERE cp.partner_id IN \
             (SELECT partner_id FROM changed)",
        ),
    ];
    for (table, _) in BY_CAMPAIGN {
        sql.extend(statement_triggers(
            table,
            "version",
            "bump_list_versions_by_campaign",
        ));
    }
    sql.extend(statement_triggers(
        ATTRIBUTES,
        "version",
        "bump_list_versions_by_partner",
    ));
    sql
}

/// `DROP TRIGGER` for each trigger (PostgreSQL names the table a trigger is on).
pub(crate) fn triggers_down(postgres: bool) -> Vec<String> {
    let tables: Vec<&str> = BY_CAMPAIGN
        .iter()
        .map(|(t, _)| *t)
        .chain([ATTRIBUTES])
        .collect();
    let mut sql = drop_triggers(&tables, "version", postgres);
    if postgres {
        sql.push("DROP FUNCTION IF EXISTS bump_list_versions_by_campaign()".into());
        sql.push("DROP FUNCTION IF EXISTS bump_list_versions_by_partner()".into());
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CampaignListVersions::Table)
                    .col(
                        ColumnDef::new(CampaignListVersions::CampaignId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CampaignListVersions::Version)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_all(manager, &sqlite_up()).await,
            DbBackend::Postgres => run_all(manager, &postgres_up()).await,
            _ => Err(DbErr::Migration(
                "only SQLite and PostgreSQL are supported".into(),
            )),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        run_all(manager, &triggers_down(postgres)).await?;
        manager
            .drop_table(Table::drop().table(CampaignListVersions::Table).to_owned())
            .await
    }
}
