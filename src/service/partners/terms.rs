//! Conditions joined as balanced trees, for the SQL of filters (see [`Terms`]).

use sea_orm::sea_query::Condition;

/// The conditions of one AND or OR, joined as a balanced tree: `(a AND b) AND (c AND d)`
/// rather than the chain `a AND b AND c AND d`, which the SQL builder and SQLite's parser both
/// hold as a tree as deep as the chain is long (SQLite refuses expressions deeper than 1,000;
/// rendering a chain of 14,000 overflowed the stack). Both planners flatten nested ANDs and
/// ORs again, so the plans are the same.
#[derive(Default)]
pub(super) struct Terms(Vec<Condition>);

impl Terms {
    pub(super) fn push<C: Into<Condition>>(&mut self, c: C) {
        self.0.push(c.into());
    }

    /// Every term holds (`TRUE` when there are none).
    pub(super) fn all(self) -> Condition {
        balanced(self.0, Condition::all)
    }

    /// Some term holds (`FALSE` when there are none).
    pub(super) fn any(self) -> Condition {
        balanced(self.0, Condition::any)
    }
}

fn balanced(mut parts: Vec<Condition>, join: fn() -> Condition) -> Condition {
    match parts.len() {
        0 => join(),
        1 => parts.pop().unwrap_or_else(join),
        n => {
            let right = parts.split_off(n / 2);
            join().add(balanced(parts, join)).add(balanced(right, join))
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{Expr, ExprTrait, Query, SqliteQueryBuilder};

    use super::*;

    fn sql_of(n: i32) -> String {
        let mut terms = Terms::default();
        for i in 0..n {
            terms.push(Expr::col(entity::campaign_partner::Column::SocialReach).eq(i));
        }
        Query::select()
            .expr(Expr::val(1))
            .from(entity::campaign_partner::Entity)
            .cond_where(terms.any())
            .to_string(SqliteQueryBuilder)
    }

    fn nesting(sql: &str) -> usize {
        let (mut depth, mut most) = (0usize, 0usize);
        for c in sql.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            most = most.max(depth);
        }
        most
    }

    #[test]
    fn a_thousand_terms_nest_ten_deep_and_keep_their_meaning() {
        let sql = sql_of(1_000);
        assert!(nesting(&sql) <= 10, "{}", nesting(&sql));
        assert_eq!(sql.matches(" OR ").count(), 999);
        assert!(
            sql_of(1).ends_with(r#"WHERE "social_reach" = 0"#),
            "{}",
            sql_of(1)
        );
    }
}
