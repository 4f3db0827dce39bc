//! Batched reads of what hangs off a partner, one statement per relation for any number of
//! partners: these back the per-request DataLoaders.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::PartnerKey;
use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{
    account_user, contract_template, custom_field, custom_field_answer, custom_field_answer_option,
    custom_field_option, media_property, partner_attribute, partner_contact, partner_contract,
    partner_group, partner_group_member,
};

/// A partner's answer to one custom field, with the options chosen for select-type fields.
#[derive(Clone, Debug)]
pub struct AnswerRecord {
    /// The stored answer.
    pub answer: custom_field_answer::Model,
    /// Ids of the chosen options (dropdown, multiple choice, checkboxes).
    pub option_ids: Vec<i64>,
}

fn group_by<K: Eq + Hash, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

fn split(keys: &[PartnerKey]) -> (Vec<i64>, Vec<i64>) {
    let mut campaigns: Vec<i64> = keys.iter().map(|k| k.campaign_id).collect();
    let mut partners: Vec<i64> = keys.iter().map(|k| k.partner_id).collect();
    campaigns.sort_unstable();
    campaigns.dedup();
    partners.sort_unstable();
    partners.dedup();
    (campaigns, partners)
}

/// Business models, promotional areas, audience countries and categories of partners.
pub async fn attributes(
    db: &impl ConnectionTrait,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<partner_attribute::Model>>> {
    let rows = partner_attribute::Entity::find()
        .filter(partner_attribute::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .order_by_asc(partner_attribute::Column::Value)
        .all(db)
        .await?;
    Ok(group_by(rows, |r| r.partner_id))
}

/// Media properties of partners.
pub async fn media_properties(
    db: &impl ConnectionTrait,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<media_property::Model>>> {
    let rows = media_property::Entity::find()
        .filter(media_property::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .order_by_asc(media_property::Column::Id)
        .all(db)
        .await?;
    Ok(group_by(rows, |r| r.partner_id))
}

/// Contacts of partners, primary first.
pub async fn contacts(
    db: &impl ConnectionTrait,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<partner_contact::Model>>> {
    let rows = partner_contact::Entity::find()
        .filter(partner_contact::Column::PartnerId.is_in(partner_ids.iter().copied()))
        .order_by_desc(partner_contact::Column::IsPrimary)
        .order_by_asc(partner_contact::Column::Id)
        .all(db)
        .await?;
    Ok(group_by(rows, |r| r.partner_id))
}

/// The groups each partner belongs to in its campaign (two statements for any number of partners).
pub async fn groups(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<HashMap<PartnerKey, Vec<partner_group::Model>>> {
    let wanted: HashSet<PartnerKey> = keys.iter().copied().collect();
    let (campaigns, partners) = split(keys);
    let members = partner_group_member::Entity::find()
        .filter(partner_group_member::Column::AccountId.eq(auth.account_id))
        .filter(partner_group_member::Column::CampaignId.is_in(campaigns))
        .filter(partner_group_member::Column::PartnerId.is_in(partners))
        .all(db)
        .await?;
    let group_ids: Vec<i64> = members.iter().map(|m| m.group_id).collect();
    let groups: HashMap<i64, partner_group::Model> = partner_group::Entity::find()
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .filter(partner_group::Column::Id.is_in(group_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut map: HashMap<PartnerKey, Vec<partner_group::Model>> = HashMap::new();
    for member in members {
        let key = PartnerKey {
            campaign_id: member.campaign_id,
            partner_id: member.partner_id,
        };
        if let (true, Some(group)) = (wanted.contains(&key), groups.get(&member.group_id)) {
            map.entry(key).or_default().push(group.clone());
        }
    }
    for list in map.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    Ok(map)
}

/// Every contract record of each partner in its campaign, newest start first.
pub async fn contracts(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<HashMap<PartnerKey, Vec<partner_contract::Model>>> {
    let wanted: HashSet<PartnerKey> = keys.iter().copied().collect();
    let (campaigns, partners) = split(keys);
    let rows = partner_contract::Entity::find()
        .filter(partner_contract::Column::AccountId.eq(auth.account_id))
        .filter(partner_contract::Column::CampaignId.is_in(campaigns))
        .filter(partner_contract::Column::PartnerId.is_in(partners))
        .order_by_desc(partner_contract::Column::StartDate)
        .order_by_desc(partner_contract::Column::Id)
        .all(db)
        .await?;
    let mut map = group_by(rows, |r| PartnerKey {
        campaign_id: r.campaign_id,
        partner_id: r.partner_id,
    });
    map.retain(|k, _| wanted.contains(k));
    Ok(map)
}

/// Each partner's custom field answers in its campaign, with chosen options.
pub async fn custom_field_answers(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<HashMap<PartnerKey, Vec<AnswerRecord>>> {
    let wanted: HashSet<PartnerKey> = keys.iter().copied().collect();
    let (campaigns, partners) = split(keys);
    let answers = custom_field_answer::Entity::find()
        .filter(custom_field_answer::Column::AccountId.eq(auth.account_id))
        .filter(custom_field_answer::Column::CampaignId.is_in(campaigns.clone()))
        .filter(custom_field_answer::Column::PartnerId.is_in(partners.clone()))
        .order_by_asc(custom_field_answer::Column::FieldId)
        .all(db)
        .await?;
    let options = custom_field_answer_option::Entity::find()
        .filter(custom_field_answer_option::Column::AccountId.eq(auth.account_id))
        .filter(custom_field_answer_option::Column::CampaignId.is_in(campaigns))
        .filter(custom_field_answer_option::Column::PartnerId.is_in(partners))
        .order_by_asc(custom_field_answer_option::Column::OptionId)
        .all(db)
        .await?;
    let options = group_by(options, |o| (o.field_id, o.partner_id));
    let mut map: HashMap<PartnerKey, Vec<AnswerRecord>> = HashMap::new();
    for answer in answers {
        let key = PartnerKey {
            campaign_id: answer.campaign_id,
            partner_id: answer.partner_id,
        };
        if !wanted.contains(&key) {
            continue;
        }
        let option_ids = options
            .get(&(answer.field_id, answer.partner_id))
            .map(|list| list.iter().map(|o| o.option_id).collect())
            .unwrap_or_default();
        map.entry(key)
            .or_default()
            .push(AnswerRecord { answer, option_ids });
    }
    Ok(map)
}

/// Users of the caller's account by id.
pub async fn users(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[i64],
) -> AppResult<HashMap<i64, account_user::Model>> {
    let rows = account_user::Entity::find()
        .filter(account_user::Column::AccountId.eq(auth.account_id))
        .filter(account_user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// Contract templates of the caller's account by id.
pub async fn templates(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[i64],
) -> AppResult<HashMap<i64, contract_template::Model>> {
    let rows = contract_template::Entity::find()
        .filter(contract_template::Column::AccountId.eq(auth.account_id))
        .filter(contract_template::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// Custom fields of the caller's account by id.
pub async fn custom_fields(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[i64],
) -> AppResult<HashMap<i64, custom_field::Model>> {
    let rows = custom_field::Entity::find()
        .filter(custom_field::Column::AccountId.eq(auth.account_id))
        .filter(custom_field::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// The options of custom fields of the caller's account, in display order.
pub async fn custom_field_options(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    field_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<custom_field_option::Model>>> {
    let rows = custom_field_option::Entity::find()
        .filter(custom_field_option::Column::AccountId.eq(auth.account_id))
        .filter(custom_field_option::Column::FieldId.is_in(field_ids.iter().copied()))
        .order_by_asc(custom_field_option::Column::Position)
        .order_by_asc(custom_field_option::Column::Id)
        .all(db)
        .await?;
    Ok(group_by(rows, |r| r.field_id))
}
