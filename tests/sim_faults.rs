//! Fault injection and the venue's limits, over real HTTP and websockets: rate limits,
//! injected 5xx and 429, websocket drops, stalls, malformed frames, frames with a wrong
//! field, fragmented messages, and fault specs checked alike from the CLI and the API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use awc::http::StatusCode;
use common::sim::{Socket, Trader, market, options, start};
use polymm::domain::Side;
use polymm::polymarket::batch_body;
use polymm::sim::FaultSpec;
use polymm::sim::SimOptions;
use serde_json::json;

#[actix_rt::test]
async fn order_bursts_beyond_the_signer_bucket_get_429() {
    let venue = start(options());
    let (_, yes, _) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let mut answers = Vec::new();
    for round in 0..12 {
        let batch: Vec<_> = (0..15)
            .map(|i| {
                alice.order(&yes, Side::Buy, &format!("0.{:02}", 10 + (round * 15 + i) % 40), "5", false)
            })
            .collect();
        let body = batch_body(&batch, &alice.creds.api_key);
        let (status, _, remaining) = alice.signed_raw("POST", "/orders", Some(&body)).await;
        answers.push((status, remaining.map(|r| r.parse::<i64>().unwrap())));
        if status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(answers[0], (StatusCode::OK, Some(45)), "the standard burst is 60 orders");
    let remaining: Vec<i64> = answers.iter().filter_map(|(_, r)| *r).collect();
    assert!(remaining.windows(2).all(|w| w[1] < w[0]), "the header counts down: {answers:?}");
    assert_eq!(answers.last().unwrap().0, StatusCode::TOO_MANY_REQUESTS, "{answers:?}");
    venue.stop().await;
}

#[actix_rt::test]
async fn injected_http_faults_answer_500_and_429() {
    let venue =
        start(SimOptions { faults: FaultSpec { http_5xx: 1.0, ..FaultSpec::default() }, ..options() });
    let alice = Trader::test_account(&venue);
    let (status, body) = alice.public("/time").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["error"].is_string());
    let (status, _) = alice
        .signed("POST", "/sim/faults", Some(&json!({"spec": {}, "action": "throttle"}).to_string()))
        .await;
    assert_eq!(status, StatusCode::OK, "sim endpoints are exempt from faults");
    let (status, _) = alice.public("/time").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    alice.signed("POST", "/sim/faults", Some(&json!({"action": "clear"}).to_string())).await;
    assert_eq!(alice.public("/time").await.0, StatusCode::OK);
    venue.stop().await;
}

#[actix_rt::test]
async fn websockets_can_be_dropped_stalled_and_fed_garbage() {
    let venue = start(options());
    let (_, yes, _) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let url = format!("{}/market", venue.ws_url);
    let subscribe = json!({"assets_ids": [yes.to_string()], "type": "market"}).to_string();

    let mut socket = Socket::connect(&url).await;
    socket.send(&subscribe).await;
    assert!(socket.next_text(common::PATIENCE).await.is_some(), "initial book");
    alice.signed("POST", "/sim/faults", Some(&json!({"action": "drop_ws"}).to_string())).await;
    let mut closed = false;
    for _ in 0..5 {
        if socket.next_text(Duration::from_secs(1)).await.is_none() {
            closed = true;
            break;
        }
    }
    assert!(closed, "the venue closed the connection");

    let mut socket = Socket::connect(&url).await;
    socket.send(&subscribe).await;
    socket.next_text(common::PATIENCE).await.unwrap();
    let stall = json!({"spec": {"stall_for": 2}, "action": "stall"}).to_string();
    alice.signed("POST", "/sim/faults", Some(&stall)).await;
    socket.send("PING").await;
    alice.post(&alice.order(&yes, Side::Buy, "0.30", "5", false)).await;
    assert_eq!(socket.next_text(Duration::from_millis(800)).await, None, "a stalled socket stays silent");

    let garbage = json!({"spec": {"malformed": 1.0}, "action": "clear"}).to_string();
    alice.signed("POST", "/sim/faults", Some(&garbage)).await;
    let mut socket = Socket::connect(&url).await;
    socket.send(&subscribe).await;
    socket.next_text(common::PATIENCE).await.unwrap();
    alice.post(&alice.order(&yes, Side::Buy, "0.31", "5", false)).await;
    let frame = socket.next_text(common::PATIENCE).await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&frame).is_err(), "malformed frame: {frame}");
    venue.stop().await;
}

#[actix_rt::test]
async fn fault_specs_posted_as_json_are_checked_and_name_every_bad_field() {
    let venue = start(options());
    let alice = Trader::test_account(&venue);
    let bad = json!({"spec": {"latency": [40, 5], "restart_every": 0, "stall_every": 0, "http_5xx": 2.0}});
    let (status, body) = alice.signed("POST", "/sim/faults", Some(&bad.to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = body.to_string();
    for field in ["latency", "restart_every", "stall_every", "http_5xx"] {
        assert!(error.contains(field), "{field} named: {error}");
    }
    let (status, body) = alice.signed("GET", "/sim/faults", None).await;
    assert_eq!(
        (status, body["spec"]["stall_every"].clone()),
        (StatusCode::OK, json!(null)),
        "nothing applied"
    );
    let partial = json!({"spec": {"stall_every": 10}});
    let (_, body) = alice.signed("POST", "/sim/faults", Some(&partial.to_string())).await;
    assert_eq!(body["spec"]["stall_for"], 5, "a missing duration is the default, not 0: {body}");
    let (status, _) = alice.signed("GET", "/book?token_id=1", None).await;
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "handlers still answer");
    venue.stop().await;
}

#[actix_rt::test]
async fn messages_can_arrive_with_a_wrong_field_or_in_fragments() {
    let venue = start(options());
    let (_, yes, _) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let url = format!("{}/market", venue.ws_url);
    let subscribe = json!({"assets_ids": [yes.to_string()], "type": "market"}).to_string();
    for (spec, price) in [(json!({"wrong_field": 1.0}), "0.30"), (json!({"fragmented": 1.0}), "0.31")] {
        alice.signed("POST", "/sim/faults", Some(&json!({"spec": spec}).to_string())).await;
        let mut socket = Socket::connect(&url).await;
        socket.send(&subscribe).await;
        socket.next_message(Duration::from_secs(2)).await.unwrap();
        alice.post(&alice.order(&yes, Side::Buy, price, "5", false)).await;
        let (text, frames) = socket.next_message(Duration::from_secs(2)).await.unwrap();
        let message: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        if spec["fragmented"] == 1.0 {
            assert_eq!((frames, message["event_type"].as_str()), (3, Some("price_change")), "{text}");
        } else {
            assert_eq!(frames, 1);
            assert!(text.contains(r#"{"unexpected":true}"#), "a field of the wrong type: {text}");
        }
    }
    venue.stop().await;
}
