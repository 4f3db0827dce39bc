//! `createPartner`: a brand adds a direct partner; bad input is refused and writes nothing.

use serde_json::{json, Value};

use crate::first_error_code;
use crate::races::{all, rounds, Client};
use crate::support::{backend_tests, TestApp};

const CREATE: &str = "mutation($i: CreatePartnerInput!) {
  createPartner(input: $i) {
    partner { id partnerId name email country stateProvince websiteUrl relationshipType isDirect
              relationshipStage dateJoined accessUrl businessModels size assignedTo { userId } }
    userErrors { field code message }
  }
}";

fn valid(app: &TestApp) -> Value {
    json!({
        "campaignId": app.campaign_id().to_string(),
        "name": "Trail Gear Reviews",
        "email": "Hello@TrailGear.example",
        "country": "us",
        "stateProvince": "US-CO",
        "websiteUrl": "https://trailgear.example/reviews",
        "size": "SMALL",
        "businessModels": ["CONTENT", "SOCIAL_MEDIA_INFLUENCER", "CONTENT"],
        "assignedUserId": app.account.user_id.to_string(),
    })
}

async fn create(app: &TestApp, input: Value) -> Value {
    app.data(CREATE, json!({ "i": input })).await["createPartner"].clone()
}

fn error_fields(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"][1].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

backend_tests! {
    async fn a_new_partners_date_joined_is_written_to_the_microsecond_and_finds_it(app) {
        // The server writes times as PostgreSQL keeps them, so both databases answer the same
        // text, and a range ending at the answered date finds the partner (SQLite compares the
        // stored text: a nanosecond beyond the answer missed it).
        let payload = create(&app, valid(&app)).await;
        let joined = payload["partner"]["dateJoined"].as_str().unwrap().to_owned();
        let fraction = joined.split_once('.').map_or("", |(_, rest)| rest.split('+').next().unwrap_or(""));
        assert!(fraction.len() <= 6, "{joined}");
        let data = app.data("query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 5) { nodes { partnerId } } }",
            json!({ "c": app.campaign_id().to_string(), "f": { "dateJoined": { "from": joined, "to": joined } } })).await;
        assert_eq!(data["partners"]["nodes"], json!([{ "partnerId": payload["partner"]["partnerId"] }]), "{joined}");
    }

    async fn a_direct_partner_is_created_and_listed(app) {
        let payload = create(&app, valid(&app)).await;
        assert_eq!(payload["userErrors"], json!([]));
        let partner = &payload["partner"];
        assert_eq!(partner["name"], "Trail Gear Reviews");
        assert_eq!(partner["email"], "hello@trailgear.example");
        assert_eq!(partner["country"], "US");
        assert_eq!(partner["relationshipType"], "DIRECT");
        assert_eq!(partner["isDirect"], true);
        assert_eq!(partner["relationshipStage"], "JOINED");
        assert!(partner["dateJoined"].is_string());
        assert!(partner["accessUrl"].as_str().unwrap().contains(&partner["partnerId"].to_string()));
        assert_eq!(partner["businessModels"], json!(["CONTENT", "SOCIAL_MEDIA_INFLUENCER"]));
        assert_eq!(partner["assignedTo"]["userId"], app.account.user_id);

        let list = app
            .data("query($c: ID!) { partners(campaignId: $c) { totalCount nodes { id name } } }",
                json!({ "c": app.campaign_id().to_string() }))
            .await;
        assert_eq!(list["partners"]["totalCount"], 1);
        assert_eq!(list["partners"]["nodes"][0]["id"], partner["id"]);
        assert_eq!(app.count_rows("activity_log").await, 1);
    }

    async fn every_problem_of_a_bad_input_is_reported_and_nothing_is_written(app) {
        let mut input = valid(&app);
        input["name"] = json!("   ");
        input["email"] = json!("not-an-email");
        input["country"] = json!("XX");
        input["websiteUrl"] = json!("javascript:alert(1)");
        input["currency"] = json!("dollars");
        let payload = create(&app, input).await;
        assert!(payload["partner"].is_null());
        let fields = error_fields(&payload);
        for expected in [("name", "REQUIRED"), ("email", "INVALID"), ("country", "INVALID"), ("websiteUrl", "INVALID"), ("currency", "INVALID")] {
            assert!(fields.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} in {fields:?}");
        }
        assert_eq!(app.count_rows("partners").await, 0);
        assert_eq!(app.count_rows("campaign_partners").await, 0);
        // A URL with a port that is none, or markup in it, and a currency ISO 4217 does not list.
        for (field, value) in [("websiteUrl", "http://a.example:notaport/x"), ("websiteUrl", "http://a.example:99999999999/"),
            ("websiteUrl", "https://a.example/\"><script>alert(1)</script>"), ("currency", "QQQ")] {
            let mut input = valid(&app);
            input[field] = json!(value);
            let payload = create(&app, input).await;
            assert_eq!(error_fields(&payload), vec![(field.to_owned(), "INVALID".to_owned())], "{value}");
        }
        assert_eq!(app.count_rows("partners").await, 0);
    }

    async fn a_state_must_belong_to_the_country(app) {
        let mut input = valid(&app);
        input["stateProvince"] = json!("CA-ON");
        let payload = create(&app, input).await;
        assert_eq!(error_fields(&payload), vec![("stateProvince".to_owned(), "INVALID".to_owned())]);
    }

    async fn unknown_and_foreign_campaigns_and_users_are_not_found(app) {
        let other = partnergraph::service::accounts::create_account(&app.db, "Rival", &["Rival"]).await.unwrap();
        for (field, value) in [
            ("campaignId", json!("999999")),
            ("campaignId", json!(other.campaign_ids[0].to_string())),
            ("assignedUserId", json!(other.user_id.to_string())),
        ] {
            let mut input = valid(&app);
            input[field] = value;
            let payload = create(&app, input).await;
            assert_eq!(error_fields(&payload), vec![(field.to_owned(), "NOT_FOUND".to_owned())]);
        }
        assert_eq!(app.count_rows("partners").await, 0);
    }

    async fn a_duplicate_email_in_the_campaign_is_a_conflict(app) {
        create(&app, valid(&app)).await;
        let payload = create(&app, valid(&app)).await;
        assert_eq!(error_fields(&payload), vec![("email".to_owned(), "CONFLICT".to_owned())]);
        assert_eq!(app.count_rows("partners").await, 1);
    }

    async fn concurrent_creates_with_one_email_make_exactly_one_partner(app) {
        let client = Client::new(&app, &app.account);
        for round in 0..rounds(&app, 20) {
            let tasks = (0..8)
                .map(|i| {
                    let client = client.clone();
                    let mut input = valid(&app);
                    // The same address however it is capitalised.
                    input["email"] = json!(if i % 2 == 0 { format!("race{round}@trailgear.example") } else { format!("Race{round}@TrailGear.example") });
                    input["name"] = json!(format!("Racer {round}.{i}"));
                    Box::pin(async move { client.payload(CREATE, json!({ "i": input }), "createPartner").await })
                        as std::pin::Pin<Box<dyn std::future::Future<Output = Value> + Send>>
                })
                .collect();
            let payloads = all(tasks).await;
            let created = payloads.iter().filter(|p| !p["partner"].is_null()).count();
            assert_eq!(created, 1, "round {round}: {payloads:?}");
            for payload in payloads.iter().filter(|p| p["partner"].is_null()) {
                assert_eq!(error_fields(payload), vec![("email".to_owned(), "CONFLICT".to_owned())], "{payload}");
            }
            let email = format!("race{round}@trailgear.example");
            assert_eq!(app.count_rows(&format!("partners WHERE email = '{email}'")).await, 1);
        }
        assert_eq!(app.count_rows("activity_log WHERE action = 'PARTNER_CREATED'").await, rounds(&app, 20) as i64);
    }

    async fn an_email_taken_in_one_campaign_is_free_in_another(app) {
        create(&app, valid(&app)).await;
        let mut input = valid(&app);
        input["campaignId"] = json!(app.account.campaign_ids[1].to_string());
        let payload = create(&app, input).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        assert_eq!(app.count_rows("partners").await, 2);
    }

    async fn the_email_of_a_seeded_partner_of_the_campaign_is_a_conflict(app) {
        let acme = app.seed_account(20, 61).await;
        let campaign = acme.campaign_ids[0];
        let data = app.data_as(&acme, "query($c: ID!) { partners(campaignId: $c, first: 20) { nodes { email } } }",
            json!({ "c": campaign.to_string() })).await;
        let email = data["partners"]["nodes"].as_array().unwrap().iter()
            .find_map(|n| n["email"].as_str()).expect("a seeded partner with an e-mail").to_uppercase();
        let mut input = valid(&app);
        input["campaignId"] = json!(campaign.to_string());
        input["email"] = json!(email);
        input["assignedUserId"] = json!(acme.user_id.to_string());
        let payload = app.data_as(&acme, CREATE, json!({ "i": input })).await["createPartner"].clone();
        assert_eq!(error_fields(&payload), vec![("email".to_owned(), "CONFLICT".to_owned())]);
    }

    async fn unknown_enum_values_are_rejected_by_validation(app) {
        let mut input = valid(&app);
        input["size"] = json!("GIGANTIC");
        let (status, body) = app.graphql(CREATE, json!({ "i": input })).await;
        assert_eq!(status, 200);
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("GIGANTIC"), "{body}");
        assert_eq!(app.count_rows("partners").await, 0);
        let (_, body) = app.graphql(CREATE, json!({ "i": { "campaignId": "x%%" , "name": "A", "email": "a@b.co", "country": "US" } })).await;
        assert_eq!(error_fields(&body["data"]["createPartner"]), vec![("campaignId".to_owned(), "INVALID".to_owned())]);
        assert!(first_error_code(&body).is_empty());
    }
}
