//! Batched reads of what hangs off a partner, one statement per relation for any number of
//! partners: these back the per-request DataLoaders.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, QueryFilter, QueryOrder,
};

use super::id_list::id_in;
use super::query::select_prefixed;
use super::PartnerKey;
use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{
    account_user, contract_template, custom_field, custom_field_answer, custom_field_answer_option,
    custom_field_option, media_property, partner_attribute, partner_contact, partner_contract,
    partner_group, partner_group_member as member,
};

const GROUP: &str = "g_";
const ANSWER: &str = "a_";

/// A partner's answer to one custom field, with the options chosen for select-type fields.
#[derive(Clone, Debug)]
pub struct AnswerRecord {
    /// The stored answer.
    pub answer: custom_field_answer::Model,
    /// The chosen options (dropdown, multiple choice, checkboxes), in the field's order.
    pub options: Vec<ChosenOption>,
}

/// An option a partner chose.
#[derive(Clone, Debug)]
pub struct ChosenOption {
    /// The option's id.
    pub id: i64,
    /// Its label.
    pub label: String,
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
    attributes_of_kinds(db, partner_ids, None).await
}

/// [`attributes`] of the given kinds only (all with `None`).
pub async fn attributes_of_kinds(
    db: &impl ConnectionTrait,
    partner_ids: &[i64],
    kinds: Option<&[&str]>,
) -> AppResult<HashMap<i64, Vec<partner_attribute::Model>>> {
    let mut find = partner_attribute::Entity::find().filter(id_in(
        r#""partner_attributes"."partner_id""#,
        db.get_database_backend(),
        partner_ids,
    ));
    if let Some(kinds) = kinds {
        find = find.filter(partner_attribute::Column::Kind.is_in(kinds.iter().copied()));
    }
    let rows = find
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
        .filter(id_in(
            r#""media_properties"."partner_id""#,
            db.get_database_backend(),
            partner_ids,
        ))
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
        .filter(id_in(
            r#""partner_contacts"."partner_id""#,
            db.get_database_backend(),
            partner_ids,
        ))
        .order_by_desc(partner_contact::Column::IsPrimary)
        .order_by_asc(partner_contact::Column::Id)
        .all(db)
        .await?;
    Ok(group_by(rows, |r| r.partner_id))
}

