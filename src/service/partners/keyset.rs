//! The SQL pieces of keyset paging over a sort order: ORDER BY with the indexes' null
//! placement, and "strictly after a cursor" conditions both planners answer with index ranges.

use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, Order, SelectStatement, SimpleExpr};
use sea_orm::Value;

use crate::domain::OrderDirection;

/// The sort key's value, as a page query over [`SortOrder::segments`] selects it.
pub const KEY: &str = "sort_key";
/// The partner id, as a page query over [`SortOrder::segments`] selects it.
pub const TIE: &str = "sort_tie";

pub(super) fn order_by(
    q: &mut SelectStatement,
    expr: Expr,
    direction: OrderDirection,
    nulls: bool,
) {
    let (order, null_order) = match direction {
        OrderDirection::Asc => (Order::Asc, NullOrdering::First),
        OrderDirection::Desc => (Order::Desc, NullOrdering::Last),
    };
    if nulls {
        q.order_by_expr_with_nulls(expr, order, null_order);
    } else {
        q.order_by_expr(expr, order);
    }
}

/// `(key, partner_id) > (v, id)` (or `<`) for one key plus the tie-breaker in the same
/// direction with a present value: a form both planners answer with one index range.
pub(super) fn row_value_beyond(
    columns: &[(Expr, OrderDirection, bool)],
    values: &[Option<Value>],
) -> Option<SimpleExpr> {
    if columns.len() > 2 || columns.iter().any(|c| c.1 != columns[0].1) {
        return None;
    }
    let present: Vec<Value> = values.iter().cloned().collect::<Option<Vec<Value>>>()?;
    let exprs: Vec<Expr> = columns.iter().map(|c| c.0.clone()).collect();
    let (left, right) = if exprs.len() == 1 {
        (exprs[0].clone(), Expr::val(present[0].clone()))
    } else {
        (
            Expr::tuple(exprs),
            Expr::tuple(present.into_iter().map(Expr::val)),
        )
    };
    Some(match columns[0].1 {
        OrderDirection::Asc => left.gt(right),
        // Missing values sort last descending: they all lie beyond a present value.
        OrderDirection::Desc if columns[0].2 => left.lt(right).or(columns[0].0.clone().is_null()),
        OrderDirection::Desc => left.lt(right),
    })
}

pub(super) fn equal(expr: Expr, value: Option<Value>) -> SimpleExpr {
    match value {
        Some(v) => expr.eq(v),
        None => expr.is_null(),
    }
}

/// "Strictly after `value`" in one direction, with missing values the smallest; `None` when
/// nothing can be (descending past a missing value).
pub(super) fn after(
    expr: Expr,
    direction: OrderDirection,
    nullable: bool,
    value: Option<Value>,
) -> Option<SimpleExpr> {
    match (direction, value) {
        (OrderDirection::Asc, Some(v)) => Some(expr.gt(v)),
        (OrderDirection::Asc, None) => Some(expr.is_not_null()),
        (OrderDirection::Desc, Some(v)) if nullable => Some(expr.clone().lt(v).or(expr.is_null())),
        (OrderDirection::Desc, Some(v)) => Some(expr.lt(v)),
        (OrderDirection::Desc, None) => None,
    }
}
