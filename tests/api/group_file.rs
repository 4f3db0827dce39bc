//! `bulkEditPartnerGroups`: CSV and XLSX files in the product's format, uploaded with the
//! GraphQL multipart request spec — previews, applying, row errors and unreadable files.

use std::collections::BTreeSet;

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::groups::{clear_groups, create_group, member_ids, partner_ids};
use crate::support::{backend_tests, post_file, TestApp};

pub const BULK_EDIT: &str = "mutation($c: ID!, $file: Upload!, $apply: Boolean) {
  bulkEditPartnerGroups(campaignId: $c, file: $file, apply: $apply) {
    applied rowCount errorCount affectedCount addedCount removedCount
    rows { row partnerIdText partnerId partnerName joins { groupId } leaves { groupId } errors }
    errorRows: rows(onlyErrors: true) { row }
    userErrors { field code message } } }";

/// Uploads `bytes` as `name` and returns the payload.
async fn upload(
    app: &TestApp,
    acme: &NewAccount,
    campaign: i64,
    name: &str,
    bytes: Vec<u8>,
    apply: bool,
) -> Value {
    let header = TestApp::header_of(acme);
    send_file(&app.base_url, &header, campaign, name, bytes, apply).await
}

/// Applies a CSV file with the given `Authorization` header (owned values: it can run in a
/// spawned task) and returns the payload.
pub async fn upload_as(base_url: &str, authorization: &str, campaign: i64, csv: Vec<u8>) -> Value {
    send_file(base_url, authorization, campaign, "groups.csv", csv, true).await
}

async fn send_file(
    base_url: &str,
    authorization: &str,
    campaign: i64,
    name: &str,
    bytes: Vec<u8>,
    apply: bool,
) -> Value {
    let operations = json!({ "query": BULK_EDIT, "variables": { "c": campaign.to_string(), "file": null, "apply": apply } });
    let (status, body) = post_file(base_url, authorization, &operations, name, bytes).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["bulkEditPartnerGroups"].clone()
}

async fn memberships(app: &TestApp) -> BTreeSet<(i64, i64)> {
    use sea_orm::{EntityTrait, QuerySelect};
    entity::partner_group_member::Entity::find()
        .select_only()
        .column(entity::partner_group_member::Column::GroupId)
        .column(entity::partner_group_member::Column::PartnerId)
        .into_tuple::<(i64, i64)>()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

fn group_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|g| g["groupId"].as_i64().unwrap())
        .collect()
}

struct Fixture {
    acme: NewAccount,
    campaign: i64,
    p: Vec<i64>,
    a: i64,
    b: i64,
}

/// Groups A (holding p0) and B (holding p2) in the first campaign of a seeded account.
async fn fixture(app: &TestApp, seed: u64) -> Fixture {
    let acme = app.seed_account(20, seed).await;
    let campaign = acme.campaign_ids[0];
    let p = partner_ids(app, &acme, campaign, Value::Null).await;
    clear_groups(app, &acme, campaign, &p[..6]).await;
    let a = create_group(app, &acme, campaign, "File A", &p[..1]).await;
    let b = create_group(app, &acme, campaign, "File B", &p[2..3]).await;
    Fixture {
        acme,
        campaign,
        p,
        a,
        b,
    }
}

fn good_csv(f: &Fixture) -> Vec<u8> {
    format!(
        "\u{feff}partner id,Partner Name,ADD TO,Remove From,Remove All\n\
         {},Someone,\"{}\",{},\n\
         {},,\"{}, {}\",,\n\
         ,,,,\n\
         {},,,,yes\n",
        f.p[0], f.b, f.a, f.p[1], f.a, f.b, f.p[2]
    )
    .into_bytes()
}

fn good_xlsx(f: &Fixture) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, title) in [
        "Partner Id",
        "Partner Name",
        "Add To",
        "Remove From",
        "Remove All",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *title).unwrap();
    }
    sheet.write_number(1, 0, f.p[0] as f64).unwrap();
    sheet.write_number(1, 2, f.b as f64).unwrap();
    sheet.write_string(1, 3, f.a.to_string()).unwrap();
    sheet.write_number(2, 0, f.p[1] as f64).unwrap();
    sheet
        .write_string(2, 2, format!("{}, {}", f.a, f.b))
        .unwrap();
    sheet.write_number(4, 0, f.p[2] as f64).unwrap();
    sheet.write_string(4, 4, "YES").unwrap();
    book.save_to_buffer().unwrap()
}

