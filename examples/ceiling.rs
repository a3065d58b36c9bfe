//! The machine's ceiling for the portal benchmark (issue 14, `benches/portal.sh`): a trivial warp
//! endpoint that answers `GET /ceiling` with a constant JSON body of a given size, on the same
//! runtime (tokio, multi-threaded) and HTTP/1.1 server (hyper, through warp) as gongshi. Whatever
//! a gongshi answer costs beyond this is gongshi's own.
//!
//!   cargo run --release --example ceiling -- PORT BYTES

use warp::Filter;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|a| a.parse().ok()).unwrap_or(18090);
    let bytes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7_000);
    // {"items":"xxx…"} padded to exactly `bytes` (at least the braces and key).
    let pad = bytes.saturating_sub(r#"{"items":""}"#.len());
    let body: &'static str =
        Box::leak(format!(r#"{{"items":"{}"}}"#, "x".repeat(pad)).into_boxed_str());
    let route = warp::path!("ceiling")
        .map(move || warp::reply::with_header(body, "content-type", "application/json"));
    eprintln!("ceiling: {} bytes on 127.0.0.1:{port}", body.len());
    warp::serve(route).run(([127, 0, 0, 1], port)).await;
}
