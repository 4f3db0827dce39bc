//! Resolving global ids to records, always within the caller's account: another account's ids
//! resolve exactly like ids that do not exist. Several ids cost one statement per kind of
//! node among them, however many ids there are of each.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::AuthContext;
use crate::domain::GlobalId;
use crate::error::AppResult;
use crate::service::accounts;
use crate::service::partners::{self, PartnerKey, PartnerRecord};

use entity::{
    account_user, campaign, campaign_partner, contract_template, custom_field, media_property,
    partner_contract, partner_group, partner_view,
};

/// The record a global id names.
#[derive(Clone, Debug)]
pub enum NodeRecord {
    /// The caller's account.
    Account(entity::account::Model),
    /// A user of the caller's account.
    AccountUser(account_user::Model),
    /// A campaign.
    Campaign(campaign::Model),
    /// A partner in a campaign.
    Partner(Box<PartnerRecord>),
    /// A partner group.
    PartnerGroup(partner_group::Model),
    /// A contract record.
    PartnerContract(partner_contract::Model),
    /// A contract template.
    ContractTemplate(contract_template::Model),
    /// A custom field.
    CustomField(custom_field::Model),
    /// A media property of a partner of the account.
    MediaProperty(media_property::Model),
    /// One of the caller's saved views.
    PartnerView(partner_view::Model),
}

/// Looks a global id up in the caller's account; `None` when it does not exist there.
pub async fn resolve(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    id: GlobalId,
) -> AppResult<Option<NodeRecord>> {
    Ok(resolve_many(db, auth, &[id]).await?.pop().flatten())
}

/// The ids of one kind asked for.
#[derive(Default)]
struct Wanted {
    account: bool,
    users: Vec<i64>,
    campaigns: Vec<i64>,
    partners: Vec<PartnerKey>,
    groups: Vec<i64>,
    contracts: Vec<i64>,
    templates: Vec<i64>,
    fields: Vec<i64>,
    properties: Vec<i64>,
    views: Vec<i64>,
}

impl Wanted {
    fn of(auth: &AuthContext, ids: &[GlobalId]) -> Self {
        let mut w = Wanted::default();
        for id in ids {
            match *id {
                GlobalId::Account(id) => w.account |= id == auth.account_id,
                GlobalId::AccountUser(id) => w.users.push(id),
                GlobalId::Campaign(id) => w.campaigns.push(id),
                GlobalId::Partner {
                    campaign_id,
                    partner_id,
                } => w.partners.push(PartnerKey {
                    campaign_id,
                    partner_id,
                }),
                GlobalId::PartnerGroup(id) => w.groups.push(id),
                GlobalId::PartnerContract(id) => w.contracts.push(id),
                GlobalId::ContractTemplate(id) => w.templates.push(id),
                GlobalId::CustomField(id) => w.fields.push(id),
                GlobalId::MediaProperty(id) => w.properties.push(id),
                GlobalId::PartnerView(id) => w.views.push(id),
            }
        }
        w
    }
}

/// The rows of `E` with these ids in the caller's account (none asked: no statement).
async fn scoped<E: EntityTrait>(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[i64],
    id: E::Column,
    account: E::Column,
) -> AppResult<Vec<E::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(E::find()
        .filter(account.eq(auth.account_id))
        .filter(id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Looks global ids up in the caller's account, in order; `None` for each that does not exist
/// there. One statement per kind of node asked for.
pub async fn resolve_many(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[GlobalId],
) -> AppResult<Vec<Option<NodeRecord>>> {
    let w = Wanted::of(auth, ids);
    let mut found: HashMap<GlobalId, NodeRecord> = HashMap::new();
    if w.account {
        let account = accounts::current_account(db, auth).await?;
        found.insert(GlobalId::Account(account.id), NodeRecord::Account(account));
    }
    use account_user as au;
    for m in scoped::<au::Entity>(db, auth, &w.users, au::Column::Id, au::Column::AccountId).await?
    {
        found.insert(GlobalId::AccountUser(m.id), NodeRecord::AccountUser(m));
    }
    use campaign as c;
    for m in
        scoped::<c::Entity>(db, auth, &w.campaigns, c::Column::Id, c::Column::AccountId).await?
    {
        found.insert(GlobalId::Campaign(m.id), NodeRecord::Campaign(m));
    }
    for r in partners::find_many(db, auth, &w.partners).await? {
        let key = GlobalId::Partner {
            campaign_id: r.relationship.campaign_id,
            partner_id: r.relationship.partner_id,
        };
        found.insert(key, NodeRecord::Partner(Box::new(r)));
    }
    use partner_group as g;
    for m in scoped::<g::Entity>(db, auth, &w.groups, g::Column::Id, g::Column::AccountId).await? {
        found.insert(GlobalId::PartnerGroup(m.id), NodeRecord::PartnerGroup(m));
    }
    use partner_contract as pc;
    for m in scoped::<pc::Entity>(
        db,
        auth,
        &w.contracts,
        pc::Column::Id,
        pc::Column::AccountId,
    )
    .await?
    {
        found.insert(
            GlobalId::PartnerContract(m.id),
            NodeRecord::PartnerContract(m),
        );
    }
    use contract_template as t;
    for m in
        scoped::<t::Entity>(db, auth, &w.templates, t::Column::Id, t::Column::AccountId).await?
    {
        found.insert(
            GlobalId::ContractTemplate(m.id),
            NodeRecord::ContractTemplate(m),
        );
    }
    use custom_field as f;
    for m in scoped::<f::Entity>(db, auth, &w.fields, f::Column::Id, f::Column::AccountId).await? {
        // A deleted field is a tombstone: no node.
        if m.deleted_at.is_some() {
            continue;
        }
        found.insert(GlobalId::CustomField(m.id), NodeRecord::CustomField(m));
    }
    for m in media_properties(db, auth, &w.properties).await? {
        found.insert(GlobalId::MediaProperty(m.id), NodeRecord::MediaProperty(m));
    }
    if !w.views.is_empty() {
        // Views are their user's own.
        let views = partner_view::Entity::find()
            .filter(partner_view::Column::AccountId.eq(auth.account_id))
            .filter(partner_view::Column::UserId.eq(auth.user_id))
            .filter(partner_view::Column::Id.is_in(w.views.iter().copied()))
            .all(db)
            .await?;
        for m in views {
            found.insert(GlobalId::PartnerView(m.id), NodeRecord::PartnerView(m));
        }
    }
    Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
}

/// Media properties among `ids` of partners the account has a relationship with: a profile is
/// shared, and the caller sees it only through one of its relationships.
async fn media_properties(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[i64],
) -> AppResult<Vec<media_property::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut visible = Query::select();
    visible
        .column(campaign_partner::Column::PartnerId)
        .from(campaign_partner::Entity)
        .and_where(Expr::col(campaign_partner::Column::AccountId).eq(auth.account_id));
    Ok(media_property::Entity::find()
        .filter(media_property::Column::Id.is_in(ids.iter().copied()))
        .filter(
            Expr::col((media_property::Entity, media_property::Column::PartnerId))
                .in_subquery(visible),
        )
        .all(db)
        .await?)
}
