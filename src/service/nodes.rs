//! Resolving global ids to records, always within the caller's account: another account's ids
//! resolve exactly like ids that do not exist.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::AuthContext;
use crate::domain::GlobalId;
use crate::error::AppResult;
use crate::service::partners::{self, PartnerKey, PartnerRecord};
use crate::service::{accounts, campaigns};

use entity::{
    campaign_partner, contract_template, custom_field, media_property, partner_contract,
    partner_group,
};

/// The record a global id names.
#[derive(Clone, Debug)]
pub enum NodeRecord {
    /// The caller's account.
    Account(entity::account::Model),
    /// A user of the caller's account.
    AccountUser(entity::account_user::Model),
    /// A campaign.
    Campaign(entity::campaign::Model),
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
    PartnerView(entity::partner_view::Model),
}

/// Looks a global id up in the caller's account; `None` when it does not exist there.
pub async fn resolve(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    id: GlobalId,
) -> AppResult<Option<NodeRecord>> {
    Ok(match id {
        GlobalId::Account(id) if id == auth.account_id => Some(NodeRecord::Account(
            accounts::current_account(db, auth).await?,
        )),
        GlobalId::Account(_) => None,
        GlobalId::AccountUser(id) => accounts::find_user(db, auth, id)
            .await
            .ok()
            .map(NodeRecord::AccountUser),
        GlobalId::Campaign(id) => campaigns::find(db, auth, id)
            .await?
            .map(NodeRecord::Campaign),
        GlobalId::Partner {
            campaign_id,
            partner_id,
        } => partners::find(
            db,
            auth,
            PartnerKey {
                campaign_id,
                partner_id,
            },
        )
        .await?
        .map(|r| NodeRecord::Partner(Box::new(r))),
        GlobalId::PartnerGroup(id) => partner_group::Entity::find_by_id(id)
            .filter(partner_group::Column::AccountId.eq(auth.account_id))
            .one(db)
            .await?
            .map(NodeRecord::PartnerGroup),
        GlobalId::PartnerContract(id) => partner_contract::Entity::find_by_id(id)
            .filter(partner_contract::Column::AccountId.eq(auth.account_id))
            .one(db)
            .await?
            .map(NodeRecord::PartnerContract),
        GlobalId::ContractTemplate(id) => contract_template::Entity::find_by_id(id)
            .filter(contract_template::Column::AccountId.eq(auth.account_id))
            .one(db)
            .await?
            .map(NodeRecord::ContractTemplate),
        GlobalId::CustomField(id) => custom_field::Entity::find_by_id(id)
            .filter(custom_field::Column::AccountId.eq(auth.account_id))
            .one(db)
            .await?
            .map(NodeRecord::CustomField),
        GlobalId::PartnerView(id) => crate::service::views::get(db, auth, id)
            .await
            .ok()
            .map(NodeRecord::PartnerView),
        GlobalId::MediaProperty(id) => {
            let Some(property) = media_property::Entity::find_by_id(id).one(db).await? else {
                return Ok(None);
            };
            // A profile is shared; the caller sees it only through one of its relationships.
            let visible = campaign_partner::Entity::find()
                .filter(campaign_partner::Column::AccountId.eq(auth.account_id))
                .filter(campaign_partner::Column::PartnerId.eq(property.partner_id))
                .one(db)
                .await?
                .is_some();
            visible.then_some(NodeRecord::MediaProperty(property))
        }
    })
}
