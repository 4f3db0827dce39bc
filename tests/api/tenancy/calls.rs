//! The calls of the cross-tenant test: every root field and mutation with each of the other
//! account's ids in every id argument (and every id field of their inputs), every REST route with
//! its SID and ids, and a bulk-edit file naming its partners and groups.

use std::collections::BTreeSet;

use async_graphql::parser::types::{BaseType, Type};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::{assert_no_leak, Victim};
use crate::sdl::{named, Def, Schema};
use crate::support::{post_file, TestApp};

/// `Query.x` and `Mutation.y` for every root field of the committed schema.
pub fn schema_root_fields() -> BTreeSet<String> {
    let schema = Schema::load();
    ["Query", "Mutation"]
        .iter()
        .flat_map(|root| {
            schema
                .fields(root)
                .iter()
                .map(move |f| format!("{root}.{}", f.name))
        })
        .collect()
}

/// A value of type `ty` aimed at `id`: the id wherever an id goes (in lists too), required
/// fields filled plausibly, optional input objects that can carry an id included.
fn value(schema: &Schema, ty: &Type, id: &str, depth: usize) -> Option<Value> {
    match &ty.base {
        BaseType::List(inner) => Some(json!([value(schema, inner, id, depth)?])),
        BaseType::Named(name) => match (name.as_str(), schema.types.get(name.as_str())) {
            ("ID", _) => Some(json!(id)),
            ("String", _) => Some(json!("Tenancy probe")),
            ("Int", _) => Some(json!(1)),
            ("Float", _) => Some(json!(1.0)),
            ("Boolean", _) => Some(json!(false)),
            ("Upload", _) => None,
            (_, Some(Def::Enum(values))) => values.first().map(|v| json!(v)),
            (_, Some(Def::Input(fields))) if depth < 3 => {
                let mut map = Map::new();
                for (field, field_type) in fields {
                    let carries_id = named(field_type) == "ID"
                        || matches!(schema.types.get(named(field_type)), Some(Def::Input(_)));
                    if !field_type.nullable || carries_id {
                        if let Some(v) = value(schema, field_type, id, depth + 1) {
                            map.insert(field.clone(), v);
                        }
                    }
                }
                // A selection takes ids or a filter, not both.
                if map.contains_key("ids") && map.contains_key("filter") {
                    map.remove("filter");
                    map.remove("exceptIds");
                }
                Some(Value::Object(map))
            }
            (_, Some(Def::Scalar)) => Some(json!({})),
            _ => None,
        },
    }
}

/// Calls every root field and mutation as the app's account with each of the victim's ids;
/// returns the fields called.
pub async fn every_graphql_field(app: &TestApp, victim: &Victim) -> BTreeSet<String> {
    let schema = Schema::load();
    let mut called = BTreeSet::new();
    for (root, keyword) in [("Query", "query"), ("Mutation", "mutation")] {
        for field in schema.fields(root) {
            for id in &victim.ids {
                let mut declared = Vec::new();
                let mut args = Vec::new();
                let mut variables = Map::new();
                let mut complete = true;
                for (i, (name, ty)) in field.args.iter().enumerate() {
                    match value(&schema, ty, id, 0) {
                        Some(v) => {
                            declared.push(format!("$a{i}: {ty}"));
                            args.push(format!("{name}: $a{i}"));
                            variables.insert(format!("a{i}"), v);
                        }
                        None if ty.nullable => {}
                        None => complete = false,
                    }
                }
                if !complete {
                    continue; // bulkEditPartnerGroups: by upload, see `bulk_edit_upload`.
                }
                let declared = if declared.is_empty() {
                    String::new()
                } else {
                    format!("({})", declared.join(", "))
                };
                let args = if args.is_empty() {
                    String::new()
                } else {
                    format!("({})", args.join(", "))
                };
                let child = named(&field.ty);
                // Shallow, so a failing sub-field cannot null a leaked object away, and deep.
                for depth in [1, 3] {
                    let selection = if schema.is_composite(child) {
                        schema.everything(child, depth)
                    } else {
                        String::new()
                    };
                    let query = format!(
                        "{keyword} Probe{declared} {{ {}{args} {selection} }}",
                        field.name
                    );
                    let (status, body) =
                        app.graphql(&query, Value::Object(variables.clone())).await;
                    let what = format!(
                        "{root}.{} with {id}: {query} {}",
                        field.name,
                        Value::Object(variables.clone())
                    );
                    assert!(status < 500, "{status} for {what}: {body}");
                    assert_ne!(
                        body["errors"][0]["extensions"]["code"], "INTERNAL",
                        "{what}: {body}"
                    );
                    assert_no_leak(victim, &body.to_string(), &what);
                }
                called.insert(format!("{root}.{}", field.name));
            }
        }
    }
    called.insert("Mutation.bulkEditPartnerGroups".into());
    called
}

