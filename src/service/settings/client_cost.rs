//! Client cost settings: whether client costs are charged for the partner's actions, and the
//! default cost type.

use sea_orm::sea_query::{Expr, SimpleExpr};

use super::{Kind, PartnerSetting};
use crate::auth::Permission;
use crate::domain::{ClientCostType, UserErrorCode};
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// New client cost settings; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct ClientCost {
    /// Charge client costs.
    pub enabled: Option<bool>,
    /// The default cost type.
    pub cost_type: Option<ClientCostType>,
}

impl PartnerSetting for ClientCost {
    const ACTIVITY: &'static str = "CLIENT_COST_SETTINGS_CHANGED";
    const PERMISSION: Permission = Permission::EditPartners;
    const STATE: &'static [(&'static str, cp::Column, Kind)] = &[
        ("enabled", cp::Column::ClientCostEnabled, Kind::Bool),
        ("costType", cp::Column::ClientCostType, Kind::Text),
    ];

    fn validate(&self, check: &mut Checker) {
        if self.enabled.is_none() && self.cost_type.is_none() {
            check.push(
                "enabled",
                UserErrorCode::Required,
                "give enabled, costType or both",
            );
        }
    }

    fn values(&self) -> Vec<(cp::Column, SimpleExpr)> {
        let mut values = Vec::new();
        if let Some(enabled) = self.enabled {
            values.push((cp::Column::ClientCostEnabled, Expr::val(enabled)));
        }
        if let Some(kind) = self.cost_type {
            values.push((cp::Column::ClientCostType, Expr::val(kind.as_str())));
        }
        values
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "enabled": self.enabled, "costType": self.cost_type.map(|t| t.as_str()) })
    }
}
