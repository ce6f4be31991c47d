//! The embedded venue over real HTTP and websockets, driven with polymm's own signing and
//! authentication code: orders, matching, cancels, checks, accounts, heartbeats, faults.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use awc::http::StatusCode;
use std::sync::Arc;

use common::PATIENCE;
use common::process::wait_for;
use common::sim::{Socket, Trader, manual_clock, market, open_orders, options, start, start_on};
use polymm::domain::{OrderType, Side};
use polymm::polymarket::{batch_body, cancel_body, heartbeat_body};
use serde_json::{Value, json};

const SHARE: u128 = 1_000_000;
const START: u128 = 10_000 * SHARE;

#[actix_rt::test]
async fn resting_order_partial_fill_and_complementary_mint() {
    let venue = start(options());
    let (condition, yes, no) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let bob = Trader::fresh(&venue).await;

    let bid = alice.order(&yes, Side::Buy, "0.40", "20", false);
    let (status, placed) = alice.post(&bid).await;
    assert_eq!(status, StatusCode::OK, "{placed}");
    assert_eq!((placed["success"].as_bool(), placed["status"].as_str()), (Some(true), Some("live")));
    assert_eq!(placed["orderID"], bid.id.to_string());

    let (_, book) = alice.public(&format!("/book?token_id={yes}")).await;
    assert_eq!(book["bids"], json!([{"price": "0.4", "size": "20"}]));
    let (_, no_book) = alice.public(&format!("/book?token_id={no}")).await;
    assert_eq!(no_book["asks"], json!([{"price": "0.6", "size": "20"}]), "a YES bid is a NO ask");

    let take = bob.order(&no, Side::Buy, "0.65", "8", false);
    let (status, taken) = bob.post(&take).await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    assert_eq!(taken["status"], "matched");
    assert_eq!(taken["makingAmount"], "4800000", "bob pays the complement of alice's price, 0.60");
    assert_eq!(taken["takingAmount"], "8000000");
    assert_eq!(taken["transactionsHashes"].as_array().unwrap().len(), 1);

    let (_, order) = alice.signed("GET", &format!("/data/order/{}", bid.id), None).await;
    assert_eq!((order["status"].as_str(), order["size_matched"].as_str()), (Some("LIVE"), Some("8")));
    assert_eq!(order["market"], condition);
    assert_eq!(alice.shares(&yes).await, 8 * SHARE);
    assert_eq!(bob.shares(&no).await, 8 * SHARE);
    assert_eq!(alice.collateral().await, START - 8 * 400_000);
    assert_eq!(bob.collateral().await, START - 4_800_000);

    let (_, trades) = alice.signed("GET", "/data/trades", None).await;
    let trade = &trades["data"][0];
    assert_eq!((trade["trader_side"].as_str(), trade["status"].as_str()), (Some("MAKER"), Some("MATCHED")));
    assert_eq!(trade["maker_orders"][0]["order_id"], bid.id.to_string());
    assert_eq!(trade["maker_orders"][0]["matched_amount"], "8");
    let (_, bob_trades) = bob.signed("GET", &format!("/data/trades?market={condition}"), None).await;
    assert_eq!(bob_trades["data"][0]["trader_side"], "TAKER");
    venue.stop().await;
}

