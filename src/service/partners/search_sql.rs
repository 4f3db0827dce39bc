//! Substring search over name, partner id and website: the one place with backend-specific SQL
//! for the list. Both backends check `search_text LIKE '%term%'` (the term matched literally:
//! `%`, `_` and `\` escaped, quotes bound as parameters). PostgreSQL answers that LIKE from the
//! pg_trgm GIN index; SQLite first narrows to the rows its FTS5 trigram table matches (for terms
//! of three characters or more, the trigram minimum), then applies the same LIKE.
//!
//! On SQLite the plan of a page also depends on how common the term is. A rare term is best
//! answered from its few matches, sorted; a common one (18,000 matches of "coupon" at a million
//! partners) is best answered by walking the sort index and testing each row against the
//! matches, stopping after one page (31 ms down to 5 ms). [`page_in_sort_order`] tells which,
//! and the page query then writes the test as `+id IN (...)`: the unary `+` keeps SQLite from
//! driving the query from the matches.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::domain::text::fold_case;
use crate::error::AppResult;

use entity::campaign_partner as cp;

/// From this many matches on, a page of a search walks the sort order (SQLite). At a million
/// partners the two plans cost the same at about 1,650 matches.
const WALK_FROM_MATCHES: i64 = 2_000;

/// Escapes LIKE wildcards so the text matches literally (escape character `\`).
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A case-insensitive, literal `LIKE '%text%'` over `column`.
pub fn contains(column: Expr, text: &str) -> Expr {
    let pattern = format!("%{}%", escape_like(&fold_case(text)));
    column.like(LikeExpr::new(pattern).escape('\\'))
}

/// The search needle of `term`: trimmed and lower-cased; `None` when blank.
fn needle(term: &str) -> Option<String> {
    let needle = fold_case(term.trim());
    (!needle.is_empty()).then_some(needle)
}

/// The FTS5 query matching `needle` as one literal phrase, when SQLite's trigram table can
/// narrow it (three characters or more).
fn fts_phrase(backend: DbBackend, needle: &str) -> Option<String> {
    (backend == DbBackend::Sqlite && needle.chars().count() >= 3)
        .then(|| format!("\"{}\"", needle.replace('"', "\"\"")))
}

/// Whether a page of partners matching `term` should walk the sort order rather than sort the
/// matches: only on SQLite, for a term with at least [`WALK_FROM_MATCHES`] matches. Costs one
/// probe of at most that many FTS rows (about 1 ms); none on PostgreSQL.
pub async fn page_in_sort_order(db: &impl ConnectionTrait, term: &str) -> AppResult<bool> {
    let backend = db.get_database_backend();
    let Some(phrase) = needle(term).and_then(|n| fts_phrase(backend, &n)) else {
        return Ok(false);
    };
    let probe = Statement::from_sql_and_values(
        backend,
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM campaign_partner_search \
         WHERE campaign_partner_search MATCH ? LIMIT ?)",
        [phrase.into(), WALK_FROM_MATCHES.into()],
    );
    let matches = match db.query_one_raw(probe).await? {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    };
    Ok(matches >= WALK_FROM_MATCHES)
}

/// The condition "the partner's name, id or website contains `term`"; `None` for a blank term.
/// `in_sort_order` (from [`page_in_sort_order`]) shapes the SQLite page query for a common term.
pub fn search(backend: DbBackend, term: &str, in_sort_order: bool) -> Option<Expr> {
    let needle = needle(term)?;
    let like = contains(Expr::col((cp::Entity, cp::Column::SearchText)), &needle);
    let Some(phrase) = fts_phrase(backend, &needle) else {
        return Some(like);
    };
    let matching = Query::select()
        .column(Alias::new("rowid"))
        .from(Alias::new("campaign_partner_search"))
        .and_where(Expr::cust_with_values(
            "campaign_partner_search MATCH ?",
            [phrase],
        ))
        .to_owned();
    let id = Expr::col((cp::Entity, cp::Column::Id));
    let id = if in_sort_order {
        // SQLite only (the FTS table is), whose placeholder for the expression is `?`.
        Expr::cust_with_expr("+?", id)
    } else {
        id
    };
    Some(id.in_subquery(matching).and(like))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_off\now"), r"50\%\_off\\now");
    }

    fn sqlite_where(term: &str, in_sort_order: bool) -> String {
        let expr = search(DbBackend::Sqlite, term, in_sort_order).expect("a term");
        Query::select()
            .expr(Expr::val(1))
            .from(cp::Entity)
            .and_where(expr)
            .to_string(sea_orm::sea_query::SqliteQueryBuilder)
    }

    #[test]
    fn a_page_in_sort_order_hides_the_id_from_the_planner() {
        let walk = sqlite_where("coupon", true);
        assert!(
            walk.contains(
                r#"(+"campaign_partners"."id") IN (SELECT "rowid" FROM "campaign_partner_search""#
            ),
            "{walk}"
        );
        let sorted = sqlite_where("coupon", false);
        assert!(
            sorted.contains(r#"WHERE "campaign_partners"."id" IN (SELECT "rowid""#),
            "{sorted}"
        );
        // Too short for the trigram table: the LIKE alone, either way.
        assert!(!sqlite_where("co", true).contains("campaign_partner_search"));
    }
}
