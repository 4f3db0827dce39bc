//! `campaign_list_changes`: which partners' facet values changed at which list version, so a
//! facet index applies the changes since its version instead of reading the campaign again.
//!
//! The triggers of migration 000013 are replaced by ones that bump the campaign's version and
//! log the partners each write changed, in the same statement. Only writes that change what the
//! facet index holds count: on PostgreSQL an UPDATE is compared column by column (old and new
//! rows of the statement), on SQLite the trigger's `WHEN` does the same per row; a write that
//! changes nothing the index holds leaves the version alone. On PostgreSQL the versions of
//! several campaigns are taken in campaign id order, so two statements touching the same
//! campaigns cannot deadlock on them. A change with no partner (`partner_id` NULL) means
//! "everything": it is what a bulk load that bypasses the triggers records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::{drop_triggers, run_all, statement_triggers};
use crate::m20261121_000013_list_versions as versions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CampaignListChanges {
    Table,
    Id,
    CampaignId,
    Version,
    PartnerId,
    CreatedAt,
}

/// The tables whose rows carry a campaign and a partner, and the columns the facet index reads
/// (an UPDATE that changes none of them is not a change); `id`: whether the table has one (old
/// and new rows are paired by it).
const BY_CAMPAIGN: &[(&str, &str, bool)] = &[
    ("campaign_partners", CAMPAIGN_PARTNER_COLUMNS, true),
    (
        "partner_group_members",
        "campaign_id, group_id, partner_id",
        false,
    ),
    (
        "partner_contracts",
        "campaign_id, partner_id, status, template_id",
        true,
    ),
];

/// The columns of `campaign_partners` this migration's facet index reads (migration 000021 adds
/// `date_joined`).
pub(crate) const CAMPAIGN_PARTNER_COLUMNS: &str =
    "campaign_id, partner_id, country, contract_status, relationship_type, relationship_stage, \
     prospecting_source, size_rank, assigned_user_id";

/// Profile attributes belong to a partner: a change counts in every campaign it is in.
const ATTRIBUTES: &str = "partner_attributes";

pub(crate) const BUMP: &str = "INSERT INTO campaign_list_versions (campaign_id, version)";
pub(crate) const ON_CONFLICT: &str =
    "ON CONFLICT (campaign_id) DO UPDATE SET version = campaign_list_versions.version + 1";

pub(crate) fn sqlite_log(campaign: &str, partner: &str) -> String {
    format!(
        "{BUMP} VALUES ({campaign}, 1) {ON_CONFLICT}; \
         INSERT INTO campaign_list_changes (campaign_id, version, partner_id) \
         SELECT campaign_id, version, {partner} FROM campaign_list_versions WHERE campaign_id = {campaign};"
    )
}

fn sqlite_log_partner(partner: &str) -> String {
    format!(
        "{BUMP} SELECT campaign_id, 1 FROM campaign_partners WHERE partner_id = {partner} AND true {ON_CONFLICT}; \
         INSERT INTO campaign_list_changes (campaign_id, version, partner_id) \
         SELECT campaign_id, version, {partner} FROM campaign_list_versions WHERE campaign_id IN \
         (SELECT campaign_id FROM campaign_partners WHERE partner_id = {partner});"
    )
}

/// SQLite's UPDATE trigger of a table with a campaign and a partner: it logs a row whose
/// `columns` changed.
pub(crate) fn sqlite_update_trigger(table: &str, columns: &str) -> String {
    let differs = columns
        .split(',')
        .map(|c| format!("old.{0} IS NOT new.{0}", c.trim()))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!(
        "CREATE TRIGGER tr_{table}_changes_update AFTER UPDATE OF {columns} ON {table} \
         WHEN {differs} BEGIN {} {} END",
        sqlite_log("old.campaign_id", "old.partner_id"),
        sqlite_log("new.campaign_id", "new.partner_id"),
    )
}

