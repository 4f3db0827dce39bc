//! Small builders shared by the migrations: named foreign keys, named indexes and their drops.

use sea_orm_migration::prelude::*;

/// Foreign key `fk_<table>_<column>` from `table.column` to `to.id`.
pub(crate) fn fk<T, C, R>(
    table: T,
    column: C,
    to: R,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    R: IntoIden,
{
    let table = table.into_iden();
    let column = column.into_iden();
    ForeignKey::create()
        .name(format!("fk_{}_{}", table.inner(), column.inner()))
        .from(table, column)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// A foreign key `fk_<table>_<column>` to `<target>.id` a migration drops or restores: column,
/// target, ON DELETE action.
pub(crate) type Key = (DynIden, DynIden, ForeignKeyAction);

/// A [`Key`].
pub(crate) fn key(
    column: impl IntoIden,
    target: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> Key {
    (column.into_iden(), target.into_iden(), on_delete)
}

/// The statements creating `keys` of `table`.
pub(crate) fn key_statements(table: &DynIden, keys: &[Key]) -> Vec<ForeignKeyCreateStatement> {
    keys.iter()
        .map(|(column, to, action)| fk(table.clone(), column.clone(), to.clone(), *action))
        .collect()
}

/// Statements applying each key's ON DELETE action to the rows of `table` whose target went away
/// while the key was gone: without them the keys could not come back.
pub(crate) fn orphan_cleanup(table: &DynIden, keys: &[Key]) -> Vec<String> {
    let table = table.to_string();
    keys.iter()
        .map(|(column, to, action)| {
            let (column, to) = (column.to_string(), to.to_string());
            let orphan = format!(
                "{column} IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM {to} WHERE {to}.id = {table}.{column})"
            );
            match action {
                ForeignKeyAction::SetNull => {
                    format!("UPDATE {table} SET {column} = NULL WHERE {orphan}")
                }
                _ => format!("DELETE FROM {table} WHERE {orphan}"),
            }
        })
        .collect()
}

/// Drops `keys` of `table` by name (PostgreSQL; SQLite cannot drop a foreign key).
pub(crate) async fn drop_keys(
    manager: &SchemaManager<'_>,
    table: &DynIden,
    keys: &[Key],
) -> Result<(), DbErr> {
    for fk in key_statements(table, keys) {
        let Some(name) = fk.get_foreign_key().get_name() else {
            continue;
        };
        manager
            .drop_foreign_key(
                ForeignKey::drop()
                    .name(name)
                    .table(table.clone())
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

/// Applies [`orphan_cleanup`], then creates `keys` of `table` again (PostgreSQL).
pub(crate) async fn restore_keys(
    manager: &SchemaManager<'_>,
    table: &DynIden,
    keys: &[Key],
) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    for sql in orphan_cleanup(table, keys) {
        manager.get_connection().execute_unprepared(&sql).await?;
    }
    for fk in key_statements(table, keys) {
        manager.create_foreign_key(fk).await?;
    }
    Ok(())
}

/// Foreign key for a child row that goes away with its parent.
pub(crate) fn fk_cascade<T, C, R>(table: T, column: C, to: R) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    R: IntoIden,
{
    fk(table, column, to, ForeignKeyAction::Cascade)
}

/// Foreign key for an optional reference that is cleared when its target goes away.
pub(crate) fn fk_set_null<T, C, R>(table: T, column: C, to: R) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    R: IntoIden,
{
    fk(table, column, to, ForeignKeyAction::SetNull)
}

/// Named (non-unique) index over `cols` of `table`.
pub(crate) fn index<T, C>(name: &str, table: T, cols: &[C]) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIden + Copy + 'static,
{
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    stmt
}

/// Named unique index over `cols` of `table`.
pub(crate) fn unique_index<T, C>(name: &str, table: T, cols: &[C]) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIden + Copy + 'static,
{
    let mut stmt = index(name, table, cols);
    stmt.unique();
    stmt
}

/// Creates every index of `indexes`, in order.
pub(crate) async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for stmt in indexes {
        manager.create_index(stmt).await?;
    }
    Ok(())
}

/// Drops every index of `indexes` (by name), in reverse order.
pub(crate) async fn drop_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for stmt in indexes.iter().rev() {
        let Some(name) = stmt.get_index_spec().get_name() else {
            continue;
        };
        manager
            .drop_index(Index::drop().name(name).to_owned())
            .await?;
    }
    Ok(())
}

/// Drops `tables`, in the given order (children first).
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: impl IntoIterator<Item = DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).to_owned())
            .await?;
    }
    Ok(())
}

/// Runs each SQL statement of `statements`, in order (backend-specific DDL: triggers, functions,
/// search indexes).
pub(crate) async fn run_all<S: AsRef<str>>(
    manager: &SchemaManager<'_>,
    statements: &[S],
) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    for sql in statements {
        manager
            .get_connection()
            .execute_unprepared(sql.as_ref())
            .await?;
    }
    Ok(())
}

/// PostgreSQL statement-level triggers `tr_<table>_<kind>_{insert,delete,update}` running
/// `function` after each statement, with its rows as `new_rows` / `old_rows`.
pub(crate) fn statement_triggers(table: &str, kind: &str, function: &str) -> Vec<String> {
    [
        ("insert", "INSERT", "NEW TABLE AS new_rows"),
        ("delete", "DELETE", "OLD TABLE AS old_rows"),
        (
            "update",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
    ]
    .iter()
    .map(|(suffix, event, tables)| {
        format!(
            "CREATE TRIGGER tr_{table}_{kind}_{suffix} AFTER {event} ON {table} \
             REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    })
    .collect()
}

/// `DROP TRIGGER` of each `tr_<table>_<kind>_{insert,delete,update}` (PostgreSQL names the
/// table a trigger is on, SQLite does not).
pub(crate) fn drop_triggers(tables: &[&str], kind: &str, postgres: bool) -> Vec<String> {
    let mut sql = Vec::new();
    for table in tables {
        for suffix in ["insert", "delete", "update"] {
            let on = if postgres {
                format!(" ON {table}")
            } else {
                String::new()
            };
            sql.push(format!(
                "DROP TRIGGER IF EXISTS tr_{table}_{kind}_{suffix}{on}"
            ));
        }
    }
    sql
}
