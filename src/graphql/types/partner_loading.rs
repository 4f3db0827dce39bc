//! How a `Partner` reads its relations: through the request's DataLoaders, keyed by the
//! partner (profile relations) or by the partner in its campaign (relationship relations).

use std::hash::Hash;

use async_graphql::dataloader::Loader;
use async_graphql::Context;

use super::contract::PartnerContract;
use super::partner::Partner;
use crate::domain::ContractRecordStatus;
use crate::graphql::context::loader;
use crate::graphql::loaders::{to_gql, AttributesOf, ContractsOf, LoadError, Loaders};
use crate::service::partners::PartnerKey;

impl Partner {
    pub(super) fn key(&self) -> PartnerKey {
        PartnerKey {
            campaign_id: self.0.relationship.campaign_id,
            partner_id: self.0.relationship.partner_id,
        }
    }

    pub(super) async fn contracts_with(
        &self,
        ctx: &Context<'_>,
        statuses: &[ContractRecordStatus],
    ) -> async_graphql::Result<Vec<PartnerContract>> {
        let rows = loader(ctx)?
            .load_one(ContractsOf(self.key()))
            .await
            .map_err(to_gql)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                ContractRecordStatus::parse(&c.status).is_some_and(|s| statuses.contains(&s))
            })
            .map(PartnerContract)
            .collect())
    }

    pub(super) async fn attribute_values(
        &self,
        ctx: &Context<'_>,
        kind: &str,
    ) -> async_graphql::Result<Vec<String>> {
        let rows = loader(ctx)?
            .load_one(AttributesOf(self.0.profile.id))
            .await
            .map_err(to_gql)?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.value)
            .collect())
    }
}

/// Loads a list-valued relation through the request's DataLoader and wraps each row.
pub(super) async fn load_list<K, V, T>(
    ctx: &Context<'_>,
    key: K,
    wrap: impl Fn(V) -> T,
) -> async_graphql::Result<Vec<T>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = Vec<V>, Error = LoadError>,
{
    let rows = loader(ctx)?.load_one(key).await.map_err(to_gql)?;
    Ok(rows.unwrap_or_default().into_iter().map(wrap).collect())
}
