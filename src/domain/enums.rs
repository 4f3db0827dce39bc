//! The enumerations of the domain (DOMAIN.md), shared by the GraphQL API and storage.

use super::enum_macro::storage_enum;

storage_enum! {
    /// The role of an account user; it decides what the user's credentials may do.
    UserRole {
        /// Full access, including user and credential management.
        Administrator => "ADMINISTRATOR",
        /// May read and change partners, groups, contracts and notes.
        Editor => "EDITOR",
        /// May read everything and change nothing.
        ReadOnly => "READ_ONLY",
    }
}

storage_enum! {
    /// How the partner joined the program.
    RelationshipType {
        /// Joined through the brand's own sign-up link.
        Direct => "DIRECT",
        /// Joined through the marketplace.
        Marketplace => "MARKETPLACE",
    }
}

storage_enum! {
    /// Where the brand stands with the partner.
    RelationshipStage {
        /// Tagged as a prospect, not yet contacted.
        New => "NEW",
        /// Contacted by email or message.
        Outreach => "OUTREACH",
        /// No accepted contract yet: awaiting a decision, countered, ...
        Negotiating => "NEGOTIATING",
        /// Joined the program.
        Joined => "JOINED",
        /// The contract expired.
        Expired => "EXPIRED",
    }
}

storage_enum! {
    /// Where the brand originally found the partner.
    ProspectingSource {
        /// Aggregated from direct or marketplace applications.
        Applications => "APPLICATIONS",
        /// Aggregated from the partner marketplace.
        Marketplace => "MARKETPLACE",
        /// Identified through extended search.
        ExtendedSearch => "EXTENDED_SEARCH",
        /// Recommended by the AI tools.
        ImpactAi => "IMPACT_AI",
        /// Aggregated through in-app messaging.
        Messaging => "MESSAGING",
        /// Personalised for the brand by its customer success manager.
        StaffRecommended => "STAFF_RECOMMENDED",
        /// Imported with the prospect import.
        ProspectImport => "PROSPECT_IMPORT",
        /// Identified through creator search.
        CreatorSearch => "CREATOR_SEARCH",
        /// Any other source.
        Other => "OTHER",
    }
}

storage_enum! {
    /// The state of the partnership, as the contract status filter shows it.
    ContractStatus {
        /// The partner works under an active contract.
        Active => "ACTIVE",
        /// The partner's contract expired.
        Expired => "EXPIRED",
        /// The partnership is paused.
        Suspended => "SUSPENDED",
    }
}

storage_enum! {
    /// The partner size scale (a partner qualifies by any one measure).
    PartnerSize {
        /// 50+ followers, 100+ monthly visits, 200+ downloads or $1k+ revenue.
        ExtraSmall => "EXTRA_SMALL",
        /// 3k+ followers, 5k+ visits, 10k+ downloads or $1M+ revenue.
        Small => "SMALL",
        /// 100k+ followers, 250k+ visits, 500k+ downloads or $50M+ revenue.
        Medium => "MEDIUM",
        /// 5M+ followers, 10M+ visits, 20M+ downloads or $500M+ revenue.
        Large => "LARGE",
        /// 250M+ followers, 500M+ visits, 1B+ downloads or $5B+ revenue.
        ExtraLarge => "EXTRA_LARGE",
    }
}

storage_enum! {
    /// The type of business a partner runs (promotional method).
    BusinessModel {
        /// Email marketing.
        Email => "EMAIL",
        /// Search marketing.
        Search => "SEARCH",
        /// Loyalty programs.
        Loyalty => "LOYALTY",
        /// Coupon sites.
        Coupon => "COUPON",
        /// Syndication, blog networks.
        SyndicationBlogNetworks => "SYNDICATION_BLOG_NETWORKS",
        /// CPA networks.
        CpaNetwork => "CPA_NETWORK",
        /// Mobile apps.
        Mobile => "MOBILE",
        /// Content and editorial.
        Content => "CONTENT",
        /// Comparison shopping.
        Shopping => "SHOPPING",
        /// Social media influencers.
        SocialMediaInfluencer => "SOCIAL_MEDIA_INFLUENCER",
        /// Service providers.
        ServiceProvider => "SERVICE_PROVIDER",
        /// Consumer software.
        ConsumerSoftware => "CONSUMER_SOFTWARE",
        /// Incentivised traffic.
        Incentivized => "INCENTIVIZED",
        /// Offline promotion.
        Offline => "OFFLINE",
        /// Anything else.
        Other => "OTHER",
        /// Cashback sites.
        Cashback => "CASHBACK",
    }
}

storage_enum! {
    /// The kind of a partner's media property.
    MediaPropertyType {
        /// A website.
        Website => "WEBSITE",
        /// A mobile app.
        Mobile => "MOBILE",
        /// A social media account.
        Social => "SOCIAL",
    }
}

