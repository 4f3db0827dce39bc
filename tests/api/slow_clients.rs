//! A client that opens a connection and sends nothing, or half a request head and then nothing,
//! is cut off after the head's time limit (10 s): it once held the connection for ever.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{backend_tests, TestApp};

/// Opens a connection, sends `head`, and waits for the server to end it; how long that took.
async fn cut_off_after(app: &TestApp, head: &[u8]) -> Duration {
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let ended =
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    assert!(ended.is_ok(), "still open after 30 s");
    started.elapsed()
}

backend_tests! {
    async fn a_client_that_never_finishes_its_head_is_cut_off(app) {
        let (silent, partial) = tokio::join!(
            cut_off_after(&app, b""),
            cut_off_after(&app, b"POST /graphql HTTP/1.1\r\nHost: x\r\n"),
        );
        for took in [silent, partial] {
            assert!(took >= Duration::from_secs(8) && took <= Duration::from_secs(15), "{took:?}");
        }
        // A whole request still gets its answer on a kept-alive connection.
        let (status, _) = app.graphql("{ __typename }", serde_json::json!({})).await;
        assert_eq!(status, 200);
    }

    async fn a_body_declared_too_large_is_refused_before_it_is_sent(app) {
        // `Expect: 100-continue` with a length past the route's limit: 413 at once, never an
        // invitation to send it (the server answered `100 Continue`, then read 2 MB of it).
        let auth = TestApp::header_of(&app.account);
        let groups = crate::rest_support::Rest::new(&app).groups(app.campaign_id());
        for (path, content_type) in [
            ("/graphql".to_owned(), "application/json"),
            ("/graphql".to_owned(), "multipart/form-data; boundary=x"),
            (groups.clone(), "application/x-www-form-urlencoded"),
            (groups, "multipart/form-data; boundary=x"),
        ] {
            let addr = app.base_url.trim_start_matches("http://").to_owned();
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: {content_type}\r\nContent-Length: 99999999999\r\nExpect: 100-continue\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut answer = vec![0u8; 512];
            let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer)).await;
            let n = read.expect("an answer without the body").unwrap();
            let answer = String::from_utf8_lossy(&answer[..n]).to_string();
            assert!(answer.starts_with("HTTP/1.1 413"), "{path} {content_type}: {answer}");
        }
    }
}
