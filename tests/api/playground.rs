//! The playground over HTTP: the page names only files of the server's own, which are served
//! with their content type and a year of caching under a hash of their content.

use sha2::{Digest, Sha256};

use crate::support::{Backend, TestApp};

/// The `/playground/...` files a page links to.
fn linked_files(page: &str) -> Vec<String> {
    page.split('"')
        .filter(|part| part.starts_with("/playground/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playground_files_are_served_with_their_type_and_a_year_of_caching() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, page) = app.get("/", &[]).await;
    let files = linked_files(&page);
    assert_eq!(files.len(), 5, "{files:?}");
    let client = reqwest::Client::new();
    let mut sizes = Vec::new();
    for file in &files {
        let response = client
            .get(format!("{}{file}", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{file}");
        let header = |name: &str| {
            response.headers()[name]
                .to_str()
                .unwrap_or_default()
                .to_owned()
        };
        let expected_type = if file.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            "text/javascript; charset=utf-8"
        };
        assert_eq!(header("content-type"), expected_type, "{file}");
        assert_eq!(
            header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        let body = response.bytes().await.unwrap();
        // The name carries the first 16 hex digits of the content's SHA-256.
        let hash = hex::encode(Sha256::digest(&body));
        let named = file.rsplit('.').nth(1).unwrap();
        assert_eq!(named, &hash[..16], "{file}");
        sizes.push(body.len());
    }
    assert!(sizes.iter().all(|&n| n > 100), "{sizes:?}");
    let graphiql = files
        .iter()
        .position(|f| f.contains("graphiql.min.") && f.ends_with(".js"));
    let react = files
        .iter()
        .position(|f| f.contains("/react.production.min."));
    assert!(react < graphiql, "React loads before GraphiQL: {files:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_stale_playground_files_are_not_found() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for path in [
        "/playground/graphiql.min.0000000000000000.js",
        "/playground/graphiql.min.js",
        "/playground/",
        "/playground/..%2FCargo.toml",
    ] {
        let (status, _) = app.get(path, &[]).await;
        assert_eq!(status, 404, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_never_cached_nor_framed_and_loads_only_from_its_origin() {
    let app = TestApp::spawn_with(Backend::Sqlite, true).await.unwrap();
    for (path, accept) in [
        ("/", "*/*"),
        ("/graphql", "text/html,application/xhtml+xml"),
    ] {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", app.base_url))
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("content-type"), "text/html; charset=utf-8");
        assert_eq!(
            header("cache-control"),
            "no-store",
            "it carries a credential"
        );
        let policy = header("content-security-policy");
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{policy}");
        }
        let page = response.text().await.unwrap();
        assert!(
            !page.contains("unpkg") && !page.contains("https://"),
            "{page}"
        );
    }
}
