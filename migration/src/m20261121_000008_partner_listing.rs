//! The My Partners list at scale: the profile columns the list sorts and filters by are copied
//! onto the campaign relationship (kept in step by the services that write profiles), so every
//! sort and filter is answered from one table through `(account_id, campaign_id, <column>, partner_id)`
//! indexes; plus the substring-search index, which each backend builds its own way
//! (PostgreSQL: pg_trgm GIN; SQLite: an FTS5 trigram table kept in step by triggers).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::common::{create_indexes, drop_indexes, run_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CampaignPartners {
    Table,
    PartnerName,
    SearchText,
    Country,
    StateProvince,
    SizeRank,
    SocialReach,
    MozDomainAuthority,
}

use CampaignPartners as Cp;

fn new_columns(backend: DbBackend) -> Vec<ColumnDef> {
    let mut name = ColumnDef::new(Cp::PartnerName);
    name.string().not_null().default("");
    if backend == DbBackend::Postgres {
        // Names sort byte-wise on both backends (SQLite's default), whatever the server locale.
        name.extra("COLLATE \"C\"");
    }
    vec![
        name,
        ColumnDef::new(Cp::SearchText)
            .text()
            .not_null()
            .default("")
            .to_owned(),
        ColumnDef::new(Cp::Country).string_len(2).null().to_owned(),
        ColumnDef::new(Cp::StateProvince)
            .string_len(6)
            .null()
            .to_owned(),
        ColumnDef::new(Cp::SizeRank)
            .small_integer()
            .null()
            .to_owned(),
        ColumnDef::new(Cp::SocialReach)
            .big_integer()
            .not_null()
            .default(0)
            .to_owned(),
        ColumnDef::new(Cp::MozDomainAuthority)
            .integer()
            .null()
            .to_owned(),
    ]
}

/// The list indexes: `(account_id, campaign_id, <column>, partner_id)`. Every list query is
/// scoped by account and campaign, so both lead, and the index alone answers the scope.
const LIST_INDEXES: &[(&str, &str)] = &[
    ("ix_cp_list_name", "partner_name"),
    ("ix_cp_list_country", "country"),
    ("ix_cp_list_state", "state_province"),
    ("ix_cp_list_size", "size_rank"),
    ("ix_cp_list_social_reach", "social_reach"),
    ("ix_cp_list_moz", "moz_domain_authority"),
    ("ix_cp_list_date_joined", "date_joined"),
    ("ix_cp_list_marketplace_applied", "marketplace_applied_at"),
    ("ix_cp_list_stage", "relationship_stage"),
];

fn indexes() -> Vec<IndexCreateStatement> {
    LIST_INDEXES
        .iter()
        .map(|(name, column)| {
            Index::create()
                .name(*name)
                .table(Cp::Table)
                .col(Alias::new("account_id"))
                .col(Alias::new("campaign_id"))
                .col(Alias::new(*column))
                .col(Alias::new("partner_id"))
                .to_owned()
        })
        .collect()
}

const SQLITE_SEARCH_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE campaign_partner_search USING fts5(search_text, content='campaign_partners', \
     content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER tr_cp_search_insert AFTER INSERT ON campaign_partners BEGIN \
     INSERT INTO campaign_partner_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER tr_cp_search_delete AFTER DELETE ON campaign_partners BEGIN \
     INSERT INTO campaign_partner_search(campaign_partner_search, rowid, search_text) \
     VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER tr_cp_search_update AFTER UPDATE OF search_text ON campaign_partners BEGIN \
     INSERT INTO campaign_partner_search(campaign_partner_search, rowid, search_text) \
     VALUES ('delete', old.id, old.search_text); \
     INSERT INTO campaign_partner_search(rowid, search_text) VALUES (new.id, new.search_text); END",
];

const SQLITE_SEARCH_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS tr_cp_search_update",
    "DROP TRIGGER IF EXISTS tr_cp_search_delete",
    "DROP TRIGGER IF EXISTS tr_cp_search_insert",
    "DROP TABLE IF EXISTS campaign_partner_search",
];

const POSTGRES_SEARCH_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_cp_search_trgm ON campaign_partners USING gin (search_text gin_trgm_ops)",
];

const POSTGRES_SEARCH_DOWN: &[&str] = &["DROP INDEX IF EXISTS ix_cp_search_trgm"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in new_columns(manager.get_database_backend()) {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cp::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                create_indexes(manager, indexes()).await?;
                run_all(manager, SQLITE_SEARCH_UP).await
            }
            DbBackend::Postgres => {
                for (name, column) in LIST_INDEXES {
                    // Missing values sort as the smallest (NULLS FIRST), as on SQLite, so one
                    // index serves both directions.
                    let sql = format!(
                        "CREATE INDEX {name} ON campaign_partners (account_id, campaign_id, {column} NULLS FIRST, partner_id)"
                    );
                    manager.get_connection().execute_unprepared(&sql).await?;
                }
                run_all(manager, POSTGRES_SEARCH_UP).await
            }
            _ => Err(DbErr::Migration(
                "only SQLite and PostgreSQL are supported".into(),
            )),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_all(manager, SQLITE_SEARCH_DOWN).await?,
            _ => run_all(manager, POSTGRES_SEARCH_DOWN).await?,
        }
        drop_indexes(manager, indexes()).await?;
        for column in new_columns(manager.get_database_backend()).iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cp::Table)
                        .drop_column(column.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
