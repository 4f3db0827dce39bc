//! The listing columns of a relationship: profile values copied onto `campaign_partners` so the
//! My Partners list sorts, filters and searches one table. Every writer of profiles or
//! relationships derives them here.

use crate::domain::text::fold_case;
use crate::domain::PartnerSize;

/// The copied values for one partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingColumns {
    /// The partner's name as sorted: lower-cased (compared byte-wise on both backends).
    pub partner_name: String,
    /// Lower-case `name partner_id website`, searched by substring.
    pub search_text: String,
    /// ISO country.
    pub country: Option<String>,
    /// ISO subdivision.
    pub state_province: Option<String>,
    /// 1 (extra small) to 5 (extra large).
    pub size_rank: Option<i16>,
    /// Total followers.
    pub social_reach: i64,
    /// Moz domain authority.
    pub moz_domain_authority: Option<i32>,
    /// The e-mail address, lower-cased (unique within a campaign).
    pub email: Option<String>,
}

/// The rank a size sorts by: 1 for extra small up to 5 for extra large.
pub fn size_rank(size: PartnerSize) -> i16 {
    match size {
        PartnerSize::ExtraSmall => 1,
        PartnerSize::Small => 2,
        PartnerSize::Medium => 3,
        PartnerSize::Large => 4,
        PartnerSize::ExtraLarge => 5,
    }
}

/// The size a rank stands for.
pub fn size_of_rank(rank: i16) -> Option<PartnerSize> {
    PartnerSize::ALL
        .iter()
        .copied()
        .find(|s| size_rank(*s) == rank)
}

/// The key the list sorts names by: the name lower-cased.
pub fn sort_name(name: &str) -> String {
    name.to_lowercase()
}

/// An e-mail address as a campaign's duplicate check compares it: ASCII letters lower-cased.
pub fn email_key(email: &str) -> String {
    email.to_ascii_lowercase()
}

/// The searchable text of a partner: name, numeric id and website, lower-cased.
pub fn search_text(name: &str, partner_id: i64, website_url: Option<&str>) -> String {
    let mut text = format!("{name} {partner_id}");
    if let Some(url) = website_url {
        text.push(' ');
        text.push_str(url);
    }
    fold_case(&text)
}

impl ListingColumns {
    /// The listing columns of a stored profile.
    pub fn of(profile: &entity::partner::Model) -> Self {
        ListingColumns {
            partner_name: sort_name(&profile.name),
            search_text: search_text(&profile.name, profile.id, profile.website_url.as_deref()),
            country: profile.country.clone(),
            state_province: profile.state_province.clone(),
            size_rank: profile
                .size
                .as_deref()
                .and_then(PartnerSize::parse)
                .map(size_rank),
            social_reach: profile.social_reach,
            moz_domain_authority: profile.moz_domain_authority,
            email: profile.email.as_deref().map(email_key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_holds_name_id_and_url_in_lower_case() {
        assert_eq!(
            search_text("Deal 50%_Off", 42, Some("https://Deals.example")),
            "deal 50%_off 42 https://deals.example"
        );
    }

    #[test]
    fn size_ranks_round_trip_in_order() {
        let ranks: Vec<i16> = PartnerSize::ALL.iter().map(|s| size_rank(*s)).collect();
        assert_eq!(ranks, vec![1, 2, 3, 4, 5]);
        assert_eq!(size_of_rank(3), Some(PartnerSize::Medium));
    }
}
