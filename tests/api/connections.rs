//! Connections have deadlines (hardening #7): a client that sends nothing, half a header, or
//! nothing more after its answer is disconnected after the header-read timeout.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app_tuned;

/// Reads until the server closes the connection; how long that took (panics after `limit`).
async fn closed_after(stream: &mut TcpStream, limit: Duration) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (start.elapsed(), received),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => panic!("still open after {limit:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_half_sent_and_idle_connections_are_closed_after_the_header_timeout() {
    let app = spawn_app_tuned(|s| s.header_read_timeout = Duration::from_secs(1)).await;
    let limit = Duration::from_secs(5);

    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let mut half = TcpStream::connect(app.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();

    let (t, _) = closed_after(&mut silent, limit).await;
    assert!(t >= Duration::from_millis(500), "closed too soon: {t:?}");
    let (t, _) = closed_after(&mut half, limit).await;
    assert!(t < limit, "{t:?}");
    let (_, answer) = closed_after(&mut idle, limit).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "the complete request was answered before the idle connection closed: {}",
        String::from_utf8_lossy(&answer)
    );
    // The server still serves new connections.
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

/// Sends raw bytes and reads the whole answer (the server closes after a parse error).
async fn raw(app: &crate::helpers::TestApp, request: &[u8]) -> (String, serde_json::Value) {
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    // The server may answer (and close) before it has read everything we send.
    let _ = s.write_all(request).await;
    let (_, answer) = closed_after(&mut s, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole answer");
    (
        head.to_string(),
        serde_json::from_str(body).expect("a JSON body"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_http_parser_refuses_get_problem_json_too() {
    let app = crate::helpers::spawn_app().await;
    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let big_headers = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(500_000)
    );
    let non_ascii = b"GET /\xFF HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
    for (request, status, slug) in [
        (long_uri.into_bytes(), "414", "uri-too-long"),
        (big_headers.into_bytes(), "431", "headers-too-large"),
        (non_ascii, "400", "bad-request"),
        (
            b"G\xC3\xA9T / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            "400",
            "bad-request",
        ),
    ] {
        let (head, body) = raw(&app, &request).await;
        assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{head}"
        );
        assert_eq!(
            body["type"],
            format!("urn:gongshi:problem:{slug}"),
            "{body}"
        );
        assert_eq!(body["status"].to_string(), status);
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

/// A request that announces a body and sends only part of it.
const SLOW_BODY: &[u8] = b"POST /api/v1/auth/tokens HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{}";

/// Issue 23, finding 4: a body that never arrives whole is answered 408 problem+json after the
/// body-read deadline and its connection closed; so is one that stops after most of it arrived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_is_answered_408_and_its_connection_closed() {
    let app = spawn_app_tuned(|s| s.body_read_timeout = Duration::from_secs(1)).await;
    for path in ["/api/v1/auth/tokens", "/api/v1/public/draws/rfc3797"] {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"name\": "
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let (t, answer) = closed_after(&mut s, Duration::from_secs(10)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
        assert!(
            answer.contains("urn:gongshi:problem:body-timeout"),
            "{answer}"
        );
        assert!(
            t >= Duration::from_millis(900) && t < Duration::from_secs(5),
            "{t:?}"
        );
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

/// Issue 23, finding 4: past the connection cap a new connection is told 503 at once and closed;
/// once the slow clients' bodies time out, the server serves again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_a_connection_is_refused_at_once_and_service_resumes() {
    let app = spawn_app_tuned(|s| {
        s.body_read_timeout = Duration::from_secs(2);
        s.max_connections = Some(8);
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..8 {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        s.write_all(SLOW_BODY).await.unwrap();
        slow.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A client that sends its request at once still reads the 503 (not a reset).
    let mut extra = TcpStream::connect(app.addr).await.unwrap();
    extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (t, answer) = closed_after(&mut extra, Duration::from_secs(2)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too-many-connections"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    assert!(
        t < Duration::from_millis(500),
        "refused at once, not after {t:?}"
    );
    for s in &mut slow {
        let (_, answer) = closed_after(s, Duration::from_secs(10)).await;
        assert!(answer.starts_with(b"HTTP/1.1 408"));
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

#[test]
fn the_default_connection_cap_leaves_room_for_the_pool_and_the_process() {
    use gongshi::http::server::default_max_connections;
    assert_eq!(default_max_connections(1024, 5), 1024 - 15 - 64);
    assert_eq!(default_max_connections(20_000, 5), 16_384);
    assert_eq!(default_max_connections(50, 16), 16, "never below 16");
    assert_eq!(default_max_connections(u64::MAX, 5), 16_384);
    // Raising the soft limit never lowers it.
    let before = rustix_free_soft_limit();
    assert!(before > 0, "/proc/self/limits names the soft limit");
    assert!(gongshi::http::server::raise_file_limit() >= before);
}

/// The soft file limit as /proc reports it (without the crate the server uses).
fn rustix_free_soft_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|l| {
            l.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
