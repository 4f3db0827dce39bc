//! Unit tests of the sort keys (`sort.rs`).

use super::*;

fn key(field: PartnerOrderField, direction: OrderDirection) -> SortKey {
    SortKey { field, direction }
}

#[test]
fn the_tie_breaker_follows_the_last_key() {
    let order = SortOrder::new(&[key(PartnerOrderField::DateJoined, OrderDirection::Desc)]).ok();
    assert_eq!(
        order.map(|o| o.signature()).as_deref(),
        Some("DATE_JOINED:DESC,PARTNER_ID:DESC")
    );
    let default = SortOrder::new(&[]).ok().map(|o| o.signature());
    assert_eq!(default.as_deref(), Some("PARTNER_ID:ASC"));
}

#[test]
fn repeated_fields_are_rejected() {
    let name = key(PartnerOrderField::Name, OrderDirection::Asc);
    assert!(SortOrder::new(&[name, name]).is_err());
}

#[test]
fn a_cursor_only_works_with_its_own_order() {
    let by_name = SortOrder::new(&[key(PartnerOrderField::Name, OrderDirection::Asc)]).ok();
    let by_size = SortOrder::new(&[key(PartnerOrderField::Size, OrderDirection::Asc)]).ok();
    let (Some(by_name), Some(by_size)) = (by_name, by_size) else {
        panic!("orders")
    };
    let doc = json!({ "o": by_name.signature(), "v": ["Acme"], "p": 7 });
    let cursor = URL_SAFE_NO_PAD.encode(doc.to_string());
    assert!(by_name.decode(&cursor).is_ok());
    assert!(by_size.decode(&cursor).is_err());
    let forged =
        URL_SAFE_NO_PAD.encode(json!({ "o": by_name.signature(), "v": [5], "p": 7 }).to_string());
    assert!(by_name.decode(&forged).is_err());
}
