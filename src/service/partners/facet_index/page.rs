//! Picking a page's rows in the index: under a filter the index answers, in partner id order
//! or date-joined order (the list's default and the screen's usual one), the index sorts its
//! matches by the values it holds and hands the page query only the page's rows (plus the
//! probe row) instead of every match. The page query still applies the filter's scope, the
//! cursor, the order and the limit to them, so it returns exactly the page it would have read
//! from all the matches: request 1 of the list bench went from fetching its 4,063 matches by
//! primary key (and on PostgreSQL, walking the date index past 10,000 rows) to fetching 51.

use std::cmp::Ordering;

use super::bitset::Bitset;
use super::build::{sort_date, CampaignIndex};
use crate::domain::{OrderDirection, PartnerOrderField};
use crate::error::AppResult;
use crate::service::paging::PageRequest;
use crate::service::partners::sort::SortOrder;

/// The most matches the index sorts itself (a partial sort of that many pairs is a few
/// milliseconds); past that a page is read by the filter, which walks the sort index in order.
pub const MOST: i64 = 250_000;

/// A position's place in the order: its sort value (0 for partner id order) and partner id.
type Place = (i64, i64);

fn directed(ordering: Ordering, direction: OrderDirection) -> Ordering {
    match direction {
        OrderDirection::Asc => ordering,
        OrderDirection::Desc => ordering.reverse(),
    }
}

/// The page's relationship rows among `matched`: the first `limit + 1` in the order, after
/// (or before) the request's cursor; `None` when the order is not one the index holds the
/// values of, or the request has both cursors.
/// `micros`: the database keeps dates to the microsecond (PostgreSQL), so a cursor's date is
/// compared as it binds there, cut to the microsecond (only a forged cursor carries finer ones).
pub fn pick(
    ix: &CampaignIndex,
    matched: &Bitset,
    order: &SortOrder,
    request: &PageRequest,
    micros: bool,
) -> AppResult<Option<Vec<i64>>> {
    let key = match order.keys() {
        [] => None,
        [k] if k.field == PartnerOrderField::DateJoined => Some(k.direction),
        _ => return Ok(None),
    };
    let tie = order.tie_break();
    let forward = |a: &Place, b: &Place| {
        let by_key = key.map_or(Ordering::Equal, |d| directed(a.0.cmp(&b.0), d));
        by_key.then_with(|| directed(a.1.cmp(&b.1), tie))
    };
    let place_of = |text: &str| -> AppResult<Option<Place>> {
        let cursor = order.decode(text)?;
        let value = match (key, cursor.values().first()) {
            (None, _) => 0,
            (Some(_), Some(serde_json::Value::Null)) => sort_date(None),
            (Some(_), Some(v)) => {
                let Some(date) = v
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                else {
                    return Ok(None);
                };
                let nanos = sort_date(Some(date.with_timezone(&chrono::Utc)));
                if micros {
                    nanos - nanos.rem_euclid(1_000)
                } else {
                    nanos
                }
            }
            (Some(_), None) => return Ok(None),
        };
        Ok(Some((value, cursor.partner_id())))
    };
    // The rows beyond the cursor: after it in the order, or before it.
    let beyond = match (&request.after, &request.before) {
        (Some(_), Some(_)) => return Ok(None),
        (Some(text), None) => match place_of(text)? {
            Some(place) => Some((place, Ordering::Greater)),
            None => return Ok(None),
        },
        (None, Some(text)) => match place_of(text)? {
            Some(place) => Some((place, Ordering::Less)),
            None => return Ok(None),
        },
        (None, None) => None,
    };
    let place = |p: u32| -> Place {
        let at = p as usize;
        (key.map_or(0, |_| ix.date_joined[at]), ix.partners[at])
    };
    let mut places: Vec<(Place, u32)> = matched
        .iter()
        .map(|p| (place(p), p))
        .filter(|(place, _)| beyond.is_none_or(|(cursor, side)| forward(place, &cursor) == side))
        .collect();
    let wanted = usize::try_from(request.limit)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    // Read backwards (`last`), the page is the last rows in the order.
    let first_in_page = |a: &(Place, u32), b: &(Place, u32)| {
        if request.backward {
            forward(&b.0, &a.0)
        } else {
            forward(&a.0, &b.0)
        }
    };
    if places.len() > wanted {
        places.select_nth_unstable_by(wanted - 1, first_in_page);
        places.truncate(wanted);
    }
    Ok(Some(
        places.iter().map(|(_, p)| ix.rows[*p as usize]).collect(),
    ))
}
