//! Fewer foreign keys on the two tables a bulk group change writes 100,000 rows into: on
//! PostgreSQL each one is a per-row trigger that also locks the row it points to.
//! `partner_group_members` keeps none: memberships are written and deleted only by the groups
//! service, inside its transactions, from `campaign_partners` rows (deleting a group deletes its
//! memberships first; partners are never deleted); measured at 1M partners, the group key alone
//! cost 0.3 s of a 100,000-row add.
//! `activity_log` is an audit trail whose entries outlive what they describe: it keeps only its
//! account, the tenant. Columns, indexes and data stay. PostgreSQL drops the constraints; SQLite,
//! which cannot, rebuilds both tables.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{
    create_indexes, drop_keys, fk_cascade, index, key, key_statements, orphan_cleanup,
    restore_keys, Key,
};
use crate::m20261121_000001_accounts::{AccountUsers, Accounts, Campaigns};
use crate::m20261121_000002_partners::Partners;
use crate::m20261121_000004_groups::{PartnerGroupMembers as Pgm, PartnerGroups};
use crate::m20261121_000007_notes_activity::ActivityLog as Al;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table that loses some of its foreign keys.
struct Trimmed {
    table: DynIden,
    /// Columns, primary key and the foreign keys it keeps, exactly as 000004 / 000007 made them.
    kept: TableCreateStatement,
    /// The foreign keys `up` drops and `down` restores, in their original order.
    dropped: Vec<Key>,
    /// Its indexes, as 000004 / 000007 made them (SQLite drops them with the table).
    indexes: Vec<IndexCreateStatement>,
}

fn members() -> Trimmed {
    use ForeignKeyAction::Cascade;
    let mut kept = Table::create();
    kept.table(Pgm::Table)
        .col(big_integer(Pgm::GroupId))
        .col(big_integer(Pgm::PartnerId))
        .col(big_integer(Pgm::AccountId))
        .col(big_integer(Pgm::CampaignId))
        .col(timestamp_with_time_zone(Pgm::AddedAt))
        .primary_key(Index::create().col(Pgm::GroupId).col(Pgm::PartnerId));
    Trimmed {
        table: Pgm::Table.into_iden(),
        kept,
        dropped: vec![
            key(Pgm::GroupId, PartnerGroups::Table, Cascade),
            key(Pgm::PartnerId, Partners::Table, Cascade),
            key(Pgm::AccountId, Accounts::Table, Cascade),
            key(Pgm::CampaignId, Campaigns::Table, Cascade),
        ],
        indexes: vec![index(
            "ix_pgm_campaign_partner",
            Pgm::Table,
            &[Pgm::CampaignId, Pgm::PartnerId, Pgm::GroupId],
        )],
    }
}

fn activity_log() -> Trimmed {
    use ForeignKeyAction::{Cascade, SetNull};
    let mut kept = Table::create();
    kept.table(Al::Table)
        .col(big_pk_auto(Al::Id))
        .col(big_integer(Al::AccountId))
        .col(big_integer_null(Al::CampaignId))
        .col(big_integer_null(Al::PartnerId))
        .col(big_integer_null(Al::UserId))
        .col(string_len(Al::Action, 64))
        .col(text_null(Al::Details))
        .col(timestamp_with_time_zone(Al::CreatedAt))
        .foreign_key(&mut fk_cascade(Al::Table, Al::AccountId, Accounts::Table));
    Trimmed {
        table: Al::Table.into_iden(),
        kept,
        dropped: vec![
            key(Al::CampaignId, Campaigns::Table, Cascade),
            key(Al::PartnerId, Partners::Table, Cascade),
            key(Al::UserId, AccountUsers::Table, SetNull),
        ],
        indexes: vec![
            index(
                "ix_activity_log_account_created",
                Al::Table,
                &[Al::AccountId, Al::CreatedAt],
            ),
            index(
                "ix_activity_log_partner",
                Al::Table,
                &[Al::CampaignId, Al::PartnerId, Al::CreatedAt],
            ),
        ],
    }
}

impl Trimmed {
    /// The table with only the kept foreign keys (`lean`), or with all of them as before.
    fn definition(&self, lean: bool) -> TableCreateStatement {
        let mut table = self.kept.clone();
        if !lean {
            for mut fk in key_statements(&self.table, &self.dropped) {
                table.foreign_key(&mut fk);
            }
        }
        table
    }
}

/// SQLite cannot drop or add a foreign key: rebuilds the table as `definition(lean)`, keeping its
/// rows, their ids, the AUTOINCREMENT counter and the indexes. Nothing references either table.
async fn rebuild_sqlite(
    manager: &SchemaManager<'_>,
    trimmed: &Trimmed,
    lean: bool,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let table = trimmed.table.to_string();
    let rebuilt = format!("{table}_rebuilt");
    let definition = trimmed.definition(lean);
    manager
        .create_table(definition.clone().table(Alias::new(&rebuilt)).to_owned())
        .await?;
    let columns = definition
        .get_columns()
        .iter()
        .map(|c| format!("\"{}\"", c.get_column_name()))
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "INSERT INTO \"{rebuilt}\" ({columns}) SELECT {columns} FROM \"{table}\""
    ))
    .await?;
    if definition
        .get_columns()
        .iter()
        .any(|c| c.get_column_spec().auto_increment)
    {
        // AUTOINCREMENT never hands out an id again, not even that of a deleted last row.
        db.execute_unprepared(&format!(
            "DELETE FROM sqlite_sequence WHERE name = '{rebuilt}'"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO sqlite_sequence (name, seq) \
             SELECT '{rebuilt}', seq FROM sqlite_sequence WHERE name = '{table}'"
        ))
        .await?;
    }
    manager
        .drop_table(Table::drop().table(trimmed.table.clone()).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(Alias::new(&rebuilt), trimmed.table.clone())
                .to_owned(),
        )
        .await?;
    create_indexes(manager, trimmed.indexes.clone()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// SQLite too: a rebuild that stops halfway must leave the old table in place.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for trimmed in [members(), activity_log()] {
            if manager.get_database_backend() == DbBackend::Sqlite {
                rebuild_sqlite(manager, &trimmed, true).await?;
                continue;
            }
            drop_keys(manager, &trimmed.table, &trimmed.dropped).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for trimmed in [members(), activity_log()] {
            if manager.get_database_backend() == DbBackend::Sqlite {
                for sql in orphan_cleanup(&trimmed.table, &trimmed.dropped) {
                    manager.get_connection().execute_unprepared(&sql).await?;
                }
                rebuild_sqlite(manager, &trimmed, false).await?;
                continue;
            }
            restore_keys(manager, &trimmed.table, &trimmed.dropped).await?;
        }
        Ok(())
    }
}
