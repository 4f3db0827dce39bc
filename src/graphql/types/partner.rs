//! `Partner`: a partner as one campaign sees it — the partner's own profile and the brand's
//! relationship with it. Relations resolve through the request's DataLoaders.

use crate::domain::ContractAction;
use crate::graphql::types::contract_history::{self, ContractChangeConnection};
use async_graphql::{Context, Object, ID};

use super::account::AccountUser;
use super::account_link::PartnerAccountLink;
use super::activity::{self, ActivityArgs, ActivityConnection};
use super::contract::PartnerContract;
use super::custom_field::CustomFieldAnswer;
use super::group::PartnerGroup;
use super::media::{MediaProperty, PartnerContact};
use super::note::NoteConnection;
use super::partner_loading::load_list;
use super::settings::{Address, ClientCostSettings, ComplianceSettings, TrackingSettings};
use crate::domain::limits::MAX_CUSTOM_FIELD_IDS;
use crate::domain::{
    attribute, BusinessModel, ContractRecordStatus, ContractStatus, GlobalId, PartnerSize,
    ProspectingSource, RelationshipStage, RelationshipType,
};
use crate::graphql::context::{auth, db, loader};
use crate::graphql::loaders::{
    to_gql, AccountLinksOf, AnswersOf, ContactsOf, ContractsOf, GroupsOf, MediaPropertiesOf,
};
use crate::graphql::types::scalars::DateTime;
use crate::service::paging::PageRequest;
use crate::service::partners::{display, PartnerKey, PartnerRecord};
use crate::service::{access_url, notes};

/// A partner in one campaign: the partner's profile (its own; a brand reads it) and the brand's
/// relationship with it (everything the brand manages).
pub struct Partner(pub PartnerRecord);

/// A partner in one campaign: the partner's profile (its own; a brand reads it) and the brand's
/// relationship with it (everything the brand manages).
#[Object]
impl Partner {
    /// Opaque global id of this partner in this campaign.
    pub async fn id(&self) -> ID {
        let key = self.key();
        ID(GlobalId::Partner {
            campaign_id: key.campaign_id,
            partner_id: key.partner_id,
        }
        .encode())
    }

    /// The partner's numeric id (the product's "Partner ID", also used by the REST API).
    async fn partner_id(&self) -> i64 {
        self.0.profile.id
    }

    /// The numeric id of the campaign this view of the partner belongs to.
    async fn campaign_id(&self) -> i64 {
        self.0.relationship.campaign_id
    }

    /// The partner's display name.
    async fn name(&self) -> &str {
        &self.0.profile.name
    }

    /// The partner's website.
    async fn website_url(&self) -> Option<&str> {
        self.0.profile.website_url.as_deref()
    }

    /// The partner's profile description.
    async fn description(&self) -> Option<&str> {
        self.0.profile.description.as_deref()
    }

    /// Country the partner is located in (ISO 3166-1 alpha-2).
    async fn country(&self) -> Option<&str> {
        self.0.profile.country.as_deref()
    }

    /// State or province the partner is located in (ISO 3166-2, e.g. `US-CA`).
    async fn state_province(&self) -> Option<&str> {
        self.0.profile.state_province.as_deref()
    }

    /// The partner's physical address.
    async fn address(&self) -> Address {
        Address::from(&self.0.profile)
    }

    /// The partner's e-mail address.
    async fn email(&self) -> Option<&str> {
        self.0.profile.email.as_deref()
    }

