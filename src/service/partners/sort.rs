//! Sorting the partner list and keyset cursors over the sort key. A cursor encodes the order it
//! was issued for, the row's sort values and its partner id (the final tie-breaker), so a page
//! continues exactly after (or before) its row with a plain indexed range condition — never
//! OFFSET. Missing values sort as the smallest on both backends (ASC NULLS FIRST, DESC NULLS LAST).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, SelectStatement};
use sea_orm::Value;
use serde_json::{json, Value as Json};

use super::keyset::{after, equal, order_by, row_value_beyond};
pub use super::keyset::{KEY, TIE};
pub use super::sort_keys::{keys_from_json, keys_to_json};
use super::sort_values::{row_value, sql_value};
use super::PartnerRecord;
use crate::domain::{OrderDirection, PartnerOrderField};
use crate::error::{AppError, AppResult};

use entity::campaign_partner as cp;

/// One sort key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    /// What to sort by.
    pub field: PartnerOrderField,
    /// Which way.
    pub direction: OrderDirection,
}

/// A whole order: the client's keys, then the partner id as tie-breaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortOrder {
    keys: Vec<SortKey>,
    tie_break: OrderDirection,
}

/// Where a page starts or ends: the sort values of a row and its partner id.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    values: Vec<Json>,
    partner_id: i64,
}

/// Each relationship row's stage, in a narrow table of its own (migration 000022): an order
/// that starts with the stage walks its index `(campaign_id, relationship_stage, partner_id)`.
/// `campaign_partners` has no index on the stage, so a bulk action changing it rewrites the
/// row without touching that table's indexes (PostgreSQL's HOT update).
const STAGES: &str = "campaign_partner_stages";

fn column(field: PartnerOrderField) -> cp::Column {
    match field {
        PartnerOrderField::Name => cp::Column::PartnerName,
        PartnerOrderField::PartnerId => cp::Column::PartnerId,
        PartnerOrderField::DateJoined => cp::Column::DateJoined,
        PartnerOrderField::Country => cp::Column::Country,
        PartnerOrderField::Size => cp::Column::SizeRank,
        PartnerOrderField::SocialReach => cp::Column::SocialReach,
        PartnerOrderField::MozDomainAuthority => cp::Column::MozDomainAuthority,
        PartnerOrderField::MarketplaceApplicationDate => cp::Column::MarketplaceAppliedAt,
        PartnerOrderField::RelationshipStage => cp::Column::RelationshipStage,
    }
}

/// Whether the column can be missing.
fn nullable(field: PartnerOrderField) -> bool {
    matches!(
        field,
        PartnerOrderField::DateJoined
            | PartnerOrderField::Country
            | PartnerOrderField::Size
            | PartnerOrderField::MozDomainAuthority
            | PartnerOrderField::MarketplaceApplicationDate
    )
}

impl Cursor {
    /// The row's sort values, one per key (dates as RFC 3339, a missing value as null).
    pub fn values(&self) -> &[Json] {
        &self.values
    }

    /// The row's partner id.
    pub fn partner_id(&self) -> i64 {
        self.partner_id
    }
}

fn flip(direction: OrderDirection) -> OrderDirection {
    match direction {
        OrderDirection::Asc => OrderDirection::Desc,
        OrderDirection::Desc => OrderDirection::Asc,
    }
}

impl SortOrder {
    /// The order for the client's keys (partner id ascending when none are given). A key after
    /// `PARTNER_ID` could never matter, so the keys stop there.
    pub fn new(keys: &[SortKey]) -> AppResult<Self> {
        let mut out: Vec<SortKey> = Vec::new();
        for key in keys {
            if out.iter().any(|k| k.field == key.field) {
                return Err(AppError::Validation(format!(
                    "`orderBy` names {} twice",
                    key.field
                )));
            }
            if key.field == PartnerOrderField::PartnerId {
                return Ok(SortOrder {
                    keys: out,
                    tie_break: key.direction,
                });
            }
            out.push(*key);
        }
        let tie_break = out.last().map_or(OrderDirection::Asc, |k| k.direction);
        Ok(SortOrder {
            keys: out,
            tie_break,
        })
    }

    /// The client's keys (the partner id, the final tie-breaker, not among them).
    pub fn keys(&self) -> &[SortKey] {
        &self.keys
    }