fn sqlite_up() -> Vec<String> {
    let mut sql = Vec::new();
    for (table, columns, _) in BY_CAMPAIGN {
        sql.push(format!(
            "CREATE TRIGGER tr_{table}_changes_insert AFTER INSERT ON {table} BEGIN {} END",
            sqlite_log("new.campaign_id", "new.partner_id")
        ));
        sql.push(format!(
            "CREATE TRIGGER tr_{table}_changes_delete AFTER DELETE ON {table} BEGIN {} END",
            sqlite_log("old.campaign_id", "old.partner_id")
        ));
        sql.push(sqlite_update_trigger(table, columns));
    }
    let t = ATTRIBUTES;
    sql.push(format!(
        "CREATE TRIGGER tr_{t}_changes_insert AFTER INSERT ON {t} BEGIN {} END",
        sqlite_log_partner("new.partner_id")
    ));
    sql.push(format!(
        "CREATE TRIGGER tr_{t}_changes_delete AFTER DELETE ON {t} BEGIN {} END",
        sqlite_log_partner("old.partner_id")
    ));
    sql.push(format!(
        "CREATE TRIGGER tr_{t}_changes_update AFTER UPDATE ON {t} BEGIN {} {} END",
        sqlite_log_partner("old.partner_id"),
        sqlite_log_partner("new.partner_id")
    ));
    sql
}

/// A statement-level function: `changed` is SQL of the (campaign_id, partner_id) pairs a
/// statement changed, per operation (over `new_rows` / `old_rows`).
fn postgres_function(name: &str, insert: &str, delete: &str, update: &str) -> String {
    postgres_log_function(name, [insert, delete, update], false)
}

/// The rows of each operation a function reads, for a paused campaign's check.
const OPERATION_ROWS: [&[&str]; 3] = [&["new_rows"], &["old_rows"], &["new_rows", "old_rows"]];

/// [`postgres_function`] over the changed pairs of INSERT, DELETE and UPDATE; with
/// `honour_pauses` (migration 000033) it leaves out the campaigns a writer paused
/// (`change_log_pauses`), and returns at once when every row of the statement is of one.
pub(crate) fn postgres_log_function(name: &str, changed: [&str; 3], honour_pauses: bool) -> String {
    let unpaused = "campaign_id NOT IN (SELECT campaign_id FROM change_log_pauses)";
    let log = |changed: &str, rows: &[&str]| {
        let (skip, only) = if honour_pauses {
            let none = rows
                .iter()
                .map(|r| format!("NOT EXISTS (SELECT 1 FROM {r} WHERE {unpaused})"))
                .collect::<Vec<_>>()
                .join(" AND ");
            (
                format!("IF {none} THEN RETURN NULL; END IF; "),
                format!(" WHERE c.{unpaused}"),
            )
        } else {
            (String::new(), String::new())
        };
        format!(
            "{skip}WITH changed AS (SELECT DISTINCT campaign_id, partner_id FROM ({changed}) c{only}), \
             bumped AS ({BUMP} SELECT DISTINCT campaign_id, 1 FROM changed ORDER BY campaign_id \
             {ON_CONFLICT} RETURNING campaign_id, version) \
             INSERT INTO campaign_list_changes (campaign_id, version, partner_id) \
             SELECT b.campaign_id, b.version, c.partner_id FROM bumped b \
             JOIN changed c ON c.campaign_id = b.campaign_id;"
        )
    };
    let [insert, delete, update] = changed;
    let [on_insert, on_delete, on_update] = OPERATION_ROWS;
    format!(
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF TG_OP = 'INSERT' THEN {} \
         ELSIF TG_OP = 'DELETE' THEN {} \
         ELSE {} END IF; RETURN NULL; END $$",
        log(insert, on_insert),
        log(delete, on_delete),
        log(update, on_update),
    )
}

/// How an UPDATE's changed rows are found: `Paired` joins old and new rows by id (this
/// migration's form); `Grouped` (migration 000020) groups both by id and the compared columns and
/// keeps the groups of one row, which no plan can make quadratic.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    /// `new_rows JOIN old_rows ON id`.
    Paired,
    /// `GROUP BY id, columns HAVING COUNT(*) = 1` over both.
    Grouped,
}

/// The (campaign_id, partner_id) pairs an UPDATE of `columns` changed.
pub(crate) fn changed_by_update(columns: &str, compare: Compare) -> String {
    let cols: Vec<&str> = columns.split(',').map(str::trim).collect();
    match compare {
        Compare::Paired => {
            let old: Vec<String> = cols.iter().map(|c| format!("o.{c}")).collect();
            let new: Vec<String> = cols.iter().map(|c| format!("n.{c}")).collect();
            let differ = format!(
                "FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE ({}) IS DISTINCT FROM ({})",
                old.join(", "),
                new.join(", ")
            );
            format!(
                "SELECT n.campaign_id, n.partner_id {differ} UNION ALL SELECT o.campaign_id, o.partner_id {differ}"
            )
        }
        // An unchanged row's old and new versions form one group of two; a changed row's form
        // two groups of one (GROUP BY treats NULLs as equal, as IS DISTINCT FROM does).
        Compare::Grouped => format!(
            "SELECT campaign_id, partner_id FROM (SELECT id, {columns} FROM old_rows \
             UNION ALL SELECT id, {columns} FROM new_rows) r \
             GROUP BY id, {columns} HAVING COUNT(*) = 1"
        ),
    }
}

