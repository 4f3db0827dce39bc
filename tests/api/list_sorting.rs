//! Sorting and keyset paging of the partner list: every sort field both ways against an oracle,
//! cursor round trips at page boundaries and through ties, forwards and backwards.

use std::cmp::Ordering;

use serde_json::{json, Value};

use crate::first_error_code;
use crate::list_support::Listed;
use crate::support::{backend_tests, TestApp};

/// Every sort field.
pub const FIELDS: [&str; 9] = [
    "NAME",
    "PARTNER_ID",
    "DATE_JOINED",
    "COUNTRY",
    "SIZE",
    "SOCIAL_REACH",
    "MOZ_DOMAIN_AUTHORITY",
    "MARKETPLACE_APPLICATION_DATE",
    "RELATIONSHIP_STAGE",
];

const SIZES: [&str; 5] = ["EXTRA_SMALL", "SMALL", "MEDIUM", "LARGE", "EXTRA_LARGE"];

/// The sort value of a partner; `None` sorts first ascending.
fn key(p: &Value, field: &str) -> Option<Value> {
    let v = match field {
        "NAME" => json!(p["name"].as_str().unwrap().to_lowercase()),
        "PARTNER_ID" => p["partnerId"].clone(),
        "DATE_JOINED" => p["dateJoined"].clone(),
        "COUNTRY" => p["country"].clone(),
        "SIZE" => p["size"]
            .as_str()
            .map_or(Value::Null, |s| json!(SIZES.iter().position(|x| *x == s))),
        "SOCIAL_REACH" => p["socialReach"].clone(),
        "MOZ_DOMAIN_AUTHORITY" => p["mozDomainAuthority"].clone(),
        "MARKETPLACE_APPLICATION_DATE" => p["marketplaceApplicationDate"].clone(),
        "RELATIONSHIP_STAGE" => p["relationshipStage"].clone(),
        other => panic!("{other}"),
    };
    (!v.is_null()).then_some(v)
}

fn compare(a: &Option<Value>, b: &Option<Value>, date: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap(),
            _ if date => {
                let parse =
                    |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
                parse(x).cmp(&parse(y))
            }
            _ => x
                .as_str()
                .unwrap()
                .as_bytes()
                .cmp(y.as_str().unwrap().as_bytes()),
        },
    }
}

/// The oracle's order for `keys` (field, descending?), ties broken by partner id in the last key's direction.
fn oracle(all: &[Value], keys: &[(&str, bool)]) -> Vec<i64> {
    let mut rows: Vec<&Value> = all.iter().collect();
    let last_desc = keys.last().is_some_and(|k| k.1);
    rows.sort_by(|a, b| {
        for (field, desc) in keys {
            let date = field.contains("DATE");
            let o = compare(&key(a, field), &key(b, field), date);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        let o = a["partnerId"].as_i64().cmp(&b["partnerId"].as_i64());
        if last_desc {
            o.reverse()
        } else {
            o
        }
    });
    rows.iter()
        .map(|p| p["partnerId"].as_i64().unwrap())
        .collect()
}

fn order_json(keys: &[(&str, bool)]) -> Value {
    Value::Array(
        keys.iter()
            .map(|(f, d)| json!({ "field": f, "direction": if *d { "DESC" } else { "ASC" } }))
            .collect(),
    )
}

const PAGE: &str = "query($c: ID!, $o: [PartnerOrder!], $first: Int, $after: String, $last: Int, $before: String) {
  partners(campaignId: $c, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    nodes { partnerId } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

async fn page(app: &TestApp, l: &Listed, vars: Value) -> (Vec<i64>, Value) {
    let mut vars = vars;
    vars["c"] = json!(l.campaign);
    let data = app.data_as(&l.account, PAGE, vars).await;
    let ids = data["partners"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["partnerId"].as_i64().unwrap())
        .collect();
    (ids, data["partners"]["pageInfo"].clone())
}

/// Walks the whole list in pages of `size`, forwards then backwards.
async fn walk(app: &TestApp, l: &Listed, order: &Value, size: i64) -> (Vec<i64>, Vec<i64>) {
    let (mut forward, mut after) = (Vec::new(), Value::Null);
    loop {
        let (ids, info) = page(app, l, json!({ "o": order, "first": size, "after": after })).await;
        forward.extend(ids);
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }
    let (mut backward, mut before) = (Vec::new(), Value::Null);
    loop {
        let (ids, info) = page(
            app,
            l,
            json!({ "o": order, "last": size, "before": before }),
        )
        .await;
        backward.splice(0..0, ids);
        if info["hasPreviousPage"] == false {
            break;
        }
        before = info["startCursor"].clone();
    }
    (forward, backward)
}

backend_tests! {
    async fn every_sort_field_orders_both_ways_like_the_oracle(app) {
        let l = Listed::seed(&app, 120, 51).await;
        for field in FIELDS {
            for desc in [false, true] {
                let keys = [(field, desc)];
                let (ids, _) = page(&app, &l, json!({ "o": order_json(&keys), "first": 500 })).await;
                assert_eq!(ids, oracle(&l.all, &keys), "{field} desc={desc}");
            }
        }
        let keys = [("COUNTRY", false), ("SIZE", true), ("NAME", false)];
        let (ids, _) = page(&app, &l, json!({ "o": order_json(&keys), "first": 500 })).await;
        assert_eq!(ids, oracle(&l.all, &keys), "several keys");
    }

    async fn cursors_walk_the_list_through_ties_in_both_directions(app) {
        let l = Listed::seed(&app, 90, 52).await;
        // Keys that can be missing, both ways: a page that crosses from the present values into
        // the missing ones (or back) reads two index ranges.
        for keys in [vec![("SIZE", true)], vec![("DATE_JOINED", true)], vec![("MARKETPLACE_APPLICATION_DATE", false)], vec![("COUNTRY", false)], vec![("NAME", true)], vec![("COUNTRY", false), ("MOZ_DOMAIN_AUTHORITY", true)], vec![]] {
            let order = order_json(&keys);
            let expected = oracle(&l.all, &keys);
            for size in [1, 7, 50] {
                let (forward, backward) = walk(&app, &l, &order, size).await;
                assert_eq!(forward, expected, "forward {keys:?} by {size}");
                assert_eq!(backward, expected, "backward {keys:?} by {size}");
            }
        }
    }

    async fn a_cursor_of_another_order_or_a_forged_one_is_rejected(app) {
        let l = Listed::seed(&app, 20, 53).await;
        let by_size = order_json(&[("SIZE", false)]);
        let (_, info) = page(&app, &l, json!({ "o": by_size, "first": 5 })).await;
        let by_name = order_json(&[("NAME", false)]);
        let header = TestApp::header_of(&l.account);
        for vars in [
            json!({ "c": l.campaign, "o": by_name, "first": 5, "after": info["endCursor"] }),
            json!({ "c": l.campaign, "first": 5, "after": "eyJvIjoiUEFSVE5FUl9JRDpBU0MiLCJ2IjpbXSwicCI6Inh4In0" }),
            json!({ "c": l.campaign, "o": [{ "field": "NAME" }, { "field": "NAME" }], "first": 5 }),
        ] {
            let (_, body) = app.graphql_as(Some(&header), PAGE, vars.clone()).await;
            assert_eq!(first_error_code(&body), "VALIDATION", "{vars}: {body}");
        }
    }
}
