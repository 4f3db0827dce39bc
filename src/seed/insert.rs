//! Batched writing: rows are collected per table in memory, then loaded in one transaction per
//! batch: as multi-row `INSERT`s under the bind-parameter limit (SQLite), or as `COPY` data
//! (PostgreSQL, see `copy`). Primary keys are assigned by the generator (`Ids`), so children can
//! name their parents without reading ids back.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait, Value};

use super::copy::{self, CopyData};
use super::tables::{self, Table};
use crate::error::{AppError, AppResult};

/// Most rows in one statement, whatever the parameter limit allows.
const MAX_ROWS_PER_STATEMENT: usize = 2_000;

/// Generated rows of one table, flattened (`columns.len()` values per row).
pub(crate) struct Rows {
    table: &'static Table,
    values: Vec<Value>,
}

impl Rows {
    /// No rows yet.
    pub(crate) fn new(table: &'static Table) -> Self {
        Rows {
            table,
            values: Vec::new(),
        }
    }

    /// Appends one row; its values follow the table's column order.
    pub(crate) fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.table.columns.len(), "row of {}", self.table.name);
        self.values.extend(row);
    }

    /// Multi-row `INSERT` statements holding every row.
    fn statements(self, backend: DbBackend, out: &mut Vec<Statement>) -> AppResult<()> {
        let width = self.table.columns.len();
        if width == 0 || !self.values.len().is_multiple_of(width) {
            return Err(AppError::internal(format!(
                "ragged rows for table {}",
                self.table.name
            )));
        }
        let limit = match backend {
            DbBackend::Postgres => 65_535,
            _ => 32_766,
        };
        let per_statement = (limit / width).clamp(1, MAX_ROWS_PER_STATEMENT);
        let total = self.values.len() / width;
        let mut values = self.values.into_iter();
        let mut done = 0;
        while done < total {
            let rows = per_statement.min(total - done);
            let mut insert = Query::insert();
            insert
                .into_table(self.table.name)
                .columns(self.table.columns.iter().copied());
            for _ in 0..rows {
                insert
                    .values(values.by_ref().take(width).map(Expr::Value))
                    .map_err(|e| {
                        AppError::internal(format!("insert into {}: {e}", self.table.name))
                    })?;
            }
            out.push(backend.build(&insert));
            done += rows;
        }
        Ok(())
    }
}

/// Rows of every table generated for one chunk of partners (or for an account's setup).
pub(crate) struct Batch {
    /// `tables::ALL`, in the same order.
    rows: Vec<Rows>,
}

impl Batch {
    /// An empty batch.
    pub(crate) fn new() -> Self {
        Batch {
            rows: tables::ALL.iter().map(|t| Rows::new(t)).collect(),
        }
    }

    /// The rows of `table`.
    pub(crate) fn rows(&mut self, table: &'static Table) -> &mut Rows {
        &mut self.rows[table.index]
    }

    /// The batch ready to load, parents before children: `COPY` data on PostgreSQL,
    /// multi-row `INSERT`s elsewhere.
    pub(crate) fn prepare(self, backend: DbBackend) -> AppResult<Prepared> {
        if backend == DbBackend::Postgres {
            let mut tables = Vec::new();
            for rows in self.rows.into_iter().filter(|r| !r.values.is_empty()) {
                tables.push(copy::encode(
                    rows.table.name,
                    rows.table.columns,
                    &rows.values,
                )?);
            }
            return Ok(Prepared::Copy(tables));
        }
        let mut out = Vec::new();
        for rows in self.rows {
            rows.statements(backend, &mut out)?;
        }
        Ok(Prepared::Insert(out))
    }
}

/// A batch ready to load.
pub(crate) enum Prepared {
    /// Multi-row `INSERT` statements.
    Insert(Vec<Statement>),
    /// PostgreSQL `COPY` data per table.
    Copy(Vec<CopyData>),
}

/// SQLite page cache while loading (KiB): the indexes of a large load do not fit the default 2 MiB.
const SQLITE_LOAD_CACHE_KIB: i64 = 262_144;

/// SQLite's default page cache (KiB), restored after each batch so pooled connections stay small.
const SQLITE_DEFAULT_CACHE_KIB: i64 = 2_000;

/// Loads batches into one database, each in its own transaction.
pub(crate) struct Writer<'a> {
    db: &'a DatabaseConnection,
    skip_triggers: bool,
}

