//! Tracking and partner integration: how the partner's own system learns of its events (none, a
//! tracking pixel, or a postback to its URL). The URLs are ones the platform will call, so they
//! are checked strictly ([`public_url`]).

use sea_orm::sea_query::{Expr, SimpleExpr};

use super::{Kind, PartnerSetting};
use crate::auth::Permission;
use crate::domain::{TrackingIntegrationType, UserErrorCode};
use crate::service::public_url;
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// A partner integration: the type, and the URL it needs (a postback's or a pixel's).
#[derive(Clone, Debug)]
pub struct Tracking {
    /// The integration.
    pub integration: TrackingIntegrationType,
    /// The postback URL (for `POSTBACK`).
    pub postback_url: Option<String>,
    /// The pixel URL (for `PIXEL`).
    pub pixel_url: Option<String>,
    /// The URLs in their checked, normal form (set by [`Tracking::checked`]).
    normal: (Option<String>, Option<String>),
}

impl Tracking {
    /// An integration as asked.
    pub fn new(
        integration: TrackingIntegrationType,
        postback_url: Option<String>,
        pixel_url: Option<String>,
    ) -> Self {
        let normal = (
            postback_url
                .as_deref()
                .and_then(|u| public_url::check(u).ok()),
            pixel_url.as_deref().and_then(|u| public_url::check(u).ok()),
        );
        Tracking {
            integration,
            postback_url,
            pixel_url,
            normal,
        }
    }
}

fn url(check: &mut Checker, field: &str, value: Option<&str>, needed: bool, kind: &str) {
    match value {
        None if needed => check.push(
            field,
            UserErrorCode::Required,
            format!("{field} is required for a {kind} integration"),
        ),
        None => {}
        Some(_) if !needed => check.push(
            field,
            UserErrorCode::Invalid,
            format!("{field} only goes with a {kind} integration"),
        ),
        Some(raw) => {
            if let Err(why) = public_url::check(raw) {
                check.push(field, UserErrorCode::Invalid, format!("{field} {why}"));
            }
        }
    }
}

impl PartnerSetting for Tracking {
    const ACTIVITY: &'static str = "TRACKING_SETTINGS_CHANGED";
    const PERMISSION: Permission = Permission::EditPartners;
    const STATE: &'static [(&'static str, cp::Column, Kind)] = &[
        (
            "integration",
            cp::Column::TrackingIntegrationType,
            Kind::Text,
        ),
        ("postbackUrl", cp::Column::TrackingPostbackUrl, Kind::Text),
        ("pixelUrl", cp::Column::TrackingPixelUrl, Kind::Text),
    ];

    fn validate(&self, check: &mut Checker) {
        let postback = self.integration == TrackingIntegrationType::Postback;
        let pixel = self.integration == TrackingIntegrationType::Pixel;
        url(
            check,
            "postbackUrl",
            self.postback_url.as_deref(),
            postback,
            "POSTBACK",
        );
        url(check, "pixelUrl", self.pixel_url.as_deref(), pixel, "PIXEL");
    }

    /// The integration and both URLs: the one it does not use is cleared.
    fn values(&self) -> Vec<(cp::Column, SimpleExpr)> {
        vec![
            (
                cp::Column::TrackingIntegrationType,
                Expr::val(self.integration.as_str()),
            ),
            (
                cp::Column::TrackingPostbackUrl,
                Expr::val(self.normal.0.clone()),
            ),
            (
                cp::Column::TrackingPixelUrl,
                Expr::val(self.normal.1.clone()),
            ),
        ]
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({
            "integration": self.integration.as_str(),
            "postbackUrl": self.normal.0,
            "pixelUrl": self.normal.1,
        })
    }
}
