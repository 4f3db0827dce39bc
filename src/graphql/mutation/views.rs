//! `savePartnerView`, `updatePartnerView`, `deletePartnerView`.

use async_graphql::{Context, InputObject, InputType, Object, SimpleObject, ID};

use crate::domain::UserErrorCode;
use crate::error::AppError;
use crate::graphql::context::{auth, clock, db, now};
use crate::graphql::ids;
use crate::graphql::inputs::partner_filter::{FilterJson, PartnerFilterInput, PartnerOrder};
use crate::graphql::types::user_error::UserError;
use crate::graphql::types::views::PartnerView;
use crate::service::partners::sort::SortKey;
use crate::service::validation::Checker;
use crate::service::views::{self, ViewChange, ViewContent};
use crate::service::{campaigns, partners};

/// A new saved view.
#[derive(InputObject)]
pub struct SavePartnerViewInput {
    /// The campaign whose list the view shows.
    pub campaign_id: ID,
    /// The view's name (unique among your views of the campaign).
    pub name: String,
    /// Column keys from `partnerColumns`, in display order (at most 500).
    pub columns: Vec<String>,
    /// A `PartnerFilter` (the same object `partners(filter:)` takes, within the same bounds).
    pub filter: Option<FilterJson>,
    /// Sort keys.
    #[graphql(default)]
    pub order_by: Vec<PartnerOrder>,
}

/// New content for a saved view; omitted fields keep their value.
#[derive(InputObject)]
pub struct UpdatePartnerViewInput {
    /// The view (numeric or global id).
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New columns.
    pub columns: Option<Vec<String>>,
    /// New filter (a `PartnerFilter`, within its bounds).
    pub filter: Option<FilterJson>,
    /// New sort keys.
    pub order_by: Option<Vec<PartnerOrder>>,
}

/// The view to delete.
#[derive(InputObject)]
pub struct DeletePartnerViewInput {
    /// The view (numeric or global id).
    pub id: ID,
}

