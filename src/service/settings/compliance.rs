//! Compliance settings: how often the partner's promotions are reviewed, and the share of its
//! actions audited (0–100 %).

use sea_orm::sea_query::{Expr, SimpleExpr};

use super::{Kind, PartnerSetting};
use crate::auth::Permission;
use crate::domain::{ComplianceReviewFrequency, UserErrorCode};
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// New compliance settings; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct Compliance {
    /// The review schedule (`DEFAULT`: the program's).
    pub review_frequency: Option<ComplianceReviewFrequency>,
    /// The audit rate in percent, 0 to 100.
    pub audit_rate: Option<i32>,
}

impl PartnerSetting for Compliance {
    const ACTIVITY: &'static str = "COMPLIANCE_SETTINGS_CHANGED";
    const PERMISSION: Permission = Permission::EditPartners;
    const STATE: &'static [(&'static str, cp::Column, Kind)] = &[
        (
            "reviewFrequency",
            cp::Column::ComplianceReviewFrequency,
            Kind::Text,
        ),
        ("auditRate", cp::Column::ComplianceAuditRate, Kind::Int),
    ];

    fn validate(&self, check: &mut Checker) {
        if self.review_frequency.is_none() && self.audit_rate.is_none() {
            check.push(
                "reviewFrequency",
                UserErrorCode::Required,
                "give reviewFrequency, auditRate or both",
            );
        }
        if let Some(rate) = self.audit_rate {
            if !(0..=100).contains(&rate) {
                check.push(
                    "auditRate",
                    UserErrorCode::Invalid,
                    format!("auditRate is a percentage from 0 to 100, not {rate}"),
                );
            }
        }
    }

    fn values(&self) -> Vec<(cp::Column, SimpleExpr)> {
        let mut values = Vec::new();
        if let Some(frequency) = self.review_frequency {
            values.push((
                cp::Column::ComplianceReviewFrequency,
                Expr::val(frequency.as_str()),
            ));
        }
        if let Some(rate) = self.audit_rate {
            values.push((cp::Column::ComplianceAuditRate, Expr::val(rate)));
        }
        values
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({
            "reviewFrequency": self.review_frequency.map(|f| f.as_str()),
            "auditRate": self.audit_rate,
        })
    }
}
