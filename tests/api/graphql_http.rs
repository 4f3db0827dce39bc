//! GraphQL over HTTP as its specification says: content negotiation, the status of request
//! errors under each media type, JSON error bodies with a code for every malformed request,
//! no `data` when a request never ran, persisted queries, and CORS when it is configured.

use reqwest::Method;
use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{backend_tests, Backend, TestApp};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs `body` to /graphql as this app's account; returns (status, content type, JSON body).
async fn post(app: &TestApp, headers: &[(&str, &str)], body: &str) -> (u16, String, Value) {
    let auth = app.auth_header();
    let mut all = vec![("Authorization", auth.as_str())];
    all.extend_from_slice(headers);
    let response = app
        .request(Method::POST, "/graphql", &all, body.to_owned())
        .await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, content_type, body)
}

fn json_request(query: &str) -> String {
    json!({ "query": query }).to_string()
}

/// The error part of a response: code and message of each error, nothing else.
fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            e["extensions"]["code"]
                .as_str()
                .unwrap_or("none")
                .to_owned()
        })
        .collect()
}

backend_tests! {
    async fn each_media_type_is_answered_in_its_own_shape(app) {
        let query = json_request("{ viewer { user { name } } }");
        for (accept, expected) in [
            (None, "application/json"),
            (Some("*/*"), "application/json"),
            (Some("application/json"), "application/json"),
            (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
            (Some("application/graphql-response+json, application/json;q=0.9"), GRAPHQL_RESPONSE),
        ] {
            let mut headers = vec![("Content-Type", "application/json")];
            headers.extend(accept.map(|a| ("Accept", a)));
            let (status, content_type, body) = post(&app, &headers, &query).await;
            assert_eq!(status, 200, "{accept:?}: {body}");
            assert_eq!(content_type, format!("{expected}; charset=utf-8"), "{accept:?}");
            assert_eq!(body["data"]["viewer"]["user"]["name"], "Account Administrator");
        }
        let (status, _, body) = post(&app, &[("Content-Type", "application/json"), ("Accept", "text/plain")], &query).await;
        assert_eq!((status, codes(&body)), (406, vec!["BAD_REQUEST".to_owned()]), "{body}");
    }

    async fn request_errors_are_400_for_graphql_response_json_and_200_for_json(app) {
        let cases = [
            ("{ viewer {", "GRAPHQL_PARSE_FAILED"),
            ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
            ("query($n: Int!) { viewer { user { name } } }", "VALIDATION"),
        ];
        for (query, code) in cases {
            for (accept, status) in [(GRAPHQL_RESPONSE, 400), ("application/json", 200)] {
                let headers = [("Content-Type", "application/json"), ("Accept", accept)];
                let (got, _, body) = post(&app, &headers, &json_request(query)).await;
                assert_eq!(got, status, "{query} as {accept}: {body}");
                assert_eq!(codes(&body), vec![code.to_owned()], "{query}: {body}");
                // The request never ran: no data entry at all.
                assert!(body.get("data").is_none(), "{query}: {body}");
            }
        }
    }

    async fn malformed_requests_get_json_errors_with_their_status(app) {
        let json_type = [("Content-Type", "application/json")];
        type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, u16);
        let cases: Vec<Case> = vec![
            (json_type.to_vec(), "{\"query\": \"{ viewer", 400),
            (json_type.to_vec(), "[{\"query\": \"{ viewer { user { name } } }\"}]", 400),
            (json_type.to_vec(), "{\"query\": 7}", 400),
            (json_type.to_vec(), "{\"query\": \"{ __typename }\", \"variables\": [1]}", 400),
            (json_type.to_vec(), "{}", 400),
            (vec![], "{\"query\": \"{ __typename }\"}", 415),
            (vec![("Content-Type", "application/graphql")], "{ __typename }", 415),
            (vec![("Content-Type", "text/plain")], "{ __typename }", 415),
            (vec![("Content-Type", "application/json; charset=latin1")], "{}", 415),
            (vec![("Content-Type", "application/json"), ("Content-Encoding", "gzip")], "{\"query\": \"{ __typename }\"}", 415),
        ];
        for (headers, body, status) in cases {
            let (got, content_type, answer) = post(&app, &headers, body).await;
            assert_eq!(got, status, "{headers:?} {body}: {answer}");
            assert!(content_type.starts_with("application/json"), "{content_type}");
            assert_eq!(codes(&answer), vec!["BAD_REQUEST".to_owned()], "{answer}");
            assert!(answer.get("data").is_none(), "{answer}");
            let message = answer["errors"][0]["message"].as_str().unwrap();
            assert!(!message.contains("Error(") && !message.contains("EOF while"), "{message}");
        }
        // A 415 says which coding a body may have (RFC 9110 §15.5.16).
        let auth = app.auth_header();
        let response = app.request(Method::POST, "/graphql", &[("Authorization", &auth), ("Content-Type", "application/json"), ("Content-Encoding", "gzip")], "{}").await;
        assert_eq!(response.status().as_u16(), 415);
        assert_eq!(response.headers()["accept-encoding"], "identity");
        // A body over the JSON limit is refused before it is read whole.
        let huge = format!("{{\"query\": \"{}\"}}", "x".repeat(partnergraph::http::MAX_JSON_BODY));
        let (status, _, answer) = post(&app, &json_type, &huge).await;
        assert_eq!((status, codes(&answer)), (413, vec!["BAD_REQUEST".to_owned()]));
    }

    async fn mutations_over_get_and_other_methods_are_405(app) {
        let auth = app.auth_header();
        let get = "/graphql?query=mutation%7BdeletePartnerView(input%3A%7Bid%3A%221%22%7D)%7BuserErrors%7Bcode%7D%7D%7D";
        let response = app.request(Method::GET, get, &[("Authorization", &auth)], "").await;
        assert_eq!(response.status().as_u16(), 405);
        assert_eq!(response.headers()["allow"], "POST");
        let response = app.request(Method::PUT, "/graphql", &[("Authorization", &auth)], "").await;
        assert_eq!(response.status().as_u16(), 405);
        assert_eq!(response.headers()["allow"], "GET, POST");
        let body: Value = response.json().await.unwrap();
        assert_eq!(codes(&body), vec!["BAD_REQUEST".to_owned()]);
    }

    async fn get_requests_take_the_standard_parameters(app) {
        let auth = app.auth_header();
        let get = |params: &[(&str, &str)]| {
            let (app, auth) = (&app, auth.clone());
            let query: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
            async move {
                let response = app.request(Method::GET, &format!("/graphql?{query}"), &[("Authorization", &auth), ("Accept", "application/json")], "").await;
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.unwrap())
            }
        };
        // `operationName` picks one of several operations; variables are JSON.
        let document = "query A($c: ID!) { a: campaign(id: $c) { __typename } } query B { b: __typename }";
        let variables = json!({ "c": app.campaign_id().to_string() }).to_string();
        let (status, body) = get(&[("query", document), ("operationName", "B")]).await;
        assert_eq!((status, &body["data"]), (200, &json!({ "b": "Query" })), "{body}");
        // HEAD answers as GET does, without the body (it was a 415).
        let head = app.request(Method::HEAD, "/graphql?query=%7B__typename%7D", &[("Authorization", &auth), ("Accept", "application/json")], "").await;
        assert_eq!(head.status().as_u16(), 200);
        let head = app.request(Method::HEAD, "/graphql?query=mutation%7B__typename%7D", &[("Authorization", &auth), ("Accept", "application/json")], "").await;
        assert_eq!(head.status().as_u16(), 405, "no mutation over HEAD either");
        // An empty `operationName` is none.
        let (status, body) = get(&[("query", "{ b: __typename }"), ("operationName", "")]).await;
        assert_eq!((status, &body["data"]), (200, &json!({ "b": "Query" })), "{body}");
        let (status, body) = get(&[("query", document), ("operationName", "A"), ("variables", &variables)]).await;
        assert_eq!((status, &body["data"]), (200, &json!({ "a": { "__typename": "Campaign" } })), "{body}");
        let (_, body) = get(&[("query", document)]).await;
        assert_eq!(codes(&body), vec!["GRAPHQL_VALIDATION_FAILED".to_owned()], "{body}");
        // A parameter twice, variables that are not a JSON object, no query: 400.
        for params in [
            vec![("query", "{ __typename }"), ("query", "{ viewer { user { name } } }")],
            vec![("query", "{ __typename }"), ("variables", "[1]")],
            vec![("query", "{ __typename }"), ("variables", "{nope")],
            vec![("operationName", "A")],
        ] {
            let (status, body) = get(&params).await;
            assert_eq!((status, codes(&body)), (400, vec!["BAD_REQUEST".to_owned()]), "{params:?}: {body}");
        }
        // Variables deeper than the JSON reader goes: refused for their depth, as in a body.
        let deep = format!("{{\"c\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        let (status, body) = get(&[("query", "{ __typename }"), ("variables", &deep)]).await;
        assert_eq!((status, codes(&body)), (400, vec!["VALIDATION".to_owned()]), "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("`variables` nests deeper than 128 levels"), "{body}");
    }

    async fn persisted_queries_register_once_and_then_run_by_hash(app) {
        let query = "{ viewer { user { name } } }";
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(query.as_bytes()));
        let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
        let headers = [("Content-Type", "application/json")];
        let (status, _, body) = post(&app, &headers, &by_hash.to_string()).await;
        assert_eq!(status, 200);
        assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound", "{body}");
        assert_eq!(codes(&body), vec!["PERSISTED_QUERY_NOT_FOUND".to_owned()]);
        let mut register = by_hash.clone();
        register["query"] = json!(query);
        let (_, _, body) = post(&app, &headers, &register.to_string()).await;
        assert_eq!(body["data"]["viewer"]["user"]["name"], "Account Administrator", "{body}");
        let (_, _, body) = post(&app, &headers, &by_hash.to_string()).await;
        assert_eq!(body["data"]["viewer"]["user"]["name"], "Account Administrator", "{body}");
        // Another account's client does not learn that this text was sent.
        let other = TestApp::header_of(&app.seed_account(2, 7).await);
        let response = app
            .request(Method::POST, "/graphql", &[("Authorization", other.as_str()), headers[0]], by_hash.to_string())
            .await;
        let body: Value = response.json().await.unwrap();
        assert_eq!(codes(&body), vec!["PERSISTED_QUERY_NOT_FOUND".to_owned()], "{body}");
        let mut wrong = register.clone();
        wrong["query"] = json!("{ __typename }");
        let (_, _, body) = post(&app, &headers, &wrong.to_string()).await;
        assert_eq!(codes(&body), vec!["PERSISTED_QUERY_HASH_MISMATCH".to_owned()], "{body}");
    }

    async fn multipart_parts_are_bounded_and_read_only_for_a_known_caller(app) {
        let send = |authorization: Option<String>, form: reqwest::multipart::Form| {
            let mut request = reqwest::Client::new()
                .post(format!("{}/graphql", app.base_url))
                .multipart(form);
            if let Some(authorization) = authorization {
                request = request.header("Authorization", authorization);
            }
            async move {
                let response = request.send().await.expect("send");
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.unwrap_or_default())
            }
        };
        let form = |operations: String, files: usize| {
            let mut form = reqwest::multipart::Form::new()
                .text("operations", operations)
                .text("map", json!({ "0": ["variables.file"] }).to_string());
            for i in 0..files {
                form = form.part(
                    i.to_string(),
                    reqwest::multipart::Part::bytes(b"Partner ID,Groups\n1,\n".to_vec())
                        .file_name("f.csv"),
                );
            }
            form
        };
        let query = "mutation($c: ID!, $file: Upload!) {
            bulkEditPartnerGroups(campaignId: $c, file: $file) { rowCount } }";
        let c = app.campaign_id().to_string();
        let small = json!({ "query": query, "variables": { "c": c, "file": null } }).to_string();
        // Nobody without a credential gets a body read.
        let (status, body) = send(None, form(small.clone(), 1)).await;
        assert_eq!((status, first_error_code(&body)), (401, "UNAUTHENTICATED".to_owned()), "{body}");
        // An `operations` part larger than a JSON body is refused while it is read.
        let padding = "x".repeat(partnergraph::http::MAX_JSON_BODY);
        let huge = json!({ "query": query, "variables": { "c": c, "file": null, "pad": padding } })
            .to_string();
        let (status, body) = send(Some(app.auth_header()), form(huge, 1)).await;
        assert_eq!(status, 413, "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("\"operations\""), "{body}");
        // One file fills at most ten variables (each holds a handle on it).
        let paths: Vec<String> = (0..3_000).map(|_| "variables.file".to_owned()).collect();
        let many = reqwest::multipart::Form::new()
            .text("operations", small.clone())
            .text("map", json!({ "0": paths }).to_string())
            .part("0", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("f.csv"));
        let (status, body) = send(Some(app.auth_header()), many).await;
        assert_eq!((status, first_error_code(&body)), (400, "BAD_REQUEST".to_owned()), "{body}");
        // One file per request.
        let (status, body) = send(Some(app.auth_header()), form(small.clone(), 2)).await;
        assert_eq!((status, first_error_code(&body)), (400, "BAD_REQUEST".to_owned()), "{body}");
        // A file only fills a variable declared Upload that the request gives as null (or leaves
        // out): mapped into a String it would be stored as the text "#__graphql_file__:0"; mapped
        // to no variable it would be dropped.
        let create = "mutation($c: ID!, $name: String!) { createPartnerGroup(input: { campaignId: $c, name: $name }) { group { name } } }";
        let groups = app.count_rows("partner_groups").await;
        for (operations, path) in [
            (json!({ "query": create, "variables": { "c": c, "name": null } }), "variables.name"),
            (json!({ "query": create, "variables": { "c": c, "name": "x" } }), "variables.nope"),
            (json!({ "query": query, "variables": { "c": c, "file": "text" } }), "variables.file"),
            (json!({ "query": query, "variables": { "c": c, "file": null } }), "variables.file.0"),
            (json!({ "query": query, "variables": { "c": c, "file": null } }), "file"),
            (json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } }, "variables": { "c": c } }), "variables.file"),
        ] {
            let form = reqwest::multipart::Form::new()
                .text("operations", operations.to_string())
                .text("map", json!({ "0": [path] }).to_string())
                .part("0", reqwest::multipart::Part::bytes(b"Partner ID,Groups\n1,\n".to_vec()).file_name("f.csv"));
            let (status, body) = send(Some(app.auth_header()), form).await;
            assert_eq!((status, first_error_code(&body)), (400, "BAD_REQUEST".to_owned()), "{path}: {body}");
        }
        assert_eq!(app.count_rows("partner_groups").await, groups, "no group named after a file");
        // A query text past the nesting bound is refused before it is parsed for the upload's
        // variables (the parser recurses), and the server goes on.
        let deep = format!("mutation($f: Upload!) {{ x(a: {}) }}", "[".repeat(50_000));
        let operations = json!({ "query": deep, "variables": { "f": null } }).to_string();
        let deep_form = reqwest::multipart::Form::new()
            .text("operations", operations)
            .text("map", json!({ "0": ["variables.f"] }).to_string())
            .part("0", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("f.csv"));
        let (status, body) = send(Some(app.auth_header()), deep_form).await;
        assert_eq!((status, first_error_code(&body)), (400, "VALIDATION".to_owned()), "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("nests brackets"), "{body}");
        // One named operation needs no `operationName`.
        let named = json!({ "query": query.replacen("mutation", "mutation BulkEdit", 1), "variables": { "c": c, "file": null } }).to_string();
        let (status, body) = send(Some(app.auth_header()), form(named, 1)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["bulkEditPartnerGroups"]["rowCount"].is_u64(), "{body}");
        // The file's variable left out of `variables` is filled all the same.
        let omitted = json!({ "query": query, "variables": { "c": c } }).to_string();
        let (status, body) = send(Some(app.auth_header()), form(omitted, 1)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["bulkEditPartnerGroups"]["rowCount"].is_u64(), "{body}");
        // A well-formed request runs (the group_file tests upload through the same reader).
        let (status, body) = send(Some(app.auth_header()), form(small, 1)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        assert!(body["data"]["bulkEditPartnerGroups"]["rowCount"].is_u64(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_off_unless_origins_are_configured() {
    let preflight = [
        ("Origin", "https://app.example.com"),
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ),
    ];
    let off = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let response = off
        .request(Method::OPTIONS, "/graphql", &preflight, "")
        .await;
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let on = TestApp::spawn_with_api(Backend::Sqlite, |api| {
        api.cors_allowed_origins = vec!["https://app.example.com".into()];
    })
    .await
    .unwrap();
    let response = on
        .request(Method::OPTIONS, "/graphql", &preflight, "")
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let allowed = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allowed.contains("authorization"), "{allowed}");
    let elsewhere = [
        ("Origin", "https://evil.example.net"),
        ("Access-Control-Request-Method", "POST"),
    ];
    let response = on
        .request(Method::OPTIONS, "/graphql", &elsewhere, "")
        .await;
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // A real request from the allowed origin can read the request id and rate headers.
    let auth = on.auth_header();
    let response = on
        .request(
            Method::POST,
            "/graphql",
            &[
                ("Origin", "https://app.example.com"),
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            json_request("{ __typename }"),
        )
        .await;
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        exposed.contains("x-ratelimit-remaining") && exposed.contains("x-request-id"),
        "{exposed}"
    );
}