/// The result of saving or updating a view.
#[derive(SimpleObject)]
pub struct PartnerViewPayload {
    /// The view as saved, unless the input was refused.
    pub view: Option<PartnerView>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of deleting a view.
#[derive(SimpleObject)]
pub struct DeletePartnerViewPayload {
    /// The global id of the deleted view.
    pub deleted_view_id: Option<ID>,
    /// Why nothing was deleted; empty on success.
    pub user_errors: Vec<UserError>,
}

fn refused(field: &str, code: UserErrorCode, message: String) -> PartnerViewPayload {
    PartnerViewPayload {
        view: None,
        user_errors: vec![UserError {
            field: vec!["input".into(), field.into()],
            code,
            message,
        }],
    }
}

/// An id input that is not one (`INVALID`).
fn unreadable(field: &str, err: &AppError) -> PartnerViewPayload {
    PartnerViewPayload {
        view: None,
        user_errors: UserError::unreadable(&[field], err),
    }
}

fn over_bounds(message: String) -> PartnerViewPayload {
    refused(
        "filter",
        UserErrorCode::Invalid,
        format!("not a PartnerFilter: {message}"),
    )
}

fn payload(
    result: Result<entity::partner_view::Model, Vec<crate::service::validation::UserError>>,
) -> PartnerViewPayload {
    match result {
        Ok(view) => PartnerViewPayload {
            view: Some(PartnerView(view)),
            user_errors: Vec::new(),
        },
        Err(errors) => PartnerViewPayload {
            view: None,
            user_errors: errors.into_iter().map(UserError::from).collect(),
        },
    }
}

/// The first key of `given` that the parsed input does not know (parsing ignores unknown keys).
fn unknown_key(given: &serde_json::Value, known: &serde_json::Value) -> Option<String> {
    match (given, known) {
        (serde_json::Value::Object(g), serde_json::Value::Object(k)) => {
            g.iter().find_map(|(key, value)| match k.get(key) {
                None => Some(key.clone()),
                Some(inner) => unknown_key(value, inner).map(|p| format!("{key}.{p}")),
            })
        }
        (serde_json::Value::Array(g), serde_json::Value::Array(k)) => {
            g.iter().zip(k).find_map(|(a, b)| unknown_key(a, b))
        }
        _ => None,
    }
}

/// Checks a filter given as JSON against the campaign, as `partners(filter:)` would.
async fn checked_filter(
    ctx: &Context<'_>,
    campaign_id: i64,
    filter: &serde_json::Value,
    order: &[SortKey],
) -> async_graphql::Result<Result<(), (&'static str, String)>> {
    // The sort's own mistakes (a key named twice) are the sort's, not the filter's.
    if let Err(err) = partners::sort::SortOrder::new(order) {
        return Ok(Err(("orderBy", err.public_message())));
    }
    let filter_error = |message: String| Ok(Err(("filter", message)));
    let value = async_graphql::Value::from_json(filter.clone())
        .map_err(|e| AppError::Validation(e.to_string()))?;
    let input = match PartnerFilterInput::parse(Some(value)) {
        Ok(input) => input,
        Err(err) => {
            return filter_error(format!(
                "not a PartnerFilter: {}",
                err.into_server_error(Default::default()).message
            ))
        }
    };
    if let Some(path) = unknown_key(filter, &input.to_value().into_json().unwrap_or_default()) {
        return filter_error(format!("not a PartnerFilter: unknown field {path}"));
    }
    let service_filter = match input.into_service() {
        Ok(f) => f,
        Err(err) => return filter_error(err.public_message()),
    };
    match partners::prepare(
        db(ctx)?,
        auth(ctx)?,
        campaign_id,
        service_filter,
        order,
        now(ctx)?,
    )
    .await
    {
        Ok(_) => Ok(Ok(())),
        Err(AppError::Validation(message)) => filter_error(message),
        Err(other) => Err(other.into()),
    }
}

/// Mutations of saved views.
#[derive(Default)]
pub struct ViewMutation;

#[Object]
impl ViewMutation {
    /// Saves a view of a campaign's partner list for the caller.
    async fn save_partner_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the view's name, and its columns, filter and sort.")] input: SavePartnerViewInput,
    ) -> async_graphql::Result<PartnerViewPayload> {
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(unreadable("campaignId", &err)),
        };
        let mut check = Checker::default();
        if !campaigns::check_exists(db(ctx)?, auth(ctx)?, campaign_id, &mut check).await? {
            return Ok(payload(Err(check.finish().err().unwrap_or_default())));
        }
        let filter = match input.filter {
            None => serde_json::json!({}),
            Some(FilterJson::Json(json)) => json,
            Some(FilterJson::OverBounds(message)) => return Ok(over_bounds(message)),
        };
        let order: Vec<SortKey> = input.order_by.into_iter().map(SortKey::from).collect();
        if let Err((field, message)) = checked_filter(ctx, campaign_id, &filter, &order).await? {
            return Ok(refused(field, UserErrorCode::Invalid, message));
        }
        let content = ViewContent {
            name: input.name,
            columns: input.columns,
            filter,
            order_by: order,
        };
        Ok(payload(
            views::create(db(ctx)?, auth(ctx)?, campaign_id, content, &clock(ctx)?).await?,
        ))
    }

    /// Changes one of the caller's saved views.
    async fn update_partner_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The view, and the parts of it to change (omitted ones keep their value)."
        )]
        input: UpdatePartnerViewInput,
    ) -> async_graphql::Result<PartnerViewPayload> {
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        let id = match ids::view_id(&input.id) {
            Ok(id) => id,
            Err(err) => return Ok(unreadable("id", &err)),
        };
        let view = match views::get(db, auth, id).await {
            Err(AppError::NotFound(message)) => {
                return Ok(refused("id", UserErrorCode::NotFound, message))
            }
            found => found?,
        };
        let filter = match input.filter {
            None => None,
            Some(FilterJson::Json(json)) => Some(json),
            Some(FilterJson::OverBounds(message)) => return Ok(over_bounds(message)),
        };
        let order: Option<Vec<SortKey>> = input
            .order_by
            .map(|keys| keys.into_iter().map(SortKey::from).collect());
        // What is given is checked with what it goes with (the stored filter or order).
        let checked = (
            filter.clone().unwrap_or_else(|| views::filter_of(&view)),
            order.clone().unwrap_or_else(|| views::order_of(&view)),
        );
        if let Err((field, message)) =
            checked_filter(ctx, view.campaign_id, &checked.0, &checked.1).await?
        {
            return Ok(refused(field, UserErrorCode::Invalid, message));
        }
        let change = ViewChange {
            name: input.name,
            columns: input.columns,
            filter,
            order_by: order,
        };
        Ok(payload(
            views::update(db, auth, view, change, &clock(ctx)?).await?,
        ))
    }

    /// Deletes one of the caller's saved views.
    async fn delete_partner_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The view to delete.")] input: DeletePartnerViewInput,
    ) -> async_graphql::Result<DeletePartnerViewPayload> {
        let id = match ids::view_id(&input.id) {
            Ok(id) => id,
            Err(err) => {
                return Ok(DeletePartnerViewPayload {
                    deleted_view_id: None,
                    user_errors: UserError::unreadable(&["id"], &err),
                })
            }
        };
        Ok(match views::delete(db(ctx)?, auth(ctx)?, id).await {
            Ok(()) => DeletePartnerViewPayload {
                deleted_view_id: Some(ID(crate::domain::GlobalId::PartnerView(id).encode())),
                user_errors: Vec::new(),
            },
            Err(AppError::NotFound(message)) => DeletePartnerViewPayload {
                deleted_view_id: None,
                user_errors: vec![UserError {
                    field: vec!["input".into(), "id".into()],
                    code: UserErrorCode::NotFound,
                    message,
                }],
            },
            Err(other) => return Err(other.into()),
        })
    }
}
