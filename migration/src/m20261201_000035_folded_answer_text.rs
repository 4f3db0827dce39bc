//! A text answer's case-folded copy, `custom_field_answers.text_folded`, for the `contains`
//! condition of the partner filter. It compared `lower(text_value)` with the term lowercased by
//! the server, but SQLite's `lower()` folds ASCII letters only, so an answer with a capital `Ü`
//! or `É` was never found, even by its exact text (PostgreSQL's depends on the database's
//! locale). The server now writes the copy with the same folding as the term
//! (`str::to_lowercase`); this adds the column and folds the existing answers the same way, in
//! Rust, a thousand rows a statement. Down drops it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomFieldAnswers {
    Table,
    TextFolded,
}

/// Answers folded per statement.
const BATCH: usize = 1_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CustomFieldAnswers::Table)
                    .add_column(ColumnDef::new(CustomFieldAnswers::TextFolded).text().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let mut after = 0i64;
        loop {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    format!(
                        "SELECT id, text_value FROM custom_field_answers \
                         WHERE text_value IS NOT NULL AND id > {} ORDER BY id LIMIT {BATCH}",
                        if backend == sea_orm::DbBackend::Postgres {
                            "$1"
                        } else {
                            "?"
                        }
                    ),
                    [after.into()],
                ))
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.try_get_by_index(0)?;
            let mut values: Vec<Value> = Vec::with_capacity(rows.len() * 2);
            let mut tuples = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: i64 = row.try_get_by_index(0)?;
                let text: String = row.try_get_by_index(1)?;
                let n = values.len();
                tuples.push(match backend {
                    sea_orm::DbBackend::Postgres => {
                        format!("(CAST(${} AS BIGINT), CAST(${} AS TEXT))", n + 1, n + 2)
                    }
                    _ => "(?, ?)".to_owned(),
                });
                values.push(id.into());
                values.push(text.to_lowercase().into());
            }
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "WITH folded (id, text_folded) AS (VALUES {}) \
                     UPDATE custom_field_answers SET text_folded = \
                     (SELECT f.text_folded FROM folded f WHERE f.id = custom_field_answers.id) \
                     WHERE id IN (SELECT id FROM folded)",
                    tuples.join(", ")
                ),
                values,
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CustomFieldAnswers::Table)
                    .drop_column(CustomFieldAnswers::TextFolded)
                    .to_owned(),
            )
            .await
    }
}
