//! Notes about a partner through GraphQL: written, listed newest first, edited, deleted, each
//! with an activity entry; bad input, other accounts' ids and read-only users write nothing.

use serde_json::{json, Value};

use crate::rest_support::create_partners;
use crate::support::{backend_tests, TestApp};
use partnergraph::domain::UserRole;
use partnergraph::service::accounts::{self, NewAccount};

const CREATE: &str = "mutation($i: CreateNoteInput!) { createNote(input: $i) {
  note { noteId partnerId body type author { name } createdAt updatedAt } userErrors { field code } } }";
const UPDATE: &str = "mutation($i: UpdateNoteInput!) { updateNote(input: $i) {
  note { noteId body type updatedAt } userErrors { field code } } }";
const DELETE: &str = "mutation($i: DeleteNoteInput!) { deleteNote(input: $i) { deletedNoteId userErrors { field code } } }";
const NOTES: &str = "query($c: ID!, $p: ID!, $first: Int, $after: String) { partner(campaignId: $c, id: $p) {
  notes(first: $first, after: $after) { nodes { noteId body type } pageInfo { hasNextPage endCursor } } } }";

fn note_input(app: &TestApp, partner: i64, body: &str, kind: Option<&str>) -> Value {
    json!({ "i": { "campaignId": app.campaign_id().to_string(), "partnerId": partner.to_string(), "body": body, "type": kind } })
}

async fn create(app: &TestApp, partner: i64, body: &str, kind: Option<&str>) -> Value {
    app.data(CREATE, note_input(app, partner, body, kind)).await["createNote"].clone()
}

