//! Relationship edits: the stage of a prospect and where the brand found the partner.
//!
//! Stage transitions: a user moves prospects between `NEW`, `OUTREACH` and `NEGOTIATING`, in
//! any direction. `JOINED` and `EXPIRED` follow the partnership's contract (a switch or an
//! accepted proposal makes a partner `JOINED`, an expiry `EXPIRED`), so they are not set here,
//! and a partner in either keeps its stage (counted in `matchedCount`, and in `affectedCount`
//! only when its prospecting source changed).

use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};

use super::{Kind, PartnerSetting};
use crate::auth::Permission;
use crate::domain::{ProspectingSource, RelationshipStage, UserErrorCode};
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// The stages a user may set, and move partners out of.
const PROSPECT_STAGES: [RelationshipStage; 3] = [
    RelationshipStage::New,
    RelationshipStage::Outreach,
    RelationshipStage::Negotiating,
];

/// A relationship edit; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct Relationship {
    /// The new stage (a prospect stage).
    pub stage: Option<RelationshipStage>,
    /// Where the brand found the partner (`Some(None)` clears it).
    pub prospecting_source: Option<Option<ProspectingSource>>,
}

impl PartnerSetting for Relationship {
    const ACTIVITY: &'static str = "RELATIONSHIP_CHANGED";
    // The relationship stage and prospecting source are facets.
    const CHANGES_FACETS: bool = true;
    const PERMISSION: Permission = Permission::EditPartners;
    const STATE: &'static [(&'static str, cp::Column, Kind)] = &[
        ("stage", cp::Column::RelationshipStage, Kind::Text),
        (
            "prospectingSource",
            cp::Column::ProspectingSource,
            Kind::Text,
        ),
    ];

    fn validate(&self, check: &mut Checker) {
        if self.stage.is_none() && self.prospecting_source.is_none() {
            check.push(
                "stage",
                UserErrorCode::Required,
                "give stage, prospectingSource or both",
            );
        }
        if let Some(stage) = self.stage {
            if !PROSPECT_STAGES.contains(&stage) {
                check.push(
                    "stage",
                    UserErrorCode::Invalid,
                    format!(
                        "{} follows the contract: switch or expire the partner's contract instead",
                        stage.as_str()
                    ),
                );
            }
        }
    }

    /// The stage only where the partner is a prospect (`CASE`), the source everywhere.
    fn values(&self) -> Vec<(cp::Column, SimpleExpr)> {
        let mut values = Vec::new();
        if let Some(stage) = self.stage {
            let prospect = Expr::col(cp::Column::RelationshipStage)
                .is_in(PROSPECT_STAGES.iter().map(|s| s.as_str()));
            let kept = Expr::case(prospect, Expr::val(stage.as_str()))
                .finally(Expr::col(cp::Column::RelationshipStage));
            values.push((cp::Column::RelationshipStage, kept.into()));
        }
        if let Some(source) = self.prospecting_source {
            let source: Option<String> = source.map(|s| s.as_str().to_owned());
            values.push((cp::Column::ProspectingSource, Expr::val(source)));
        }
        values
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({
            "stage": self.stage.map(|s| s.as_str()),
            "prospectingSource": self.prospecting_source.map(|s| s.map(|s| s.as_str())),
        })
    }
}
