//! `PartnerSelectionInput`: which partners a bulk mutation applies to — explicit ids, or a filter
//! (the screen's "Select all") minus exclusions.

use async_graphql::{InputObject, ID};

use super::partner_filter::PartnerFilterInput;
use crate::domain::limits::MAX_PARTNER_IDS;
use crate::graphql::ids;
use crate::graphql::types::user_error::UserError;
use crate::service::groups::Selection;
use crate::service::partners::filter_bounds;

/// Which partners of the campaign a bulk mutation applies to: give exactly one of `ids` and
/// `filter`.
#[derive(InputObject)]
pub struct PartnerSelectionInput {
    /// These partners (numeric partner ids or global partner ids of the campaign; at most 10,000).
    pub ids: Option<Vec<ID>>,
    /// Every partner this filter matches, as the list shows it ("Select all").
    pub filter: Option<PartnerFilterInput>,
    /// With `filter`: partners to leave out (the rows a user unticked; at most 10,000).
    #[graphql(default)]
    pub except_ids: Vec<ID>,
}

impl PartnerSelectionInput {
    /// Reads the selection for `campaign_id`; problems become user errors on `input.selection`.
    pub fn into_service(self, campaign_id: i64) -> Result<Selection, Vec<UserError>> {
        let read = |ids: &[ID], field: &str| -> Result<Vec<i64>, Vec<UserError>> {
            UserError::at_most(&["selection", field], ids.len(), MAX_PARTNER_IDS)?;
            ids.iter()
                .map(|id| ids::partner_id(id, campaign_id))
                .collect::<Result<_, _>>()
                .map_err(|err| UserError::unreadable(&["selection", field], &err))
        };
        let both = || {
            let err = crate::error::AppError::Validation(
                "give exactly one of selection.ids and selection.filter".into(),
            );
            UserError::unreadable(&["selection"], &err)
        };
        match (self.ids, self.filter) {
            (Some(ids), None) if self.except_ids.is_empty() => {
                Ok(Selection::Ids(read(&ids, "ids")?))
            }
            (Some(_), None) => Err(UserError::unreadable(
                &["selection", "exceptIds"],
                &crate::error::AppError::Validation(
                    "exceptIds applies to a filter selection; leave those ids out of ids instead"
                        .into(),
                ),
            )),
            (None, Some(filter)) => Ok(Selection::Filter {
                filter: Box::new(
                    filter
                        .into_service()
                        .and_then(|f| filter_bounds::check(&f).map(|()| f))
                        .map_err(|err| UserError::unreadable(&["selection", "filter"], &err))?,
                ),
                except_ids: read(&self.except_ids, "exceptIds")?,
            }),
            _ => Err(both()),
        }
    }
}
