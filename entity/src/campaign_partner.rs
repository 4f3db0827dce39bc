//! `campaign_partners`: the relationship between a brand's campaign and a partner (stage, type,
//! contract status, compliance, client cost and tracking settings); a brand reaches a partner only
//! through one of these rows. The listing columns at the end copy profile values the My Partners
//! list sorts and filters by (see migration 8), so the list is answered from this table alone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_partners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub partner_id: i64,
    pub relationship_type: String,
    pub relationship_stage: String,
    pub prospecting_source: Option<String>,
    pub contract_status: Option<String>,
    pub date_joined: Option<DateTimeUtc>,
    pub marketplace_applied_at: Option<DateTimeUtc>,
    pub assigned_user_id: Option<i64>,
    pub access_url_eligible: bool,
    pub compliance_review_frequency: Option<String>,
    pub compliance_audit_rate: Option<i32>,
    pub client_cost_enabled: bool,
    pub client_cost_type: Option<String>,
    /// Cost types charged for some action trackers instead of the default: a JSON array of
    /// `{"actionTrackerId", "costType"}` in tracker order (null: none).
    #[sea_orm(column_type = "Text", nullable)]
    pub client_cost_exceptions: Option<String>,
    pub tracking_integration_type: Option<String>,
    pub tracking_postback_url: Option<String>,
    pub tracking_pixel_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The profile's name lower-cased, for sorting the list (byte-wise: `COLLATE "C"` on PostgreSQL).
    pub partner_name: String,
    /// Lower-case `name partner_id website` for substring search.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// Copy of the profile's country.
    pub country: Option<String>,
    /// Copy of the profile's state or province.
    pub state_province: Option<String>,
    /// The profile's size as a rank, 1 (extra small) to 5 (extra large), for sorting.
    pub size_rank: Option<i16>,
    /// Copy of the profile's social reach.
    pub social_reach: i64,
    /// Copy of the profile's Moz domain authority.
    pub moz_domain_authority: Option<i32>,
    /// The profile's e-mail address (ASCII lower-cased): unique within the campaign
    /// (`ux_campaign_partners_campaign_email`), the key of `createPartner`'s duplicate check.
    pub email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