/// Every REST route with the victim's SID (403) and with the caller's SID and the victim's
/// ids (404 or 400), by every method the route has.
pub async fn every_rest_route(app: &TestApp, victim: &Victim) {
    let own = app.account.account_sid.clone();
    let theirs = victim.account.account_sid.clone();
    let auth = app.auth_header();
    let campaigns = &victim.campaigns;
    let groups = &victim.groups;
    let mut paths = Vec::new();
    for sid in [&own, &theirs] {
        for c in campaigns {
            paths.push(format!(
                "/Advertisers/{sid}/Campaigns/{c}/MediaPartnerGroups"
            ));
            for g in groups {
                paths.push(format!(
                    "/Advertisers/{sid}/Campaigns/{c}/MediaPartnerGroups/{g}"
                ));
            }
        }
        for p in &victim.partners {
            paths.push(format!("/Advertisers/{sid}/MediaPartners/{p}"));
        }
        for c in campaigns {
            paths.push(format!("/Advertisers/{sid}/Campaigns/{c}"));
            paths.push(format!("/Advertisers/{sid}/Campaigns/{c}/Notes"));
            paths.push(format!("/Advertisers/{sid}/Campaigns/{c}/Notes.json"));
            paths.push(format!("/Advertisers/{sid}/Campaigns/{c}/CustomFields"));
            for n in &victim.notes {
                paths.push(format!("/Advertisers/{sid}/Campaigns/{c}/Notes/{n}"));
            }
        }
    }
    // The caller's own campaign with the victim's notes and partners.
    for n in &victim.notes {
        paths.push(format!(
            "/Advertisers/{own}/Campaigns/{}/Notes/{n}",
            app.campaign_id()
        ));
    }
    // The account-level collections answer the caller's own SID; the victim's is 403.
    paths.push(format!("/Advertisers/{theirs}/CompanyInformation"));
    paths.push(format!("/Advertisers/{theirs}/Campaigns"));
    let partners = victim.partners.join(",");
    let media = victim
        .partners
        .iter()
        .find(|p| p.chars().all(|c| c.is_ascii_digit()))
        .cloned()
        .unwrap_or_default();
    let form = format!("Name=Probe&MediaPartners={partners}&MediaPartnersAdd={partners}&MediaPartnersRemove={partners}&MediaId={media}&Content=Probe");
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            let headers = [
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ];
            let response = app
                .request(method.clone(), path, &headers, form.clone())
                .await;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            let what = format!("REST {method} {path}");
            assert!(
                [400, 403, 404, 405].contains(&status),
                "{status} for {what}: {body}"
            );
            if path.contains(&theirs) {
                // A method the resource lacks is told before credentials are looked at.
                assert!([403, 405].contains(&status), "{what}: {body}");
            }
            assert_no_leak(victim, &body, &what);
        }
    }
}

/// `bulkEditPartnerGroups` with a file naming the victim's partners and groups, in the
/// victim's campaign and in the caller's own: neither previews nor applies anything of theirs.
pub async fn bulk_edit_upload(app: &TestApp, victim: &Victim) {
    let numeric = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|i| i.chars().all(|c| c.is_ascii_digit()))
            .cloned()
            .collect()
    };
    let partners = numeric(&victim.partners);
    let groups = numeric(&victim.groups).join(", ");
    let csv: String = std::iter::once("Partner Id,Add To,Remove From\n".to_owned())
        .chain(partners.iter().map(|p| format!("{p},\"{groups}\",\n")))
        .collect();
    let query = "mutation($c: ID!, $file: Upload!) { bulkEditPartnerGroups(campaignId: $c, file: $file, apply: true) {
        applied rowCount addedCount rows { partnerName joins { name } errors } userErrors { code message } } }";
    let campaigns = [victim.account.campaign_ids[0], app.campaign_id()];
    for campaign in campaigns {
        let operations =
            json!({ "query": query, "variables": { "c": campaign.to_string(), "file": null } });
        let csv = csv.clone().into_bytes();
        let (status, body) = post_file(
            &app.base_url,
            &app.auth_header(),
            &operations,
            "groups.csv",
            csv,
        )
        .await;
        assert!(status < 500, "{body}");
        let body = body.to_string();
        assert!(!body.contains("\"applied\":true"), "{body}");
        assert_no_leak(victim, &body, &format!("bulk edit in campaign {campaign}"));
    }
}
