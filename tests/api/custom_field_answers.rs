//! Partners' answers to custom fields: set and cleared per partner with a value of the field's
//! type (shown at once by `Partner.customFields` and the list's filter), set for a selection on
//! the bulk engine (dry run counts the same as the real run, one activity entry per changed
//! partner), refused as user errors that write nothing; and filters naming a deleted field or a
//! removed option (in a saved view too) match nothing instead of failing.

use serde_json::{json, Value};

use crate::custom_fields::{codes, create_field, payload, tables, DELETE, REMOVE};
use crate::rest_support::create_partners;
use crate::support::{backend_tests, TestApp};

const SET: &str = "mutation($i: SetCustomFieldAnswerInput!) { setCustomFieldAnswer(input: $i) {
  answer { customFieldId text number date fileUrl options { optionId label } } userErrors { field code message } } }";
const CLEAR: &str =
    "mutation($i: ClearCustomFieldAnswerInput!) { clearCustomFieldAnswer(input: $i) {
  answer { customFieldId } userErrors { field code message } } }";
const BULK: &str = "mutation($i: SetCustomFieldAnswersInput!) { setCustomFieldAnswers(input: $i) {
  matchedCount affectedCount dryRun userErrors { field code message } } }";
const ANSWERS: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
  customFields { customFieldId text number date fileUrl options { label } } } }";
const LIST: &str = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f) { totalCount nodes { partnerId } } }";

fn set_input(app: &TestApp, partner: i64, field: i64, value: Value) -> Value {
    let mut i = json!({ "campaignId": app.campaign_id().to_string(), "partnerId": partner.to_string(), "fieldId": field.to_string() });
    i.as_object_mut()
        .unwrap()
        .extend(value.as_object().unwrap().clone());
    json!({ "i": i })
}

async fn set(app: &TestApp, partner: i64, field: i64, value: Value) -> Value {
    payload(&app.data(SET, set_input(app, partner, field, value)).await)
}

async fn answers(app: &TestApp, partner: i64) -> Value {
    app.data(
        ANSWERS,
        json!({ "c": app.campaign_id().to_string(), "p": partner.to_string() }),
    )
    .await["partner"]["customFields"]
        .clone()
}

/// The partner ids the list shows for `filter` (failing on any error).
async fn listed(app: &TestApp, filter: Value) -> Vec<i64> {
    let data = app
        .data(
            LIST,
            json!({ "c": app.campaign_id().to_string(), "f": filter }),
        )
        .await;
    data["partners"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["partnerId"].as_i64().unwrap())
        .collect()
}

async fn sql_id(app: &TestApp, sql: &str) -> i64 {
    app.texts(sql).await[0].as_deref().unwrap().parse().unwrap()
}

fn on(field: i64, condition: Value) -> Value {
    let mut c = json!({ "fieldId": field.to_string() });
    c.as_object_mut()
        .unwrap()
        .extend(condition.as_object().unwrap().clone());
    json!({ "customFields": [c] })
}