/// The groups each partner belongs to in its campaign, by name: one statement (memberships
/// joined with their groups) for any number of partners.
pub async fn groups(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<HashMap<PartnerKey, Vec<partner_group::Model>>> {
    let wanted: HashSet<PartnerKey> = keys.iter().copied().collect();
    let (campaigns, partners) = split(keys);
    let mut q = Query::select();
    q.column((member::Entity, member::Column::CampaignId))
        .column((member::Entity, member::Column::PartnerId));
    select_prefixed(&mut q, partner_group::Entity, GROUP);
    q.from(member::Entity)
        .inner_join(
            partner_group::Entity,
            Condition::all()
                .add(
                    Expr::col((partner_group::Entity, partner_group::Column::Id))
                        .equals((member::Entity, member::Column::GroupId)),
                )
                .add(
                    Expr::col((partner_group::Entity, partner_group::Column::AccountId))
                        .equals((member::Entity, member::Column::AccountId)),
                ),
        )
        .and_where(Expr::col((member::Entity, member::Column::AccountId)).eq(auth.account_id))
        .and_where(Expr::col((member::Entity, member::Column::CampaignId)).is_in(campaigns))
        .and_where(id_in(
            r#""partner_group_members"."partner_id""#,
            db.get_database_backend(),
            &partners,
        ));
    let mut map: HashMap<PartnerKey, Vec<partner_group::Model>> = HashMap::new();
    for row in db.query_all(&q).await? {
        let key = PartnerKey {
            campaign_id: row.try_get("", member::Column::CampaignId.as_str())?,
            partner_id: row.try_get("", member::Column::PartnerId.as_str())?,
        };
        if wanted.contains(&key) {
            let group = partner_group::Model::from_query_result(&row, GROUP)?;
            map.entry(key).or_default().push(group);
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
    contracts_in(db, auth, keys, None).await
}

/// [`contracts`] in the given record statuses only (all with `None`): the list's contract
/// column shows the current, pending and upcoming ones, and replaced, expired, declined and
/// withdrawn records are over 40 % of a seeded campaign's.
pub async fn contracts_in(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
    statuses: Option<&[&str]>,
) -> AppResult<HashMap<PartnerKey, Vec<partner_contract::Model>>> {
    let wanted: HashSet<PartnerKey> = keys.iter().copied().collect();
    let (campaigns, partners) = split(keys);
    let mut find = partner_contract::Entity::find()
        .filter(partner_contract::Column::AccountId.eq(auth.account_id))
        .filter(partner_contract::Column::CampaignId.is_in(campaigns))
        .filter(id_in(
            r#""partner_contracts"."partner_id""#,
            db.get_database_backend(),
            &partners,
        ));
    if let Some(statuses) = statuses {
        find = find.filter(partner_contract::Column::Status.is_in(statuses.iter().copied()));
    }
    let rows = find
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

/// Each partner's custom field answers in its campaign, in the fields' display order, with the
/// chosen options in the field's order: one statement (answers joined with their options and those options' labels) for any
/// number of partners.
pub async fn custom_field_answers(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<HashMap<PartnerKey, Vec<AnswerRecord>>> {
    custom_field_answers_of(db, auth, keys, None).await
}

/// [`custom_field_answers`] to the given fields only (all with `None`): an export of one
/// custom field column reads a fifth of the answers.
pub async fn custom_field_answers_of(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
    fields: Option<&[i64]>,
) -> AppResult<HashMap<PartnerKey, Vec<AnswerRecord>>> {
    use custom_field_answer as answer;
    use custom_field_answer_option as chosen;
    use custom_field_option as option;
    let wanted: HashSet<PartnerKey> = keys.iter().copied().collect();
    let (campaigns, partners) = split(keys);
    let same = |col: chosen::Column, of: answer::Column| {
        Expr::col((chosen::Entity, col)).equals((answer::Entity, of))
    };
    let mut q = Query::select();
    select_prefixed(&mut q, answer::Entity, ANSWER);
    q.expr_as(
        Expr::col((option::Entity, option::Column::Id)),
        Alias::new("option_id"),
    )
    .expr_as(
        Expr::col((option::Entity, option::Column::Label)),
        Alias::new("option_label"),
    )
    .from(answer::Entity)
    .left_join(
        chosen::Entity,
        Condition::all()
            .add(same(chosen::Column::FieldId, answer::Column::FieldId))
            .add(same(chosen::Column::PartnerId, answer::Column::PartnerId))
            .add(same(chosen::Column::AccountId, answer::Column::AccountId)),
    )
    .left_join(
        option::Entity,
        Condition::all()
            .add(
                Expr::col((option::Entity, option::Column::Id))
                    .equals((chosen::Entity, chosen::Column::OptionId)),
            )
            .add(
                Expr::col((option::Entity, option::Column::FieldId))
                    .equals((answer::Entity, answer::Column::FieldId)),
            )
            .add(
                Expr::col((option::Entity, option::Column::AccountId))
                    .equals((answer::Entity, answer::Column::AccountId)),
            ),
    )
    .and_where(Expr::col((answer::Entity, answer::Column::AccountId)).eq(auth.account_id))
    .and_where(Expr::col((answer::Entity, answer::Column::CampaignId)).is_in(campaigns))
    .and_where(id_in(
        r#""custom_field_answers"."partner_id""#,
        db.get_database_backend(),
        &partners,
    ));
    if let Some(fields) = fields {
        q.and_where(
            Expr::col((answer::Entity, answer::Column::FieldId)).is_in(fields.iter().copied()),
        );
    }
    // In the fields' display order (what `reorderCustomFields` sets), then by field.
    q.inner_join(
        custom_field::Entity,
        Expr::col((custom_field::Entity, custom_field::Column::Id))
            .equals((answer::Entity, answer::Column::FieldId)),
    )
    .order_by(
        (custom_field::Entity, custom_field::Column::Position),
        Order::Asc,
    )
    .order_by((answer::Entity, answer::Column::FieldId), Order::Asc)
    .order_by((answer::Entity, answer::Column::Id), Order::Asc)
    .order_by((option::Entity, option::Column::Position), Order::Asc)
    .order_by((option::Entity, option::Column::Id), Order::Asc);
    let mut map: HashMap<PartnerKey, Vec<AnswerRecord>> = HashMap::new();
    for row in db.query_all(&q).await? {
        let answer = answer::Model::from_query_result(&row, ANSWER)?;
        let key = PartnerKey {
            campaign_id: answer.campaign_id,
            partner_id: answer.partner_id,
        };
        if !wanted.contains(&key) {
            continue;
        }
        let option = match row.try_get::<Option<i64>>("", "option_id")? {
            Some(id) => Some(ChosenOption {
                id,
                label: row.try_get("", "option_label")?,
            }),
            None => None,
        };
        let list = map.entry(key).or_default();
        match list.last_mut() {
            Some(last) if last.answer.id == answer.id => last.options.extend(option),
            _ => list.push(AnswerRecord {
                answer,
                options: option.into_iter().collect(),
            }),
        }
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

/// Custom fields of the caller's account by id (deleted ones are unknown).
pub async fn custom_fields(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: &[i64],
) -> AppResult<HashMap<i64, custom_field::Model>> {
    let rows = custom_field::Entity::find()
        .filter(custom_field::Column::AccountId.eq(auth.account_id))
        .filter(custom_field::Column::DeletedAt.is_null())
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
