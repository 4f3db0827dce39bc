//! Countries, cities and subdivisions of generated partner addresses, weighted like a real
//! program's partner base (mostly US, GB and CA).

use rand::Rng;

use super::pick::{pick, Rng8};
use crate::domain::country::COMMON;

/// How a country writes postal codes.
#[derive(Clone, Copy)]
pub(crate) enum Postal {
    /// Five digits (US, DE, FR, ...).
    Digits5,
    /// Four digits (AU, NL, BE, ...).
    Digits4,
    /// Canadian `A1A 1A1`.
    Canada,
    /// British `SW1A 1AA` style.
    Britain,
    /// No postal code.
    None,
}

/// One country partners come from.
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: &'static str,
    /// Relative weight among partners.
    pub weight: u32,
    /// Local currency (ISO 4217).
    pub currency: &'static str,
    /// International dialling code.
    pub dial: &'static str,
    /// Top-level domain of websites.
    pub tld: &'static str,
    /// Postal code style.
    pub postal: Postal,
    /// Cities with their ISO 3166-2 subdivision (for US, CA and AU only).
    pub cities: &'static [(&'static str, &'static str)],
}

const fn c(
    code: &'static str,
    weight: u32,
    currency: &'static str,
    dial: &'static str,
    tld: &'static str,
    postal: Postal,
    cities: &'static [(&'static str, &'static str)],
) -> Country {
    Country {
        code,
        weight,
        currency,
        dial,
        tld,
        postal,
        cities,
    }
}

/// The partner countries and their weights: the `COMMON` ones first, then a long tail.
#[rustfmt::skip]
pub(crate) const COUNTRIES: &[Country] = &[
    c("US", 400, "USD", "+1", "com", Postal::Digits5, &[
        ("New York", "US-NY"), ("Los Angeles", "US-CA"), ("San Francisco", "US-CA"), ("Chicago", "US-IL"),
        ("Austin", "US-TX"), ("Houston", "US-TX"), ("Miami", "US-FL"), ("Seattle", "US-WA"),
        ("Denver", "US-CO"), ("Boston", "US-MA"), ("Atlanta", "US-GA"), ("Portland", "US-OR"),
        ("Phoenix", "US-AZ"), ("Nashville", "US-TN"), ("Columbus", "US-OH"), ("Minneapolis", "US-MN"),
    ]),
    c("GB", 120, "GBP", "+44", "co.uk", Postal::Britain, &[
        ("London", ""), ("Manchester", ""), ("Bristol", ""), ("Leeds", ""), ("Edinburgh", ""), ("Glasgow", ""),
    ]),
    c("CA", 80, "CAD", "+1", "ca", Postal::Canada, &[
        ("Toronto", "CA-ON"), ("Ottawa", "CA-ON"), ("Vancouver", "CA-BC"), ("Montreal", "CA-QC"),
        ("Calgary", "CA-AB"), ("Halifax", "CA-NS"), ("Winnipeg", "CA-MB"),
    ]),
    c("AU", 60, "AUD", "+61", "com.au", Postal::Digits4, &[
        ("Sydney", "AU-NSW"), ("Melbourne", "AU-VIC"), ("Brisbane", "AU-QLD"), ("Perth", "AU-WA"),
        ("Adelaide", "AU-SA"), ("Hobart", "AU-TAS"),
    ]),
    c("DE", 50, "EUR", "+49", "de", Postal::Digits5, &[("Berlin", ""), ("Munich", ""), ("Hamburg", ""), ("Cologne", "")]),
    c("FR", 40, "EUR", "+33", "fr", Postal::Digits5, &[("Paris", ""), ("Lyon", ""), ("Marseille", ""), ("Bordeaux", "")]),
    c("NL", 25, "EUR", "+31", "nl", Postal::Digits4, &[("Amsterdam", ""), ("Rotterdam", ""), ("Utrecht", "")]),
    c("ES", 20, "EUR", "+34", "es", Postal::Digits5, &[("Madrid", ""), ("Barcelona", ""), ("Valencia", "")]),
    c("IT", 20, "EUR", "+39", "it", Postal::Digits5, &[("Milan", ""), ("Rome", ""), ("Turin", "")]),
    c("BR", 15, "BRL", "+55", "com.br", Postal::Digits5, &[("Sao Paulo", ""), ("Rio de Janeiro", "")]),
    c("MX", 12, "MXN", "+52", "mx", Postal::Digits5, &[("Mexico City", ""), ("Guadalajara", "")]),
    c("IN", 20, "INR", "+91", "in", Postal::Digits5, &[("Mumbai", ""), ("Bengaluru", ""), ("Delhi", "")]),
    c("JP", 10, "JPY", "+81", "jp", Postal::Digits5, &[("Tokyo", ""), ("Osaka", "")]),
    c("SE", 10, "SEK", "+46", "se", Postal::Digits5, &[("Stockholm", ""), ("Gothenburg", "")]),
    c("IE", 10, "EUR", "+353", "ie", Postal::None, &[("Dublin", ""), ("Cork", "")]),
    c("NZ", 8, "NZD", "+64", "co.nz", Postal::Digits4, &[("Auckland", ""), ("Wellington", "")]),
    c("SG", 8, "SGD", "+65", "sg", Postal::Digits5, &[("Singapore", "")]),
    c("ZA", 6, "ZAR", "+27", "co.za", Postal::Digits4, &[("Cape Town", ""), ("Johannesburg", "")]),
    c("PL", 8, "PLN", "+48", "pl", Postal::Digits5, &[("Warsaw", ""), ("Krakow", "")]),
    c("BE", 8, "EUR", "+32", "be", Postal::Digits4, &[("Brussels", ""), ("Antwerp", "")]),
    c("AT", 4, "EUR", "+43", "at", Postal::Digits4, &[("Vienna", "")]),
    c("CH", 4, "CHF", "+41", "ch", Postal::Digits4, &[("Zurich", ""), ("Geneva", "")]),
    c("DK", 3, "DKK", "+45", "dk", Postal::Digits4, &[("Copenhagen", "")]),
    c("NO", 3, "NOK", "+47", "no", Postal::Digits4, &[("Oslo", "")]),
    c("FI", 2, "EUR", "+358", "fi", Postal::Digits5, &[("Helsinki", "")]),
    c("PT", 3, "EUR", "+351", "pt", Postal::None, &[("Lisbon", ""), ("Porto", "")]),
    c("AR", 2, "ARS", "+54", "com.ar", Postal::Digits4, &[("Buenos Aires", "")]),
    c("CO", 2, "COP", "+57", "co", Postal::None, &[("Bogota", "")]),
    c("KR", 3, "KRW", "+82", "kr", Postal::Digits5, &[("Seoul", "")]),
    c("PH", 3, "PHP", "+63", "ph", Postal::Digits4, &[("Manila", "")]),
    c("AE", 3, "AED", "+971", "ae", Postal::None, &[("Dubai", "")]),
    c("IL", 2, "ILS", "+972", "co.il", Postal::Digits5, &[("Tel Aviv", "")]),
    c("CZ", 2, "CZK", "+420", "cz", Postal::Digits5, &[("Prague", "")]),
    c("NG", 2, "NGN", "+234", "ng", Postal::None, &[("Lagos", "")]),
];

