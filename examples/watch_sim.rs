//! Watch a running `polymm sim`: subscribe to every token on the market channel and print,
//! every few seconds, how many messages of each kind arrived and the top of a few books.
//!
//! `cargo run --release --example watch_sim -- http://127.0.0.1:PORT [SECONDS]`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::Value;

fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(30);
    actix_rt::System::new().block_on(watch(base, seconds));
}

async fn watch(base: String, seconds: u64) {
    let client = awc::Client::builder().timeout(Duration::from_secs(10)).finish();
    let markets: Value =
        client.get(format!("{base}/markets")).send().await.unwrap().json().limit(64 << 20).await.unwrap();
    let tokens: Vec<String> = markets["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["tokens"].as_array().unwrap().iter().map(|t| t["token_id"].as_str().unwrap().to_owned())
        })
        .collect();
    let ws = base.replacen("http", "ws", 1);
    let (_, mut socket) = client.ws(format!("{ws}/ws/market")).connect().await.unwrap();
    let subscribe = serde_json::json!({"assets_ids": tokens, "type": "market"}).to_string();
    socket.send(awc::ws::Message::Text(subscribe.into())).await.unwrap();
    println!("subscribed to {} tokens of {} markets", tokens.len(), tokens.len() / 2);
    let start = Instant::now();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut last_report = Instant::now();
    while start.elapsed() < Duration::from_secs(seconds) {
        let Ok(Some(Ok(frame))) = tokio::time::timeout(Duration::from_secs(1), socket.next()).await else {
            continue;
        };
        let awc::ws::Frame::Text(bytes) = frame else { continue };
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let events = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for event in events {
            let kind = event["event_type"].as_str().unwrap_or("malformed").to_owned();
            *counts.entry(kind).or_default() += 1;
        }
        if last_report.elapsed() >= Duration::from_secs(5) {
            last_report = Instant::now();
            let total: u64 = counts.values().sum();
            let rate = total as f64 / start.elapsed().as_secs_f64();
            println!("{:>5.0}s  {total} messages ({rate:.0}/s)  {counts:?}", start.elapsed().as_secs_f64());
        }
    }
    let total: u64 = counts.values().sum();
    println!("done: {total} messages in {seconds}s: {counts:?}");
}
