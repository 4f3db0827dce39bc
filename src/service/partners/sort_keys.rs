//! Sort keys as saved views and exports store them: `[{"field", "direction"}]`.

use serde_json::{json, Value as Json};

use super::sort::SortKey;
use crate::domain::{OrderDirection, PartnerOrderField};

/// Sort keys as stored (saved views, exports): `[{"field", "direction"}]`.
pub fn keys_to_json(keys: &[SortKey]) -> Json {
    Json::Array(
        keys.iter()
            .map(|k| json!({ "field": k.field.as_str(), "direction": k.direction.as_str() }))
            .collect(),
    )
}

/// Sort keys read back from [`keys_to_json`]; entries it cannot read are left out.
pub fn keys_from_json(stored: &Json) -> Vec<SortKey> {
    stored
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| {
                    Some(SortKey {
                        field: PartnerOrderField::parse(k["field"].as_str()?)?,
                        direction: OrderDirection::parse(k["direction"].as_str()?)?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}