/// The function of a table compared by id whose UPDATE counts when one of `columns` changed,
/// with `compare`'s UPDATE form.
pub(crate) fn postgres_function_by_id(table: &str, columns: &str, compare: Compare) -> String {
    let [insert, delete, update] = changed_pairs(Some((columns, compare)));
    postgres_function(&format!("log_{table}_changes"), &insert, &delete, &update)
}

/// SQL of the (campaign_id, partner_id) pairs an INSERT, a DELETE and an UPDATE changed in a
/// table with a campaign and a partner: the UPDATE compared by id over `columns` with
/// `compare`, or (`None`, a table without an id) every row it touched.
pub(crate) fn changed_pairs(by_id: Option<(&str, Compare)>) -> [String; 3] {
    let pairs = "SELECT campaign_id, partner_id FROM";
    [
        format!("{pairs} new_rows"),
        format!("{pairs} old_rows"),
        match by_id {
            Some((columns, compare)) => changed_by_update(columns, compare),
            None => format!("{pairs} new_rows UNION ALL {pairs} old_rows"),
        },
    ]
}

/// The functions of the tables compared by id, with `compare`'s UPDATE form.
pub(crate) fn postgres_functions_by_id(compare: Compare) -> Vec<String> {
    BY_CAMPAIGN
        .iter()
        .filter(|(_, _, id)| *id)
        .map(|(table, columns, _)| postgres_function_by_id(table, columns, compare))
        .collect()
}

fn postgres_up() -> Vec<String> {
    let mut sql = postgres_functions_by_id(Compare::Paired);
    for (table, _, id) in BY_CAMPAIGN {
        let function = format!("log_{table}_changes");
        if !*id {
            let [insert, delete, update] = changed_pairs(None);
            sql.push(postgres_function(&function, &insert, &delete, &update));
        }
        sql.extend(statement_triggers(table, "changes", &function));
    }
    let of_partners = |rows: &str| {
        format!(
            "SELECT cp.campaign_id, cp.partner_id FROM campaign_partners cp \
             WHERE cp.partner_id IN (SELECT partner_id FROM {rows})"
        )
    };
    let function = format!("log_{ATTRIBUTES}_changes");
    sql.push(postgres_function(
        &function,
        &of_partners("new_rows"),
        &of_partners("old_rows"),
        &format!(
            "{} UNION ALL {}",
            of_partners("new_rows"),
            of_partners("old_rows")
        ),
    ));
    sql.extend(statement_triggers(ATTRIBUTES, "changes", &function));
    sql
}

fn triggers_down(postgres: bool) -> Vec<String> {
    let tables: Vec<&str> = BY_CAMPAIGN
        .iter()
        .map(|(t, _, _)| *t)
        .chain([ATTRIBUTES])
        .collect();
    let mut sql = drop_triggers(&tables, "changes", postgres);
    if postgres {
        for table in &tables {
            sql.push(format!("DROP FUNCTION IF EXISTS log_{table}_changes()"));
        }
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CampaignListChanges as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(
                        ColumnDef::new(C::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(C::CampaignId).big_integer().not_null())
                    .col(ColumnDef::new(C::Version).big_integer().not_null())
                    .col(ColumnDef::new(C::PartnerId).big_integer().null())
                    .col(
                        ColumnDef::new(C::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null()
                            .default(Expr::current_timestamp()),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_campaign_list_changes_version")
                    .table(C::Table)
                    .col(C::CampaignId)
                    .col(C::Version)
                    .to_owned(),
            )
            .await?;
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        run_all(manager, &versions::triggers_down(postgres)).await?;
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
        let restored = if postgres {
            versions::postgres_up()
        } else {
            versions::sqlite_up()
        };
        run_all(manager, &restored).await?;
        manager
            .drop_table(Table::drop().table(CampaignListChanges::Table).to_owned())
            .await
    }
}
