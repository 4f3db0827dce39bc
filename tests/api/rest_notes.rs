//! The REST routes a data integration walks: `CompanyInformation` (its access check), the
//! account's `Campaigns`, and each campaign's groups and `Notes`, read exactly as a connector
//! does (`PageSize=20000` or smaller, following only the URIs the API hands out); and the Notes
//! API's write cycle from multipart forms.

use std::collections::BTreeSet;

use reqwest::multipart::Form;
use serde_json::{json, Value};

use crate::rest_support::{create_partners, last_segment, Answer, Rest};
use crate::support::{backend_tests, TestApp};

/// POSTs or PUTs a multipart form, as the product's documentation shows for notes.
async fn multipart(
    app: &TestApp,
    rest: &Rest,
    method: reqwest::Method,
    path: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", app.base_url))
        .basic_auth(&rest.sid, Some(&app_token(app, rest)))
        .multipart(form)
        .send()
        .await
        .expect("send");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body"),
    }
}

fn app_token(app: &TestApp, rest: &Rest) -> String {
    assert_eq!(rest.sid, app.account.account_sid);
    app.account.auth_token.clone()
}

/// Every item of a paged collection, following `@nextpageuri` from `first` until it is `""`;
/// also the number of pages read.
async fn walk(rest: &Rest, first: &str, key: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, first.to_owned());
    while !next.is_empty() {
        let answer = rest.get(&next).await;
        assert_eq!(answer.status, 200, "{next}: {}", answer.text);
        let body = answer.json();
        items.extend(
            body[key]
                .as_array()
                .unwrap_or_else(|| panic!("no {key} in {body}"))
                .iter()
                .cloned(),
        );
        pages += 1;
        assert!(pages < 10_000, "paging never ends at {next}");
        next = body["@nextpageuri"]
            .as_str()
            .expect("@nextpageuri")
            .to_owned();
    }
    (items, pages)
}

async fn count(app: &TestApp, sql: &str) -> usize {
    app.texts(sql).await[0]
        .as_deref()
        .unwrap_or("0")
        .parse()
        .expect("count")
}

