//! Client cost settings: whether client costs are charged for the partner's actions, the
//! default cost type, and exceptions: another cost type for the events of some of the
//! campaign's action trackers.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::DatabaseTransaction;

use super::{Kind, PartnerSetting};
use crate::auth::Permission;
use crate::domain::{ClientCostType, UserErrorCode};
use crate::error::AppResult;
use crate::service::action_trackers;
use crate::service::bulk::Run;
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// The most exceptions a partner has.
pub const MAX_EXCEPTIONS: usize = 100;

/// New client cost settings; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct ClientCost {
    /// Charge client costs.
    pub enabled: Option<bool>,
    /// The default cost type.
    pub cost_type: Option<ClientCostType>,
    /// The exceptions (action tracker id, cost type), replacing the partner's; empty clears
    /// them.
    pub exceptions: Option<Vec<(i64, ClientCostType)>>,
}

/// One stored exception.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exception {
    /// The action tracker (its id, as text like every id the API shows).
    pub action_tracker_id: String,
    /// The cost type charged for its events.
    pub cost_type: String,
}

/// The exceptions stored on a relationship row (none when unset or unreadable).
pub fn exceptions_of(stored: Option<&str>) -> Vec<Exception> {
    stored
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

impl ClientCost {
    /// The exceptions as stored: in tracker order, null for none.
    fn stored_exceptions(list: &[(i64, ClientCostType)]) -> Option<String> {
        if list.is_empty() {
            return None;
        }
        let ordered: BTreeMap<i64, ClientCostType> = list.iter().copied().collect();
        let rows: Vec<Exception> = ordered
            .into_iter()
            .map(|(id, kind)| Exception {
                action_tracker_id: id.to_string(),
                cost_type: kind.as_str().to_owned(),
            })
            .collect();
        serde_json::to_string(&rows).ok()
    }
}

impl PartnerSetting for ClientCost {
    const ACTIVITY: &'static str = "CLIENT_COST_SETTINGS_CHANGED";
    const PERMISSION: Permission = Permission::EditPartners;
    const STATE: &'static [(&'static str, cp::Column, Kind)] = &[
        ("enabled", cp::Column::ClientCostEnabled, Kind::Bool),
        ("costType", cp::Column::ClientCostType, Kind::Text),
        ("exceptions", cp::Column::ClientCostExceptions, Kind::Json),
    ];

    fn validate(&self, check: &mut Checker) {
        if self.enabled.is_none() && self.cost_type.is_none() && self.exceptions.is_none() {
            check.push(
                "enabled",
                UserErrorCode::Required,
                "give enabled, costType, exceptions or several",
            );
        }
        if let Some(list) = &self.exceptions {
            if list.len() > MAX_EXCEPTIONS {
                check.push(
                    "exceptions",
                    UserErrorCode::TooLong,
                    format!(
                        "exceptions has {} entries; at most {MAX_EXCEPTIONS} are allowed",
                        list.len()
                    ),
                );
            }
            let mut seen = std::collections::HashSet::new();
            if let Some((id, _)) = list.iter().find(|(id, _)| !seen.insert(*id)) {
                check.push(
                    "exceptions",
                    UserErrorCode::Invalid,
                    format!("action tracker {id} has two exceptions; give one"),
                );
            }
        }
    }

    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let Some(list) = &self.exceptions else {
                return Ok(());
            };
            let ids: Vec<i64> = list.iter().map(|(id, _)| *id).collect();
            if ids.is_empty() {
                return Ok(());
            }
            let unknown = action_trackers::unknown(db, run.auth, run.campaign_id, &ids).await?;
            if let Some(id) = unknown.first() {
                check.push(
                    "exceptions",
                    UserErrorCode::NotFound,
                    format!("action tracker {id} is not an action tracker of this campaign"),
                );
            }
            Ok(())
        })
    }

    fn values(&self) -> Vec<(cp::Column, SimpleExpr)> {
        let mut values = Vec::new();
        if let Some(enabled) = self.enabled {
            values.push((cp::Column::ClientCostEnabled, Expr::val(enabled)));
        }
        if let Some(kind) = self.cost_type {
            values.push((cp::Column::ClientCostType, Expr::val(kind.as_str())));
        }
        if let Some(list) = &self.exceptions {
            values.push((
                cp::Column::ClientCostExceptions,
                Expr::val(Self::stored_exceptions(list)),
            ));
        }
        values
    }

    fn input(&self) -> serde_json::Value {
        let exceptions = self.exceptions.as_ref().map(|list| {
            list.iter()
                .map(|(id, kind)| serde_json::json!({ "actionTrackerId": id.to_string(), "costType": kind.as_str() }))
                .collect::<Vec<_>>()
        });
        serde_json::json!({
            "enabled": self.enabled,
            "costType": self.cost_type.map(|t| t.as_str()),
            "exceptions": exceptions,
        })
    }
}
