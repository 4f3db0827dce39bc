//! The REST API's errors: the product's envelope and status codes, tenant isolation on every
//! route, and that a refused write changes nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::rest_support::{create_partners, rows, Answer, Rest};
use crate::support::{backend_tests, TestApp};
use partnergraph::domain::UserRole;
use partnergraph::service::accounts;

/// Asserts the envelope and returns its first error's `(Field, Message)` ("" when none).
fn envelope(answer: &Answer, status: u16) -> (String, String) {
    assert_eq!(answer.status, status, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["Status"], "ERROR", "{body}");
    assert!(
        body["Message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    let errors = body["Errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no Errors: {body}"));
    let first = errors.first().cloned().unwrap_or(Value::Null);
    if !errors.is_empty() {
        assert_eq!(first["Message"], body["Message"]);
    }
    (
        first["Field"].as_str().unwrap_or_default().to_owned(),
        first["Message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A request on one route of the API.
struct Route {
    method: Method,
    path: String,
    form: Option<&'static [(&'static str, &'static str)]>,
}

impl Route {
    async fn send(&self, rest: &Rest) -> Answer {
        rest.send(self.method.clone(), &self.path, self.form).await
    }
}

/// Every route of the API, with a valid form where one is taken.
fn routes(rest: &Rest, campaign: i64, group: i64, partner: i64) -> Vec<Route> {
    let name: Option<&'static [(&str, &str)]> = Some(&[("Name", "Intruders")]);
    [
        (Method::GET, rest.groups(campaign), None),
        (Method::POST, rest.groups(campaign), name),
        (Method::GET, rest.group(campaign, group), None),
        (Method::PUT, rest.group(campaign, group), name),
        (Method::DELETE, rest.group(campaign, group), None),
        (Method::GET, rest.partner(partner), None),
    ]
    .into_iter()
    .map(|(method, path, form)| Route { method, path, form })
    .collect()
}

/// Creates a group by a `multipart/form-data` body whose one part, `Name`, has the head lines
/// `part_head` and the bytes `bytes`.
async fn post_name_part(app: &TestApp, rest: &Rest, part_head: &str, bytes: &[u8]) -> Answer {
    let mut body =
        format!("--b\r\nContent-Disposition: form-data; name=\"Name\"\r\n{part_head}\r\n")
            .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--b--\r\n");
    let answer = reqwest::Client::new()
        .post(format!(
            "{}{}",
            app.base_url,
            rest.groups(app.campaign_id())
        ))
        .basic_auth(&app.account.account_sid, Some(&app.account.auth_token))
        .header("Content-Type", "multipart/form-data; boundary=b")
        .body(body)
        .send()
        .await
        .unwrap();
    Answer {
        status: answer.status().as_u16(),
        headers: answer.headers().clone(),
        text: answer.text().await.unwrap(),
    }
}

backend_tests! {
    async fn bad_names_are_400_naming_the_parameter(app) {
        let rest = Rest::new(&app);
        let path = rest.groups(app.campaign_id());
        let missing = rest.post(&path, &[("MediaPartners", "")]).await;
        assert_eq!(missing.text, r#"{"Status":"ERROR","Message":"Name is required","Errors":[{"Field":"Name","Message":"Name is required"}]}"#);
        assert_eq!(missing.status, 400);
        assert_eq!(envelope(&rest.post(&path, &[("Name", "   ")]).await, 400).0, "Name");
        let g = rest.create_group(app.campaign_id(), "Kept", &[]).await;
        let blank = rest.put(&rest.group(app.campaign_id(), g), &[("Name", "")]).await;
        assert_eq!(envelope(&blank, 400).0, "Name");
        let long = "x".repeat(300);
        let (field, message) = envelope(&rest.post(&path, &[("Name", long.as_str())]).await, 400);
        assert_eq!(field, "Name");
        assert!(message.starts_with("Name is longer"), "{message}");
        assert_eq!(rows(&app).await.0, 1);
    }

    async fn a_field_given_twice_is_400_naming_it(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let g = rest.create_group(c, "Once", &[]).await;
        let p = create_partners(&app, &["Twice A", "Twice B"]).await;
        let (a, b) = (p[0].to_string(), p[1].to_string());
        let before = rows(&app).await;
        let cases = [
            (rest.post(&rest.groups(c), &[("Name", "x"), ("MediaPartners", &a), ("MediaPartners", &b)]).await, "MediaPartners"),
            (rest.post(&rest.groups(c), &[("Name", "x"), ("Name", "y")]).await, "Name"),
            (rest.put(&rest.group(c, g), &[("MediaPartnersAdd", &a), ("MediaPartnersAdd", &b)]).await, "MediaPartnersAdd"),
            (rest.get(&format!("{}?PageSize=1&PageSize=2", rest.groups(c))).await, "PageSize"),
            (rest.get(&format!("{}?Page=1&Page=1", rest.groups(c))).await, "Page"),
        ];
        for (answer, expected) in cases {
            let (field, message) = envelope(&answer, 400);
            assert_eq!(field, expected, "{}", answer.text);
            assert!(message.contains("more than once"), "{message}");
        }
        // A form of many fields is refused before they are compared (each with all, they once
        // took minutes of CPU).
        let names: Vec<String> = (0..40_000).map(|i| format!("f{i}")).collect();
        let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        let answer = rest.post(&rest.groups(c), &many).await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        assert!(answer.text.contains("more than 50 fields"), "{}", answer.text);
        assert_eq!(rows(&app).await, before, "nothing written");
        // Other query parameters (a cache buster) may repeat.
        assert_eq!(rest.get(&format!("{}?x=1&x=2", rest.groups(c))).await.status, 200);
    }

    async fn ids_that_are_not_numbers_are_400(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let g = rest.create_group(c, "G", &[]).await;
        let cases = [
            (rest.get(&rest.groups(0)).await, "CampaignId"),
            (rest.get(&format!("/Advertisers/{}/Campaigns/abc/MediaPartnerGroups", rest.sid)).await, "CampaignId"),
            (rest.get(&rest.group(c, "x1")).await, "PartnerGroupId"),
            (rest.delete(&rest.group(c, "-4")).await, "PartnerGroupId"),
            (rest.get(&rest.partner("abc")).await, "PartnerId"),
            (rest.post(&rest.groups(c), &[("Name", "N"), ("MediaPartners", "1,abc")]).await, "MediaPartners"),
            (rest.put(&rest.group(c, g), &[("MediaPartnersAdd", "7;8")]).await, "MediaPartnersAdd"),
            (rest.put(&rest.group(c, g), &[("MediaPartnersRemove", "1.5")]).await, "MediaPartnersRemove"),
            (rest.get(&format!("{}?Page=0", rest.groups(c))).await, "Page"),
            (rest.get(&format!("{}?PageSize=20001", rest.groups(c))).await, "PageSize"),
            (rest.get(&format!("{}?PageSize=ten", rest.group(c, g))).await, "PageSize"),
        ];
        for (answer, expected) in cases {
            assert_eq!(envelope(&answer, 400).0, expected, "{}", answer.text);
        }
        assert_eq!(rows(&app).await, (1, 0, 0));
    }

    async fn a_partner_outside_the_campaign_refuses_the_whole_write(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let p = create_partners(&app, &["Inside"]).await;
        let other = app.seed_account(8, 4).await;
        let theirs = Rest::as_account(&app, &other);
        let their_group = theirs.get(&theirs.groups(other.campaign_ids[0])).await.json()["Groups"][0].clone();
        let stranger = their_group["MediaPartners"][0]["PartnerId"].as_str().unwrap().to_owned();
        let before = rows(&app).await;
        for list in [format!("{},{stranger}", p[0]), format!("{},99999999", p[0])] {
            let answer = rest.post(&rest.groups(c), &[("Name", "Mixed"), ("MediaPartners", &list)]).await;
            let (field, message) = envelope(&answer, 400);
            assert_eq!(field, "MediaPartners");
            assert!(message.contains(list.rsplit(',').next().unwrap()), "{message}");
            assert_eq!(rows(&app).await, before, "no group may be created");
        }
        // A partner of the account's other campaign is not in this one either.
        let g = rest.create_group(app.account.campaign_ids[1], "EU", &[]).await;
        let answer = rest.put(&rest.group(app.account.campaign_ids[1], g), &[("Name", "Renamed"), ("MediaPartnersAdd", &p[0].to_string())]).await;
        assert_eq!(envelope(&answer, 400).0, "MediaPartnersAdd");
        assert_eq!(rest.get(&rest.group(app.account.campaign_ids[1], g)).await.json()["Name"], "EU");
    }

    async fn a_body_that_is_not_a_form_is_400(app) {
        let rest = Rest::new(&app);
        let answer = reqwest::Client::new()
            .post(format!("{}{}", app.base_url, rest.groups(app.campaign_id())))
            .basic_auth(&app.account.account_sid, Some(&app.account.auth_token))
            .json(&json!({ "Name": "VIP" }))
            .send()
            .await
            .unwrap();
        let answer = Answer { status: answer.status().as_u16(), headers: answer.headers().clone(), text: answer.text().await.unwrap() };
        let (_, _) = envelope(&answer, 400);
        assert!(answer.json()["Message"].as_str().unwrap().contains("application/x-www-form-urlencoded"));
        assert_eq!(rows(&app).await.0, 0);
        // A form is a form whatever the case of its media type (RFC 9110).
        let answer = reqwest::Client::new()
            .post(format!("{}{}", app.base_url, rest.groups(app.campaign_id())))
            .basic_auth(&app.account.account_sid, Some(&app.account.auth_token))
            .header("Content-Type", "Application/X-WWW-Form-URLEncoded; charset=UTF-8")
            .body("Name=VIP")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{}", answer.text().await.unwrap());
        assert_eq!(rows(&app).await.0, 1);
        // A compressed body is not read as a plain one: 415, nothing written.
        let mut gzipped = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gzipped, b"Name=Zipped").unwrap();
        let answer = reqwest::Client::new()
            .post(format!("{}{}", app.base_url, rest.groups(app.campaign_id())))
            .basic_auth(&app.account.account_sid, Some(&app.account.auth_token))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Content-Encoding", "gzip")
            .body(gzipped.finish().unwrap())
            .send()
            .await
            .unwrap();
        let answer = Answer { status: answer.status().as_u16(), headers: answer.headers().clone(), text: answer.text().await.unwrap() };
        let (_, _) = envelope(&answer, 415);
        assert!(answer.json()["Message"].as_str().unwrap().contains("Content-Encoding \"gzip\""), "{}", answer.text);
        assert_eq!(answer.headers["accept-encoding"], "identity", "a 415 names the coding a body may have");
        assert_eq!(rows(&app).await.0, 1);
    }

    async fn a_form_that_is_not_utf8_is_400_naming_the_field(app) {
        let rest = Rest::new(&app);
        for (body, content_type, field) in [
            (&b"Name=caf%E9"[..], "application/x-www-form-urlencoded", "Name"),
            (b"Name=caf\xe9", "application/x-www-form-urlencoded", "Name"),
            (b"Name=%FF%FE", "application/x-www-form-urlencoded; charset=ISO-8859-1", "Name"),
            (b"--b\r\nContent-Disposition: form-data; name=\"Name\"\r\n\r\ncaf\xe9\r\n--b--\r\n", "multipart/form-data; boundary=b", "Name"),
        ] {
            let answer = reqwest::Client::new()
                .post(format!("{}{}", app.base_url, rest.groups(app.campaign_id())))
                .basic_auth(&app.account.account_sid, Some(&app.account.auth_token))
                .header("Content-Type", content_type)
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            let answer = Answer { status: answer.status().as_u16(), headers: answer.headers().clone(), text: answer.text().await.unwrap() };
            assert_eq!(envelope(&answer, 400).0, field, "{body:?}: {}", answer.text);
            assert!(answer.json()["Message"].as_str().unwrap().contains("not UTF-8"), "{}", answer.text);
        }
        assert_eq!(rows(&app).await.0, 0, "nothing stored with its bytes replaced");
        // A multipart part read in the charset it declares, a byte-order mark dropped.
        for (part_head, bytes, name) in [
            ("Content-Type: text/plain; charset=windows-1252\r\n", &b"Caf\xe9 1252"[..], "Café 1252"),
            ("", b"\xef\xbb\xbfBOM", "BOM"),
        ] {
            let answer = post_name_part(&app, &rest, part_head, bytes).await;
            assert_eq!(answer.status, 200, "{name}: {}", answer.text);
        }
        let names = app.texts("SELECT name FROM partner_groups ORDER BY id").await;
        assert!(names.ends_with(&[Some("Café 1252".to_owned()), Some("BOM".to_owned())]), "{names:?}");
        // A charset no one knows, or bytes that are not text in the declared one, are 400
        // naming the field: never stored with the bytes replaced.
        for (part_head, bytes, needle) in [
            ("Content-Type: text/plain; charset=x-bogus\r\n", &b"caf\xe9 bogus"[..], "charset"),
            ("Content-Type: text/plain; charset=shift_jis\r\n", &b"\x82"[..], "Shift_JIS"),
        ] {
            let answer = post_name_part(&app, &rest, part_head, bytes).await;
            assert_eq!(envelope(&answer, 400).0, "Name", "{part_head}: {}", answer.text);
            assert!(answer.json()["Message"].as_str().unwrap().contains(needle), "{}", answer.text);
        }
        assert_eq!(app.texts("SELECT name FROM partner_groups ORDER BY id").await, names, "nothing stored");
        // Encoded UTF-8 is text as always.
        let g = rest.create_group(app.campaign_id(), "Café", &[]).await;
        assert_eq!(rest.get(&rest.group(app.campaign_id(), g)).await.json()["Name"], "Café");
    }

    async fn a_duplicate_name_is_409(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        rest.create_group(c, "VIP", &[]).await;
        let (field, message) = envelope(&rest.post(&rest.groups(c), &[("Name", "vip")]).await, 409);
        assert_eq!(field, "Name");
        assert!(message.contains("already exists"), "{message}");
        let other = rest.create_group(c, "Other", &[]).await;
        assert_eq!(envelope(&rest.put(&rest.group(c, other), &[("Name", "VIP")]).await, 409).0, "Name");
        // The same name in another campaign is fine.
        rest.create_group(app.account.campaign_ids[1], "VIP", &[]).await;
        assert_eq!(rows(&app).await.0, 3);
        // Ignoring case as one folding on both databases: a word-final `Σ` is the `σ` typed
        // in lower case (SQLite's index folds ASCII only, so only the check can catch it).
        rest.create_group(c, "ΟΔΟΣ rt", &[]).await;
        for same in ["οδοσ rt", "οδος RT"] {
            assert_eq!(envelope(&rest.post(&rest.groups(c), &[("Name", same)]).await, 409).0, "Name", "{same}");
        }
        assert_eq!(rows(&app).await.0, 4);
    }

    async fn bad_credentials_are_401_with_a_challenge(app) {
        let path = Rest::new(&app).groups(app.campaign_id());
        for rest in [Rest::new(&app).with_password("wrong-token"), Rest::new(&app).anonymous()] {
            for answer in [rest.get(&path).await, rest.post(&path, &[("Name", "X")]).await] {
                envelope(&answer, 401);
                assert_eq!(answer.header("www-authenticate"), r#"Basic realm="partnergraph""#);
            }
        }
        assert_eq!(rows(&app).await.0, 0);
    }

    async fn another_accounts_sid_in_the_path_is_403_on_every_route(app) {
        let other = app.seed_account(10, 9).await;
        let theirs = Rest::as_account(&app, &other);
        let their_list = theirs.get(&theirs.groups(other.campaign_ids[0])).await.json();
        let group = &their_list["Groups"][0];
        let g: i64 = group["Id"].as_str().unwrap().parse().unwrap();
        let p: i64 = group["MediaPartners"][0]["PartnerId"].as_str().unwrap().parse().unwrap();
        let before = rows(&app).await;
        // My credentials, their SID in the path (and their real ids).
        let mut mine_on_theirs = Rest::new(&app);
        mine_on_theirs.sid = other.account_sid.clone();
        for route in routes(&mine_on_theirs, other.campaign_ids[0], g, p) {
            let statements = app.statements();
            let answer = route.send(&mine_on_theirs).await;
            envelope(&answer, 403);
            // Authentication's one lookup (none once the credential is cached), nothing else.
            assert!(app.statements() - statements <= 1, "{} {}", route.method, route.path);
            assert!(!answer.text.contains(group["Name"].as_str().unwrap()), "{} {}: {}", route.method, route.path, answer.text);
        }
        // A SID that exists nowhere answers the same.
        mine_on_theirs.sid = "IRnosuchaccount".to_owned();
        for route in routes(&mine_on_theirs, app.campaign_id(), g, p) {
            envelope(&route.send(&mine_on_theirs).await, 403);
        }
        assert_eq!(rows(&app).await, before);
    }

    async fn another_accounts_ids_under_my_sid_are_404_and_untouched(app) {
        let other = app.seed_account(10, 21).await;
        let theirs = Rest::as_account(&app, &other);
        let c = other.campaign_ids[0];
        let group = theirs.get(&theirs.groups(c)).await.json()["Groups"][0].clone();
        let g: i64 = group["Id"].as_str().unwrap().parse().unwrap();
        let p: i64 = group["MediaPartners"][0]["PartnerId"].as_str().unwrap().parse().unwrap();
        let before = rows(&app).await;
        let mine = Rest::new(&app);
        for route in routes(&mine, c, g, p) {
            let answer = route.send(&mine).await;
            envelope(&answer, 404);
            assert!(!answer.text.contains(&other.account_sid), "{}", answer.text);
        }
        // Their group under my own campaign is as missing as a group that never existed.
        let mine_c = app.campaign_id();
        let theirs_404 = mine.get(&mine.group(mine_c, g)).await;
        let never = mine.get(&mine.group(mine_c, 987_654_321)).await;
        assert_eq!(theirs_404.text.replace(&g.to_string(), "N"), never.text.replace("987654321", "N"));
        envelope(&mine.put(&mine.group(mine_c, g), &[("Name", "Hijacked")]).await, 404);
        envelope(&mine.delete(&mine.group(mine_c, g)).await, 404);
        assert_eq!(rows(&app).await, before);
        assert_eq!(theirs.get(&theirs.group(c, g)).await.json()["Name"], group["Name"]);
    }

    async fn unsupported_methods_and_unknown_paths(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let patch = rest.send(Method::PATCH, &rest.group(c, 1), Some(&[("Name", "X")])).await;
        envelope(&patch, 405);
        let allow = patch.header("allow");
        assert!(allow.contains("GET") && allow.contains("PUT") && allow.contains("DELETE"), "{allow}");
        let put_list = rest.put(&rest.groups(c), &[("Name", "X")]).await;
        envelope(&put_list, 405);
        assert!(put_list.header("allow").contains("POST"));
        let unknown = [
            format!("/Advertisers/{}/Campaigns/{c}/Nope", rest.sid),
            format!("/Advertisers/{}", rest.sid),
            "/Advertisers".to_owned(),
            // The prefix's own trailing slash was a bare 404 before any credential check.
            "/Advertisers/".to_owned(),
            rest.group(c, "1/extra"),
        ];
        for path in unknown {
            envelope(&rest.get(&path).await, 404);
            // Credentials are checked first, on every path.
            assert_eq!(Rest::new(&app).anonymous().get(&path).await.status, 401, "{path}");
        }
        // The partner route answers only GET.
        let post = rest.post(&rest.partner(1), &[("Name", "X")]).await;
        envelope(&post, 405);
        assert!(post.header("allow").contains("GET"));
    }

    async fn read_only_users_may_read_but_not_write(app) {
        let user = accounts::add_user(&app.db, app.account.account_id, "Ann Analyst", "ann@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, app.account.account_id, user, "analyst").await.unwrap();
        let admin = Rest::new(&app);
        let g = admin.create_group(app.campaign_id(), "Readable", &[]).await;
        let reader = Rest::new(&app).with_password(&token);
        assert_eq!(reader.get(&reader.group(app.campaign_id(), g)).await.status, 200);
        envelope(&reader.post(&reader.groups(app.campaign_id()), &[("Name", "No")]).await, 403);
        envelope(&reader.delete(&reader.group(app.campaign_id(), g)).await, 403);
        assert_eq!(rows(&app).await.0, 1);
    }
}
