//! The enumerations of a partner's settings and of a campaign's state (DOMAIN.md), shared by
//! the GraphQL API and storage.

use super::enum_macro::storage_enum;

storage_enum! {
    /// How often a partner's promotions are reviewed for compliance.
    ComplianceReviewFrequency {
        /// The program's schedule.
        Default => "DEFAULT",
        /// Every week.
        Weekly => "WEEKLY",
        /// Every month.
        Monthly => "MONTHLY",
        /// Every quarter.
        Quarterly => "QUARTERLY",
    }
}

storage_enum! {
    /// How client costs are charged for a partner's actions.
    ClientCostType {
        /// The partner's payout plus a fee.
        PayoutPlusFee => "PAYOUT_PLUS_FEE",
        /// A fixed fee per action.
        FixedFee => "FIXED_FEE",
        /// A percentage fee per action.
        PercentFee => "PERCENT_FEE",
    }
}

storage_enum! {
    /// How the partner's own system learns of its events.
    TrackingIntegrationType {
        /// Not at all.
        None => "NONE",
        /// A tracking pixel of the partner's, loaded on conversion.
        Pixel => "PIXEL",
        /// A server-to-server postback to the partner's URL.
        Postback => "POSTBACK",
    }
}

storage_enum! {
    /// Where a campaign (program) stands.
    CampaignState {
        /// Running: partners join and are paid.
        Active => "ACTIVE",
        /// Paused by the brand.
        Paused => "PAUSED",
        /// Over.
        Ended => "ENDED",
    }
}

storage_enum! {
    /// The file format of an export of the partner list.
    ExportFormat {
        /// Comma-separated values, UTF-8.
        Csv => "CSV",
        /// An Excel workbook (Office Open XML).
        Xlsx => "XLSX",
    }
}