    /// The partner's phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.profile.phone.as_deref()
    }

    /// The partner's currency (ISO 4217).
    async fn currency(&self) -> Option<&str> {
        self.0.profile.currency.as_deref()
    }

    /// The partner's size on the partner size scale; null when not recorded.
    async fn size(&self) -> async_graphql::Result<Option<PartnerSize>> {
        let size = self.0.profile.size.as_deref();
        Ok(size.map(PartnerSize::from_stored).transpose()?)
    }

    /// Total followers across the partner's social media properties.
    async fn social_reach(&self) -> i64 {
        self.0.profile.social_reach
    }

    /// Moz domain authority of the partner's website (1 to 100).
    async fn moz_domain_authority(&self) -> Option<i32> {
        self.0.profile.moz_domain_authority
    }

    /// The types of business the partner runs.
    async fn business_models(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<BusinessModel>> {
        let values = self
            .attribute_values(ctx, attribute::BUSINESS_MODEL)
            .await?;
        Ok(values
            .iter()
            .map(|v| BusinessModel::from_stored(v))
            .collect::<Result<_, _>>()?)
    }

    /// Countries the partner promotes in (ISO 3166-1 alpha-2).
    async fn promotional_areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        self.attribute_values(ctx, attribute::PROMOTIONAL_AREA)
            .await
    }

    /// Countries the partner's audience is in (ISO 3166-1 alpha-2).
    async fn audience_countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        self.attribute_values(ctx, attribute::AUDIENCE_COUNTRY)
            .await
    }

    /// Content categories derived from the partner's brand associations.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        self.attribute_values(ctx, attribute::CATEGORY).await
    }

    /// The partner's media properties: websites, apps, social accounts.
    async fn media_properties(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MediaProperty>> {
        load_list(ctx, MediaPropertiesOf(self.0.profile.id), MediaProperty).await
    }

    /// Names of the people to contact at the partner, primary first (the "Contact name" column).
    async fn contact_names(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let rows = loader(ctx)?
            .load_one(ContactsOf(self.0.profile.id))
            .await
            .map_err(to_gql)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.name)
            .collect())
    }

    /// City, state or province and country in one line (the "Partner" column's location).
    async fn location(&self) -> Option<String> {
        display::location(&self.0.profile)
    }

    /// People to contact at the partner, primary first.
    async fn contacts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PartnerContact>> {
        load_list(ctx, ContactsOf(self.0.profile.id), PartnerContact).await
    }

    /// When the partner joined the campaign (null for prospects).
    async fn date_joined(&self) -> Option<DateTime> {
        self.0.relationship.date_joined.map(DateTime)
    }

    /// Whether the partner joined directly or through the marketplace.
    async fn relationship_type(&self) -> async_graphql::Result<RelationshipType> {
        Ok(RelationshipType::from_stored(
            &self.0.relationship.relationship_type,
        )?)
    }

    /// True when the partner is a direct partner (joined through the brand's own sign-up link).
    async fn is_direct(&self) -> bool {
        self.0.relationship.relationship_type == RelationshipType::Direct.as_str()
    }

    /// Where the brand stands with the partner.
    async fn relationship_stage(&self) -> async_graphql::Result<RelationshipStage> {
        Ok(RelationshipStage::from_stored(
            &self.0.relationship.relationship_stage,
        )?)
    }

    /// Where the brand originally found the partner; null when not recorded.
    async fn prospecting_source(&self) -> async_graphql::Result<Option<ProspectingSource>> {
        let source = self.0.relationship.prospecting_source.as_deref();
        Ok(source.map(ProspectingSource::from_stored).transpose()?)
    }

    /// When the partner applied through the marketplace.
    async fn marketplace_application_date(&self) -> Option<DateTime> {
        self.0.relationship.marketplace_applied_at.map(DateTime)
    }

    /// The state of the partnership: active, expired or suspended (null before any contract).
    async fn contract_status(&self) -> async_graphql::Result<Option<ContractStatus>> {
        let status = self.0.relationship.contract_status.as_deref();
        Ok(status.map(ContractStatus::from_stored).transpose()?)
    }

    /// A URL granting temporary access to the partner's account; only for partners who joined
    /// solely through the brand's direct sign-up link, null otherwise.
    #[graphql(
        deprecation = "Not a working URL: it only says access is available. Read `accessAvailable`, and issue a URL with `issuePartnerAccessUrl`."
    )]
    async fn access_url(&self) -> Option<String> {
        let rel = &self.0.relationship;
        access_url::eligible(rel).then(|| {
            format!(
                "/access/campaigns/{}/partners/{}",
                rel.campaign_id, rel.partner_id
            )
        })
    }

    /// Whether a short-lived access URL can be issued for the partner
    /// (`issuePartnerAccessUrl`): a direct partner who joined solely through the brand's own
    /// sign-up link. Read from the partner's row; no token is made.
    async fn access_available(&self) -> bool {
        access_url::eligible(&self.0.relationship)
    }

    /// The account user assigned to manage the partner.
    async fn assigned_to(&self) -> Option<AccountUser> {
        self.0.assigned_user.clone().map(AccountUser)
    }

    /// The partner groups the partner belongs to in this campaign, by name.
    async fn groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PartnerGroup>> {
        load_list(ctx, GroupsOf(self.key()), PartnerGroup).await
    }

    /// Every contract record of the partner in this campaign (current, pending, upcoming and
    /// past), newest start first.
    async fn contracts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PartnerContract>> {
        load_list(ctx, ContractsOf(self.key()), PartnerContract).await
    }

    /// Every change of the partner's contracts in this campaign (switches, proposals and
    /// answers, suspensions, expiries, scheduled changes applied, reverts), newest first.
    async fn contract_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these actions (any when omitted; at most 50).")] actions: Option<
            Vec<ContractAction>,
        >,
        #[graphql(desc = "Only changes made at or after this time.")] since: Option<DateTime>,
        #[graphql(desc = "Only changes made before this time.")] until: Option<DateTime>,
        #[graphql(desc = "Page size (0 to 500; 50 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<ContractChangeConnection> {
        let filter =
            contract_history::filter(Some(self.0.relationship.partner_id), actions, since, until);
        contract_history::load(ctx, self.0.relationship.campaign_id, filter, first, after).await
    }

    /// Every change a caller made to the partner in this campaign through any route (GraphQL,
    /// REST, bulk actions), newest first, with who made it and the partner's state before and
    /// after. Scheduled contract changes the server applied on their date are in
    /// `contractHistory` (`SWITCH_APPLIED`, `FELL_BACK`, `EXPIRED`, ...), not here.
    async fn activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these actions (any when omitted; at most 50).")] actions: Option<
            Vec<String>,
        >,
        #[graphql(desc = "Only entries made at or after this time.")] since: Option<DateTime>,
        #[graphql(desc = "Only entries made before this time.")] until: Option<DateTime>,
        #[graphql(desc = "Page size (0 to 500; 50 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<ActivityConnection> {
        let args = ActivityArgs {
            actions,
            since,
            until,
            first,
            after,
        };
        let r = &self.0.relationship;
        activity::load(ctx, r.campaign_id, Some(r.partner_id), args).await
    }

    /// The partner's links with other partners of the account (the same parent company, shared
    /// payment details, ...), oldest first.
    async fn account_links(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PartnerAccountLink>> {
        let links = loader(ctx)?
            .load_one(AccountLinksOf(self.0.relationship.partner_id))
            .await
            .map_err(to_gql)?
            .unwrap_or_default();
        Ok(links.into_iter().map(PartnerAccountLink).collect())
    }

    /// The notes the brand's users wrote about the partner in this campaign, newest first.
    async fn notes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (0 to 500; 50 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<NoteConnection> {
        let request = PageRequest::from_relay(first, after.as_deref(), None, None)?;
        let key = PartnerKey {
            campaign_id: self.0.relationship.campaign_id,
            partner_id: self.0.relationship.partner_id,
        };
        let page = notes::read::for_partner(db(ctx)?, auth(ctx)?, key, &request).await?;
        Ok(NoteConnection(page))
    }

    /// The contract in force (active or suspended), if any.
    async fn current_contract(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PartnerContract>> {
        let all = self
            .contracts_with(
                ctx,
                &[
                    ContractRecordStatus::Active,
                    ContractRecordStatus::Suspended,
                ],
            )
            .await?;
        Ok(all.into_iter().next())
    }

    /// Proposals awaiting the partner's answer.
    async fn pending_contracts(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PartnerContract>> {
        self.contracts_with(ctx, &[ContractRecordStatus::Pending])
            .await
    }

    /// Scheduled switches to other terms.
    async fn upcoming_contracts(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PartnerContract>> {
        self.contracts_with(ctx, &[ContractRecordStatus::Upcoming])
            .await
    }

    /// The partner's answers to the campaign's custom fields — all of them, or those of the
    /// given fields (one column per custom field), in field order.
    async fn custom_fields(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the answers to these custom fields (numeric or global ids; at most 1,000)."
        )]
        ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<Vec<CustomFieldAnswer>> {
        if let Some(len) = ids
            .as_ref()
            .map(Vec::len)
            .filter(|n| *n > MAX_CUSTOM_FIELD_IDS)
        {
            return Err(crate::error::AppError::Validation(format!(
                "`ids` has {len} ids; at most {MAX_CUSTOM_FIELD_IDS} are allowed"
            ))
            .into());
        }
        let wanted = ids
            .map(|list| crate::graphql::ids::many(&list, crate::graphql::ids::custom_field_id))
            .transpose()?;
        let rows = loader(ctx)?
            .load_one(AnswersOf(self.key()))
            .await
            .map_err(to_gql)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .filter(|a| {
                wanted
                    .as_ref()
                    .is_none_or(|w| w.contains(&a.answer.field_id))
            })
            .map(CustomFieldAnswer)
            .collect())
    }

    /// Where the partner's Performance by Partner report lives (the "Report" column).
    async fn performance_report_url(&self) -> String {
        display::report_url(&self.0.relationship)
    }

    /// Review schedule and audit rate overrides.
    async fn compliance_settings(&self) -> ComplianceSettings {
        ComplianceSettings::from(&self.0.relationship)
    }

    /// Client cost settings.
    async fn client_cost_settings(&self) -> ClientCostSettings {
        ClientCostSettings::from(&self.0.relationship)
    }

    /// Tracking and partner integration settings.
    async fn tracking_settings(&self) -> TrackingSettings {
        TrackingSettings::from(&self.0.relationship)
    }
}
