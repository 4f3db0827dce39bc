//! "The column is one of these ids", with the ids as one parameter: the statement's text and
//! its single parameter are the same whatever the number of ids, so it stays prepared, and
//! planning it does not weigh thousands of parameters (issue 13 measured about 9 ms of a
//! 15–19 ms page with 4,656 ids on PostgreSQL; an export reads a million partners' relations
//! 2,000 ids at a time). PostgreSQL reads the parameter as an array, SQLite as a JSON array
//! (`json_each`, a table of the ids).

use sea_orm::sea_query::Expr;
use sea_orm::DbBackend;

/// `column` (quoted SQL, such as `"partners"."id"`) is one of `ids`.
pub fn id_in(column: &str, backend: DbBackend, ids: &[i64]) -> Expr {
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            format!("{column} = ANY(CAST(string_to_array($1, ',') AS BIGINT[]))"),
            [list],
        ),
        _ => Expr::cust_with_values(
            format!("{column} IN (SELECT \"value\" FROM json_each(?))"),
            [format!("[{list}]")],
        ),
    }
}