storage_enum! {
    /// The social platform of a social media property.
    SocialPlatform {
        /// Instagram.
        Instagram => "INSTAGRAM",
        /// YouTube.
        Youtube => "YOUTUBE",
        /// X (Twitter).
        X => "X",
        /// Facebook.
        Facebook => "FACEBOOK",
        /// Pinterest.
        Pinterest => "PINTEREST",
        /// Twitch.
        Twitch => "TWITCH",
        /// TikTok.
        Tiktok => "TIKTOK",
        /// LinkedIn.
        Linkedin => "LINKEDIN",
    }
}

storage_enum! {
    /// How a custom field is answered and shown.
    CustomFieldDisplayType {
        /// Free text.
        Paragraph => "PARAGRAPH",
        /// A number.
        Number => "NUMBER",
        /// A date.
        Date => "DATE",
        /// One option from a drop-down.
        Dropdown => "DROPDOWN",
        /// One option from radio buttons.
        MultipleChoice => "MULTIPLE_CHOICE",
        /// Any number of options.
        Checkboxes => "CHECKBOXES",
        /// An uploaded file.
        File => "FILE",
    }
}

storage_enum! {
    /// How a note was exchanged with the partner.
    NoteType {
        /// By email.
        Email => "EMAIL",
        /// By instant message.
        Im => "IM",
        /// By phone.
        Phone => "PHONE",
        /// Not an exchange: a plain note.
        None => "NONE",
    }
}

storage_enum! {
    /// Why a mutation input was refused (`userErrors[].code`).
    UserErrorCode {
        /// A required value is missing or blank.
        Required => "REQUIRED",
        /// The value is malformed (e-mail, URL, country code, ...).
        Invalid => "INVALID",
        /// The value is longer than allowed.
        TooLong => "TOO_LONG",
        /// The value names something that does not exist for the caller.
        NotFound => "NOT_FOUND",
        /// The value conflicts with existing data (e.g. a duplicate).
        Conflict => "CONFLICT",
        /// A bulk action's selection matches no partners.
        EmptySelection => "EMPTY_SELECTION",
        /// The value names something of another campaign than the one acted on.
        WrongCampaign => "WRONG_CAMPAIGN",
    }
}

storage_enum! {
    /// The partnership's stage as the new My Partners screen filters it.
    ContractStage {
        /// Working under a contract (active or suspended).
        Active => "ACTIVE",
        /// The contract expired.
        Expired => "EXPIRED",
    }
}

storage_enum! {
    /// Changes to a partner's terms a user can filter on.
    TermsUpdate {
        /// A proposal awaits the partner's answer.
        PendingProposal => "PENDING_PROPOSAL",
        /// A contract expired recently (within `recentlyExpiredWithinDays`).
        RecentlyExpired => "RECENTLY_EXPIRED",
        /// A switch to other terms is scheduled.
        UpcomingSwitch => "UPCOMING_SWITCH",
        /// The current contract (active or suspended) ends later: a scheduled expiry, or a
        /// temporary contract's own end.
        UpcomingExpiry => "UPCOMING_EXPIRY",
    }
}

storage_enum! {
    /// What the partner list can be sorted by.
    PartnerOrderField {
        /// The partner's name.
        Name => "NAME",
        /// The partner's numeric id.
        PartnerId => "PARTNER_ID",
        /// When the partner joined (prospects, who have not, sort first ascending).
        DateJoined => "DATE_JOINED",
        /// The partner's country code.
        Country => "COUNTRY",
        /// The partner's size, from extra small to extra large.
        Size => "SIZE",
        /// Total social followers.
        SocialReach => "SOCIAL_REACH",
        /// Moz domain authority.
        MozDomainAuthority => "MOZ_DOMAIN_AUTHORITY",
        /// When the partner applied through the marketplace.
        MarketplaceApplicationDate => "MARKETPLACE_APPLICATION_DATE",
        /// The relationship stage, by name.
        RelationshipStage => "RELATIONSHIP_STAGE",
    }
}

storage_enum! {
    /// Sort direction. Missing values count as the smallest: first ascending, last descending.
    OrderDirection {
        /// Smallest first.
        Asc => "ASC",
        /// Largest first.
        Desc => "DESC",
    }
}

storage_enum! {
    /// Something an account user may do beyond reading; each role grants a preset of these,
    /// and an administrator may grant a user any other set.
    Permission {
        /// Create, rename and delete partner groups and change who is in them.
        ManageGroups => "MANAGE_GROUPS",
        /// Assign partners to an account manager ("Assign to").
        AssignPartners => "ASSIGN_PARTNERS",
        /// Switch, propose, suspend and reinstate contracts, create templates, withdraw
        /// upcoming changes.
        ManageContracts => "MANAGE_CONTRACTS",
        /// Expire partners' contracts (end the partnership).
        ExpirePartners => "EXPIRE_PARTNERS",
        /// Create partners and edit their settings.
        EditPartners => "EDIT_PARTNERS",
        /// Manage the account's users and their permissions.
        ManageUsers => "MANAGE_USERS",
    }
}
