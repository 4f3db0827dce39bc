//! Substring search over name, partner id and website: the one place with backend-specific SQL
//! for the list. Both backends check `search_text LIKE '%term%'` (the term matched literally:
//! `%`, `_` and `\` escaped, quotes bound as parameters). PostgreSQL answers that LIKE from the
//! pg_trgm GIN index; SQLite first narrows to the rows its FTS5 trigram table matches (for terms
//! of three characters or more, the trigram minimum), then applies the same LIKE.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
use sea_orm::DbBackend;

use entity::campaign_partner as cp;

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
    let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
    column.like(LikeExpr::new(pattern).escape('\\'))
}

/// The condition "the partner's name, id or website contains `term`"; `None` for a blank term.
pub fn search(backend: DbBackend, term: &str) -> Option<Expr> {
    let needle = term.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let like = contains(Expr::col((cp::Entity, cp::Column::SearchText)), &needle);
    if backend == DbBackend::Sqlite && needle.chars().count() >= 3 {
        let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
        let matching = Query::select()
            .column(Alias::new("rowid"))
            .from(Alias::new("campaign_partner_search"))
            .and_where(Expr::cust_with_values(
                "campaign_partner_search MATCH ?",
                [phrase],
            ))
            .to_owned();
        return Some(
            Expr::col((cp::Entity, cp::Column::Id))
                .in_subquery(matching)
                .and(like),
        );
    }
    Some(like)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_off\now"), r"50\%\_off\\now");
    }
}