backend_tests! {
    async fn contains_ignores_case_beyond_ascii(app) {
        let p = create_partners(&app, &["Gamma Goods", "Delta Deals"]).await;
        let (text, _) = create_field(&app, "Motto", "PARAGRAPH", &[]).await;
        // SQLite's lower() folds ASCII only: the answer is folded by the server, as the term is.
        set(&app, p[0], text, json!({ "text": "ÜBER Straße\nÉCOLE ΩMEGA" })).await;
        set(&app, p[1], text, json!({ "text": "plain über" })).await;
        for (term, expected) in [("ÜBER", &p[..]), ("école", &p[..1]), ("ÉCOLE", &p[..1]), ("straße", &p[..1]), ("ωmega", &p[..1]), ("über straße", &p[..1])] {
            assert_eq!(listed(&app, on(text, json!({ "contains": term }))).await, expected, "{term}");
        }
        set(&app, p[0], text, json!({ "text": "Nothing special" })).await;
        assert_eq!(listed(&app, on(text, json!({ "contains": "ÉCOLE" }))).await, Vec::<i64>::new(), "a changed answer is folded again");
        assert_eq!(listed(&app, on(text, json!({ "contains": "SPECIAL" }))).await, [p[0]]);
    }

    async fn answers_of_every_type_are_set_cleared_and_listed_at_once(app) {
        let p = create_partners(&app, &["Alpha Outdoors", "Beta Bikes"]).await;
        let (text, _) = create_field(&app, "Plan", "PARAGRAPH", &[]).await;
        let (number, _) = create_field(&app, "Subscribers", "NUMBER", &[]).await;
        let (date, _) = create_field(&app, "Renewal", "DATE", &[]).await;
        let (file, _) = create_field(&app, "Media kit", "FILE", &[]).await;
        let (tier, tiers) = create_field(&app, "Tier", "DROPDOWN", &["Gold", "Silver"]).await;
        let (channels, chans) = create_field(&app, "Channels", "CHECKBOXES", &["Email", "Blog", "Video"]).await;

        let answer = set(&app, p[0], text, json!({ "text": "Weekly newsletter\nand a blog post" })).await;
        assert_eq!(answer["answer"]["text"], "Weekly newsletter\nand a blog post", "{answer}");
        assert_eq!(set(&app, p[0], number, json!({ "number": 12500.5 })).await["answer"]["number"], 12500.5);
        assert_eq!(set(&app, p[0], date, json!({ "date": "2027-03-01" })).await["answer"]["date"], "2027-03-01");
        assert_eq!(set(&app, p[0], file, json!({ "fileUrl": "https://cdn.partner.example/kit.pdf" })).await["answer"]["fileUrl"], "https://cdn.partner.example/kit.pdf");
        let chosen = set(&app, p[0], tier, json!({ "optionIds": [tiers[1].to_string()] })).await;
        assert_eq!(chosen["answer"]["options"], json!([{ "optionId": tiers[1], "label": "Silver" }]), "{chosen}");
        let boxes = set(&app, p[0], channels, json!({ "optionIds": [chans[2].to_string(), chans[0].to_string()] })).await;
        assert_eq!(boxes["answer"]["options"].as_array().unwrap().len(), 2, "{boxes}");
        assert_eq!(answers(&app, p[0]).await.as_array().unwrap().len(), 6);

        // The list's filter sees each answer at once.
        assert_eq!(listed(&app, on(text, json!({ "contains": "NEWSLETTER" }))).await, [p[0]]);
        assert_eq!(listed(&app, on(number, json!({ "numberRange": { "min": 12000 } }))).await, [p[0]]);
        assert_eq!(listed(&app, on(date, json!({ "dateRange": { "from": "2027-01-01" } }))).await, [p[0]]);
        assert_eq!(listed(&app, on(tier, json!({ "equals": tiers[1].to_string() }))).await, [p[0]]);
        assert_eq!(listed(&app, on(channels, json!({ "allOf": [chans[0].to_string(), chans[2].to_string()] }))).await, [p[0]]);
        assert_eq!(listed(&app, on(tier, json!({ "hasAnswer": false }))).await, [p[1]]);

        // A new answer replaces the old; checkboxes replace their options.
        set(&app, p[0], tier, json!({ "optionIds": [tiers[0].to_string()] })).await;
        assert_eq!(listed(&app, on(tier, json!({ "equals": tiers[1].to_string() }))).await, Vec::<i64>::new());
        set(&app, p[0], channels, json!({ "optionIds": [chans[1].to_string()] })).await;
        assert_eq!(app.count_rows(&format!("custom_field_answer_options WHERE field_id = {channels}")).await, 1);
        let entries = app.count_rows(&format!("activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED' AND partner_id = {}", p[0])).await;
        assert_eq!(entries, 8, "one entry per change");
        // The same value again changes nothing and logs nothing.
        set(&app, p[0], channels, json!({ "optionIds": [chans[1].to_string()] })).await;
        assert_eq!(app.count_rows("activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED'").await, 8);
        let details = app.texts(&format!(
            "SELECT details FROM activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED' AND details LIKE '%\"fieldId\":{tier}%' ORDER BY id DESC"
        )).await;
        let details: Value = serde_json::from_str(details[0].as_deref().unwrap()).unwrap();
        assert_eq!(details["before"]["optionIds"], json!([tiers[1]]), "{details}");
        // -0 is kept as 0 on both databases (PostgreSQL kept the sign).
        let zero = set(&app, p[1], number, json!({ "number": -0.0 })).await["answer"]["number"].as_f64().unwrap();
        assert!(zero == 0.0 && zero.is_sign_positive(), "{zero}");
        assert_eq!(details["after"]["optionIds"], json!([tiers[0]]), "{details}");

        // Each entry's before and after read back as JSON, whatever the value's type.
        let feed = app.data("query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
            activity(actions: [\"CUSTOM_FIELD_ANSWER_CHANGED\"], first: 20) { nodes { before after } } } }",
            json!({ "c": app.campaign_id().to_string(), "p": p[0].to_string() })).await;
        let nodes = feed["partner"]["activity"]["nodes"].as_array().unwrap().clone();
        assert_eq!(nodes.len(), 8, "{feed}");
        let after = |key: &str| nodes.iter().find(|n| !n["after"][key].is_null()).map(|n| n["after"][key].clone());
        assert_eq!(after("text"), Some(json!("Weekly newsletter\nand a blog post")));
        assert_eq!(after("number"), Some(json!(12500.5)));
        // A change in the 16th or 17th significant digit is a change, shown exactly.
        for (value, entries) in [(1.0, 9), (1.000_000_000_000_000_2, 10), (123_456_789.123_456_7, 11), (123_456_789.123_456_78, 12)] {
            set(&app, p[0], number, json!({ "number": value })).await;
            let logged = app.count_rows(&format!("activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED' AND partner_id = {}", p[0])).await;
            assert_eq!(logged, entries, "{value} is a change");
            let last = app.texts(&format!(
                "SELECT details FROM activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED' AND partner_id = {} ORDER BY id DESC LIMIT 1", p[0]
            )).await;
            let last: Value = serde_json::from_str(last[0].as_deref().unwrap()).unwrap();
            assert_eq!(last["after"]["number"].as_f64(), Some(value), "{last}");
        }
        assert_eq!(after("date"), Some(json!("2027-03-01")));
        assert_eq!(after("fileUrl"), Some(json!("https://cdn.partner.example/kit.pdf")));
        assert!(nodes.iter().all(|n| n["before"].is_null() || n["before"]["optionIds"].is_array()), "{feed}");

        let cleared = payload(&app.data(CLEAR, set_input(&app, p[0], text, json!({}))).await);
        assert_eq!(cleared, json!({ "answer": null, "userErrors": [] }));
        assert_eq!(listed(&app, on(text, json!({ "hasAnswer": true }))).await, Vec::<i64>::new());
        let cleared = payload(&app.data(CLEAR, set_input(&app, p[0], channels, json!({}))).await);
        assert_eq!(cleared["userErrors"], json!([]));
        assert_eq!(app.count_rows(&format!("custom_field_answer_options WHERE field_id = {channels}")).await, 0);
        assert_eq!(answers(&app, p[0]).await.as_array().unwrap().len(), 4);
    }

    async fn wrong_values_other_fields_and_unknown_ids_write_nothing(app) {
        let p = create_partners(&app, &["Alpha Outdoors"]).await[0];
        let (text, _) = create_field(&app, "Plan", "PARAGRAPH", &[]).await;
        let (number, _) = create_field(&app, "Subscribers", "NUMBER", &[]).await;
        let (file, _) = create_field(&app, "Media kit", "FILE", &[]).await;
        let (tier, tiers) = create_field(&app, "Tier", "DROPDOWN", &["Gold", "Silver"]).await;
        let (channels, chans) = create_field(&app, "Channels", "CHECKBOXES", &["Email", "Blog"]).await;
        let (renewal, _) = create_field(&app, "Renewal", "DATE", &[]).await;
        let before = tables(&app).await;
        for (field, value, expected) in [
            (number, json!({ "text": "many" }), vec![("text", "INVALID")]),
            (text, json!({ "number": 3 }), vec![("number", "INVALID")]),
            (text, json!({ "date": "2027-01-01" }), vec![("date", "INVALID")]),
            (text, json!({ "text": "x".repeat(10_001) }), vec![("text", "TOO_LONG")]),
            (text, json!({ "text": "  " }), vec![("text", "REQUIRED")]),
            (text, json!({}), vec![("text", "INVALID")]),
            (text, json!({ "text": "a", "number": 1 }), vec![("text", "INVALID")]),
            (file, json!({ "fileUrl": "http://cdn.partner.example/kit.pdf" }), vec![("fileUrl", "INVALID")]),
            (file, json!({ "fileUrl": "https://127.0.0.1/kit.pdf" }), vec![("fileUrl", "INVALID")]),
            (tier, json!({ "optionIds": [chans[0].to_string()] }), vec![("optionIds", "NOT_FOUND")]),
            (tier, json!({ "optionIds": [tiers[0].to_string(), tiers[1].to_string()] }), vec![("optionIds", "INVALID")]),
            (tier, json!({ "optionIds": [] }), vec![("optionIds", "REQUIRED")]),
            (channels, json!({ "optionIds": [chans[0].to_string(), chans[0].to_string()] }), vec![("optionIds", "INVALID")]),
            (channels, json!({ "optionIds": ["999999"] }), vec![("optionIds", "NOT_FOUND")]),
            (999_999, json!({ "text": "x" }), vec![("fieldId", "NOT_FOUND")]),
        ] {
            let result = set(&app, p, field, value.clone()).await;
            let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
            assert_eq!(codes(&result), expected, "{value}: {result}");
            assert!(result["answer"].is_null());
        }
        let unknown = set(&app, p + 1_000, text, json!({ "text": "Who?" })).await;
        assert_eq!(codes(&unknown), vec![("partnerId".to_owned(), "NOT_FOUND".to_owned())], "{unknown}");
        let (_, body) = app.graphql(SET, set_input(&app, p, number, json!({ "number": "NaN" }))).await;
        assert!(body["errors"].is_array(), "{body}");
        // A year past 9999 is not a `Date` at all (exactly YYYY-MM-DD), nor is year 0 (the
        // years both databases hold and compare alike are 1 to 9999): refused before any check.
        for date in ["+10000-01-01", "0000-06-01"] {
            let (_, body) = app.graphql(SET, set_input(&app, p, renewal, json!({ "date": date }))).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION", "{date}: {body}");
        }
        assert_eq!(tables(&app).await, before, "nothing written");

        // Another account's field, option and partner are unknown.
        let other = app.seed_account(10, 77).await;
        let their_field = sql_id(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM custom_fields WHERE account_id = {} AND display_type = 'DROPDOWN'", other.account_id)).await;
        let their_option = sql_id(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM custom_field_options WHERE field_id = {their_field}")).await;
        let their_partner = sql_id(&app, &format!("SELECT CAST(MIN(partner_id) AS TEXT) FROM campaign_partners WHERE account_id = {}", other.account_id)).await;
        let before = tables(&app).await;
        let result = set(&app, p, their_field, json!({ "optionIds": [their_option.to_string()] })).await;
        assert_eq!(codes(&result), vec![("fieldId".to_owned(), "NOT_FOUND".to_owned())], "{result}");
        let result = set(&app, p, tier, json!({ "optionIds": [their_option.to_string()] })).await;
        assert_eq!(codes(&result), vec![("optionIds".to_owned(), "NOT_FOUND".to_owned())], "{result}");
        let result = set(&app, their_partner, text, json!({ "text": "mine" })).await;
        assert_eq!(codes(&result), vec![("partnerId".to_owned(), "NOT_FOUND".to_owned())], "{result}");
        for (query, input) in [
            (DELETE, json!({ "i": { "fieldId": their_field.to_string() } })),
            (REMOVE, json!({ "i": { "optionId": their_option.to_string() } })),
            ("mutation($i: UpdateCustomFieldInput!) { updateCustomField(input: $i) { userErrors { field code } } }", json!({ "i": { "fieldId": their_field.to_string(), "name": "Mine" } })),
            ("mutation($i: AddCustomFieldOptionInput!) { addCustomFieldOption(input: $i) { userErrors { field code } } }", json!({ "i": { "fieldId": their_field.to_string(), "label": "Mine" } })),
            ("mutation($i: RenameCustomFieldOptionInput!) { renameCustomFieldOption(input: $i) { userErrors { field code } } }", json!({ "i": { "optionId": their_option.to_string(), "label": "Mine" } })),
        ] {
            let result = payload(&app.data(query, input).await);
            assert_eq!(codes(&result)[0].1, "NOT_FOUND", "{result}");
        }
        assert_eq!(tables(&app).await, before, "nothing written, theirs included");

        // A read-only user may read answers but change nothing.
        let user = partnergraph::service::accounts::add_user(&app.db, app.account.account_id, "Ray Reader", "ray@acme.example",
            partnergraph::domain::UserRole::ReadOnly).await.unwrap();
        let token = partnergraph::service::accounts::issue_credential(&app.db, app.account.account_id, user, "reader").await.unwrap();
        let reader = partnergraph::service::accounts::NewAccount { auth_token: token, ..app.account.clone() };
        let header = TestApp::header_of(&reader);
        let c = app.campaign_id().to_string();
        for (query, input) in [
            (SET, set_input(&app, p, text, json!({ "text": "no" }))),
            (CLEAR, set_input(&app, p, text, json!({}))),
            (BULK, json!({ "i": { "campaignId": c, "selection": { "ids": [p.to_string()] }, "fieldId": text.to_string(), "text": "no" } })),
            (crate::custom_fields::CREATE, json!({ "i": { "campaignId": c, "name": "No", "displayType": "DATE" } })),
            (DELETE, json!({ "i": { "fieldId": text.to_string() } })),
            (REMOVE, json!({ "i": { "optionId": tiers[0].to_string() } })),
        ] {
            let (_, body) = app.graphql_as(Some(&header), query, input).await;
            assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{body}");
        }
        assert_eq!(tables(&app).await, before, "nothing written by the read-only user");
    }

    async fn bulk_answers_over_a_filter_count_the_same_in_a_dry_run(app) {
        let p = create_partners(&app, &["A One", "B Two", "C Three", "D Four", "E Five"]).await;
        let (tier, tiers) = create_field(&app, "Tier", "MULTIPLE_CHOICE", &["Gold", "Silver"]).await;
        set(&app, p[0], tier, json!({ "optionIds": [tiers[0].to_string()] })).await;
        set(&app, p[1], tier, json!({ "optionIds": [tiers[1].to_string()] })).await;
        let entries = || app.count_rows("activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED'");
        let logged = entries().await;
        let c = app.campaign_id().to_string();
        let input = |dry: bool| json!({ "i": { "campaignId": c, "fieldId": tier.to_string(),
            "selection": { "filter": {}, "exceptIds": [p[4].to_string()] }, "optionIds": [tiers[0].to_string()], "dryRun": dry } });
        let changes = || app.count_rows("campaign_list_changes");
        let logged_changes = changes().await;
        let dry = payload(&app.data(BULK, input(true)).await);
        assert_eq!(dry, json!({ "matchedCount": 4, "affectedCount": 3, "dryRun": true, "userErrors": [] }));
        assert_eq!(entries().await, logged, "a dry run writes nothing");
        assert_eq!(listed(&app, on(tier, json!({ "equals": tiers[0].to_string() }))).await, [p[0]]);
        let real = payload(&app.data(BULK, input(false)).await);
        assert_eq!((real["matchedCount"].clone(), real["affectedCount"].clone()), (dry["matchedCount"].clone(), dry["affectedCount"].clone()), "{real}");
        assert_eq!(entries().await, logged + 3);
        assert_eq!(changes().await, logged_changes, "answers are no facet: nothing for the facet index to read again");
        let mut gold = listed(&app, on(tier, json!({ "equals": tiers[0].to_string() }))).await;
        gold.sort_unstable();
        assert_eq!(gold, p[..4].to_vec());
        let again = payload(&app.data(BULK, input(false)).await);
        assert_eq!(again["affectedCount"], 0, "{again}");

        // Clearing by a filter on the field itself.
        let clear = json!({ "i": { "campaignId": c, "fieldId": tier.to_string(), "clear": true,
            "selection": { "filter": on(tier, json!({ "hasAnswer": true })) } } });
        let cleared = payload(&app.data(BULK, clear).await);
        assert_eq!((cleared["matchedCount"].as_i64(), cleared["affectedCount"].as_i64()), (Some(4), Some(4)), "{cleared}");
        assert_eq!(app.count_rows(&format!("custom_field_answers WHERE field_id = {tier}")).await, 0);
        let bad = payload(&app.data(BULK, json!({ "i": { "campaignId": c, "fieldId": tier.to_string(),
            "selection": { "filter": {} }, "text": "Gold" } })).await);
        assert_eq!(codes(&bad), vec![("text".to_owned(), "INVALID".to_owned())], "{bad}");
    }

    async fn the_statements_of_a_bulk_answer_do_not_grow_with_the_selection(app) {
        let acme = app.seed_account(200, 91).await;
        let campaign = acme.campaign_ids[0];
        let field = sql_id(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM custom_fields WHERE campaign_id = {campaign} AND display_type = 'CHECKBOXES'")).await;
        let options = app.texts(&format!("SELECT CAST(id AS TEXT) FROM custom_field_options WHERE field_id = {field} ORDER BY id LIMIT 2")).await;
        let options: Vec<String> = options.into_iter().map(Option::unwrap).collect();
        app.data_as(&acme, "{ __typename }", json!({})).await;
        let mut spent = Vec::new();
        for filter in [json!({ "sizes": ["SMALL"] }), json!({})] {
            let before = app.statements();
            let data = app.data_as(&acme, BULK, json!({ "i": { "campaignId": campaign.to_string(), "fieldId": field.to_string(),
                "selection": { "filter": filter }, "optionIds": options } })).await;
            let result = payload(&data);
            assert_eq!(result["userErrors"], json!([]), "{result}");
            spent.push((result["matchedCount"].as_i64().unwrap(), app.statements() - before));
        }
        assert!(spent[1].0 >= 2 * spent[0].0.max(1), "the second selection is much larger: {spent:?}");
        assert_eq!(spent[0].1, spent[1].1, "same statements for {} and {} partners", spent[0].0, spent[1].0);
    }

    async fn filters_on_a_deleted_field_or_removed_option_match_nothing(app) {
        let p = create_partners(&app, &["Alpha Outdoors", "Beta Bikes"]).await;
        let (tier, tiers) = create_field(&app, "Tier", "DROPDOWN", &["Gold", "Silver"]).await;
        let (channels, chans) = create_field(&app, "Channels", "CHECKBOXES", &["Email", "Blog"]).await;
        set(&app, p[0], tier, json!({ "optionIds": [tiers[0].to_string()] })).await;
        set(&app, p[0], channels, json!({ "optionIds": [chans[0].to_string(), chans[1].to_string()] })).await;
        set(&app, p[1], channels, json!({ "optionIds": [chans[0].to_string()] })).await;
        let c = app.campaign_id().to_string();
        let filter = on(tier, json!({ "equals": tiers[0].to_string() }));
        let saved = app.data("mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) { view { filter } userErrors { code } } }",
            json!({ "i": { "campaignId": c, "name": "Gold tier", "columns": ["partner", format!("customField:{tier}")], "filter": filter } })).await;
        assert_eq!(saved["savePartnerView"]["userErrors"], json!([]), "{saved}");
        let only = app.data("mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) { view { id } userErrors { code } } }",
            json!({ "i": { "campaignId": c, "name": "Tier only", "columns": [format!("customField:{tier}")] } })).await;
        let only = only["savePartnerView"]["view"]["id"].clone();
        assert!(only.is_string(), "{only}");
        assert_eq!(listed(&app, filter.clone()).await, [p[0]]);

        // Removing an option: it leaves every answer; an answer left without options goes. Each
        // partner whose answer changed gets an activity entry, before and after.
        let changed_entries = |p: i64| format!("activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED' AND partner_id = {p}");
        let before_remove = (app.count_rows(&changed_entries(p[0])).await, app.count_rows(&changed_entries(p[1])).await);
        payload(&app.data(REMOVE, json!({ "i": { "optionId": chans[0].to_string() } })).await);
        assert_eq!(
            (app.count_rows(&changed_entries(p[0])).await, app.count_rows(&changed_entries(p[1])).await),
            (before_remove.0 + 1, before_remove.1 + 1)
        );
        let latest = |p: i64| {
            let app = &app;
            let sql = format!("SELECT details FROM {} ORDER BY id DESC", changed_entries(p));
            async move { serde_json::from_str::<Value>(app.texts(&sql).await[0].as_deref().unwrap()).unwrap() }
        };
        let kept = latest(p[0]).await;
        assert_eq!((kept["before"]["optionIds"].clone(), kept["after"]["optionIds"].clone()), (json!([chans[0], chans[1]]), json!([chans[1]])), "{kept}");
        let gone = latest(p[1]).await;
        assert_eq!((gone["before"]["optionIds"].clone(), gone["after"].clone()), (json!([chans[0]]), Value::Null), "{gone}");
        assert_eq!(listed(&app, on(channels, json!({ "anyOf": [chans[0].to_string()] }))).await, Vec::<i64>::new());
        assert_eq!(listed(&app, on(channels, json!({ "hasAnswer": true }))).await, [p[0]], "p1's only option went, and its answer");
        assert_eq!(answers(&app, p[0]).await.as_array().unwrap().iter().find(|a| a["customFieldId"] == channels).unwrap()["options"], json!([{ "label": "Blog" }]));

        // Deleting the field: its answers go, each with the partner's activity entry (the answer
        // before, none after); the saved view still lists (no one).
        let entries = format!("activity_log WHERE action = 'CUSTOM_FIELD_ANSWER_CHANGED' AND partner_id = {}", p[0]);
        let before_delete = app.count_rows(&entries).await;
        payload(&app.data(DELETE, json!({ "i": { "fieldId": tier.to_string() } })).await);
        assert_eq!(app.count_rows(&format!("custom_field_answers WHERE field_id = {tier}")).await, 0);
        assert_eq!(app.count_rows(&entries).await, before_delete + 1, "the partner who answered has an entry");
        let last = app.texts(&format!("SELECT details FROM {entries} ORDER BY id DESC")).await;
        let last: Value = serde_json::from_str(last[0].as_deref().unwrap()).unwrap();
        assert_eq!((last["before"]["optionIds"].clone(), last["after"].clone()), (json!([tiers[0]]), Value::Null), "{last}");
        let views = app.data("query($c: ID!) { partnerViews(campaignId: $c) { id columns filter } }", json!({ "c": c })).await;
        let view_filter = views["partnerViews"][0]["filter"].clone();
        assert_eq!(views["partnerViews"][0]["columns"], json!(["partner"]), "the deleted field's column left the view");
        let renamed = app.data("mutation($i: UpdatePartnerViewInput!) { updatePartnerView(input: $i) { view { name } userErrors { field code } } }",
            json!({ "i": { "id": views["partnerViews"][0]["id"], "name": "Gold tier (old)" } })).await;
        assert_eq!(renamed["updatePartnerView"]["userErrors"], json!([]), "the view can still be changed: {renamed}");
        // A view left with no column can still be renamed; new columns are checked.
        let rename = |input: Value| {
            let app = &app;
            async move {
                app.data("mutation($i: UpdatePartnerViewInput!) { updatePartnerView(input: $i) { view { name columns } userErrors { field code } } }",
                    json!({ "i": input })).await["updatePartnerView"].clone()
            }
        };
        let renamed = rename(json!({ "id": only, "name": "Was tier only" })).await;
        assert_eq!(renamed["userErrors"], json!([]), "{renamed}");
        assert_eq!(renamed["view"], json!({ "name": "Was tier only", "columns": [] }), "{renamed}");
        let refused = rename(json!({ "id": only, "columns": [format!("customField:{tier}")] })).await;
        assert_eq!(refused["userErrors"], json!([{ "field": ["input", "columns"], "code": "INVALID" }]), "{refused}");
        let (status, body) = app.graphql(LIST, json!({ "c": c, "f": view_filter })).await;
        assert_eq!((status, body["errors"].clone()), (200, Value::Null), "{body}");
        assert_eq!(body["data"]["partners"]["totalCount"], 0, "{body}");
        assert_eq!(listed(&app, on(tier, json!({ "hasAnswer": false }))).await, Vec::<i64>::new());
        assert!(answers(&app, p[0]).await.as_array().unwrap().iter().all(|a| a["customFieldId"] != tier));
        // The deleted field is no column any more: a view cannot be saved with it.
        let stale = app.data("mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) { userErrors { field code } } }",
            json!({ "i": { "campaignId": c, "name": "Stale", "columns": ["partner", format!("customField:{tier}")] } })).await;
        assert_eq!(codes(&stale["savePartnerView"]), vec![("columns".to_owned(), "INVALID".to_owned())], "{stale}");
        // An id that never was a field of the campaign is still refused.
        let (_, body) = app.graphql(LIST, json!({ "c": c, "f": on(999_999, json!({ "hasAnswer": true })) })).await;
        assert_eq!(crate::first_error_code(&body), "VALIDATION", "{body}");
        // And the deleted field takes no answers.
        let late = set(&app, p[1], tier, json!({ "optionIds": [tiers[1].to_string()] })).await;
        assert_eq!(codes(&late), vec![("fieldId".to_owned(), "NOT_FOUND".to_owned())]);
    }
}
