//! The enumerations of contracts (DOMAIN.md "Contract actions"): a record's status, how a change
//! takes effect, payouts, why an action skipped a partner, and what a history entry records;
//! shared by the GraphQL API and storage.

use super::enum_macro::storage_enum;

storage_enum! {
    /// The status of one contract record of a partner.
    ContractRecordStatus {
        /// The contract in force.
        Active => "ACTIVE",
        /// A proposal awaiting the partner's answer.
        Pending => "PENDING",
        /// A scheduled switch that takes effect later.
        Upcoming => "UPCOMING",
        /// A proposal the partner declined.
        Declined => "DECLINED",
        /// A contract that has ended.
        Expired => "EXPIRED",
        /// A contract paused by a suspension.
        Suspended => "SUSPENDED",
        /// A contract another one replaced (a switch took effect, or a temporary contract fell
        /// back).
        Replaced => "REPLACED",
        /// A proposal or scheduled switch the brand withdrew before it took effect.
        Withdrawn => "WITHDRAWN",
    }
}

impl ContractRecordStatus {
    /// The statuses of the contract in force, the one a partner is currently signed to: active,
    /// or paused by a suspension.
    pub const CURRENT: [&'static str; 2] = ["ACTIVE", "SUSPENDED"];
}

storage_enum! {
    /// How a contract change takes effect.
    ApprovalOption {
        /// Takes effect without the partner's approval.
        Replace => "REPLACE",
        /// The partner must accept; if declined, the current contract stays.
        Propose => "PROPOSE",
    }
}

storage_enum! {
    /// How a contract's payout is computed.
    PayoutType {
        /// A percentage of the sale amount.
        PercentOfSale => "PERCENT_OF_SALE",
        /// A fixed amount per action (lead, sale, install), in the template's currency.
        FixedPerAction => "FIXED_PER_ACTION",
    }
}

storage_enum! {
    /// Why a contract action left a selected partner as it was.
    SkipReason {
        /// The partner has no current contract (a prospect, or expired).
        NoCurrentContract => "NO_CURRENT_CONTRACT",
        /// The partner already works under that template.
        AlreadyOnTemplate => "ALREADY_ON_TEMPLATE",
        /// The effective date falls inside the current contract's notice period (the switch is
        /// skipped, not moved: choose a later date for these partners).
        InNoticePeriod => "IN_NOTICE_PERIOD",
        /// The partnership is suspended: reinstate it first.
        Suspended => "SUSPENDED",
        /// The partnership is not suspended.
        NotSuspended => "NOT_SUSPENDED",
        /// The partner has no pending proposal.
        NoPendingProposal => "NO_PENDING_PROPOSAL",
        /// The partner has nothing of what is being withdrawn.
        NothingToWithdraw => "NOTHING_TO_WITHDRAW",
        /// The current contract has a scheduled expiry: withdraw it first (a switch, or an
        /// accepted proposal, would otherwise drop it silently).
        ExpiryScheduled => "EXPIRY_SCHEDULED",
        /// The same change is scheduled already: an expiry on that day, or a switch (or a
        /// proposal) to the same template with the same dates and fallback.
        AlreadyScheduled => "ALREADY_SCHEDULED",
    }
}

storage_enum! {
    /// What a contract history entry records.
    ContractAction {
        /// A contract was created (the partner joined on these terms).
        Created => "CREATED",
        /// New terms were proposed; the partner's answer is awaited.
        Proposed => "PROPOSED",
        /// The partner accepted a proposal.
        Accepted => "ACCEPTED",
        /// The partner declined a proposal.
        Declined => "DECLINED",
        /// A switch was scheduled for a later date.
        Scheduled => "SCHEDULED",
        /// The contract was switched at once.
        Switched => "SWITCHED",
        /// A scheduled switch took effect on its date.
        SwitchApplied => "SWITCH_APPLIED",
        /// A temporary contract ended and its fallback took over.
        FellBack => "FELL_BACK",
        /// The partnership was suspended.
        Suspended => "SUSPENDED",
        /// The partnership was reinstated.
        Reinstated => "REINSTATED",
        /// An expiry was scheduled for a later date.
        ExpiryScheduled => "EXPIRY_SCHEDULED",
        /// The contract expired.
        Expired => "EXPIRED",
        /// An upcoming change was withdrawn: the entry names the withdrawn switch or proposal
        /// (whoever withdrew it: the brand, or a change that overtook it), or the contract whose
        /// scheduled expiry was withdrawn.
        Reverted => "REVERTED",
    }
}

storage_enum! {
    /// A scheduled contract change that has not happened yet.
    UpcomingChangeKind {
        /// A scheduled switch takes effect (its record is `UPCOMING`).
        Switch => "SWITCH",
        /// A proposal's terms would start (its record is `PENDING`: the partner has not answered).
        Proposal => "PROPOSAL",
        /// A scheduled expiry ends the current contract.
        Expiry => "EXPIRY",
        /// A temporary contract reaches its end and falls back to its fallback terms (or expires
        /// without them).
        TemporaryEnd => "TEMPORARY_END",
    }
}
