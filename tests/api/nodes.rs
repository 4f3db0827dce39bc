//! `node(id:)` / `nodes(ids:)`: every addressable type round-trips through its global id.

use serde_json::json;

use crate::first_error_code;
use crate::support::{backend_tests, TestApp};

const IDS: &str = "query($c: ID!) {
  viewer { user { id userId } account { id accountId } }
  campaign(id: $c) { id campaignId partnerGroups { id groupId } contractTemplates { id templateId } customFields { id customFieldId } }
  partners(campaignId: $c, first: 50) { nodes { id partnerId contracts { id contractId } mediaProperties { id mediaPropertyId } } }
}";

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id
  ... on Partner { partnerId } ... on Campaign { campaignId } ... on PartnerGroup { groupId }
  ... on PartnerContract { contractId } ... on ContractTemplate { templateId } ... on CustomField { customFieldId }
  ... on AccountUser { userId } ... on Account { accountId } ... on MediaProperty { mediaPropertyId } } }";

backend_tests! {
    async fn every_node_type_round_trips_through_its_global_id(app) {
        let acme = app.seed_account(30, 21).await;
        let data = app.data_as(&acme, IDS, json!({ "c": acme.campaign_ids[0].to_string() })).await;
        let partner = data["partners"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| !p["contracts"].as_array().unwrap().is_empty() && !p["mediaProperties"].as_array().unwrap().is_empty())
            .expect("a partner with contracts and media properties")
            .clone();
        let cases = [
            ("AccountUser", &data["viewer"]["user"], "userId"),
            ("Account", &data["viewer"]["account"], "accountId"),
            ("Campaign", &data["campaign"], "campaignId"),
            ("PartnerGroup", &data["campaign"]["partnerGroups"][0], "groupId"),
            ("ContractTemplate", &data["campaign"]["contractTemplates"][0], "templateId"),
            ("CustomField", &data["campaign"]["customFields"][0], "customFieldId"),
            ("Partner", &partner, "partnerId"),
            ("PartnerContract", &partner["contracts"][0], "contractId"),
            ("MediaProperty", &partner["mediaProperties"][0], "mediaPropertyId"),
        ];
        for (typename, object, numeric) in cases {
            let found = app.data_as(&acme, NODE, json!({ "id": object["id"] })).await;
            assert_eq!(found["node"]["__typename"], typename);
            assert_eq!(found["node"]["id"], object["id"]);
            assert_eq!(found["node"][numeric], object[numeric], "{typename}");
        }
    }

    async fn nodes_keeps_order_and_answers_null_for_unknown_ids(app) {
        let acme = app.seed_account(5, 22).await;
        let data = app.data_as(&acme, IDS, json!({ "c": acme.campaign_ids[0].to_string() })).await;
        let campaign = data["campaign"]["id"].clone();
        let user = data["viewer"]["user"]["id"].clone();
        let missing = "Q2FtcGFpZ246OTk5OTk5"; // Campaign:999999
        let (status, body) = app
            .graphql_as(Some(&crate::support::TestApp::header_of(&acme)),
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": [user, missing, campaign] }))
            .await;
        assert_eq!(status, 200);
        let nodes = body["data"]["nodes"].as_array().unwrap();
        assert_eq!(nodes[0]["id"], user);
        assert!(nodes[1].is_null());
        assert_eq!(nodes[2]["id"], campaign);
        assert!(body.get("errors").is_none(), "{body}");
    }

    async fn malformed_global_ids_are_validation_errors(app) {
        for id in ["", "%%%", "UGFydG5lcjox", "Tm9wZTox"] {
            let (status, body) = app.graphql("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
            assert_eq!(status, 200);
            assert_eq!(first_error_code(&body), "VALIDATION", "{id}: {body}");
        }
        // The nullable lookups answer null for unknown ids, but a malformed id is still refused.
        for (query, vars) in [
            ("query($id: ID!) { campaign(id: $id) { name } }", json!({ "id": "12abc" })),
            ("query($id: ID!) { partnerGroup(id: $id) { name } }", json!({ "id": "%%%" })),
            ("query($id: ID!) { partnerGroup(id: $id) { name } }", json!({ "id": "Q2FtcGFpZ246MQ" })),
            ("query($id: ID!) { partner(campaignId: \"1\", id: $id) { name } }", json!({ "id": "-x" })),
            ("query($id: ID!) { partner(campaignId: $id, id: \"1\") { name } }", json!({ "id": "UGFydG5lcjox" })),
        ] {
            let (status, body) = app.graphql(query, vars).await;
            assert_eq!(status, 200);
            assert_eq!(first_error_code(&body), "VALIDATION", "{query}: {body}");
        }
        let many: Vec<String> = (0..101).map(|_| "Q2FtcGFpZ246MQ".to_owned()).collect();
        let (_, body) = app.graphql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": many })).await;
        assert_eq!(first_error_code(&body), "VALIDATION");
    }
    async fn nodes_resolve_in_one_statement_per_kind_and_keep_tenancy(app) {
        let acme = app.seed_account(120, 23).await;
        let globex = app.seed_account(5, 24).await;
        let c = acme.campaign_ids[0].to_string();
        let data = app.data_as(&acme, "query($c: ID!) { viewer { user { id } }
            campaign(id: $c) { id partnerGroups { id } partners(first: 100) { nodes { id } } } }", json!({ "c": c })).await;
        let theirs = app.data_as(&globex, "query($c: ID!) { partners(campaignId: $c, first: 3) { nodes { id } } }",
            json!({ "c": globex.campaign_ids[0].to_string() })).await;
        let ids_of = |list: &serde_json::Value| -> Vec<serde_json::Value> { list.as_array().unwrap().iter().map(|n| n["id"].clone()).collect() };
        let partners = ids_of(&data["campaign"]["partners"]["nodes"]);
        let groups = ids_of(&data["campaign"]["partnerGroups"]);
        let foreign = ids_of(&theirs["partners"]["nodes"]);
        let mut ids: Vec<serde_json::Value> = partners[..90].to_vec();
        ids.extend(groups.iter().take(4).cloned());
        ids.push(data["campaign"]["id"].clone());
        ids.push(data["viewer"]["user"]["id"].clone());
        ids.extend(foreign.iter().cloned());
        ids.truncate(100);
        let header = TestApp::header_of(&acme);
        let query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
        let statements = |ids: Vec<serde_json::Value>| {
            let (app, header) = (&app, header.clone());
            async move {
                let before = app.statements();
                let (status, body) = app.graphql_as(Some(&header), query, json!({ "ids": ids })).await;
                assert_eq!(status, 200);
                (app.statements() - before, body)
            }
        };
        let (one, _) = statements(vec![partners[0].clone()]).await;
        let (many, body) = statements(ids.clone()).await;
        // Partners, groups, campaigns, users: three kinds more than one partner.
        assert_eq!(many, one + 3, "{} ids cost {many} statements, one costs {one}", ids.len());
        let nodes = body["data"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), ids.len());
        for (node, id) in nodes.iter().zip(&ids) {
            if foreign.contains(id) {
                assert!(node.is_null(), "another account's {id} must be null");
            } else {
                assert_eq!(&node["id"], id);
            }
        }
        assert!(body.get("errors").is_none(), "a missing node is a null, not an error: {body}");
        let (_, body) = statements(vec![partners[0].clone(); 101]).await;
        assert_eq!(first_error_code(&body), "VALIDATION");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("at most 100"));
    }
}