impl<'a> Writer<'a> {
    /// A writer for `db` (on PostgreSQL, checks whether foreign-key triggers may be skipped).
    pub(crate) async fn new(db: &'a DatabaseConnection) -> Writer<'a> {
        let skip_triggers =
            db.get_database_backend() == DbBackend::Postgres && copy::may_skip_triggers(db).await;
        Writer { db, skip_triggers }
    }

    /// The database written to.
    pub(crate) fn db(&self) -> &'a DatabaseConnection {
        self.db
    }

    /// Loads one prepared batch in one transaction.
    pub(crate) async fn write(&self, batch: Prepared) -> AppResult<()> {
        match batch {
            Prepared::Copy(tables) => copy::load(self.db, tables, self.skip_triggers).await,
            Prepared::Insert(statements) => {
                let sqlite = self.db.get_database_backend() == DbBackend::Sqlite;
                let txn = self.db.begin().await?;
                if sqlite {
                    let sql = format!("PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}");
                    txn.execute_unprepared(&sql).await?;
                }
                for statement in statements {
                    txn.execute_raw(statement).await?;
                }
                if sqlite {
                    let sql = format!("PRAGMA cache_size = -{SQLITE_DEFAULT_CACHE_KIB}");
                    txn.execute_unprepared(&sql).await?;
                }
                txn.commit().await?;
                Ok(())
            }
        }
    }
}

/// The last id used in each generated table; the generator counts up from there.
pub(crate) struct Ids {
    /// Last `partners.id`.
    pub partner: i64,
    /// Last `media_properties.id`.
    pub media: i64,
    /// Last `partner_contacts.id`.
    pub contact: i64,
    /// Last `campaign_partners.id`.
    pub relationship: i64,
    /// Last `partner_account_links.id`.
    pub link: i64,
    /// Last `partner_groups.id`.
    pub group: i64,
    /// Last `contract_templates.id`.
    pub template: i64,
    /// Last `partner_contracts.id`.
    pub contract: i64,
    /// Last `contract_history.id`.
    pub history: i64,
    /// Last `custom_fields.id`.
    pub field: i64,
    /// Last `custom_field_options.id`.
    pub option: i64,
    /// Last `custom_field_answers.id`.
    pub answer: i64,
    /// Last `notes.id`.
    pub note: i64,
    /// Last `activity_log.id`.
    pub activity: i64,
}

/// The next id after `last`.
pub(crate) fn next(last: &mut i64) -> i64 {
    *last += 1;
    *last
}

async fn max_id(db: &DatabaseConnection, table: &str) -> AppResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| AppError::internal(format!("no MAX(id) row for {table}")))?;
    Ok(row.try_get::<i64>("", "m")?)
}

impl Ids {
    /// Reads the current largest id of every generated table.
    pub(crate) async fn load(db: &DatabaseConnection) -> AppResult<Ids> {
        Ok(Ids {
            partner: max_id(db, tables::PARTNERS.name).await?,
            media: max_id(db, tables::MEDIA_PROPERTIES.name).await?,
            contact: max_id(db, tables::PARTNER_CONTACTS.name).await?,
            relationship: max_id(db, tables::CAMPAIGN_PARTNERS.name).await?,
            link: max_id(db, tables::PARTNER_ACCOUNT_LINKS.name).await?,
            group: max_id(db, tables::PARTNER_GROUPS.name).await?,
            template: max_id(db, tables::CONTRACT_TEMPLATES.name).await?,
            contract: max_id(db, tables::PARTNER_CONTRACTS.name).await?,
            history: max_id(db, tables::CONTRACT_HISTORY.name).await?,
            field: max_id(db, tables::CUSTOM_FIELDS.name).await?,
            option: max_id(db, tables::CUSTOM_FIELD_OPTIONS.name).await?,
            answer: max_id(db, tables::CUSTOM_FIELD_ANSWERS.name).await?,
            note: max_id(db, tables::NOTES.name).await?,
            activity: max_id(db, tables::ACTIVITY_LOG.name).await?,
        })
    }
}

/// On PostgreSQL, moves each bypassed id sequence past the largest id (SQLite needs nothing).
pub(crate) async fn reset_sequences(db: &DatabaseConnection) -> AppResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in tables::ALL.iter().filter(|t| t.has_id) {
        let name = table.name;
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        );
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}
