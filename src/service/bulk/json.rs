//! SQL building a partner's state as JSON text. A database renders the same state as the same
//! text (so a state read before an action compares equal to the same state read after it);
//! the two databases differ only in spacing. Only ids, numbers, timestamps and names of enum
//! values go in: none needs escaping.

use sea_orm::DbBackend;

/// `{"key": value, ...}` of JSON-text SQL expressions.
pub fn object(fields: &[(&str, String)]) -> String {
    let mut sql = String::from("'{'");
    for (i, (key, value)) in fields.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        sql.push_str(&format!(" || '{comma}\"{key}\":' || {value}"));
    }
    sql.push_str(" || '}'");
    sql
}

/// An integer expression as JSON (`null` when null).
pub fn int(expr: &str) -> String {
    format!("COALESCE(CAST(({expr}) AS TEXT), 'null')")
}

/// A floating-point expression as JSON (`null` when null), exact: two different numbers never
/// read as the same text. PostgreSQL's text of a `double precision` is the shortest that reads
/// back as the same number; SQLite's keeps 15 significant digits (1 and 1.0000000000000002 both
/// read `1.0`), so there a number those digits do not give back is written with 17 (`%!.17g`:
/// SQLite's `printf` stops at 16 digits without the `!`).
pub fn number(backend: DbBackend, expr: &str) -> String {
    match backend {
        DbBackend::Postgres => int(expr),
        _ => format!(
            "CASE WHEN ({expr}) IS NULL THEN 'null' \
             WHEN CAST(CAST(({expr}) AS TEXT) AS REAL) = ({expr}) THEN CAST(({expr}) AS TEXT) \
             ELSE printf('%!.17g', ({expr})) END"
        ),
    }
}

/// A text expression holding an enum name (or a date in ISO form) as a JSON string.
pub fn plain_text(expr: &str) -> String {
    format!("COALESCE('\"' || ({expr}) || '\"', 'null')")
}

/// A timestamp expression as a JSON string in RFC 3339 at UTC to the second
/// (`"2027-01-31T23:59:59Z"`, as an activity entry's `input` writes instants), `null` when null. Its text cast would
/// differ between the databases (`2027-01-31 23:59:59+00` on PostgreSQL, in the session's time
/// zone; `2027-01-31T23:59:59+00:00` on SQLite).
pub fn instant(backend: DbBackend, expr: &str) -> String {
    let text = match backend {
        DbBackend::Postgres => {
            format!("to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
        }
        _ => format!("strftime('%Y-%m-%dT%H:%M:%SZ', ({expr}))"),
    };
    plain_text(&text)
}

/// SQL of a date expression as `YYYY-MM-DD` text on both databases (PostgreSQL's text of a date
/// follows the session's `DateStyle`; SQLite stores dates as that text).
pub fn day(backend: DbBackend, expr: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char(({expr}), 'YYYY-MM-DD')"),
        _ => format!("CAST(({expr}) AS TEXT)"),
    }
}

/// SQL of the JSON text of member `key` of the JSON object text `object` (SQL), written without
/// spaces, whose next member is `next` (`None`: `key` is the last): the text between the two,
/// exactly as written, found without parsing (a state's values, ids, numbers, instants and enum
/// names, hold neither a quote-comma nor a brace). How an action that knows a partner's state
/// after it takes the parts it leaves unchanged from the snapshot; parsing the snapshot as JSON
/// for each part took longer than reading the state again.
pub fn member(backend: DbBackend, object: &str, key: &str, next: Option<&str>) -> String {
    let marker = format!("\"{key}\":");
    if backend == DbBackend::Postgres {
        let rest = format!("split_part(({object}), '{marker}', 2)");
        return match next {
            Some(next) => before(backend, &rest, &format!(",\"{next}\":")),
            None => format!("rtrim({rest}, '}}')"),
        };
    }
    let find = |text: &str| format!("instr(({object}), '{text}')");
    let from = format!("{} + {}", find(&marker), marker.len());
    let to = match next {
        Some(next) => find(&format!(",\"{next}\":")),
        None => format!("length(({object}))"),
    };
    format!("substr(({object}), {from}, {to} - ({from}))")
}

/// SQL of the text `text` (SQL) up to where the text `needle` (no single quote) first occurs in
/// it. On PostgreSQL `split_part`, one pass over the text: `strpos` and `substr` count
/// characters from its start, and a scheduled switch's state after, taken apart that way, cost
/// four times as long (0.6 s instead of 0.16 s for 100,000 partners, `psql`). The databases
/// differ only where `needle` does not occur (PostgreSQL gives the whole text, SQLite none),
/// which no state's member name does.
pub fn before(backend: DbBackend, text: &str, needle: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("split_part(({text}), '{needle}', 1)"),
        _ => format!("substr(({text}), 1, instr(({text}), '{needle}') - 1)"),
    }
}

/// A sorted JSON array of the integers `column` of `from_where` (`FROM ... WHERE ...`).
pub fn int_array(backend: DbBackend, column: &str, from_where: &str) -> String {
    match backend {
        DbBackend::Postgres => format!(
            "(SELECT COALESCE(json_agg({column} ORDER BY {column})::text, '[]') {from_where})"
        ),
        // The aggregate keeps the subquery's order.
        _ => format!(
            "(SELECT json_group_array(v) FROM (SELECT {column} AS v {from_where} ORDER BY {column}))"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_concatenates_its_fields() {
        assert_eq!(
            object(&[("a", int("x")), ("b", plain_text("y"))]),
            r#"'{' || '"a":' || COALESCE(CAST((x) AS TEXT), 'null') || ',"b":' || COALESCE('"' || (y) || '"', 'null') || '}'"#
        );
    }
}
