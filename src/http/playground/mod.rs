//! The GraphiQL playground: a page that opens with a first query and (when the server listens on
//! a loopback address) the demo's credentials, served with GraphiQL from the binary itself.

pub mod assets;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use super::AppState;

/// The query the playground opens with.
pub const FIRST_QUERY: &str = r#"# Welcome to partnergraph. Press the play button to run this query.
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

/// What the headers editor shows when the page carries no credentials.
pub const PLACEHOLDER_AUTHORIZATION: &str = "Basic <base64 of AccountSID:AuthToken>";

/// Everything the page may load or send to: its own origin only (fonts and icons are inline).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The playground's routes: the page at `/` and its files under `/playground/`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(show))
        .route("/playground/{file}", get(assets::serve))
}

/// `GET /` (and `GET /graphql` from a browser): the page. It may carry a credential, so it is
/// never cached and never framed, and it carries one only when the browser asked for a loopback
/// host: a page that a rebound DNS name (`evil.example` resolving to 127.0.0.1) loads is that
/// name's origin, and its scripts could read the credential.
pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let page = if loopback_host(&headers) {
        state.playground.as_ref().clone()
    } else {
        page(None)
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        page,
    )
        .into_response()
}

/// Whether the request's `Host` names this machine: `localhost` (or a name under it), a
/// loopback IPv4 address or `[::1]`, with any port.
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // `name` or `name:port`, `[v6]` or `[v6]:port`, the port digits only: anything else
    // (`127.0.0.1:80@evil.example`, a comma, a space) is no host of ours.
    let port_ok = |port: &str| port.is_empty() || port.bytes().all(|b| b.is_ascii_digit());
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((name, "")) => name,
            Some((name, tail)) if tail.strip_prefix(':').is_some_and(port_ok) => name,
            _ => return false,
        },
        None => match host.split_once(':') {
            None => host,
            Some((name, port)) if port_ok(port) && !port.is_empty() => name,
            Some(_) => return false,
        },
    }
    .to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Renders the page; `authorization` (an `Authorization` header value) is filled in when given,
/// a placeholder otherwise.
pub fn page(authorization: Option<&str>) -> String {
    let headers = serde_json::json!({
        "Authorization": authorization.unwrap_or(PLACEHOLDER_AUTHORIZATION)
    });
    // A page with credentials names its run (a hash of them), so the browser can drop what it
    // stored with an earlier run's credential.
    let run = authorization.map(|value| hex::encode(&Sha256::digest(value.as_bytes())[..8]));
    let config = serde_json::json!({
        "endpoint": "/graphql",
        "query": FIRST_QUERY,
        "headers": serde_json::to_string_pretty(&headers).unwrap_or_default(),
        "run": run,
    });
    // `<` escaped: nothing in the JSON can close the script element that holds it.
    let config = config.to_string().replace('<', "\\u003c");
    // The stylesheet in the head, the scripts (React first) at the end of the body.
    let (mut styles, mut scripts) = (String::new(), String::new());
    for asset in assets::all() {
        match asset.extension {
            "css" => styles.push_str(&format!(
                "\n    <link rel=\"stylesheet\" href=\"{}\">",
                asset.url
            )),
            _ => scripts.push_str(&format!("\n    <script src=\"{}\"></script>", asset.url)),
        }
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>partnergraph playground</title>
    <link rel="icon" href="data:,">{styles}
    <style>body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }} #graphiql {{ height: 100vh; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading the GraphiQL playground…</div>
    <script id="playground-config" type="application/json">{config}</script>{scripts}
  </body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_of(page: &str) -> serde_json::Value {
        let start = page.find("type=\"application/json\">").expect("config") + 24;
        let end = start + page[start..].find("</script>").expect("end of config");
        serde_json::from_str(&page[start..end]).expect("config is JSON")
    }

    #[test]
    fn page_carries_the_given_credentials_and_the_first_query() {
        let page = page(Some("Basic abc"));
        let config = config_of(&page);
        assert_eq!(config["query"], FIRST_QUERY);
        let headers: serde_json::Value =
            serde_json::from_str(config["headers"].as_str().expect("headers")).expect("JSON");
        assert_eq!(headers, serde_json::json!({ "Authorization": "Basic abc" }));
        assert_eq!(config["run"].as_str().map(str::len), Some(16));
    }

    #[test]
    fn page_without_credentials_shows_the_placeholder_and_names_no_run() {
        let page = page(None);
        let config = config_of(&page);
        assert!(config["headers"]
            .as_str()
            .is_some_and(|h| h.contains(PLACEHOLDER_AUTHORIZATION)));
        assert!(config["run"].is_null());
    }

    #[test]
    fn only_a_loopback_host_is_loopback() {
        let host = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(value).expect("header"));
            loopback_host(&headers)
        };
        for yes in [
            "localhost",
            "localhost:8000",
            "127.0.0.1:8000",
            "127.1.2.3",
            "[::1]:8000",
            "app.localhost",
        ] {
            assert!(host(yes), "{yes}");
        }
        for no in [
            "evil.example:8000",
            "localhost.evil.example",
            "10.0.0.1",
            "[::2]:80",
            "0.0.0.0",
            "127.0.0.1:18203@evil.example",
            "127.0.0.1:18203,evil.example",
            "127.0.0.1:18203 evil",
            "localhost:80:80",
            "[::1]x",
            "127.0.0.1:",
        ] {
            assert!(!host(no), "{no}");
        }
        assert!(!loopback_host(&HeaderMap::new()));
    }

    #[test]
    fn page_loads_nothing_but_its_own_files() {
        let page = page(None);
        let sources: Vec<&str> = page
            .split(['"', '\''])
            .filter(|s| s.contains("://") || s.starts_with("//"))
            .collect();
        assert!(sources.is_empty(), "{sources:?}");
        for asset in assets::all() {
            assert!(page.contains(&asset.url), "{}", asset.url);
        }
    }
}