/// The preview of `good_csv` / `good_xlsx`: p0 moves A → B, p1 joins A and B, p2 leaves B.
fn assert_good_preview(f: &Fixture, payload: &Value, applied: bool) {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(payload["applied"], applied);
    assert_eq!(
        (payload["rowCount"].as_i64(), payload["errorCount"].as_i64()),
        (Some(3), Some(0))
    );
    assert_eq!(
        (
            payload["addedCount"].as_i64(),
            payload["removedCount"].as_i64(),
            payload["affectedCount"].as_i64()
        ),
        (Some(3), Some(2), Some(3))
    );
    let rows = payload["rows"].as_array().unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r["row"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 3, 5]
    );
    assert_eq!(rows[0]["partnerId"].as_i64(), Some(f.p[0]));
    assert!(rows[0]["partnerName"].is_string());
    assert_eq!(
        (group_ids(&rows[0]["joins"]), group_ids(&rows[0]["leaves"])),
        (vec![f.b], vec![f.a])
    );
    let mut both = vec![f.a, f.b];
    both.sort();
    assert_eq!(
        (group_ids(&rows[1]["joins"]), group_ids(&rows[1]["leaves"])),
        (both, vec![])
    );
    assert_eq!(
        (group_ids(&rows[2]["joins"]), group_ids(&rows[2]["leaves"])),
        (vec![], vec![f.b])
    );
    assert_eq!(payload["errorRows"], json!([]));
}

