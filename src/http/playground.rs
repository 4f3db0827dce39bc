//! The GraphiQL playground page, opened with a first query and (for the demo) credentials.

use async_graphql::http::GraphiQLSource;

/// The query the playground opens with.
const FIRST_QUERY: &str = r#"# Welcome to partnergraph. Press the play button to run this query.
query FirstLook {
  viewer { user { name role } account { name accountSid } }
  campaigns {
    campaignId
    name
    partners(first: 10) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        partnerId
        name
        country
        relationshipType
        dateJoined
        groups { name }
        contracts { name status }
        assignedTo { name }
      }
    }
  }
}
"#;

/// Renders the playground; `authorization` (an `Authorization` header value) is filled in when given.
pub fn page(authorization: Option<&str>) -> String {
    let mut source = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("partnergraph playground");
    if let Some(value) = authorization {
        source = source.header("Authorization", value);
    }
    let html = source.finish();
    let headers = match authorization {
        Some(value) => serde_json::json!({ "Authorization": value }).to_string(),
        None => serde_json::json!({ "Authorization": "Basic <base64 of AccountSID:AuthToken>" })
            .to_string(),
    };
    let extra = format!(
        "defaultEditorToolsVisibility: true, defaultQuery: {}, defaultHeaders: {}, shouldPersistHeaders: true,",
        serde_json::Value::String(FIRST_QUERY.to_owned()),
        serde_json::Value::String(headers)
    );
    html.replacen("defaultEditorToolsVisibility: true,", &extra, 1)
}