#[actix_rt::test]
async fn sells_of_both_tokens_merge_and_resolution_pays_the_winner() {
    let venue = start(options());
    let (condition, yes, no) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let bob = Trader::fresh(&venue).await;
    for trader in [&alice, &bob] {
        let body = json!({"amount": "10", "market": condition}).to_string();
        let (status, reply) = trader.signed("POST", "/sim/split", Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
    }
    assert_eq!(alice.shares(&yes).await, 10 * SHARE);
    alice.post(&alice.order(&yes, Side::Sell, "0.55", "10", false)).await;
    let (status, merged) = bob.post(&bob.order(&no, Side::Sell, "0.45", "10", false)).await;
    assert_eq!((status, merged["status"].as_str()), (StatusCode::OK, Some("matched")));
    assert_eq!(alice.collateral().await, START - 10 * SHARE + 5_500_000);
    assert_eq!(bob.collateral().await, START - 10 * SHARE + 4_500_000);

    let (status, _) = alice
        .signed("POST", "/sim/resolve", Some(&json!({"market": condition, "outcome": "No"}).to_string()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        alice.collateral().await,
        START - 10 * SHARE + 5_500_000 + 10 * SHARE,
        "alice's 10 NO pay 1 each"
    );
    assert_eq!(bob.collateral().await, START - 10 * SHARE + 4_500_000, "bob's YES are worthless");
    let (status, refused) = alice.post(&alice.order(&yes, Side::Buy, "0.5", "5", false)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    venue.stop().await;
}

#[actix_rt::test]
async fn cancels_batches_and_open_orders() {
    let venue = start(options());
    let (condition, yes, no) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let orders: Vec<_> =
        ["0.30", "0.31", "0.32"].iter().map(|p| alice.order(&yes, Side::Buy, p, "10", false)).collect();
    let mut batch = orders.clone();
    batch.push(alice.order(&no, Side::Buy, "0.2", "1", false));
    let (status, results) =
        alice.signed("POST", "/orders", Some(&batch_body(&batch, &alice.creds.api_key))).await;
    assert_eq!(status, StatusCode::OK);
    let results = results.as_array().unwrap().clone();
    assert!(results[..3].iter().all(|r| r["success"] == true), "{results:?}");
    assert_eq!(results[3]["success"], false, "below the minimum size");
    assert!(results[3]["errorMsg"].as_str().unwrap().contains("minimum"));

    let (_, open) = alice.signed("GET", &format!("/data/orders?market={condition}"), None).await;
    assert_eq!(open["data"].as_array().unwrap().len(), 3);
    assert_eq!(open["next_cursor"], "LTE=");

    let (_, one) = alice.signed("DELETE", "/order", Some(&cancel_body(&orders[0].id))).await;
    assert_eq!(one["canceled"], json!([orders[0].id.to_string()]));
    let (_, again) = alice.signed("DELETE", "/order", Some(&cancel_body(&orders[0].id))).await;
    assert!(again["not_canceled"][orders[0].id.to_string()].is_string());

    let body = json!({"market": condition, "asset_id": yes.to_string()}).to_string();
    let (_, by_market) = alice.signed("DELETE", "/cancel-market-orders", Some(&body)).await;
    assert_eq!(by_market["canceled"].as_array().unwrap().len(), 2);
    alice.post(&alice.order(&yes, Side::Buy, "0.1", "5", false)).await;
    let (_, all) = alice.signed("DELETE", "/cancel-all", None).await;
    assert_eq!(all["canceled"].as_array().unwrap().len(), 1);
    assert_eq!(alice.collateral().await, START, "every reservation released");
    venue.stop().await;
}

#[actix_rt::test]
async fn the_venue_refuses_what_it_should() {
    let venue = start(options());
    let (_, yes, no) = market(&venue, 0);
    let (_, neg_yes, _) = market(&venue, 1);
    let alice = Trader::test_account(&venue);
    let bob = Trader::fresh(&venue).await;
    alice.post(&alice.order(&yes, Side::Buy, "0.50", "10", false)).await;

    let (status, body) = alice.signed_with("GET", "/data/orders", None, true).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Unauthorized/Invalid api key"))
    );

    let crossing = bob.order_with(&no, Side::Buy, "0.50", "10", OrderType::Gtc, true);
    let (status, body) = bob.post(&crossing).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid post-only order: order crosses book"))
    );

    let too_big = bob.order(&yes, Side::Buy, "0.50", "100000", false);
    let (status, body) = bob.post(&too_big).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("not enough balance / allowance"))
    );

    let no_shares = bob.order(&yes, Side::Sell, "0.60", "5", false);
    assert_eq!(bob.post(&no_shares).await.1["error"], "not enough balance / allowance");

    let wrong_exchange = bob.order(&neg_yes, Side::Buy, "0.30", "5", false);
    assert_eq!(
        bob.post(&wrong_exchange).await.1["error"],
        "invalid signature",
        "neg-risk market, normal exchange domain"
    );
    let right_exchange = bob.order(&neg_yes, Side::Buy, "0.30", "5", true);
    assert_eq!(bob.post(&right_exchange).await.0, StatusCode::OK);
    assert_eq!(
        bob.post(&right_exchange).await.1["error"].as_str().map(|e| e.contains("Duplicated")),
        Some(true)
    );

    let someone_elses = alice.order(&yes, Side::Buy, "0.20", "5", false);
    let body = polymm::polymarket::order_body(&someone_elses, &bob.creds.api_key);
    let (status, reply) = bob.signed("POST", "/order", Some(&body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reply["error"], "the order signer address has to be the address of the API KEY");

    let fok = bob.order_with(&yes, Side::Sell, "0.50", "5", OrderType::Fok, false);
    assert!(bob.post(&fok).await.1["error"].as_str().unwrap().contains("not enough balance"));
    let (status, _) = bob.signed("POST", "/order", Some("{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bob.collateral().await,
        START,
        "refusals moved nothing (the resting bid reserves, it does not spend)"
    );
    venue.stop().await;
}

#[actix_rt::test]
async fn a_missed_heartbeat_cancels_everything() {
    let clock = manual_clock();
    let venue = start_on(
        polymm::sim::SimOptions { heartbeat_window_ms: 1_200, ..options() },
        Arc::new(clock.clone()),
    );
    let (_, yes, _) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    alice.post(&alice.order(&yes, Side::Buy, "0.40", "10", false)).await;
    let (status, first) = alice.signed("POST", "/v1/heartbeats", Some(&heartbeat_body(""))).await;
    assert_eq!(status, StatusCode::OK);
    let id = first["heartbeat_id"].as_str().unwrap().to_owned();
    let (status, _) = alice.signed("POST", "/v1/heartbeats", Some(&heartbeat_body("not-the-id"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    clock.advance(1_000);
    let (status, _) = alice.signed("POST", "/v1/heartbeats", Some(&heartbeat_body(&id))).await;
    assert_eq!(status, StatusCode::OK, "echoing the id keeps the chain alive");
    clock.advance(1_000);
    assert!(!wait_for(Duration::from_millis(300), || open_orders(&venue) == 0).await, "within the window");
    let (_, open) = alice.signed("GET", "/data/orders", None).await;
    assert_eq!(open["data"].as_array().unwrap().len(), 1, "alive past the first window: the beat renewed it");
    clock.advance(1_800);
    assert!(wait_for(PATIENCE, || open_orders(&venue) == 0).await, "the dead-man switch fired");
    let (_, open) = alice.signed("GET", "/data/orders", None).await;
    assert_eq!(open["data"].as_array().unwrap().len(), 0);
    assert_eq!(alice.collateral().await, START);
    venue.stop().await;
}

#[actix_rt::test]
async fn engine_restart_answers_425_then_accepts_only_post_only() {
    let clock = manual_clock();
    let venue = start_on(options(), Arc::new(clock.clone()));
    let (_, yes, _) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let spec = json!({"spec": {"restart_for": 1, "post_only_for": 1}, "action": "restart"}).to_string();
    let (status, reply) = alice.signed("POST", "/sim/faults", Some(&spec)).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let (status, _) = alice.post(&alice.order(&yes, Side::Buy, "0.40", "10", false)).await;
    assert_eq!(status.as_u16(), 425);
    let (status, _) = alice.public(&format!("/book?token_id={yes}")).await;
    assert_eq!(status, StatusCode::OK, "market data keeps flowing");
    clock.advance(1_100);
    let (status, reply) = alice.post(&alice.order(&yes, Side::Buy, "0.40", "10", false)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
    assert_eq!(
        alice.post(&alice.order_with(&yes, Side::Buy, "0.40", "10", OrderType::Gtc, true)).await.0,
        StatusCode::OK
    );
    clock.advance(1_100);
    assert_eq!(alice.post(&alice.order(&yes, Side::Buy, "0.41", "10", false)).await.0, StatusCode::OK);
    venue.stop().await;
}

#[actix_rt::test]
async fn websockets_stream_books_and_own_order_events() {
    let venue = start(options());
    let (condition, yes, no) = market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let bob = Trader::fresh(&venue).await;
    alice.post(&alice.order(&yes, Side::Buy, "0.40", "20", false)).await;

    let mut market_ws = Socket::connect(&format!("{}/market", venue.ws_url)).await;
    let subscribe =
        json!({"assets_ids": [yes.to_string()], "type": "market", "custom_feature_enabled": true});
    market_ws.send(&subscribe.to_string()).await;
    let book = market_ws.wait_for(PATIENCE, |v| v["event_type"] == "book").await.unwrap();
    assert_eq!(book["bids"], json!([{"price": "0.4", "size": "20"}]));
    market_ws.send("PING").await;
    assert_eq!(market_ws.next_text(PATIENCE).await.as_deref(), Some("PONG"));

    let mut user_ws = Socket::connect(&format!("{}/user", venue.ws_url)).await;
    let auth = json!({"auth": {"apiKey": alice.creds.api_key, "secret": alice.creds.secret.expose(),
        "passphrase": alice.creds.passphrase.expose()}, "markets": [condition], "type": "user"});
    user_ws.send(&auth.to_string()).await;
    user_ws.send("PING").await;
    assert_eq!(user_ws.next_text(PATIENCE).await.as_deref(), Some("PONG"), "subscribed: it answers in order");

    let second = alice.order(&yes, Side::Buy, "0.41", "5", false);
    alice.post(&second).await;
    let change = market_ws.wait_for(PATIENCE, |v| v["event_type"] == "price_change").await.unwrap();
    let entry = change["price_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["asset_id"] == yes.to_string())
        .unwrap();
    assert_eq!(
        (entry["price"].as_str(), entry["size"].as_str(), entry["best_bid"].as_str()),
        (Some("0.41"), Some("5"), Some("0.41"))
    );
    let top = market_ws
        .wait_for(PATIENCE, |v| v["event_type"] == "best_bid_ask" && v["asset_id"] == yes.to_string())
        .await
        .unwrap();
    assert_eq!((top["best_bid"].as_str(), top["best_ask"].as_str()), (Some("0.41"), Some("")));
    let placement = user_ws.wait_for(PATIENCE, |v| v["event_type"] == "order").await.unwrap();
    assert_eq!(
        (placement["type"].as_str(), placement["id"].as_str()),
        (Some("PLACEMENT"), Some(second.id.to_string().as_str()))
    );

    bob.post(&bob.order(&no, Side::Buy, "0.59", "5", false)).await;
    let last = market_ws.wait_for(PATIENCE, |v| v["event_type"] == "last_trade_price").await.unwrap();
    assert_eq!((last["price"].as_str(), last["size"].as_str()), (Some("0.41"), Some("5")));
    let trade = user_ws.wait_for(PATIENCE, |v| v["event_type"] == "trade").await.unwrap();
    assert_eq!((trade["trader_side"].as_str(), trade["status"].as_str()), (Some("MAKER"), Some("MATCHED")));
    let decoded = polymm::feed::decode_user(&trade.to_string(), &alice.creds.api_key).unwrap();
    let polymm::domain::UserEvent::Trade(update) = &decoded[0] else { panic!("{decoded:?}") };
    assert_eq!((update.fills.len(), update.fills[0].order, update.fills[0].maker), (1, second.id, true));
    assert_eq!(update.fills[0].size, rust_decimal::Decimal::from(5));
    let confirmed =
        user_ws.wait_for(PATIENCE, |v| v["event_type"] == "trade" && v["status"] == "CONFIRMED").await;
    assert!(confirmed.is_some(), "trades settle to CONFIRMED");

    let mut intruder = Socket::connect(&format!("{}/user", venue.ws_url)).await;
    intruder
        .send(&json!({"auth": {"apiKey": alice.creds.api_key, "secret": "x", "passphrase": "y"}}).to_string())
        .await;
    let refused: Value = serde_json::from_str(&intruder.next_text(PATIENCE).await.unwrap()).unwrap();
    assert!(refused["error"].is_string());
    venue.stop().await;
}