    /// The direction of the final tie-breaker, the partner id.
    pub fn tie_break(&self) -> OrderDirection {
        self.tie_break
    }

    fn signature(&self) -> String {
        let mut parts: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("{}:{}", k.field, k.direction))
            .collect();
        parts.push(format!("PARTNER_ID:{}", self.tie_break));
        parts.join(",")
    }

    /// The cursor of a row in this order.
    pub fn cursor_of(&self, record: &PartnerRecord) -> String {
        let values: Vec<Json> = self
            .keys
            .iter()
            .map(|k| row_value(k.field, &record.relationship))
            .collect();
        let doc =
            json!({ "o": self.signature(), "v": values, "p": record.relationship.partner_id });
        URL_SAFE_NO_PAD.encode(doc.to_string())
    }

    /// Reads a cursor issued for this order; anything else is a `VALIDATION` error.
    pub fn decode(&self, text: &str) -> AppResult<Cursor> {
        let malformed = || crate::service::paging::malformed_cursor(text);
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| malformed())?;
        let doc: Json = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
        if doc["o"].as_str() != Some(self.signature().as_str()) {
            return Err(AppError::Validation(
                "the cursor was issued for a different `orderBy`: start again without `after`/`before`".into(),
            ));
        }
        let values = doc["v"].as_array().cloned().ok_or_else(malformed)?;
        let partner_id = doc["p"].as_i64().ok_or_else(malformed)?;
        if values.len() != self.keys.len() {
            return Err(malformed());
        }
        for (key, value) in self.keys.iter().zip(&values) {
            sql_value(key.field, value).map_err(|_| malformed())?;
        }
        Ok(Cursor { values, partner_id })
    }

    /// Whether the order starts with the relationship stage, read from its own table.
    fn by_stage(&self) -> bool {
        self.keys
            .first()
            .is_some_and(|k| k.field == PartnerOrderField::RelationshipStage)
    }

    /// Joins the stage table to a query over `campaign_partners` when the order reads it
    /// (its campaign given outright, so SQLite too walks its index from the campaign's range).
    pub fn join_to(&self, q: &mut SelectStatement, campaign_id: i64) {
        if self.by_stage() {
            let stages = Alias::new(STAGES);
            q.inner_join(
                stages.clone(),
                Condition::all()
                    .add(
                        Expr::col((stages.clone(), Alias::new("id")))
                            .equals((cp::Entity, cp::Column::Id)),
                    )
                    .add(Expr::col((stages, Alias::new("campaign_id"))).eq(campaign_id)),
            );
        }
    }

    /// A key's column: the stage table's when the order walks it (`walk`), else the row's own.
    fn key_expr(&self, field: PartnerOrderField, walk: bool) -> Expr {
        if walk && field == PartnerOrderField::RelationshipStage && self.by_stage() {
            Expr::col((Alias::new(STAGES), Alias::new("relationship_stage")))
        } else {
            Expr::col((cp::Entity, column(field)))
        }
    }

    /// The partner id as the order reads it (from the index it walks).
    pub fn tie_column(&self) -> Expr {
        self.tie_expr(true)
    }

    fn tie_expr(&self, walk: bool) -> Expr {
        if walk && self.by_stage() {
            Expr::col((Alias::new(STAGES), Alias::new("partner_id")))
        } else {
            Expr::col((cp::Entity, cp::Column::PartnerId))
        }
    }

    fn columns(&self, reversed: bool) -> Vec<(Expr, OrderDirection, bool)> {
        self.columns_of(reversed, true)
    }

    fn columns_of(&self, reversed: bool, walk: bool) -> Vec<(Expr, OrderDirection, bool)> {
        let dir = |d| if reversed { flip(d) } else { d };
        let mut cols: Vec<(Expr, OrderDirection, bool)> = self
            .keys
            .iter()
            .map(|k| {
                (
                    self.key_expr(k.field, walk),
                    dir(k.direction),
                    nullable(k.field),
                )
            })
            .collect();
        cols.push((self.tie_expr(walk), dir(self.tie_break), false));
        cols
    }

    /// Adds ORDER BY (reversed for reading a page backwards). Every key carries its NULLS
    /// clause, the NOT NULL ones too: the list indexes hold each key `NULLS FIRST`, and
    /// PostgreSQL reads an index in order only for an ORDER BY that says the same (`ASC` alone
    /// means `NULLS LAST` there, and it sorted the whole campaign instead).
    pub fn apply(&self, q: &mut SelectStatement, reversed: bool) {
        self.order(q, self.columns(reversed));
    }

    /// ORDER BY over the rows' own columns, for putting a page's rows (fetched by id) in order:
    /// a stage order's rows are not walked from the stage table again.
    pub fn apply_to_rows(&self, q: &mut SelectStatement, reversed: bool) {
        self.order(q, self.columns_of(reversed, false));
    }

    fn order(&self, q: &mut SelectStatement, columns: Vec<(Expr, OrderDirection, bool)>) {
        let keys = self.keys.len();
        for (i, (expr, direction, _)) in columns.into_iter().enumerate() {
            // The tie-breaker, the partner id, sits in the indexes in the default order.
            order_by(q, expr, direction, i < keys);
        }
    }

    /// ORDER BY over the sort values selected as [`KEY`] and [`TIE`] (a query over pages of
    /// [`SortOrder::segments`]); only for an order of one key.
    pub fn apply_to_selected(&self, q: &mut SelectStatement, reversed: bool) {
        let dir = |d| if reversed { flip(d) } else { d };
        if let Some(key) = self.keys.first() {
            order_by(q, Expr::col(Alias::new(KEY)), dir(key.direction), true);
        }
        order_by(q, Expr::col(Alias::new(TIE)), dir(self.tie_break), false);
    }

    /// The sort key's column, for selecting it as [`KEY`] (an order of one key).
    pub fn key_column(&self) -> Option<Expr> {
        self.keys.first().map(|k| self.key_expr(k.field, true))
    }

    /// "Strictly after `cursor`" (or, reversed, strictly before) as index ranges read one after
    /// the other, in order. One range, except when one key that can be missing meets the missing
    /// values: ascending from a missing value (the rest of the missing ones, then every present
    /// one) and descending from a present value (the smaller present ones, then the missing
    /// ones). As one condition with `OR`, those made both databases walk the index from its
    /// start and filter (1.6 s for a deep page at a million partners).
    pub fn segments(&self, cursor: &Cursor, reversed: bool) -> Vec<Condition> {
        let columns = self.columns(reversed);
        if self.keys.len() == 1 && columns[0].2 && columns[0].1 == columns[1].1 {
            let key = columns[0].0.clone();
            let value = sql_value(self.keys[0].field, &cursor.values[0])
                .ok()
                .flatten();
            let id = self.tie_column();
            match (columns[0].1, value) {
                (OrderDirection::Asc, None) => {
                    return vec![
                        Condition::all()
                            .add(key.clone().is_null())
                            .add(id.gt(cursor.partner_id)),
                        Condition::all().add(key.is_not_null()),
                    ];
                }
                (OrderDirection::Desc, Some(v)) => {
                    return vec![
                        Condition::all().add(
                            Expr::tuple([key.clone(), id])
                                .lt(Expr::tuple([Expr::val(v), Expr::val(cursor.partner_id)])),
                        ),
                        Condition::all().add(key.is_null()),
                    ];
                }
                _ => {}
            }
        }
        vec![self.beyond(cursor, reversed)]
    }

    /// The condition "strictly after `cursor`" in this order (or, reversed, strictly before).
    pub fn beyond(&self, cursor: &Cursor, reversed: bool) -> Condition {
        let mut values: Vec<Option<Value>> = self
            .keys
            .iter()
            .zip(&cursor.values)
            .map(|(k, v)| sql_value(k.field, v).ok().flatten())
            .collect();
        values.push(Some(cursor.partner_id.into()));
        let columns = self.columns(reversed);
        if let Some(fast) = row_value_beyond(&columns, &values) {
            return Condition::all().add(fast);
        }
        let mut any = Condition::any();
        for i in 0..columns.len() {
            let mut all = Condition::all();
            for (column, value) in columns.iter().zip(&values).take(i) {
                all = all.add(equal(column.0.clone(), value.clone()));
            }
            if let Some(step) = after(
                columns[i].0.clone(),
                columns[i].1,
                columns[i].2,
                values[i].clone(),
            ) {
                any = any.add(all.add(step));
            }
        }
        any
    }
}

#[cfg(test)]
#[path = "sort_tests.rs"]
mod tests;