backend_tests! {
    async fn a_connector_walks_company_campaigns_groups_and_notes_by_the_uris_it_is_given(app) {
        let seeded = app.seed_account(120, 11).await;
        let rest = Rest::as_account(&app, &seeded);
        // The access check: CompanyInformation.json, a single record.
        let company = rest.get(&format!("/Advertisers/{}/CompanyInformation.json", rest.sid)).await;
        assert_eq!(company.status, 200, "{}", company.text);
        let company = company.json();
        assert!(company["CompanyName"].as_str().is_some_and(|n| !n.is_empty()), "{company}");
        assert_eq!(company["@total"], Value::Null, "no page fields: {company}");
        assert_eq!(rest.get(company["Uri"].as_str().unwrap()).await.json(), company, "with and without .json");
        let campaigns_uri = format!("{}?PageSize=20000", company["CampaignsUri"].as_str().expect("CampaignsUri"));
        let (campaigns, _) = walk(&rest, &campaigns_uri, "Campaigns").await;
        let ids: Vec<String> = campaigns.iter().map(|c| c["Id"].as_str().unwrap().to_owned()).collect();
        let expected = app.texts(&format!("SELECT CAST(id AS TEXT) FROM campaigns WHERE account_id = {} ORDER BY id", seeded.account_id)).await;
        assert_eq!(ids.iter().map(|i| Some(i.clone())).collect::<Vec<_>>(), expected);
        let (mut groups_seen, mut notes_seen) = (0, 0);
        for campaign in &campaigns {
            assert_eq!(campaign["State"], "ACTIVE");
            assert_eq!(rest.get(campaign["Uri"].as_str().unwrap()).await.json(), *campaign);
            let id = campaign["Id"].as_str().unwrap();
            // Small pages, so the walk follows several `@nextpageuri`s.
            let (groups, _) = walk(&rest, &format!("{}.json?PageSize=2", campaign["MediaPartnerGroupsUri"].as_str().unwrap()), "Groups").await;
            assert_eq!(groups.len(), count(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM partner_groups WHERE campaign_id = {id}")).await);
            let (notes, pages) = walk(&rest, &format!("{}?PageSize=7", campaign["NotesUri"].as_str().unwrap()), "Notes").await;
            let in_db = count(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM notes WHERE campaign_id = {id}")).await;
            assert!(in_db > 7, "the seed gives the walk several pages ({in_db} notes)");
            assert_eq!(pages, in_db.div_ceil(7));
            let distinct: BTreeSet<&str> = notes.iter().map(|n| n["Id"].as_str().unwrap()).collect();
            assert_eq!((notes.len(), distinct.len()), (in_db, in_db), "every note once");
            for note in &notes {
                assert_eq!(note["CampaignId"].as_str(), Some(id));
                assert!(["EMAIL", "IM", "PHONE", "NONE"].contains(&note["Type"].as_str().unwrap()), "{note}");
                assert_eq!(rest.get(&format!("{}.json", note["Uri"].as_str().unwrap())).await.json(), *note);
            }
            let (whole, pages) = walk(&rest, &format!("{}.json?PageSize=20000", campaign["NotesUri"].as_str().unwrap()), "Notes").await;
            assert_eq!((whole, pages), (notes, 1));
            groups_seen += groups.len();
            notes_seen += in_db;
        }
        assert!(groups_seen > 0 && notes_seen > 0);
        // The other account's SID is refused before anything is read.
        let theirs = rest.get(&format!("/Advertisers/{}/Campaigns", app.account.account_sid)).await;
        assert_eq!(theirs.status, 403, "{}", theirs.text);
        let unknown = rest.get(&format!("/Advertisers/{}/Campaigns/{}", rest.sid, app.campaign_id())).await;
        assert_eq!(unknown.status, 404, "another account's campaign: {}", unknown.text);
    }

    async fn notes_are_written_filtered_edited_and_deleted_over_rest(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["Alpha Outdoors", "Beta Blog"]).await;
        let notes = format!("/Advertisers/{}/Campaigns/{c}/Notes", rest.sid);
        let made = multipart(&app, &rest, reqwest::Method::POST, &notes, &[("MediaId", &p[0].to_string()), ("Content", "Called: wants a higher rate"), ("Type", "PHONE")]).await;
        assert_eq!(made.status, 200, "{}", made.text);
        let uri = made.json()["Uri"].as_str().unwrap().to_owned();
        assert_eq!(made.text, format!(r#"{{"Status":"OK","Uri":"{uri}"}}"#));
        let other = rest.post(&notes, &[("MediaId", &p[1].to_string()), ("Content", "URL-encoded works too")]).await;
        assert_eq!(other.status, 200, "{}", other.text);

        let one = rest.get(&uri).await.json();
        let id = last_segment(&uri).to_string();
        assert_eq!(one["Id"], id.as_str());
        assert_eq!((one["MediaId"].as_str(), one["MediaName"].as_str(), one["Type"].as_str()), (Some(p[0].to_string().as_str()), Some("Alpha Outdoors"), Some("PHONE")));
        assert_eq!(one["CreationDate"], one["ModificationDate"]);
        assert_eq!(one["Attachments"], json!([]));
        let keys: Vec<&str> = one.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["Id", "CampaignId", "MediaId", "MediaName", "Content", "Type", "Creator", "CreationDate", "ModificationDate", "Attachments", "Uri"], "the wire order");

        let only = rest.get(&format!("{notes}?MediaId={}&PageSize=1", p[1])).await.json();
        assert_eq!((only["@total"].as_str(), only["Notes"][0]["Content"].as_str()), (Some("1"), Some("URL-encoded works too")));
        assert!(only["@firstpageuri"].as_str().unwrap().contains(&format!("MediaId={}&PageSize=1&Page=1", p[1])), "{only}");
        let later = rest.get(&format!("{notes}?StartDate=2999-01-01")).await.json();
        assert_eq!(later["@total"], "0");
        let window = rest.get(&format!("{notes}?StartDate=2000-01-01T00:00:00Z&EndDate=2999-01-01")).await.json();
        assert_eq!(window["@total"], "2");

        let edited = multipart(&app, &rest, reqwest::Method::PUT, &uri, &[("Content", "Agreed on 12%"), ("Type", "email")]).await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        let one = rest.get(&format!("{uri}.json")).await.json();
        assert_eq!((one["Content"].as_str(), one["Type"].as_str()), (Some("Agreed on 12%"), Some("EMAIL")));
        let moved = rest.put(&uri, &[("MediaId", &p[1].to_string())]).await;
        assert_eq!(moved.status, 400, "{}", moved.text);

        for (form, field) in [
            (vec![("Content", "no partner")], "MediaId"),
            (vec![("MediaId", "abc"), ("Content", "x")], "MediaId"),
            (vec![("MediaId", &*p[0].to_string()), ("Content", "  ")], "Content"),
            (vec![("MediaId", &*p[0].to_string()), ("Content", "x"), ("Type", "FAX")], "Type"),
            (vec![("MediaId", "999999"), ("Content", "x")], "MediaId"),
        ] {
            let answer = rest.post(&notes, &form).await;
            assert_eq!(answer.status, 400, "{form:?}: {}", answer.text);
            assert_eq!(answer.json()["Errors"][0]["Field"], field, "{}", answer.text);
        }
        let bad_date = rest.get(&format!("{notes}?StartDate=yesterday")).await;
        assert_eq!((bad_date.status, bad_date.json()["Errors"][0]["Field"].as_str()), (400, Some("StartDate")));
        // A date is YYYY-MM-DD exactly, as the GraphQL Date takes it: no short month or day, no
        // sign, no wider year.
        for (name, raw) in [("StartDate", "2026-1-1"), ("StartDate", "%2B2026-01-01"), ("EndDate", "%2B02026-1-01"), ("EndDate", "02026-01-01")] {
            let refused = rest.get(&format!("{notes}?{name}={raw}")).await;
            assert_eq!((refused.status, refused.json()["Errors"][0]["Field"].as_str()), (400, Some(name)), "{raw}");
        }
        assert_eq!(rest.get(&format!("/Advertisers/{}/Campaigns/999999/Notes", rest.sid)).await.status, 404);
        assert_eq!(rest.get(&format!("{notes}/999999")).await.status, 404);
        assert_eq!(app.count_rows("notes").await, 2, "nothing written by the refused requests");

        let nothing = rest.put(&uri, &[("AttachmentsAdd", "x")]).await;
        assert_eq!(nothing.status, 400, "{}", nothing.text);
        assert_eq!(nothing.json()["Message"], "give Content, Type or both");
        let gone = rest.delete(&uri).await;
        assert_eq!((gone.status, gone.text.as_str()), (200, r#"{"Status":"DELETED"}"#));
        // One envelope for a missing note, whether the path's lookup or the write finds it gone
        // (two concurrent deletes).
        for answer in [rest.get(&uri).await, rest.delete(&uri).await, rest.put(&uri, &[("Content", "x")]).await] {
            assert_eq!(answer.status, 404, "{}", answer.text);
            assert_eq!(answer.json()["Errors"][0]["Field"], "NoteId", "{}", answer.text);
        }
        assert_eq!(app.count_rows("notes").await, 1);
    }

    async fn custom_fields_read_in_the_products_shape(app) {
        let seeded = app.seed_account(40, 12).await;
        let rest = Rest::as_account(&app, &seeded);
        let campaign = rest.get(&format!("/Advertisers/{}/Campaigns/{}", rest.sid, seeded.campaign_ids[0])).await.json();
        let uri = campaign["CustomFieldsUri"].as_str().expect("CustomFieldsUri").to_owned();
        let body = rest.get(&format!("{uri}.json?PageSize=2&Page=1")).await;
        assert_eq!(body.status, 200, "{}", body.text);
        let body = body.json();
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["Page", "PageSize", "TotalCount", "CustomFields"]);
        let total: usize = body["TotalCount"].as_str().unwrap().parse().unwrap();
        let c = seeded.campaign_ids[0];
        assert_eq!(total, count(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM custom_fields WHERE campaign_id = {c} AND deleted_at IS NULL")).await);
        assert!(total > 2, "the seed gives the campaign several fields");
        let mut all = Vec::new();
        for page in 1..=total.div_ceil(2) {
            let body = rest.get(&format!("{uri}?PageSize=2&Page={page}")).await.json();
            all.extend(body["CustomFields"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(all.len(), total);
        for field in &all {
            let keys: Vec<&str> = field.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["Id", "Name", "Description", "DisplayType", "Enumerations"]);
            let id = field["Id"].as_str().unwrap();
            let options: Vec<Value> = app.texts(&format!(
                "SELECT CAST(id AS TEXT) || ' ' || label FROM custom_field_options WHERE field_id = {id} ORDER BY position, id"
            )).await.into_iter().map(|l| {
                let l = l.unwrap();
                let (id, label) = l.split_once(' ').unwrap();
                json!({ "Id": id, "Value": label })
            }).collect();
            assert_eq!(field["Enumerations"], json!(options), "{field}");
            let options: Vec<&str> = field["Enumerations"].as_array().unwrap().iter()
                .flat_map(|o| o.as_object().unwrap().keys().map(String::as_str)).collect();
            assert!(options.chunks(2).all(|k| k == ["Id", "Value"]), "{field}");
            // The product's display type names.
            let display = field["DisplayType"].as_str().unwrap();
            assert!(["paragraph", "number", "date_picker", "dropdown", "multiple_choice", "multiple_checkbox", "file"].contains(&display), "{field}");
        }
        // Fifty fields a page unless asked otherwise, as the product.
        assert_eq!(rest.get(&uri).await.json()["PageSize"], "50");
        let theirs = rest.get(&format!("/Advertisers/{}/Campaigns/{}/CustomFields", rest.sid, app.campaign_id())).await;
        assert_eq!(theirs.status, 404, "another account's campaign: {}", theirs.text);
    }
}
