//! Contract templates: a campaign's reusable terms. Listed by every user; created (on their own
//! or with a "switch to a new contract") with `MANAGE_CONTRACTS`.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use crate::auth::{AuthContext, Permission};
use crate::domain::{PayoutType, UserErrorCode};
use crate::error::{AppError, AppResult};
use crate::service::bulk::Run;
use crate::service::validation::{Checker, UserError};
use crate::service::{campaigns, catalog};

use entity::contract_template;

/// The longest template name.
pub const MAX_NAME_LEN: usize = 200;
/// The longest description.
pub const MAX_DESCRIPTION_LEN: usize = 2_000;
/// The longest notice period, in days.
pub const MAX_NOTICE_DAYS: i32 = 365;

/// New terms.
#[derive(Clone, Debug)]
pub struct NewTemplate {
    /// Name.
    pub name: String,
    /// What the terms say.
    pub description: Option<String>,
    /// How the payout is computed.
    pub payout_type: PayoutType,
    /// Percentage or amount.
    pub payout_value: f64,
    /// Currency of a fixed payout (ISO 4217).
    pub currency: Option<String>,
    /// Days' notice a switch away from these terms needs.
    pub notice_period_days: i32,
}

impl NewTemplate {
    /// Reports every problem under `field`.
    pub fn validate(&self, field: &str, check: &mut Checker) {
        let mut inner = Checker::default();
        inner.required_text("name", &self.name, MAX_NAME_LEN);
        inner.optional_multiline_text(
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION_LEN,
        );
        inner.currency("currency", self.currency.as_deref());
        let most = match self.payout_type {
            PayoutType::PercentOfSale => 100.0,
            PayoutType::FixedPerAction => 1_000_000.0,
        };
        if !self.payout_value.is_finite() || self.payout_value < 0.0 || self.payout_value > most {
            inner.push(
                "payoutValue",
                UserErrorCode::Invalid,
                format!("the payout must lie between 0 and {most}"),
            );
        }
        if !(0..=MAX_NOTICE_DAYS).contains(&self.notice_period_days) {
            inner.push(
                "noticePeriodDays",
                UserErrorCode::Invalid,
                format!("the notice period must lie between 0 and {MAX_NOTICE_DAYS} days"),
            );
        }
        if let Err(errors) = inner.finish() {
            for e in errors {
                let mut path = vec!["input".to_owned(), field.to_owned()];
                path.extend(e.field.into_iter().skip(1));
                check.push_error(UserError { field: path, ..e });
            }
        }
    }

    /// The row of these terms as a template of the run's campaign.
    pub fn to_model(&self, run: Run<'_>) -> contract_template::ActiveModel {
        contract_template::ActiveModel {
            account_id: Set(run.auth.account_id),
            campaign_id: Set(run.campaign_id),
            name: Set(self.name.trim().to_owned()),
            description: Set(self
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)),
            payout_type: Set(self.payout_type.as_str().to_owned()),
            payout_value: Set(self.payout_value),
            is_default: Set(false),
            created_at: Set(run.now),
            // Blank is no currency (the campaign's), as the check reads it.
            currency: Set(self
                .currency
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_ascii_uppercase)),
            notice_period_days: Set(self.notice_period_days),
            ..Default::default()
        }
    }
}

/// The templates of a campaign of the caller's account (an unknown campaign is `NOT_FOUND`).
pub async fn list(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<contract_template::Model>> {
    campaigns::get(db, auth, campaign_id).await?;
    catalog::contract_templates(db, auth, campaign_id).await
}

/// Creates a template of a campaign.
pub async fn create(
    db: &DatabaseConnection,
    auth: &AuthContext,
    campaign_id: i64,
    new: NewTemplate,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Result<contract_template::Model, Vec<UserError>>> {
    auth.require(Permission::ManageContracts)?;
    let mut check = Checker::default();
    if !campaigns::check_exists(db, auth, campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    new.validate("template", &mut check);
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let run = Run::new(db, auth, campaign_id, now);
    Ok(Ok(new.to_model(run).insert(db).await?))
}

/// The name of a template of the caller's account.
pub(super) async fn name_of(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    id: i64,
) -> AppResult<String> {
    find(db, auth, id)
        .await?
        .map(|t| t.name)
        .ok_or_else(|| AppError::not_found("contract template", id))
}

pub(crate) async fn find(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    id: i64,
) -> AppResult<Option<contract_template::Model>> {
    Ok(contract_template::Entity::find_by_id(id)
        .filter(contract_template::Column::AccountId.eq(auth.account_id))
        .one(db)
        .await?)
}

/// Reports a template that is not the caller's (`NOT_FOUND`, revealing nothing) or belongs to
/// another campaign (`WRONG_CAMPAIGN`).
pub(super) async fn check_of_campaign(
    db: &impl ConnectionTrait,
    run: Run<'_>,
    id: i64,
    field: &str,
    check: &mut Checker,
) -> AppResult<()> {
    match find(db, run.auth, id).await? {
        None => check.push(
            field,
            UserErrorCode::NotFound,
            format!("contract template {id} not found"),
        ),
        Some(t) if t.campaign_id != run.campaign_id => check.push(
            field,
            UserErrorCode::WrongCampaign,
            format!("contract template {id} belongs to another campaign"),
        ),
        Some(_) => {}
    }
    Ok(())
}
