//! Two administrators taking `MANAGE_USERS` from each other at the same moment: one wins, the
//! other finds it no longer has the permission (`FORBIDDEN`), so someone can still manage users
//! (each request's credentials once passed the check, and the account was left with no one).

use partnergraph::domain::UserRole;
use partnergraph::service::accounts;
use serde_json::json;

use crate::races::{all, rounds, Client};
use crate::support::{backend_tests, TestApp};

const SET: &str = "mutation($i: SetUserPermissionsInput!) { setUserPermissions(input: $i) {
  user { userId } userErrors { code } } }";

async fn administrator(app: &TestApp, account_id: i64, sid: &str, name: &str) -> (String, i64) {
    let user = accounts::add_user(
        &app.db,
        account_id,
        name,
        &format!("{name}@acme.example"),
        UserRole::Administrator,
    )
    .await
    .unwrap();
    let token = accounts::issue_credential(&app.db, account_id, user, name)
        .await
        .unwrap();
    (TestApp::basic(sid, &token), user)
}

/// `client` takes everything but `EDIT_PARTNERS` from `user`; the answer's code.
async fn take_from(client: Client, user: i64) -> String {
    let variables =
        json!({ "i": { "userId": user.to_string(), "permissions": ["EDIT_PARTNERS"] } });
    let (_, body) = client.send(SET, variables).await;
    match body["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None if body["data"]["setUserPermissions"]["userErrors"] == json!([]) => "OK".to_owned(),
        None => format!("{body}"),
    }
}

backend_tests! {
    async fn two_administrators_cannot_lock_each_other_out(app) {
        let acme = app.seed_account(1, 81).await;
        for round in 0..rounds(&app, 25) {
            let (a, a_id) = administrator(&app, acme.account_id, &acme.account_sid, &format!("a{round}")).await;
            let (b, b_id) = administrator(&app, acme.account_id, &acme.account_sid, &format!("b{round}")).await;
            let mut answers = all(vec![
                Box::pin(take_from(Client::with_authorization(&app, a), b_id)),
                Box::pin(take_from(Client::with_authorization(&app, b), a_id)),
            ])
            .await;
            answers.sort();
            assert_eq!(answers, ["FORBIDDEN", "OK"], "round {round}");
            let stored = app
                .texts(&format!("SELECT permissions FROM account_users WHERE id IN ({a_id}, {b_id})"))
                .await;
            let managers = stored
                .iter()
                .filter(|p| p.as_deref().is_none_or(|p| p.contains("MANAGE_USERS")))
                .count();
            assert_eq!(managers, 1, "round {round}: {stored:?}");
        }
    }
}