/// Total of the country weights.
fn total_weight() -> u32 {
    COUNTRIES.iter().map(|c| c.weight).sum()
}

/// A country drawn by weight.
pub(crate) fn country(rng: &mut Rng8) -> &'static Country {
    let mut n = rng.random_range(0..total_weight());
    for country in COUNTRIES {
        if n < country.weight {
            return country;
        }
        n -= country.weight;
    }
    &COUNTRIES[0]
}

/// A country code for attribute lists (promotional areas, audience countries): mostly common ones.
pub(crate) fn attribute_country(rng: &mut Rng8) -> &'static str {
    if rng.random_bool(0.8) {
        COMMON[rng.random_range(0..COMMON.len())]
    } else {
        country(rng).code
    }
}

/// A postal code in the country's style.
pub(crate) fn postal_code(rng: &mut Rng8, style: Postal) -> Option<String> {
    const LETTERS: &[u8] = b"ABCEGHJKLMNPRSTVXY";
    let letter = |rng: &mut Rng8| char::from(*pick(rng, LETTERS));
    match style {
        Postal::Digits5 => Some(format!("{:05}", rng.random_range(1000..99999))),
        Postal::Digits4 => Some(format!("{:04}", rng.random_range(1000..9999))),
        Postal::Canada => {
            let (a, b, c) = (letter(rng), letter(rng), letter(rng));
            Some(format!(
                "{a}{}{b} {}{c}{}",
                rng.random_range(0..10),
                rng.random_range(0..10),
                rng.random_range(0..10)
            ))
        }
        Postal::Britain => {
            let (a, b, c, d) = (letter(rng), letter(rng), letter(rng), letter(rng));
            Some(format!(
                "{a}{b}{} {}{c}{d}",
                rng.random_range(1..20),
                rng.random_range(1..10)
            ))
        }
        Postal::None => None,
    }
}

/// A phone number with the country's dialling code.
pub(crate) fn phone(rng: &mut Rng8, country: &Country) -> String {
    format!(
        "{} {:03} {:03} {:04}",
        country.dial,
        rng.random_range(200..999),
        rng.random_range(100..999),
        rng.random_range(0..10000)
    )
}
