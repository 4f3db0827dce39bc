//! Export Partner List: the download streams exactly the rows the list shows for the filter and
//! order (count, order, header, values, a custom field column), as CSV (BOM, formula
//! neutralising, RFC 4180) or XLSX; bad requests are user errors; the URL is short-lived, ends
//! with its credential and never crosses accounts; a client that goes away stops the export,
//! and exports beyond the configured number at once are refused with 429.

use std::time::{Duration, Instant};

use calamine::Reader;
use partnergraph::domain::UserRole;
use partnergraph::service::accounts::{self, NewAccount};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::support::{backend_tests, Backend, TestApp};

const EXPORT: &str = "mutation($i: ExportPartnersInput!) { exportPartners(input: $i) {
  url expiresAt userErrors { field code message } } }";

const LIST: &str = "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!], $cf: [ID!]) {
  partners(campaignId: $c, filter: $f, orderBy: $o, first: 500) { totalCount edges { node {
    partnerId name groups { name } socialReach currentContract { name status expiresAt }
    customFields(ids: $cf) { text number date options { label } } } } } }";

/// The id of the first custom field of `display` type in `campaign`.
async fn field_of(app: &TestApp, campaign: i64, display: &str) -> i64 {
    app.texts(&format!(
        "SELECT CAST(MIN(id) AS TEXT) FROM custom_fields WHERE campaign_id = {campaign} AND display_type = '{display}'"
    ))
    .await[0]
        .as_deref()
        .expect("the seed makes every display type")
        .parse()
        .unwrap()
}

/// Issues an export as `account`; returns the payload.
async fn export(app: &TestApp, account: &NewAccount, input: Value) -> Value {
    app.data_as(account, EXPORT, json!({ "i": input })).await["exportPartners"].clone()
}

/// Fetches a download URL: status, content type, disposition and body bytes.
async fn download(app: &TestApp, url: &str) -> (u16, String, String, Vec<u8>) {
    let response = app.get_response(url, &[]).await;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    assert_eq!(header("cache-control"), "no-store");
    let body = response.bytes().await.expect("the whole body").to_vec();
    (status, kind, disposition, body)
}

/// The cell the export writes for a custom field answer of the list.
fn answer_cell(answers: &Value) -> String {
    let Some(a) = answers.as_array().and_then(|a| a.first()) else {
        return String::new();
    };
    if let Some(options) = a["options"].as_array().filter(|o| !o.is_empty()) {
        let labels: Vec<&str> = options.iter().filter_map(|o| o["label"].as_str()).collect();
        return labels.join("; ");
    }
    if let Some(n) = a["number"].as_f64() {
        return n.to_string();
    }
    if let Some(d) = a["date"].as_str() {
        return d[..10].to_owned();
    }
    a["text"].as_str().unwrap_or_default().to_owned()
}

