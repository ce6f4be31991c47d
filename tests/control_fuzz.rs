//! The control API under random requests, against the whole daemon on the embedded venue:
//! random methods, paths (valid and invalid market ids, unknown actions, long, encoded and
//! traversal segments), headers (no token, wrong token, right token, odd content types) and
//! bodies. Every answer is a deliberate one (never a 500), the API keeps answering, and the
//! daemon's status still reads afterwards. `CONTROL_FUZZ_REQUESTS` sets how many (default
//! 3,000; the count in BENCHMARKS.md was run with 1,000,000).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use common::control::until;
use polymm::clock::SystemClock;
use polymm::control::ControlClient;
use polymm::testkit;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];
const ACTIONS: [&str; 8] =
    ["enable", "disable", "crash", "crash-unguarded", "cancel", "", "ENABLE", "%2e%2e"];
const ODD: [&str; 9] = ["", "..", "%00", "%ff%fe", "0x", "0xzz", "%2F", "?x=1", "\u{e9}"];

fn segment(rng: &mut StdRng, markets: &[String]) -> String {
    match rng.gen_range(0..6) {
        0 => markets[rng.gen_range(0..markets.len())].clone(),
        1 => ODD[rng.gen_range(0..ODD.len())].to_owned(),
        2 => "a".repeat(rng.gen_range(0..5_000)),
        3 => format!("0x{}", "f".repeat(rng.gen_range(0..80))),
        4 => (0..rng.gen_range(0..20))
            .map(|_| char::from(rng.gen_range(b'!'..=b'~')))
            .filter(|c| !"#?/ ".contains(*c))
            .collect(),
        _ => "v1".to_owned(),
    }
}

fn path(rng: &mut StdRng, markets: &[String]) -> String {
    match rng.gen_range(0..7) {
        0 => "/v1/status".to_owned(),
        1 => "/v1/markets".to_owned(),
        2 => format!("/v1/markets/{}/{}", segment(rng, markets), ACTIONS[rng.gen_range(0..ACTIONS.len())]),
        3 => ["/v1/kill", "/v1/resume", "/v1/cancel-all"][rng.gen_range(0..3)].to_owned(),
        4 => format!("/v1/{}", segment(rng, markets)),
        5 => format!("/{}/{}/{}", segment(rng, markets), segment(rng, markets), segment(rng, markets)),
        _ => format!("/v1/markets/{}", segment(rng, markets)),
    }
}

#[actix_rt::test]
async fn random_requests_get_deliberate_answers_and_the_daemon_keeps_answering() {
    let requests: usize =
        std::env::var("CONTROL_FUZZ_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(3_000);
    let venue = common::sim::steady(2, 12);
    let dir = tempfile::tempdir().unwrap();
    let config = testkit::daemon::config(dir.path(), &[("telemetry.log_level", "error")]).unwrap();
    let daemon = testkit::daemon::start(&config, &venue, Arc::new(SystemClock)).await.unwrap();
    let ctl = ControlClient::from_state_dir(dir.path()).unwrap();
    let quoting = until(&ctl, Duration::from_secs(10), |s| s.quoting == 2).await.expect("quoting");
    let markets: Vec<String> = quoting.markets.iter().map(|m| m.market.clone()).collect();
    let addr = std::fs::read_to_string(dir.path().join("control.addr")).unwrap();
    let token = std::fs::read_to_string(dir.path().join("control.token")).unwrap();
    let http = awc::Client::builder().timeout(Duration::from_secs(10)).finish();
    let mut rng = StdRng::seed_from_u64(0xc0de);
    // By status; -1: a URL the client itself refuses to send, 0: no answer.
    let mut answers: BTreeMap<i32, usize> = BTreeMap::new();
    for _ in 0..requests {
        let path = path(&mut rng, &markets);
        let natural = if path.starts_with("/v1/status") || path == "/v1/markets" { "GET" } else { "POST" };
        let method = if rng.gen_bool(0.7) { natural } else { METHODS[rng.gen_range(0..METHODS.len())] };
        let url = format!("http://{addr}{path}");
        let mut request = http.request(method.parse().unwrap(), &url);
        match rng.gen_range(0..5) {
            0 => {}
            1 | 4 => request = request.insert_header(("Authorization", format!("Bearer {}", token.trim()))),
            2 => {
                request = request
                    .insert_header(("Authorization", format!("Bearer {}", segment(&mut rng, &markets))))
            }
            _ => request = request.insert_header(("Authorization", "Basic Zm9vOmJhcg==")),
        }
        if rng.gen_bool(0.3) {
            request = request.insert_header((
                "Content-Type",
                ["application/json", "text/plain", "x/\u{1}"][rng.gen_range(0..3)],
            ));
        }
        let body: Vec<u8> = (0..rng.gen_range(0..2_000)).map(|_| rng.r#gen()).collect();
        let status = match request.send_body(body).await {
            Ok(response) => i32::from(response.status().as_u16()),
            Err(awc::error::SendRequestError::Url(_) | awc::error::SendRequestError::Http(_)) => -1,
            Err(error) => {
                if std::env::var("CONTROL_FUZZ_DEBUG").is_ok() {
                    eprintln!("{method} {} bytes: {error}", url.len());
                }
                0
            }
        };
        assert!(status < 500 || status == 503, "a request ended in an internal error ({status}): {url}");
        *answers.entry(status).or_default() += 1;
    }
    let status = ctl.call(false, "/v1/status").await.expect("the API still answers");
    assert!(status.get("switch").is_some(), "{status}");
    assert!(answers.get(&0).copied().unwrap_or(0) < requests / 100, "connections refused: {answers:?}");
    println!("{requests} requests, answers by status: {answers:?}");
    daemon.shutdown().await.expect("a clean shutdown");
    venue.stop().await;
}
