//! PostgreSQL bulk loading: rows encoded in `COPY ... FROM STDIN` text format (on the generator
//! thread) and streamed over one connection in one transaction. Several times faster than
//! multi-row `INSERT`s, whose parameter binding and planning dominate on PostgreSQL.

use std::fmt::Write as _;

use sea_orm::sqlx::{self, Postgres};
use sea_orm::{DatabaseConnection, Value};

use crate::error::{AppError, AppResult};

/// One table's rows as `COPY` text, with the statement that loads them.
pub(crate) struct CopyData {
    /// `COPY table (columns) FROM STDIN`.
    pub statement: String,
    /// Tab-separated rows, one per line.
    pub data: Vec<u8>,
}

/// Appends `text` with the escapes of the `COPY` text format.
fn push_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(ch),
        }
    }
}

/// Appends one value in `COPY` text format (`\N` for NULL).
fn push_value(out: &mut String, value: &Value) -> AppResult<()> {
    let result = match value {
        Value::Bool(Some(b)) => {
            out.push(if *b { 't' } else { 'f' });
            Ok(())
        }
        Value::SmallInt(Some(n)) => write!(out, "{n}"),
        Value::Int(Some(n)) => write!(out, "{n}"),
        Value::BigInt(Some(n)) => write!(out, "{n}"),
        Value::Double(Some(x)) => write!(out, "{x}"),
        Value::String(Some(s)) => {
            push_escaped(out, s);
            Ok(())
        }
        Value::ChronoDateTimeUtc(Some(t)) => write!(out, "{}", t.format("%Y-%m-%d %H:%M:%S%.f+00")),
        Value::ChronoDate(Some(d)) => write!(out, "{}", d.format("%Y-%m-%d")),
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::Double(None)
        | Value::String(None)
        | Value::ChronoDateTimeUtc(None)
        | Value::ChronoDate(None) => {
            out.push_str("\\N");
            Ok(())
        }
        other => {
            return Err(AppError::internal(format!(
                "no COPY encoding for {other:?}"
            )))
        }
    };
    result.map_err(AppError::internal)
}

/// Encodes flattened rows (`columns.len()` values each) for `COPY`.
pub(crate) fn encode(table: &str, columns: &[&str], values: &[Value]) -> AppResult<CopyData> {
    let mut text = String::with_capacity(values.len() * 12);
    for row in values.chunks(columns.len().max(1)) {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                text.push('\t');
            }
            push_value(&mut text, value)?;
        }
        text.push('\n');
    }
    Ok(CopyData {
        statement: format!("COPY {table} ({}) FROM STDIN", columns.join(", ")),
        data: text.into_bytes(),
    })
}

fn db_error(err: sqlx::Error) -> AppError {
    AppError::internal(format!("bulk load failed: {err}"))
}

/// Whether the connection's role may skip triggers (`session_replication_role`): then the
/// foreign-key checks, which the generator satisfies by construction, are skipped while loading.
pub(crate) async fn may_skip_triggers(db: &DatabaseConnection) -> bool {
    let pool = db.get_postgres_connection_pool();
    sqlx::query_scalar::<Postgres, String>("SELECT current_setting('is_superuser')")
        .fetch_one(pool)
        .await
        .map(|s| s == "on")
        .unwrap_or(false)
}

/// Loads every table's rows in one transaction.
pub(crate) async fn load(
    db: &DatabaseConnection,
    tables: Vec<CopyData>,
    skip_triggers: bool,
) -> AppResult<()> {
    let pool = db.get_postgres_connection_pool();
    let mut txn = pool.begin().await.map_err(db_error)?;
    if skip_triggers {
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *txn)
            .await
            .map_err(db_error)?;
    }
    let mut relationships = false;
    for table in tables {
        relationships |= table.statement.starts_with("COPY campaign_partners ");
        let mut copy = txn.copy_in_raw(&table.statement).await.map_err(db_error)?;
        let sent = copy.send(table.data).await.map(|_| ());
        if let Err(err) = sent {
            let _ = copy.abort("send failed").await;
            return Err(db_error(err));
        }
        copy.finish().await.map_err(db_error)?;
    }
    if skip_triggers && relationships {
        // What the skipped triggers of migration 000022 would have copied: the new rows'
        // stages (the generator's ids only grow).
        sqlx::query(
            "INSERT INTO campaign_partner_stages (id, campaign_id, partner_id, relationship_stage) \
             SELECT id, campaign_id, partner_id, relationship_stage FROM campaign_partners \
             WHERE id > (SELECT COALESCE(MAX(id), 0) FROM campaign_partner_stages)",
        )
        .execute(&mut *txn)
        .await
        .map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn values_are_escaped_for_copy() {
        let at = Utc
            .with_ymd_and_hms(2024, 5, 6, 7, 8, 9)
            .single()
            .unwrap_or_default();
        let values = [
            Value::from(1i64),
            Value::from("a\tb\\c\nd"),
            Value::String(None),
            Value::from(true),
            Value::from(at),
            Value::from(2.5f64),
        ];
        let copy = encode("t", &["a", "b", "c", "d", "e", "f"], &values).expect("encodable");
        assert_eq!(copy.statement, "COPY t (a, b, c, d, e, f) FROM STDIN");
        assert_eq!(
            String::from_utf8_lossy(&copy.data),
            "1\ta\\tb\\\\c\\nd\t\\N\tt\t2024-05-06 07:08:09+00\t2.5\n"
        );
    }
}