backend_tests! {
    async fn an_export_streams_exactly_the_rows_the_list_shows(app) {
        let acme = app.seed_account(400, 11).await;
        let campaign = acme.campaign_ids[0];
        let checkboxes = field_of(&app, campaign, "CHECKBOXES").await;
        // A name a spreadsheet would run as a formula, and one with a comma and quotes.
        app.db.execute_unprepared(&format!(
            "UPDATE partners SET name = '=HYPERLINK(\"https://evil.example\",\"x\")' WHERE id = (SELECT MIN(p.id) FROM partners p JOIN campaign_partners cp ON cp.partner_id = p.id WHERE cp.campaign_id = {campaign} AND p.size = 'SMALL')"
        )).await.unwrap();
        app.db.execute_unprepared(&format!(
            "UPDATE partners SET name = 'Smith, \"Deals\" & Co' WHERE id = (SELECT MAX(p.id) FROM partners p JOIN campaign_partners cp ON cp.partner_id = p.id WHERE cp.campaign_id = {campaign} AND p.size = 'SMALL')"
        )).await.unwrap();
        let filter = json!({ "sizes": ["SMALL", "MEDIUM", "LARGE", "EXTRA_LARGE"] });
        let order = json!([{ "field": "SOCIAL_REACH", "direction": "DESC" }]);
        let columns = json!(["partnerId", "partner", "groups", "socialReach", format!("customField:{checkboxes}"), "contract"]);
        let listed = app.data_as(&acme, LIST, json!({
            "c": campaign.to_string(), "f": filter, "o": order, "cf": [checkboxes.to_string()]
        })).await["partners"].clone();
        let total = listed["totalCount"].as_u64().unwrap() as usize;
        assert!(total > 100 && total < 400, "the filter keeps some partners: {total}");

        let issued = export(&app, &acme, json!({
            "campaignId": campaign.to_string(), "filter": filter, "orderBy": order,
            "columns": columns, "format": "CSV", "bom": true,
        })).await;
        assert_eq!(issued["userErrors"], json!([]), "{issued}");
        let url = issued["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("/exports/") && url.len() > 50, "{url}");
        assert!(app.texts("SELECT token_hash FROM partner_exports").await[0].as_deref() != Some(&url[9..]), "only the hash is kept");

        // HEAD (a link checker) gets the download's headers: no export runs, no row is read.
        let before = app.statements();
        let head = app.request(reqwest::Method::HEAD, &url, &[], "").await;
        let head_statements = app.statements() - before;
        assert_eq!(head.status().as_u16(), 200);
        let head_kind = head.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(head.bytes().await.unwrap().len(), 0);
        let before = app.statements();
        let (status, kind, disposition, body) = download(&app, &url).await;
        assert!(app.statements() - before > head_statements, "GET reads the rows, HEAD does not");
        assert_eq!(head_kind, kind);
        assert_eq!(status, 200);
        assert_eq!(kind, "text/csv; charset=utf-8");
        assert!(disposition.starts_with(&format!("attachment; filename=\"partners-campaign-{campaign}-")) && disposition.ends_with(".csv\""), "{disposition}");
        assert!(body.starts_with(b"\xEF\xBB\xBF"), "a byte order mark when asked");
        let mut reader = csv::Reader::from_reader(&body[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let field_name = app.texts(&format!("SELECT name FROM custom_fields WHERE id = {checkboxes}")).await[0].clone().unwrap();
        assert_eq!(header, vec!["Partner ID".to_owned(), "Partner".into(), "Groups".into(), "Social reach".into(), field_name, "Contract".into()]);
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(rows.len(), total, "every row the list shows, once");
        let nodes: Vec<&Value> = listed["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
        let mut answered = 0;
        let mut expiring = 0;
        for (row, node) in rows.iter().zip(&nodes) {
            assert_eq!(row[0], node["partnerId"].as_i64().unwrap().to_string(), "the list's order");
            let name = node["name"].as_str().unwrap();
            let expected_name = if name.starts_with('=') { format!("'{name}") } else { name.to_owned() };
            assert_eq!(row[1], expected_name);
            let groups: Vec<&str> = node["groups"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
            assert_eq!(row[2], groups.join("; "), "several values in one cell");
            assert_eq!(row[3], node["socialReach"].as_i64().unwrap().to_string());
            assert_eq!(row[4], answer_cell(&node["customFields"]), "partner {}", row[0]);
            answered += usize::from(!row[4].is_empty());
            // The contract in force first, as "name (STATUS…)"; records replaced or expired
            // are history, not shown.
            match node["currentContract"].as_object() {
                Some(current) => {
                    assert!(row[5].starts_with(&format!("{} ({}", current["name"].as_str().unwrap(), current["status"].as_str().unwrap())), "{row:?}");
                    // A scheduled expiry shows as ", expires YYYY-MM-DD" inside the parentheses.
                    let expires = current["expiresAt"].as_str().map(|at| format!(", expires {})", &at[..10]));
                    expiring += usize::from(expires.is_some());
                    if let Some(e) = &expires { assert!(row[5].contains(e.as_str()), "{row:?}"); } else { assert!(!row[5].contains("expires"), "{row:?}"); }
                }
                None => assert!(!row[5].contains("ACTIVE") && !row[5].contains("SUSPENDED"), "{row:?}"),
            }
            assert!(!row[5].contains("REPLACED") && !row[5].contains("EXPIRED"), "{row:?}");
        }
        assert!(answered > 0, "some partners answered the custom field");
        assert!(expiring > 0, "some partners have a scheduled expiry");
        let text = String::from_utf8(body[3..].to_vec()).unwrap();
        assert!(rows.iter().any(|r| r[1].starts_with("'=HYPERLINK")), "the formula is neutralised");
        assert!(!text.contains("\n=HYPERLINK") && !text.contains(",=HYPERLINK"), "no cell starts with a formula");
        assert!(rows.iter().any(|r| r[1] == "Smith, \"Deals\" & Co"));
        assert!(text.contains("\"Smith, \"\"Deals\"\" & Co\""), "quoted as RFC 4180");
        // The URL works again (a browser may retry a download) until it expires.
        assert_eq!(download(&app, &url).await.0, 200);

        // The same export as XLSX: one sheet, the header, the same rows with numbers as numbers.
        let xlsx = export(&app, &acme, json!({
            "campaignId": campaign.to_string(), "filter": filter, "orderBy": order,
            "columns": columns, "format": "XLSX",
        })).await;
        let (status, kind, disposition, body) = download(&app, xlsx["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert!(disposition.ends_with(".xlsx\""), "{disposition}");
        let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(body)).expect("a workbook");
        let sheet = workbook.worksheet_range("Partners").expect("the Partners sheet");
        let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert_eq!(cells[0], header);
        assert_eq!(cells.len(), total + 1);
        for (cells, row) in cells[1..].iter().zip(&rows) {
            assert_eq!(cells[0], row[0]);
            assert_eq!(cells[1], row[1].strip_prefix('\'').unwrap_or(&row[1]), "text is never a formula in a workbook");
            assert_eq!(cells[4], row[4]);
        }
        assert!(matches!(sheet.get((1, 3)), Some(calamine::Data::Float(_))), "numbers are numbers: {:?}", sheet.get((1, 3)));
    }

    async fn contract_dates_are_the_accounts_calendar_days(app) {
        let acme = app.seed_account(40, 12).await;
        let campaign = acme.campaign_ids[0];
        // New York: an expiry on day 10 ends at 23:59:59 there, 03:59:59 of day 11 in UTC.
        app.db.execute_unprepared(&format!("UPDATE accounts SET time_zone = 'America/New_York' WHERE id = {}", acme.account_id)).await.unwrap();
        let partner = crate::contract_support::active_partners(&app, &acme, campaign).await[0];
        let input = json!({ "campaignId": campaign.to_string(), "selection": { "ids": [partner.to_string()] }, "expireOn": crate::contract_support::day(10) });
        assert_eq!(crate::contract_support::counts(&crate::contract_support::expire(&app, &acme, input).await).1, 1);
        let issued = export(&app, &acme, json!({ "campaignId": campaign.to_string(), "columns": ["partnerId", "contract"], "format": "CSV" })).await;
        let (status, _, _, body) = download(&app, issued["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        let mut reader = csv::Reader::from_reader(body.as_slice());
        let row = reader.records().map(|r| r.unwrap()).find(|r| r[0] == partner.to_string()).unwrap();
        let (local, utc) = (crate::contract_support::day(10), crate::contract_support::day(11));
        assert!(row[1].contains(&format!(", expires {local})")) && !row[1].contains(&format!("expires {utc}")), "{row:?}");
    }

    async fn bad_exports_are_user_errors_and_urls_are_short_lived(app) {
        let acme = app.seed_account(30, 12).await;
        let campaign = acme.campaign_ids[0].to_string();
        let other = app.seed_account(5, 14).await;
        let other_field = field_of(&app, other.campaign_ids[0], "NUMBER").await;
        let input = |extra: Value| {
            let mut i = json!({ "campaignId": campaign, "columns": ["partner"], "format": "CSV" });
            i.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            i
        };
        let refused = [
            (json!({ "columns": [] }), "columns", "REQUIRED"),
            (json!({ "columns": ["partner", "nope"] }), "columns", "INVALID"),
            (json!({ "columns": ["partner", "partner"] }), "columns", "INVALID"),
            // Another account's custom field is not a column of this campaign.
            (json!({ "columns": [format!("customField:{other_field}")] }), "columns", "INVALID"),
            (json!({ "campaignId": app.campaign_id().to_string() }), "campaignId", "NOT_FOUND"),
            (json!({ "campaignId": "999999" }), "campaignId", "NOT_FOUND"),
            (json!({ "filter": { "customFields": [{ "fieldId": other_field.to_string(), "hasAnswer": true }] } }), "filter", "INVALID"),
            (json!({ "filter": { "groupIds": ["not-an-id"] } }), "filter", "INVALID"),
            // The sort's mistakes are the sort's, not the filter's.
            (json!({ "orderBy": [{ "field": "NAME" }, { "field": "NAME" }] }), "orderBy", "INVALID"),
        ];
        for (extra, field, code) in refused {
            let payload = export(&app, &acme, input(extra.clone())).await;
            assert_eq!(payload["url"], Value::Null, "{extra}: {payload}");
            assert_eq!(payload["userErrors"][0]["field"], json!(["input", field]), "{extra}: {payload}");
            assert_eq!(payload["userErrors"][0]["code"], code, "{extra}: {payload}");
        }
        assert_eq!(app.count_rows("partner_exports").await, 0, "refusals store nothing");

        // A read-only user may export what it may read.
        let reader = accounts::add_user(&app.db, acme.account_id, "Rita", "rita@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, acme.account_id, reader, "rita").await.unwrap();
        let rita = NewAccount { auth_token: token, ..acme.clone() };
        let url = export(&app, &rita, input(json!({}))).await["url"].as_str().unwrap().to_owned();
        let (status, _, _, body) = download(&app, &url).await;
        assert_eq!(status, 200);
        assert_eq!(String::from_utf8(body).unwrap().lines().count(), 31, "the header and 30 partners");

        // Its credential revoked, the URL stops working; so does an expired one, and any other.
        app.db.execute_unprepared(&format!("UPDATE api_credentials SET revoked_at = created_at WHERE user_id = {reader}")).await.unwrap();
        assert_eq!(download(&app, &url).await.0, 410, "revoked");
        let late = export(&app, &acme, input(json!({}))).await["url"].as_str().unwrap().to_owned();
        assert_eq!(download(&app, &late).await.0, 200);
        app.db.execute_unprepared("UPDATE partner_exports SET expires_at = created_at").await.unwrap();
        assert_eq!(download(&app, &late).await.0, 410, "expired");
        assert_eq!(download(&app, "/exports/not-a-token").await.0, 410);
        assert_eq!(download(&app, &format!("/exports/{}", "x".repeat(5_000))).await.0, 410);
    }
}

/// A server whose exports read `page_rows` rows a statement, at most `max` at once, each for
/// at most `max_secs`, with an account of `partners` partners whose descriptions make each
/// row about 20 kB.
async fn big_export(
    backend: Backend,
    page_rows: u64,
    max: usize,
    partners: usize,
    max_secs: u64,
) -> Option<(TestApp, NewAccount)> {
    let app = TestApp::spawn_serving(backend, false, |_, serving| {
        serving.export_page_rows = page_rows;
        serving.export_max_concurrent = max;
        serving.export_max_secs = max_secs;
    })
    .await?;
    let acme = app.seed_account(partners, 13).await;
    let long = match backend {
        Backend::Sqlite => "replace(hex(zeroblob(10000)), '0', 'x')",
        Backend::Postgres => "repeat('x', 20000)",
    };
    app.db
        .execute_unprepared(&format!("UPDATE partners SET description = {long}"))
        .await
        .unwrap();
    Some((app, acme))
}

async fn a_client_that_goes_away_stops_its_export(backend: Backend) {
    let Some((app, acme)) = big_export(backend, 20, 1, 2_000, 600).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let input = json!({ "campaignId": acme.campaign_ids[0].to_string(), "columns": ["partnerId", "description"], "format": "CSV" });
    let first = export(&app, &acme, input.clone()).await["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = export(&app, &acme, input).await["url"]
        .as_str()
        .unwrap()
        .to_owned();
    // About 40 MB: far more than the sockets buffer, so the export waits for its reader.
    let response = app.get_response(&first, &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    // One export at a time: another is refused while the first runs.
    let busy = app.get_response(&second, &[]).await;
    assert_eq!(busy.status().as_u16(), 429);
    assert_eq!(
        busy.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("10")
    );
    drop(response);
    let stats = &app.exports.stats;
    let started = Instant::now();
    while stats.stopped.load(std::sync::atomic::Ordering::Relaxed) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the export did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let read = stats.rows.load(std::sync::atomic::Ordering::Relaxed);
    assert!(read < 2_000, "the export stopped early, after {read} rows");
    assert_eq!(
        stats.completed.load(std::sync::atomic::Ordering::Relaxed),
        0
    );
    // Its slot is free again: the second export runs, whole.
    let (status, _, _, body) = download(&app, &second).await;
    assert_eq!(status, 200);
    assert_eq!(body.iter().filter(|b| **b == b'\n').count(), 2_001);
    assert_eq!(
        stats.completed.load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_stops_its_export_sqlite() {
    a_client_that_goes_away_stops_its_export(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_stops_its_export_postgres() {
    a_client_that_goes_away_stops_its_export(Backend::Postgres).await;
}

/// An export past its time limit ends the download with an error: the client never gets a
/// file that looks whole.
async fn an_export_past_its_time_limit_is_cut_off(backend: Backend) {
    let Some((app, acme)) = big_export(backend, 20, 1, 2_000, 1).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let input = json!({ "campaignId": acme.campaign_ids[0].to_string(), "columns": ["partnerId", "description"], "format": "CSV" });
    let url = export(&app, &acme, input).await["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut response = app.get_response(&url, &[]).await;
    assert_eq!(response.status().as_u16(), 200);
    // A slow reader: the 40 MB take far longer than the one second the export may run.
    let (mut received, mut ended) = (0usize, None);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                received += chunk.len();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(None) => {
                ended = Some("a clean end");
                break;
            }
            Err(_) => break,
        }
    }
    assert_eq!(
        ended, None,
        "cut off after {received} bytes, not ended as if whole"
    );
    assert!(received < 40_000_000, "{received}");
    let stats = &app.exports.stats;
    assert_eq!(stats.failed.load(std::sync::atomic::Ordering::Relaxed), 1);
    assert_eq!(
        stats.completed.load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_past_its_time_limit_is_cut_off_sqlite() {
    an_export_past_its_time_limit_is_cut_off(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_past_its_time_limit_is_cut_off_postgres() {
    an_export_past_its_time_limit_is_cut_off(Backend::Postgres).await;
}