backend_tests! {
    async fn a_csv_file_is_previewed_then_applied(app) {
        let f = fixture(&app, 61).await;
        let before = memberships(&app).await;
        let preview = upload(&app, &f.acme, f.campaign, "groups.csv", good_csv(&f), false).await;
        assert_good_preview(&f, &preview, false);
        assert_eq!(memberships(&app).await, before, "a preview writes nothing");

        let activity = app.count_rows("activity_log WHERE action = 'PARTNER_GROUPS_CHANGED'").await;
        let applied = upload(&app, &f.acme, f.campaign, "groups.csv", good_csv(&f), true).await;
        assert_good_preview(&f, &applied, true);
        let mut a = vec![f.p[1]];
        a.sort();
        assert_eq!(member_ids(&app, &f.acme, f.a).await, a);
        let mut b = vec![f.p[0], f.p[1]];
        b.sort();
        assert_eq!(member_ids(&app, &f.acme, f.b).await, b);
        assert_eq!(app.count_rows("activity_log WHERE action = 'PARTNER_GROUPS_CHANGED'").await - activity, 3);

        // Applying the same file again changes nothing more.
        let again = upload(&app, &f.acme, f.campaign, "groups.csv", good_csv(&f), true).await;
        assert_eq!((again["addedCount"].as_i64(), again["removedCount"].as_i64()), (Some(0), Some(0)));
    }

    async fn an_xlsx_file_reads_like_the_csv(app) {
        let f = fixture(&app, 62).await;
        let preview = upload(&app, &f.acme, f.campaign, "groups.xlsx", good_xlsx(&f), false).await;
        assert_good_preview(&f, &preview, false);
        let applied = upload(&app, &f.acme, f.campaign, "groups.xlsx", good_xlsx(&f), true).await;
        assert_good_preview(&f, &applied, true);
        assert_eq!(member_ids(&app, &f.acme, f.a).await, vec![f.p[1]]);
    }

    async fn rows_with_errors_are_reported_and_nothing_is_applied(app) {
        let f = fixture(&app, 63).await;
        let globex = app.seed_account(10, 64).await;
        let theirs = create_group(&app, &globex, globex.campaign_ids[0], "Theirs", &[]).await;
        let other_campaign = create_group(&app, &f.acme, f.acme.campaign_ids[1], "Elsewhere", &[]).await;
        let csv = format!(
            "Partner Id,Add To,Remove From,Remove All\n\
             {p0},{b},,\n\
             99999999,{a},,\n\
             {p1},{theirs},,\n\
             {p2},{other_campaign},,\n\
             {p3},\"{a},,{b}\",,\n\
             {p4},{a},{a},\n\
             abc,{a},,\n\
             {p5},,,maybe\n",
            p0 = f.p[0], p1 = f.p[1], p2 = f.p[2], p3 = f.p[3], p4 = f.p[4], p5 = f.p[5], a = f.a, b = f.b,
        );
        let before = memberships(&app).await;
        let payload = upload(&app, &f.acme, f.campaign, "bad.csv", csv.into_bytes(), true).await;
        assert_eq!(payload["applied"], false);
        assert_eq!(payload["errorCount"].as_i64(), Some(7));
        let rows = payload["rows"].as_array().unwrap();
        assert!(rows[0]["errors"].as_array().unwrap().is_empty());
        let expect = [
            (1, "partner 99999999 is not in this campaign"),
            (2, "is not a group of this campaign"),
            (3, "is not a group of this campaign"),
            (4, "malformed list in Add To"),
            (5, "both added and removed"),
            (6, "Partner Id \"abc\""),
            (7, "Remove All"),
        ];
        for (i, needle) in expect {
            let errors: Vec<&str> = rows[i]["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
            let errors = errors.join(" | ");
            assert!(errors.contains(needle), "row {i}: {errors} should mention {needle}");
        }
        assert_eq!(payload["errorRows"].as_array().unwrap().len(), 7);
        assert_eq!(memberships(&app).await, before, "nothing is applied when a row has an error");

        // A cell naming 100 unknown groups (a cell's most): the row's first 20 problems, and a
        // count; a cell naming thousands is one problem, before any lookup.
        let unknown: Vec<String> = (0..100).map(|i| (900_000_000 + i).to_string()).collect();
        let csv = format!("Partner Id,Add To\n{},\"{}\"\n", f.p[0], unknown.join(","));
        let payload = upload(&app, &f.acme, f.campaign, "many.csv", csv.into_bytes(), false).await;
        let errors = payload["rows"][0]["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 21, "{}", errors.len());
        assert_eq!(errors[20], "and 80 more problems on this row");
        assert_eq!(payload["errorCount"].as_i64(), Some(1));
        let unknown: Vec<String> = (0..5_000).map(|i| (900_000_000 + i).to_string()).collect();
        let csv = format!("Partner Id,Add To\n{},\"{}\"\n", f.p[0], unknown.join(","));
        let payload = upload(&app, &f.acme, f.campaign, "many.csv", csv.into_bytes(), false).await;
        assert_eq!(
            payload["rows"][0]["errors"],
            json!(["Add To names more than 100 groups; a row may name at most 100 in each column"])
        );
    }

    async fn unreadable_files_are_refused_clearly(app) {
        let f = fixture(&app, 65).await;
        let mut too_large = b"Partner Id,Add To\n".to_vec();
        too_large.resize(10 * 1024 * 1024 + 1, b' ');
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty.csv", Vec::new(), "empty"),
            ("header.csv", b"Name,Email\nx,y\n".to_vec(), "no recognisable header"),
            ("binary.bin", vec![0u8, 159, 146, 150, 0, 1, 2, 3], "neither CSV nor XLSX"),
            ("old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(), "neither CSV nor XLSX"),
            ("big.csv", too_large, "too large"),
            // Cut off inside a quoted list: not applied as if whole.
            ("cut.csv", format!("Partner Id,Add To\n{},\"{}, ", f.p[0], f.b).into_bytes(), "opened on line 2 is never closed"),
        ];
        let before = memberships(&app).await;
        for (name, bytes, needle) in cases {
            let payload = upload(&app, &f.acme, f.campaign, name, bytes, true).await;
            let error = &payload["userErrors"][0];
            assert_eq!(error["field"], json!(["file"]), "{name}: {payload}");
            assert_eq!(error["code"], "INVALID");
            assert!(error["message"].as_str().unwrap().contains(needle), "{name}: {error}");
            assert_eq!(payload["applied"], false);
        }
        assert_eq!(memberships(&app).await, before);
    }

    async fn another_accounts_campaign_and_partners_are_not_reachable(app) {
        let f = fixture(&app, 66).await;
        let globex = app.seed_account(10, 67).await;
        let payload = upload(&app, &globex, f.campaign, "x.csv", good_csv(&f), true).await;
        assert_eq!(payload["userErrors"][0]["code"], "NOT_FOUND");
        // Globex's own campaign with Acme's partner and group ids: every row is an error.
        let payload = upload(&app, &globex, globex.campaign_ids[0], "x.csv", good_csv(&f), true).await;
        assert_eq!(payload["applied"], false);
        assert_eq!(payload["errorCount"].as_i64(), Some(3));
        assert!(payload["rows"][0]["partnerName"].is_null(), "no name of another account's partner leaks");
    }

    async fn an_upload_far_over_the_limit_is_cut_off(app) {
        let f = fixture(&app, 68).await;
        let operations = json!({ "query": BULK_EDIT, "variables": { "c": f.campaign.to_string(), "file": null, "apply": true } });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part("0", reqwest::multipart::Part::bytes(vec![b'1'; 12 * 1024 * 1024]).file_name("huge.csv"));
        let before = memberships(&app).await;
        let sent = reqwest::Client::new()
            .post(format!("{}/graphql", app.base_url))
            .header("Authorization", TestApp::header_of(&f.acme))
            .multipart(form)
            .send()
            .await;
        // The server answers 413 as soon as it sees the length, and may close the connection
        // before the client has finished sending.
        match sent {
            Ok(response) => assert_eq!(response.status().as_u16(), 413),
            Err(err) => assert!(err.is_request(), "{err}"),
        }
        assert_eq!(memberships(&app).await, before);
        let preview = upload(&app, &f.acme, f.campaign, "groups.csv", good_csv(&f), false).await;
        assert_eq!(preview["rowCount"], 3, "the server keeps serving");
    }
}
