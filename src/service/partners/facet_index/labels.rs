//! Turning an index tally into facet buckets as the SQL facets show them: size ranks as size
//! names, and group, template and user ids with their current names (read per request, so a
//! rename shows at once; a template that no longer exists is left out, as SQL's join does).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::eval::{Tally, Value};
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::partners::facets::{none_label, size_name, FacetBucket};
use crate::service::partners::filter::FacetDimension;

use entity::{account_user, contract_template, partner_group};

/// The names of the ids a tally of `dimension` holds (none for unnamed dimensions).
async fn names(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    dimension: FacetDimension,
    ids: Vec<i64>,
) -> AppResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = match dimension {
        FacetDimension::Group => {
            partner_group::Entity::find()
                .select_only()
                .columns([partner_group::Column::Id, partner_group::Column::Name])
                .filter(partner_group::Column::AccountId.eq(auth.account_id))
                .filter(partner_group::Column::Id.is_in(ids))
                .into_tuple()
                .all(db)
                .await?
        }
        FacetDimension::ContractTemplate => {
            contract_template::Entity::find()
                .select_only()
                .columns([
                    contract_template::Column::Id,
                    contract_template::Column::Name,
                ])
                .filter(contract_template::Column::AccountId.eq(auth.account_id))
                .filter(contract_template::Column::Id.is_in(ids))
                .into_tuple()
                .all(db)
                .await?
        }
        FacetDimension::AssignedTo => {
            account_user::Entity::find()
                .select_only()
                .columns([account_user::Column::Id, account_user::Column::Name])
                .filter(account_user::Column::AccountId.eq(auth.account_id))
                .filter(account_user::Column::Id.is_in(ids))
                .into_tuple()
                .all(db)
                .await?
        }
        _ => Vec::new(),
    };
    Ok(rows.into_iter().collect())
}

/// The buckets of one facet's tally, in the tally's order.
pub async fn buckets(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    dimension: FacetDimension,
    tally: Tally,
) -> AppResult<Vec<FacetBucket>> {
    let named = matches!(
        dimension,
        FacetDimension::Group | FacetDimension::ContractTemplate | FacetDimension::AssignedTo
    );
    let ids: Vec<i64> = tally
        .iter()
        .filter_map(|(v, _)| match v {
            Some(Value::Number(id)) if named => Some(*id),
            _ => None,
        })
        .collect();
    let names = names(db, auth, dimension, ids).await?;
    Ok(tally
        .into_iter()
        .filter_map(|(value, count)| {
            let (value, label) = match value {
                None => (None, none_label()),
                Some(Value::Text(text)) => (Some(text.clone()), text),
                Some(Value::Number(rank)) if dimension == FacetDimension::Size => {
                    let name = size_name(rank);
                    (name.clone(), name.unwrap_or_else(none_label))
                }
                Some(Value::Number(id)) => match names.get(&id) {
                    Some(name) => (Some(id.to_string()), name.clone()),
                    // SQL counts templates through an inner join: a missing one is not shown.
                    None if dimension == FacetDimension::ContractTemplate => return None,
                    None => (Some(id.to_string()), none_label()),
                },
            };
            Some(FacetBucket {
                value,
                label,
                count,
            })
        })
        .collect())
}
