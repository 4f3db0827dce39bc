//! The column catalog and saved views (create, list, update, delete; per user; checked input).

use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};
use partnergraph::domain::UserRole;
use partnergraph::service::accounts;

const COLUMNS: &str = "query($c: ID!) { partnerColumns(campaignId: $c) { key label type sortable sortField filterable filterField selection customFieldId } }";
const SAVE: &str = "mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) {
  view { id viewId name columns filter orderBy { field direction } } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdatePartnerViewInput!) { updatePartnerView(input: $i) {
  view { id name columns filter orderBy { field direction } } userErrors { field code message } } }";
const DELETE: &str = "mutation($i: DeletePartnerViewInput!) { deletePartnerView(input: $i) { deletedViewId userErrors { code } } }";
const LIST: &str = "query($c: ID!) { partnerViews(campaignId: $c) { viewId name } }";

fn codes(payload: &Value) -> Vec<(String, String)> {
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
    async fn the_column_catalog_lists_every_column_and_each_custom_field(app) {
        let acme = app.seed_account(10, 71).await;
        let c = acme.campaign_ids[0].to_string();
        let data = app.data_as(&acme, COLUMNS, json!({ "c": c })).await;
        let columns = data["partnerColumns"].as_array().unwrap();
        let fields = app.data_as(&acme, "query($c: ID!) { campaign(id: $c) { customFields { customFieldId } } }", json!({ "c": c })).await;
        let field_count = fields["campaign"]["customFields"].as_array().unwrap().len();
        assert_eq!(columns.iter().filter(|c| c["type"] == "CUSTOM_FIELD").count(), field_count);
        for key in ["access", "partner", "groups", "contract", "dateJoined", "size", "email", "mediaProperties", "businessModel",
            "socialReach", "directPartner", "marketplaceApplicationDate", "audienceCountry", "partnerId", "assignedTo",
            "description", "promotionalAreas", "contactName", "address", "mozDomainAuthority", "categories", "prospectingSource",
            "relationshipStage", "report", "country"] {
            assert!(columns.iter().any(|c| c["key"] == key), "column {key}");
        }
        let date_joined = columns.iter().find(|c| c["key"] == "dateJoined").unwrap();
        assert_eq!((date_joined["sortable"].as_bool(), date_joined["sortField"].as_str()), (Some(true), Some("DATE_JOINED")));
        // Every column's selection is a valid Partner selection: select them all at once.
        let selection: Vec<&str> = columns.iter().map(|c| c["selection"].as_str().unwrap()).collect();
        let custom: Vec<String> = columns.iter().filter_map(|c| c["customFieldId"].as_i64()).map(|id| format!("cf{id}: customFields(ids: [\"{id}\"]) {{ text }}")).collect();
        let plain: Vec<&str> = selection.iter().copied().filter(|s| !s.starts_with("customFields")).collect();
        let query = format!("query($c: ID!) {{ partners(campaignId: $c, first: 3) {{ nodes {{ {} {} }} }} }}", plain.join(" "), custom.join(" "));
        let rows = app.data_as(&acme, &query, json!({ "c": c })).await;
        assert_eq!(rows["partners"]["nodes"].as_array().unwrap().len(), 3);
    }

    async fn views_are_saved_listed_updated_and_deleted_per_user(app) {
        let c = app.campaign_id().to_string();
        let filter = json!({ "countries": ["US"], "sizes": ["SMALL"] });
        let input = json!({ "campaignId": c, "name": "US small", "columns": ["partner", "country", "size"], "filter": filter,
            "orderBy": [{ "field": "SOCIAL_REACH", "direction": "DESC" }] });
        let saved = app.data(SAVE, json!({ "i": input })).await["savePartnerView"].clone();
        assert_eq!(saved["userErrors"], json!([]));
        let view = &saved["view"];
        assert_eq!(view["filter"], filter);
        assert_eq!(view["orderBy"], json!([{ "field": "SOCIAL_REACH", "direction": "DESC" }]));
        // The saved filter and order work as the list's arguments.
        let list = app.data("query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!]) { partners(campaignId: $c, filter: $f, orderBy: $o) { totalCount } }",
            json!({ "c": c, "f": view["filter"], "o": view["orderBy"] })).await;
        assert_eq!(list["partners"]["totalCount"], 0);
        let duplicate = app.data(SAVE, json!({ "i": input })).await["savePartnerView"].clone();
        assert_eq!(codes(&duplicate), vec![("name".to_owned(), "CONFLICT".to_owned())]);

        let updated = app.data(UPDATE, json!({ "i": { "id": view["id"], "name": "US small, by name", "orderBy": [{ "field": "NAME" }] } })).await;
        let updated = &updated["updatePartnerView"];
        assert_eq!(updated["view"]["name"], "US small, by name");
        assert_eq!(updated["view"]["columns"], json!(["partner", "country", "size"]));
        assert_eq!(updated["view"]["orderBy"], json!([{ "field": "NAME", "direction": "ASC" }]));
        let views = app.data(LIST, json!({ "c": c })).await;
        assert_eq!(views["partnerViews"].as_array().unwrap().len(), 1);
        let node = app.data("query($id: ID!) { node(id: $id) { ... on PartnerView { name } } }", json!({ "id": view["id"] })).await;
        assert_eq!(node["node"]["name"], "US small, by name");

        // Another user of the same account neither sees nor changes it.
        let user = accounts::add_user(&app.db, app.account.account_id, "Eve Editor", "eve@acme.example", UserRole::Editor).await.unwrap();
        let token = accounts::issue_credential(&app.db, app.account.account_id, user, "eve").await.unwrap();
        let eve = TestApp::basic(&app.account.account_sid, &token);
        let (_, theirs) = app.graphql_as(Some(&eve), LIST, json!({ "c": c })).await;
        assert_eq!(theirs["data"]["partnerViews"], json!([]));
        let (_, body) = app.graphql_as(Some(&eve), DELETE, json!({ "i": { "id": view["id"] } })).await;
        assert_eq!(body["data"]["deletePartnerView"]["userErrors"][0]["code"], "NOT_FOUND");
        let (_, body) = app.graphql_as(Some(&eve), UPDATE, json!({ "i": { "id": view["id"], "name": "Eve's" } })).await;
        assert_eq!(codes(&body["data"]["updatePartnerView"]), vec![("id".to_owned(), "NOT_FOUND".to_owned())], "{body}");

        // A malformed id is a user error too, as for every other mutation.
        let body = app.data("mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) { userErrors { field code } } }",
            json!({ "i": { "campaignId": "abc", "name": "Bad", "columns": ["partnerName"] } })).await;
        assert_eq!(body["savePartnerView"]["userErrors"][0]["code"], "INVALID", "{body}");
        for bad in ["0", "abc", "-1"] {
            let body = app.data(DELETE, json!({ "i": { "id": bad } })).await;
            assert_eq!(body["deletePartnerView"]["userErrors"][0]["code"], "INVALID", "{bad}: {body}");
            let body = app.data(UPDATE, json!({ "i": { "id": bad, "name": "X" } })).await;
            assert_eq!(codes(&body["updatePartnerView"]), vec![("id".to_owned(), "INVALID".to_owned())], "{bad}: {body}");
        }

        let deleted = app.data(DELETE, json!({ "i": { "id": view["id"] } })).await;
        assert_eq!(deleted["deletePartnerView"]["deletedViewId"], view["id"]);
        assert_eq!(app.data(LIST, json!({ "c": c })).await["partnerViews"], json!([]));
    }

    async fn bad_view_input_is_refused_and_saves_nothing(app) {
        let c = app.campaign_id().to_string();
        let base = json!({ "campaignId": c, "name": "Mine", "columns": ["partner"] });
        for (patch, field, code) in [
            (json!({ "name": " " }), "name", "REQUIRED"),
            (json!({ "columns": ["partner", "shoeSize"] }), "columns", "INVALID"),
            (json!({ "columns": [] }), "columns", "REQUIRED"),
            (json!({ "filter": { "countries": ["XX"] } }), "filter", "INVALID"),
            (json!({ "filter": { "noSuchField": 1 } }), "filter", "INVALID"),
            (json!({ "filter": { "socialReach": { "min": 5, "max": 1 } } }), "filter", "INVALID"),
            // The sort's mistake is reported on the sort.
            (json!({ "orderBy": [{ "field": "NAME" }, { "field": "NAME" }] }), "orderBy", "INVALID"),
        ] {
            let mut input = base.clone();
            for (k, v) in patch.as_object().unwrap() {
                input[k] = v.clone();
            }
            let payload = app.data(SAVE, json!({ "i": input })).await["savePartnerView"].clone();
            assert!(codes(&payload).contains(&(field.to_owned(), code.to_owned())), "{patch}: {payload}");
            assert!(payload["view"].is_null());
        }
        assert_eq!(app.count_rows("partner_views").await, 0);
        // An unknown campaign, and a view that is not the caller's, are user errors on their
        // field, as for groups and exports.
        let payload = app.data(SAVE, json!({ "i": { "campaignId": "424242", "name": "x", "columns": ["partner"] } })).await["savePartnerView"].clone();
        assert_eq!(codes(&payload), vec![("campaignId".to_owned(), "NOT_FOUND".to_owned())], "{payload}");
        assert!(payload["view"].is_null());
        let payload = app.data(UPDATE, json!({ "i": { "id": "424242", "name": "x" } })).await["updatePartnerView"].clone();
        assert_eq!(codes(&payload), vec![("id".to_owned(), "NOT_FOUND".to_owned())], "{payload}");
        assert_eq!(app.count_rows("partner_views").await, 0);
    }

    async fn concurrent_saves_of_one_name_keep_one_and_no_view_keeps_a_deleted_fields_column(app) {
        let c = app.campaign_id().to_string();
        // Two saves of one name at the same moment: one view, the other told CONFLICT (the
        // unique index used to answer the loser with INTERNAL).
        for round in 0..6 {
            let input = json!({ "i": { "campaignId": c, "name": format!("Twin {round}"), "columns": ["partner"] } });
            let (a, b) = tokio::join!(app.graphql(SAVE, input.clone()), app.graphql(SAVE, input.clone()));
            let mut outcomes = Vec::new();
            for (status, body) in [a, b] {
                assert_eq!(status, 200, "{body}");
                assert!(body.get("errors").is_none(), "{body}");
                outcomes.push(codes(&body["data"]["savePartnerView"]));
            }
            outcomes.sort();
            assert_eq!(outcomes, vec![vec![], vec![("name".to_owned(), "CONFLICT".to_owned())]], "round {round}");
        }
        assert_eq!(app.count_rows("partner_views").await, 6);

        // A view's columns changed while their field is deleted: whichever comes first, no view
        // is left with the deleted field's column (the check used to run before the deletion
        // and the write after it).
        for round in 0..4 {
            let made = app.data(crate::custom_fields::CREATE, json!({ "i": { "campaignId": c, "name": format!("Race {round}"), "displayType": "NUMBER" } })).await;
            let field = made["createCustomField"]["customField"]["customFieldId"].as_i64().unwrap();
            let column = format!("customField:{field}");
            let saved = app.data(SAVE, json!({ "i": { "campaignId": c, "name": format!("Racing {round}"), "columns": ["partner"] } })).await;
            let view = saved["savePartnerView"]["view"]["id"].clone();
            let (update, delete) = tokio::join!(
                app.graphql(UPDATE, json!({ "i": { "id": view, "columns": ["partner", column] } })),
                app.graphql(crate::custom_fields::DELETE, json!({ "i": { "fieldId": field.to_string() } })),
            );
            assert!(update.1.get("errors").is_none() && delete.1.get("errors").is_none(), "{update:?} {delete:?}");
            assert_eq!(delete.1["data"]["deleteCustomField"]["userErrors"], json!([]), "{delete:?}");
            let columns = app.texts(&format!("SELECT columns FROM partner_views WHERE name = 'Racing {round}'")).await;
            assert!(!columns[0].as_deref().unwrap().contains(&column), "round {round}: {columns:?} after {update:?}");
        }
    }

    async fn concurrent_updates_of_different_parts_keep_both_and_a_deleted_view_is_not_found(app) {
        let c = app.campaign_id().to_string();
        // Many rounds where they really overlap: the deletion once slipped between the update's
        // read and its write about one round in forty.
        for round in 0..crate::races::rounds(&app, 40) {
            let saved = app.data(SAVE, json!({ "i": { "campaignId": c, "name": format!("Q{round}"), "columns": ["partner"] } })).await;
            let view = saved["savePartnerView"]["view"]["id"].clone();
            // One renames, the other changes the filter: each keeps what the other did.
            let (rename, refilter) = tokio::join!(
                app.graphql(UPDATE, json!({ "i": { "id": view, "name": format!("Q{round} renamed") } })),
                app.graphql(UPDATE, json!({ "i": { "id": view, "filter": { "countries": ["US"] } } })),
            );
            for (_, body) in [&rename, &refilter] {
                assert_eq!(body["data"]["updatePartnerView"]["userErrors"], json!([]), "{body}");
            }
            let node = app.data("query($id: ID!) { node(id: $id) { ... on PartnerView { name filter } } }", json!({ "id": view })).await;
            assert_eq!(node["node"], json!({ "name": format!("Q{round} renamed"), "filter": { "countries": ["US"] } }), "round {round}");
            // An update racing the view's deletion: updated first, or told NOT_FOUND; never a
            // request error that nulls the response.
            let (update, delete) = tokio::join!(
                app.graphql(UPDATE, json!({ "i": { "id": view, "name": format!("Q{round} late") } })),
                app.graphql(DELETE, json!({ "i": { "id": view } })),
            );
            assert!(update.1.get("errors").is_none() && delete.1.get("errors").is_none(), "{update:?} {delete:?}");
            let codes = codes(&update.1["data"]["updatePartnerView"]);
            assert!(codes.is_empty() || codes == vec![("id".to_owned(), "NOT_FOUND".to_owned())], "{update:?}");
        }
    }
}
