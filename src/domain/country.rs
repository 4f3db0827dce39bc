//! ISO 3166 country codes (alpha-2) and subdivision codes (`US-CA`), parsed at the boundary.

use crate::error::AppError;

/// Every officially assigned ISO 3166-1 alpha-2 code.
const ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER \
ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN \
IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH \
MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN \
PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ \
TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && ALPHA2.split(' ').any(|c| c == code)
}

/// Parses a country code, accepting lower case; anything else is a `VALIDATION` error.
pub fn parse_country(text: &str) -> Result<String, AppError> {
    let code = text.trim().to_ascii_uppercase();
    if is_country_code(&code) {
        Ok(code)
    } else {
        Err(AppError::Validation(format!(
            "{text:?} is not an ISO 3166-1 alpha-2 country code"
        )))
    }
}

/// Parses an ISO 3166-2 subdivision code (`US-CA`): a valid country, a dash, 1 to 3 letters or digits.
pub fn parse_subdivision(text: &str) -> Result<String, AppError> {
    let code = text.trim().to_ascii_uppercase();
    let invalid = || {
        AppError::Validation(format!(
            "{text:?} is not an ISO 3166-2 subdivision code such as US-CA"
        ))
    };
    let (country, local) = code.split_once('-').ok_or_else(invalid)?;
    let local_ok =
        (1..=3).contains(&local.len()) && local.bytes().all(|b| b.is_ascii_alphanumeric());
    if is_country_code(country) && local_ok {
        Ok(code)
    } else {
        Err(invalid())
    }
}

/// A sample of common program countries, weighted first by the demo and benchmark data.
pub const COMMON: &[&str] = &[
    "US", "GB", "CA", "AU", "DE", "FR", "NL", "ES", "IT", "BR", "MX", "IN", "JP", "SE", "IE", "NZ",
    "SG", "ZA", "PL", "BE",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_checked_against_the_list() {
        assert_eq!(parse_country("us").ok().as_deref(), Some("US"));
        assert!(parse_country("XX").is_err());
        assert!(parse_country("USA").is_err());
        assert_eq!(ALPHA2.split(' ').count(), 249);
    }

    #[test]
    fn subdivisions_need_a_valid_country_prefix() {
        assert_eq!(parse_subdivision("us-ca").ok().as_deref(), Some("US-CA"));
        assert!(parse_subdivision("XX-CA").is_err());
        assert!(parse_subdivision("US").is_err());
        assert!(parse_subdivision("US-CALI").is_err());
    }
}
