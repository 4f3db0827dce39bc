//! A selection of a campaign's partners for a bulk action: explicit ids, or a filter (the
//! screen's "Select all") minus exclusions. It becomes one SQL condition on
//! `campaign_partners`, so a bulk action never loads the partners it touches.

use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::ConnectionTrait;

use crate::auth::AuthContext;
use crate::domain::UserErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::partners::{self, filter::PartnerFilter, list_condition};
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// The most explicit ids one selection may carry (larger selections use a filter).
pub const MAX_SELECTED_IDS: usize = crate::domain::limits::MAX_PARTNER_IDS;

/// Which partners of a campaign a bulk action applies to.
#[derive(Clone, Debug)]
pub enum Selection {
    /// These partners (numeric partner ids).
    Ids(Vec<i64>),
    /// Every partner the filter matches, except these.
    Filter {
        /// The list's filter.
        filter: Box<PartnerFilter>,
        /// Partners to leave out.
        except_ids: Vec<i64>,
    },
}

/// Turns a selection into a condition on `campaign_partners` of the campaign, reporting bad
/// input (unknown partners, an invalid filter) on `check` under `field`.
pub async fn resolve(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    selection: &Selection,
    field: &str,
    check: &mut Checker,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Option<Condition>> {
    let base = Condition::all()
        .add(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
        .add(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(campaign_id));
    match selection {
        Selection::Ids(ids) => {
            if !check.max_ids(field, ids.len(), MAX_SELECTED_IDS) {
                return Ok(None);
            }
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            let missing = missing_partners(db, auth, campaign_id, &ids).await?;
            if !missing.is_empty() {
                check.push(field, UserErrorCode::NotFound, not_in_campaign(&missing));
                return Ok(None);
            }
            Ok(Some(base.add(
                Expr::col((cp::Entity, cp::Column::PartnerId)).is_in(ids),
            )))
        }
        Selection::Filter { filter, except_ids } => {
            if !check.max_ids(field, except_ids.len(), MAX_SELECTED_IDS) {
                return Ok(None);
            }
            let query = match partners::prepare(db, auth, campaign_id, (**filter).clone(), &[], now)
                .await
            {
                Ok(query) => query,
                Err(AppError::Validation(message)) => {
                    check.push(field, UserErrorCode::Invalid, message);
                    return Ok(None);
                }
                Err(err) => return Err(err),
            };
            let mut cond = list_condition(db, auth, &query, &query.filter);
            if !except_ids.is_empty() {
                cond = cond.add(
                    Expr::col((cp::Entity, cp::Column::PartnerId))
                        .is_not_in(except_ids.iter().copied()),
                );
            }
            Ok(Some(cond))
        }
    }
}

/// The ids (sorted, distinct) that are not partners of the campaign in the caller's account.
async fn missing_partners(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
) -> AppResult<Vec<i64>> {
    let mut missing = Vec::new();
    for chunk in ids.chunks(5_000) {
        let found = partners::existing_ids(db, auth, campaign_id, chunk).await?;
        missing.extend(chunk.iter().copied().filter(|id| !found.contains(id)));
    }
    Ok(missing)
}

/// "partners 7, 9 are not in this campaign", naming at most ten.
fn not_in_campaign(missing: &[i64]) -> String {
    let shown: Vec<String> = missing.iter().take(10).map(i64::to_string).collect();
    let more = missing.len().saturating_sub(10);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    if missing.len() == 1 {
        format!("partner {} is not in this campaign", shown.join(", "))
    } else {
        format!(
            "partners {}{tail} are not in this campaign",
            shown.join(", ")
        )
    }
}
