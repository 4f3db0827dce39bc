//! Prefetching a page's relations: the connection looks ahead at what the client selected and
//! loads each selected relation for the whole page with one `load_many`, filling the request's
//! DataLoader cache. Per-partner resolvers then hit the cache, so the number of statements does
//! not depend on the page size, nor on how long resolving the page takes (the DataLoader's own
//! batching window is time-based).

use std::collections::BTreeSet;

use async_graphql::{Context, Lookahead};

use crate::graphql::context::loader;
use crate::graphql::loaders::{
    to_gql, AnswersOf, AttributesOf, ContactsOf, ContractsOf, FieldById, GroupsOf,
    MediaPropertiesOf, OptionsOfField, TemplateById,
};
use crate::service::partners::{PartnerKey, PartnerRecord};

const CONTRACT_FIELDS: [&str; 4] = [
    "contracts",
    "currentContract",
    "pendingContracts",
    "upcomingContracts",
];
const ATTRIBUTE_FIELDS: [&str; 4] = [
    "businessModels",
    "promotionalAreas",
    "audienceCountries",
    "categories",
];

/// Loads every relation `selection` (a `Partner` selection) asks for, for all of `records`.
pub async fn partners(
    ctx: &Context<'_>,
    selection: &Lookahead<'_>,
    records: &[PartnerRecord],
) -> async_graphql::Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let loader = loader(ctx)?;
    let wants = |name: &str| selection.field(name).exists();
    let profile_ids: Vec<i64> = records.iter().map(|r| r.profile.id).collect();
    let keys: Vec<PartnerKey> = records
        .iter()
        .map(|r| PartnerKey {
            campaign_id: r.relationship.campaign_id,
            partner_id: r.relationship.partner_id,
        })
        .collect();

    let attributes = async {
        if ATTRIBUTE_FIELDS.iter().any(|f| wants(f)) {
            loader
                .load_many(profile_ids.iter().map(|&id| AttributesOf(id)))
                .await?;
        }
        Ok(())
    };
    let media = async {
        if wants("mediaProperties") {
            loader
                .load_many(profile_ids.iter().map(|&id| MediaPropertiesOf(id)))
                .await?;
        }
        Ok(())
    };
    let contacts = async {
        if wants("contacts") || wants("contactNames") {
            loader
                .load_many(profile_ids.iter().map(|&id| ContactsOf(id)))
                .await?;
        }
        Ok(())
    };
    let groups = async {
        if wants("groups") {
            loader.load_many(keys.iter().map(|&k| GroupsOf(k))).await?;
        }
        Ok(())
    };
    let contracts = async {
        let selections: Vec<Lookahead<'_>> =
            CONTRACT_FIELDS.iter().map(|f| selection.field(f)).collect();
        if !selections.iter().any(Lookahead::exists) {
            return Ok(());
        }
        let loaded = loader
            .load_many(keys.iter().map(|&k| ContractsOf(k)))
            .await?;
        let templates = selections
            .iter()
            .any(|c| c.field("template").exists() || c.field("fallbackTemplate").exists());
        if templates {
            let ids: BTreeSet<i64> = loaded
                .values()
                .flatten()
                .flat_map(|c| [c.template_id, c.fallback_template_id])
                .flatten()
                .collect();
            loader.load_many(ids.into_iter().map(TemplateById)).await?;
        }
        Ok(())
    };
    let answers = async {
        let answers = selection.field("customFields");
        if !answers.exists() {
            return Ok(());
        }
        let loaded = loader.load_many(keys.iter().map(|&k| AnswersOf(k))).await?;
        let field_ids: BTreeSet<i64> = loaded
            .values()
            .flatten()
            .map(|a| a.answer.field_id)
            .collect();
        let field = answers.field("field");
        let fields = async {
            if field.exists() {
                loader
                    .load_many(field_ids.iter().map(|&id| FieldById(id)))
                    .await?;
            }
            Ok(())
        };
        let options = async {
            // The chosen options come with the answers; a field's own options do not.
            if field.field("options").exists() {
                loader
                    .load_many(field_ids.iter().map(|&id| OptionsOfField(id)))
                    .await?;
            }
            Ok(())
        };
        let (a, b) = tokio::join!(fields, options);
        a.and(b)
    };
    let results = tokio::join!(attributes, media, contacts, groups, contracts, answers);
    let all = [
        results.0, results.1, results.2, results.3, results.4, results.5,
    ];
    all.into_iter()
        .collect::<Result<Vec<()>, _>>()
        .map_err(to_gql)?;
    Ok(())
}
