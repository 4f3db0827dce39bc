//! The Partner Groups REST API (v14): the product's JSON shapes, paging, and the write cycle.

use serde_json::{json, Value};

use crate::rest_support::{create_partners, join, last_segment, rows, Rest};
use crate::support::backend_tests;

fn field<'a>(body: &'a Value, name: &str) -> &'a str {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not a string in {body}"))
}

/// Asserts that the keys appear in this order in a response text (serde_json's `Value` sorts them).
fn assert_key_order(text: &str, keys: &[&str]) {
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("no {k} in {text}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "keys out of order in {text}"
    );
}

fn page_fields(body: &Value) -> Vec<String> {
    [
        "@page",
        "@numpages",
        "@pagesize",
        "@total",
        "@start",
        "@end",
    ]
    .iter()
    .map(|f| field(body, f).to_owned())
    .collect()
}

backend_tests! {
    async fn the_list_is_the_products_json_byte_for_byte(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["Alpha Outdoors", "Beta \"Trail\" Blog"]).await;
        let vip = rest.create_group(c, "VIP", &[p[1], p[0]]).await;
        let bloggers = rest.create_group(c, "Bloggers", &[]).await;

        let answer = rest.get(&rest.groups(c)).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert!(answer.header("content-type").starts_with("application/json"));
        let (sid, base) = (&rest.sid, rest.groups(c));
        let member = |id: i64, name: &str| format!(
            r#"{{"PartnerId":"{id}","PartnerName":"{name}","PartnerUri":"/Advertisers/{sid}/MediaPartners/{id}"}}"#
        );
        let expected = format!(
            concat!(
                r#"{{"@page":"1","@numpages":"1","@pagesize":"100","@total":"2","@start":"0","@end":"1","#,
                r#""@uri":"{base}?PageSize=100&Page=1","@firstpageuri":"{base}?PageSize=100&Page=1","#,
                r#""@previouspageuri":"","@nextpageuri":"","@lastpageuri":"{base}?PageSize=100&Page=1","#,
                r#""Groups":[{{"Id":"{bloggers}","Name":"Bloggers","MediaPartners":[],"Uri":"{base}/{bloggers}"}},"#,
                r#"{{"Id":"{vip}","Name":"VIP","MediaPartners":[{m0},{m1}],"Uri":"{base}/{vip}"}}]}}"#,
            ),
            base = base, bloggers = bloggers, vip = vip,
            m0 = member(p[0], "Alpha Outdoors"), m1 = member(p[1], r#"Beta \"Trail\" Blog"#),
        );
        assert_eq!(answer.text, expected);
        // The product's `.json` suffix answers the same document.
        let suffixed = rest.get(&format!("{base}.json")).await;
        assert_eq!((suffixed.status, suffixed.text), (200, expected));
    }

    async fn one_group_pages_its_members(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["P1", "P2", "P3", "P4", "P5"]).await;
        let g = rest.create_group(c, "Five", &p).await;
        let uri = rest.group(c, g);

        let answer = rest.get(&uri).await;
        assert_key_order(&answer.text, &[
            "@page", "@numpages", "@pagesize", "@total", "@start", "@end", "@uri", "@firstpageuri",
            "@previouspageuri", "@nextpageuri", "@lastpageuri", "Id", "Name", "MediaPartners", "Uri",
        ]);
        let whole = answer.json();
        assert_eq!(whole.as_object().unwrap().len(), 15);
        assert_eq!(page_fields(&whole), ["1", "1", "20000", "5", "0", "4"]);
        assert_eq!((field(&whole, "Id"), field(&whole, "Name"), field(&whole, "Uri")), (g.to_string().as_str(), "Five", uri.as_str()));
        let ids: Vec<&str> = whole["MediaPartners"].as_array().unwrap().iter().map(|m| field(m, "PartnerId")).collect();
        assert_eq!(ids, p.iter().map(i64::to_string).collect::<Vec<_>>());

        let second = rest.get(&format!("{uri}?PageSize=2&Page=2")).await.json();
        assert_eq!(page_fields(&second), ["2", "3", "2", "5", "2", "3"]);
        assert_eq!(second["MediaPartners"][0]["PartnerId"], p[2].to_string());
        assert_eq!(field(&second, "@previouspageuri"), format!("{uri}?PageSize=2&Page=1"));
        assert_eq!(field(&second, "@nextpageuri"), format!("{uri}?PageSize=2&Page=3"));
        let last = rest.get(&format!("{uri}.json?PageSize=2&Page=3")).await.json();
        assert_eq!(page_fields(&last), ["3", "3", "2", "5", "4", "4"]);
        assert_eq!(field(&last, "@nextpageuri"), "");
        let beyond = rest.get(&format!("{uri}?PageSize=2&Page=9")).await.json();
        assert_eq!(page_fields(&beyond), ["9", "3", "2", "5", "16", "16"]);
        assert_eq!(beyond["MediaPartners"], json!([]));
    }

    async fn the_list_pages_across_three_pages(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let mut ids = Vec::new();
        for name in ["A", "B", "C", "D", "E"] {
            ids.push(rest.create_group(c, name, &[]).await);
        }
        let base = rest.groups(c);
        let page_uri = |n: u32| format!("{base}?PageSize=2&Page={n}");
        let mut seen = Vec::new();
        for (n, expected) in [(1, ["1", "3", "2", "5", "0", "1"]), (2, ["2", "3", "2", "5", "2", "3"]), (3, ["3", "3", "2", "5", "4", "4"])] {
            let body = rest.get(&page_uri(n)).await.json();
            assert_eq!(page_fields(&body), expected, "page {n}");
            assert_eq!(field(&body, "@uri"), page_uri(n));
            assert_eq!(field(&body, "@firstpageuri"), page_uri(1));
            assert_eq!(field(&body, "@lastpageuri"), page_uri(3));
            let previous = if n == 1 { String::new() } else { page_uri(n - 1) };
            let next = if n == 3 { String::new() } else { page_uri(n + 1) };
            assert_eq!((field(&body, "@previouspageuri"), field(&body, "@nextpageuri")), (previous.as_str(), next.as_str()));
            for g in body["Groups"].as_array().unwrap() {
                assert_eq!(last_segment(field(g, "Uri")).to_string(), field(g, "Id"));
                seen.push(field(g, "Name").to_owned());
            }
        }
        assert_eq!(seen, ["A", "B", "C", "D", "E"]);
        let beyond = rest.get(&page_uri(4)).await;
        assert_eq!(beyond.status, 200);
        let beyond = beyond.json();
        assert_eq!(page_fields(&beyond), ["4", "3", "2", "5", "6", "6"]);
        assert_eq!((field(&beyond, "@nextpageuri"), beyond["Groups"].clone()), ("", json!([])));
        let empty = rest.get(&rest.groups(app.account.campaign_ids[1])).await.json();
        assert_eq!(page_fields(&empty), ["1", "0", "100", "0", "0", "0"]);
    }

    async fn a_created_group_is_read_back_from_its_uri(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["Gear Hub", "Camp Talk"]).await;
        let answer = rest.post(&rest.groups(c), &[("Name", "  VIP  "), ("MediaPartners", &format!("{}, {}", p[0], p[1]))]).await;
        assert_eq!(answer.status, 200);
        let created = answer.json();
        let uri = field(&created, "Uri").to_owned();
        let id = last_segment(&uri);
        assert_eq!(answer.text, format!(r#"{{"Status":"OK","Uri":"{}"}}"#, rest.group(c, id)));
        let group = rest.get(&uri).await.json();
        assert_eq!((field(&group, "Id"), field(&group, "Name")), (id.to_string().as_str(), "VIP"));
        assert_eq!(group["MediaPartners"][1], json!({
            "PartnerId": p[1].to_string(), "PartnerName": "Camp Talk", "PartnerUri": rest.partner(p[1]),
        }));
        // A group without partners needs only its name.
        let bare = rest.post(&format!("{}.json", rest.groups(c)), &[("Name", "Empty")]).await;
        assert_eq!(bare.status, 200, "{}", bare.text);
        let bare = rest.get(field(&bare.json(), "Uri")).await.json();
        assert_eq!((field(&bare, "@total"), bare["MediaPartners"].clone()), ("0", json!([])));
    }

    async fn an_update_renames_adds_and_removes(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["One", "Two", "Three"]).await;
        let g = rest.create_group(c, "Old", &[p[0], p[1]]).await;
        let uri = rest.group(c, g);
        let answer = rest.put(&uri, &[("Name", "New"), ("MediaPartnersAdd", &p[2].to_string()), ("MediaPartnersRemove", &p[0].to_string())]).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.json(), json!({ "Status": "OK", "Uri": uri }));
        let group = rest.get(&uri).await.json();
        assert_eq!(field(&group, "Name"), "New");
        let members: Vec<&str> = group["MediaPartners"].as_array().unwrap().iter().map(|m| field(m, "PartnerName")).collect();
        assert_eq!(members, ["Two", "Three"]);
        // Without Name the name stays; `.json` on the group id works for writes too.
        let answer = rest.put(&format!("{uri}.json"), &[("MediaPartnersAdd", &join(&[p[0]]))]).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let group = rest.get(&uri).await.json();
        assert_eq!((field(&group, "Name"), field(&group, "@total")), ("New", "3"));
    }

    async fn a_deleted_group_is_gone_but_its_partners_stay(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["Stay One", "Stay Two"]).await;
        let keep = rest.create_group(c, "Keep", &[p[0]]).await;
        let g = rest.create_group(c, "Doomed", &p).await;
        assert_eq!(rows(&app).await, (2, 3, 2));
        let answer = rest.delete(&rest.group(c, g)).await;
        assert_eq!((answer.status, answer.text.as_str()), (200, r#"{"Status":"DELETED"}"#));
        assert_eq!(rows(&app).await, (1, 1, 2));
        let gone = rest.get(&rest.group(c, g)).await;
        assert_eq!(gone.status, 404);
        assert_eq!(gone.json()["Status"], "ERROR");
        assert_eq!(rest.delete(&rest.group(c, g)).await.status, 404);
        for id in &p {
            assert_eq!(rest.get(&rest.partner(id)).await.status, 200);
        }
        assert_eq!(rest.get(&rest.group(c, keep)).await.json()["MediaPartners"][0]["PartnerId"], p[0].to_string());
    }

    async fn a_partner_is_read_at_its_partner_uri(app) {
        let rest = Rest::new(&app);
        let p = create_partners(&app, &["Solo Partner"]).await;
        let answer = rest.get(&format!("{}.json", rest.partner(p[0]))).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let keys = ["Id", "Name", "Description", "Website", "Country", "State", "Email", "Size", "DateJoined", "Uri"];
        assert_key_order(&answer.text, &keys);
        let body = answer.json();
        assert_eq!(body.as_object().unwrap().len(), keys.len());
        assert!(body.as_object().unwrap().values().all(Value::is_string), "{body}");
        assert_eq!((field(&body, "Id"), field(&body, "Name"), field(&body, "Country")), (p[0].to_string().as_str(), "Solo Partner", "US"));
        assert_eq!((field(&body, "Website"), field(&body, "Uri")), ("", rest.partner(p[0]).as_str()));
        assert!(field(&body, "DateJoined").ends_with('Z'));
    }

    async fn every_partner_uri_handed_out_answers(app) {
        let other = app.seed_account(40, 11).await;
        let rest = Rest::as_account(&app, &other);
        let mut uris = std::collections::BTreeSet::new();
        for &c in &other.campaign_ids {
            let body = rest.get(&format!("{}?PageSize=20000", rest.groups(c))).await.json();
            for group in body["Groups"].as_array().unwrap() {
                assert!(group["Id"].is_string() && field(group, "Uri").starts_with(&rest.groups(c)));
                for m in group["MediaPartners"].as_array().unwrap() {
                    assert!(m.as_object().unwrap().values().all(Value::is_string), "{m}");
                    assert_eq!(field(m, "PartnerUri"), rest.partner(field(m, "PartnerId")));
                    uris.insert(field(m, "PartnerUri").to_owned());
                }
            }
        }
        assert!(!uris.is_empty());
        for uri in &uris {
            let answer = rest.get(uri).await;
            assert_eq!(answer.status, 200, "{uri}: {}", answer.text);
            assert_eq!(field(&answer.json(), "Uri"), uri);
        }
        // The app's own account has no relationship with those partners.
        let mine = Rest::new(&app);
        let id = last_segment(uris.iter().next().unwrap());
        assert_eq!(mine.get(&mine.partner(id)).await.status, 404);
    }

    async fn statements_do_not_grow_with_the_page(app) {
        let other = app.seed_account(60, 17).await;
        let rest = Rest::as_account(&app, &other);
        let c = other.campaign_ids[0];
        // Authenticated once first: the credential is then cached for every measured request.
        assert_eq!(rest.get(&rest.groups(c)).await.status, 200);
        let mut costs = Vec::new();
        for size in [1, 100] {
            let before = app.statements();
            let answer = rest.get(&format!("{}?PageSize={size}", rest.groups(c))).await;
            assert_eq!(answer.status, 200);
            costs.push(app.statements() - before);
        }
        assert_eq!(costs[0], costs[1], "the list's statements grew with its groups");
        let g = last_segment(field(&rest.get(&rest.groups(c)).await.json()["Groups"][0], "Uri"));
        let mut costs = Vec::new();
        for size in [1, 20000] {
            let before = app.statements();
            assert_eq!(rest.get(&format!("{}?PageSize={size}", rest.group(c, g))).await.status, 200);
            costs.push(app.statements() - before);
        }
        assert_eq!(costs[0], costs[1]);
    }
}
