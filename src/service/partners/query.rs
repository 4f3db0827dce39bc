//! Reading partners of a campaign: pages (keyset on the partner id), counts and lookups.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, FromQueryResult, IdenStatic, Iterable};

use super::{PartnerKey, PartnerRecord};
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::paging::{Page, PageRequest};

use entity::{campaign_partner as cp, partner};

const REL: &str = "cp_";
const PROFILE: &str = "p_";

/// SELECT of every relationship and profile column (prefixed) for the caller's account.
fn select_records(auth: &AuthContext) -> SelectStatement {
    let mut q = Query::select();
    for col in cp::Column::iter() {
        q.expr_as(Expr::col((cp::Entity, col)), Alias::new(format!("{REL}{}", col.as_str())));
    }
    for col in partner::Column::iter() {
        q.expr_as(
            Expr::col((partner::Entity, col)),
            Alias::new(format!("{PROFILE}{}", col.as_str())),
        );
    }
    q.from(cp::Entity)
        .inner_join(
            partner::Entity,
            Expr::col((partner::Entity, partner::Column::Id)).equals((cp::Entity, cp::Column::PartnerId)),
        )
        .and_where(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id));
    q
}

async fn fetch(db: &impl ConnectionTrait, q: &SelectStatement) -> AppResult<Vec<PartnerRecord>> {
    let rows = db.query_all(q).await?;
    rows.iter()
        .map(|row| {
            Ok(PartnerRecord {
                relationship: cp::Model::from_query_result(row, REL)?,
                profile: partner::Model::from_query_result(row, PROFILE)?,
            })
        })
        .collect()
}

/// One page of a campaign's partners ordered by partner id (one extra row tells whether more exist).
pub async fn list_page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    request: &PageRequest,
) -> AppResult<Page<PartnerRecord>> {
    let key = (cp::Entity, cp::Column::PartnerId);
    let mut q = select_records(auth);
    q.and_where(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(campaign_id));
    if let Some(after) = request.after {
        q.and_where(Expr::col(key).gt(after));
    }
    if let Some(before) = request.before {
        q.and_where(Expr::col(key).lt(before));
    }
    let order = if request.backward { Order::Desc } else { Order::Asc };
    q.order_by(key, order).limit(request.limit + 1);
    let rows = fetch(db, &q).await?;
    Ok(Page::from_probe(rows, request))
}

/// The number of partners in a campaign.
pub async fn count(db: &impl ConnectionTrait, auth: &AuthContext, campaign_id: i64) -> AppResult<i64> {
    let mut q = Query::select();
    q.expr_as(Func::count(Expr::col((cp::Entity, cp::Column::Id))), Alias::new("n"))
        .from(cp::Entity)
        .and_where(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
        .and_where(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(campaign_id));
    let row = db.query_one(&q).await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    })
}

/// One partner of a campaign of the caller's account.
pub async fn find(db: &impl ConnectionTrait, auth: &AuthContext, key: PartnerKey) -> AppResult<Option<PartnerRecord>> {
    Ok(find_many(db, auth, &[key]).await?.into_iter().next())
}

/// Several partners by key, in one statement; keys the caller cannot see are simply absent.
pub async fn find_many(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<Vec<PartnerRecord>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = select_records(auth);
    let campaigns: Vec<i64> = keys.iter().map(|k| k.campaign_id).collect();
    let partners: Vec<i64> = keys.iter().map(|k| k.partner_id).collect();
    q.and_where(Expr::col((cp::Entity, cp::Column::CampaignId)).is_in(campaigns))
        .and_where(Expr::col((cp::Entity, cp::Column::PartnerId)).is_in(partners));
    let mut records = fetch(db, &q).await?;
    records.retain(|r| {
        keys.contains(&PartnerKey {
            campaign_id: r.relationship.campaign_id,
            partner_id: r.relationship.partner_id,
        })
    });
    Ok(records)
}