fn codes(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .expect("userErrors")
        .iter()
        .map(|e| {
            (
                e["field"]
                    .as_array()
                    .and_then(|f| f.last())
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn activity(app: &TestApp, action: &str) -> i64 {
    app.texts(&format!(
        "SELECT CAST(COUNT(*) AS TEXT) FROM activity_log WHERE action = '{action}'"
    ))
    .await[0]
        .as_deref()
        .unwrap_or("0")
        .parse()
        .expect("count")
}

backend_tests! {
    async fn notes_are_written_listed_newest_first_edited_and_deleted(app) {
        let p = create_partners(&app, &["Alpha Outdoors"]).await[0];
        let first = create(&app, p, "Called about the summer promo.\nWill send assets.", Some("PHONE")).await;
        assert_eq!(first["userErrors"], json!([]), "{first}");
        let note = &first["note"];
        assert_eq!((note["partnerId"].as_i64(), note["type"].as_str()), (Some(p), Some("PHONE")));
        let me = app.data("{ viewer { user { name } } }", json!({})).await;
        assert_eq!(note["author"]["name"], me["viewer"]["user"]["name"], "{note}");
        assert_eq!(note["updatedAt"], Value::Null);
        let second = create(&app, p, "Plain note", None).await;
        assert_eq!(second["note"]["type"], "NONE", "{second}");
        let (first_id, second_id) = (note["noteId"].as_i64().unwrap(), second["note"]["noteId"].as_i64().unwrap());

        let vars = |first: i64, after: Value| json!({ "c": app.campaign_id().to_string(), "p": p.to_string(), "first": first, "after": after });
        let page = app.data(NOTES, vars(1, Value::Null)).await;
        let notes = &page["partner"]["notes"];
        assert_eq!(notes["nodes"][0]["noteId"].as_i64(), Some(second_id), "newest first: {notes}");
        assert_eq!(notes["pageInfo"]["hasNextPage"], true);
        let next = app.data(NOTES, vars(1, notes["pageInfo"]["endCursor"].clone())).await;
        assert_eq!(next["partner"]["notes"]["nodes"][0]["noteId"].as_i64(), Some(first_id));
        assert_eq!(next["partner"]["notes"]["pageInfo"]["hasNextPage"], false);
        assert_eq!(activity(&app, "NOTE_ADDED").await, 2);

        let updated = app.data(UPDATE, json!({ "i": { "id": first_id.to_string(), "body": "Assets sent", "type": "EMAIL" } })).await["updateNote"].clone();
        assert_eq!(updated["userErrors"], json!([]), "{updated}");
        assert_eq!((updated["note"]["body"].as_str(), updated["note"]["type"].as_str()), (Some("Assets sent"), Some("EMAIL")));
        assert!(updated["note"]["updatedAt"].is_string(), "{updated}");
        assert_eq!(activity(&app, "NOTE_UPDATED").await, 1);
        let details = app.texts("SELECT details FROM activity_log WHERE action = 'NOTE_UPDATED'").await;
        let details: Value = serde_json::from_str(details[0].as_deref().unwrap_or("{}")).unwrap();
        assert_eq!(details["before"]["type"], "PHONE", "{details}");
        assert_eq!(details["after"]["body"], "Assets sent", "{details}");
        // The same text and type again change nothing: the same updatedAt, no second entry.
        let again = app.data(UPDATE, json!({ "i": { "id": first_id.to_string(), "body": "Assets sent", "type": "EMAIL" } })).await["updateNote"].clone();
        assert_eq!(again["userErrors"], json!([]), "{again}");
        assert_eq!(again["note"]["updatedAt"], updated["note"]["updatedAt"], "{again}");
        assert_eq!(activity(&app, "NOTE_UPDATED").await, 1);

        let deleted = app.data(DELETE, json!({ "i": { "id": second_id.to_string() } })).await["deleteNote"].clone();
        assert_eq!(deleted, json!({ "deletedNoteId": second_id, "userErrors": [] }));
        assert_eq!(activity(&app, "NOTE_DELETED").await, 1);
        let left = app.data(NOTES, vars(10, Value::Null)).await;
        assert_eq!(left["partner"]["notes"]["nodes"], json!([{ "noteId": first_id, "body": "Assets sent", "type": "EMAIL" }]));
    }

    async fn bad_input_other_accounts_and_read_only_users_write_nothing(app) {
        let p = create_partners(&app, &["Alpha Outdoors"]).await[0];
        let kept = create(&app, p, "Kept", None).await["note"]["noteId"].as_i64().unwrap();
        let before = app.count_rows("notes").await;
        for (input, expected) in [
            (note_input(&app, p, "   ", None), vec![("body", "REQUIRED")]),
            (note_input(&app, p, &"x".repeat(10_001), None), vec![("body", "TOO_LONG")]),
            (note_input(&app, p, "nul \u{0} inside", None), vec![("body", "INVALID")]),
            (note_input(&app, p + 1_000, "Who?", None), vec![("partnerId", "NOT_FOUND")]),
            (json!({ "i": { "campaignId": "999999", "partnerId": p.to_string(), "body": "x" } }), vec![("campaignId", "NOT_FOUND")]),
        ] {
            let payload = app.data(CREATE, input).await["createNote"].clone();
            let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
            assert_eq!(codes(&payload), expected, "{payload}");
            assert_eq!(payload["note"], Value::Null);
        }
        let (_, body) = app.graphql(CREATE, json!({ "i": { "campaignId": app.campaign_id().to_string(), "partnerId": p.to_string(), "body": "x", "type": "FAX" } })).await;
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("FAX"), "{body}");
        let blank = app.data(UPDATE, json!({ "i": { "id": kept.to_string(), "body": "" } })).await["updateNote"].clone();
        assert_eq!(codes(&blank), vec![("body".to_owned(), "REQUIRED".to_owned())]);

        // Another account: its notes are unknown here, ours unknown there.
        let other = app.seed_account(20, 5).await;
        let theirs: i64 = app
            .texts(&format!("SELECT CAST(MIN(id) AS TEXT) FROM notes WHERE account_id = {}", other.account_id))
            .await[0].as_deref().unwrap().parse().unwrap();
        let their_notes = app.count_rows("notes").await;
        for query in [UPDATE, DELETE] {
            let input = if query == UPDATE { json!({ "i": { "id": theirs.to_string(), "body": "mine now" } }) } else { json!({ "i": { "id": theirs.to_string() } }) };
            let data = app.data(query, input).await;
            let payload = data.as_object().unwrap().values().next().unwrap().clone();
            assert_eq!(codes(&payload), vec![("id".to_owned(), "NOT_FOUND".to_owned())], "{payload}");
        }
        let mine = app.data_as(&other, DELETE, json!({ "i": { "id": kept.to_string() } })).await["deleteNote"].clone();
        assert_eq!(codes(&mine), vec![("id".to_owned(), "NOT_FOUND".to_owned())]);
        assert_eq!(app.count_rows("notes").await, their_notes);
        assert_eq!(their_notes - before, app.texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM notes WHERE account_id = {}", other.account_id)).await[0].as_deref().unwrap().parse::<i64>().unwrap());

        // A read-only user may read notes but not write them.
        let user = accounts::add_user(&app.db, app.account.account_id, "Ann Analyst", "ann@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, app.account.account_id, user, "analyst").await.unwrap();
        let reader = NewAccount { auth_token: token, ..app.account.clone() };
        let header = TestApp::header_of(&reader);
        for (query, input) in [
            (CREATE, note_input(&app, p, "no", None)),
            (UPDATE, json!({ "i": { "id": kept.to_string(), "body": "no" } })),
            (DELETE, json!({ "i": { "id": kept.to_string() } })),
        ] {
            let (_, body) = app.graphql_as(Some(&header), query, input).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body}");
        }
        let read = app.data_as(&reader, NOTES, json!({ "c": app.campaign_id().to_string(), "p": p.to_string() })).await;
        assert_eq!(read["partner"]["notes"]["nodes"][0]["body"], "Kept");
        assert_eq!(app.count_rows("notes").await, their_notes);
    }

    async fn concurrent_edits_and_deletions_of_one_note_each_get_an_answer(app) {
        let p = create_partners(&app, &["Racer"]).await;
        for round in 0..5 {
            let id = create(&app, p[0], "start", None).await["note"]["noteId"].clone();
            let edits = (0..4).map(|i| app.graphql(UPDATE, json!({ "i": { "id": id, "body": format!("r{round}-{i}") } })));
            for (status, answer) in futures_util::future::join_all(edits).await {
                assert_eq!((status, &answer["errors"]), (200, &Value::Null), "no retry-later error: {answer}");
                assert!(answer["data"]["updateNote"]["note"]["body"].as_str().is_some_and(|b| b.starts_with(&format!("r{round}-"))), "{answer}");
            }
            // Each edit saw the one before it: the entries' befores and afters form one chain.
            let entries = app.texts(&format!("SELECT details FROM activity_log WHERE action = 'NOTE_UPDATED' \
                AND details LIKE '%\"r{round}-%' ORDER BY id")).await;
            let chain: Vec<(String, String)> = entries.iter().map(|d| {
                let d: Value = serde_json::from_str(d.as_deref().unwrap()).unwrap();
                (d["before"]["body"].as_str().unwrap().to_owned(), d["after"]["body"].as_str().unwrap().to_owned())
            }).collect();
            assert_eq!(chain.len(), 4, "{chain:?}");
            assert_eq!(chain[0].0, "start");
            assert!(chain.windows(2).all(|w| w[0].1 == w[1].0), "{chain:?}");

            let deletions = (0..3).map(|_| app.graphql(DELETE, json!({ "i": { "id": id } })));
            let mut deleted = 0;
            for (status, answer) in futures_util::future::join_all(deletions).await {
                assert_eq!((status, &answer["errors"]), (200, &Value::Null), "{answer}");
                let payload = &answer["data"]["deleteNote"];
                if payload["deletedNoteId"].is_null() {
                    assert_eq!(codes(payload), [("id".to_owned(), "NOT_FOUND".to_owned())], "{payload}");
                } else {
                    deleted += 1;
                }
            }
            assert_eq!(deleted, 1, "exactly one deletes it");
        }
    }

    async fn concurrent_edits_are_timed_in_the_order_they_were_made(app) {
        // The time of an edit is read once the note's row is locked: the newest entry of the
        // feed is the last edit, whose text the note keeps (the time used to be taken as the
        // request arrived, so an edit that waited for another could be timed before it).
        let p = create_partners(&app, &["Alpha"]).await;
        let note = create(&app, p[0], "v0", None).await["note"]["noteId"].clone();
        for round in 0..3 {
            let edits = (1..=8).map(|i| app.graphql(UPDATE, json!({ "i": { "id": note.to_string(), "body": format!("r{round} v{i}") } })));
            for (status, body) in futures_util::future::join_all(edits).await {
                assert_eq!((status, body.get("errors")), (200, None), "{body}");
            }
            let kept = app.texts(&format!("SELECT body FROM notes WHERE id = {note}")).await;
            let newest = app.texts("SELECT details FROM activity_log WHERE action = 'NOTE_UPDATED' ORDER BY created_at DESC, id DESC LIMIT 1").await;
            let newest: Value = serde_json::from_str(newest[0].as_deref().unwrap()).unwrap();
            assert_eq!(newest["after"]["body"].as_str(), kept[0].as_deref(), "round {round}: {newest}");
            // Each entry's before is the previous entry's after, in the feed's order too.
            let chain = app.texts("SELECT details FROM activity_log WHERE action = 'NOTE_UPDATED' ORDER BY created_at, id").await;
            let chain: Vec<Value> = chain.iter().map(|d| serde_json::from_str(d.as_deref().unwrap()).unwrap()).collect();
            for pair in chain.windows(2) {
                assert_eq!(pair[0]["after"]["body"], pair[1]["before"]["body"], "round {round}: {pair:?}");
            }
        }
    }
}
