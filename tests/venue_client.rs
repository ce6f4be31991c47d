//! The venue client against the embedded venue over real HTTP: every endpoint round-trips,
//! the local rate limiter keeps a burst under the venue's limits (and, with a queue limit,
//! refuses placements that would wait too long rather than send them late), transient failures are
//! retried, an engine restart switches the client to post-only, heartbeats keep orders
//! alive until they stop, and the account-wide reads of a bulk reconciliation (open orders,
//! Data API positions, recent trades) agree with each market's own reads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::PATIENCE;
use common::process::wait_for;
use common::sim::{Trader, manual_clock, market, options, start, start_on};
use polymm::clock::{Clock, SystemClock};
use polymm::domain::{OrderType, Side};
use polymm::error::{HasSeverity, Severity};
use polymm::polymarket::{Chain, OrderSigner, SignatureType};
use polymm::polymarket::{ClientError, ClobClient, RetryPolicy};
use polymm::sim::FaultSpec;
use polymm::sim::SimHandle;
use polymm::sim::SimOptions;
use rust_decimal_macros::dec;

fn client(venue: &SimHandle) -> ClobClient {
    let account = &venue.test_accounts[0];
    let signer = OrderSigner::new(account.key.clone(), Chain::Polygon, SignatureType::Eoa, None).unwrap();
    ClobClient::new(
        &venue.client_transport().unwrap(),
        &venue.base_url,
        &venue.gamma_url,
        Arc::new(SystemClock),
        RetryPolicy::default(),
    )
    .with_signer(signer)
    .with_creds(account.creds.clone())
}

#[actix_rt::test]
async fn every_endpoint_round_trips() {
    let venue = start(options());
    let (condition, yes, no) = market(&venue, 0);
    let condition = condition.parse().unwrap();
    let api = client(&venue);
    let trader = Trader::test_account(&venue);

    assert!(api.server_time().await.unwrap() > 1_700_000_000);
    let fresh = ClobClient::new(
        &venue.client_transport().unwrap(),
        &venue.base_url,
        &venue.gamma_url,
        Arc::new(SystemClock),
        RetryPolicy::default(),
    )
    .with_signer(
        OrderSigner::new(venue.test_accounts[0].key.clone(), Chain::Polygon, SignatureType::Eoa, None)
            .unwrap(),
    );
    assert_eq!(fresh.create_or_derive_api_key(0).await.unwrap(), venue.test_accounts[0].creds);

    let markets = api.markets().await.unwrap();
    assert_eq!(markets.len(), 2);
    assert_eq!(api.market(&condition).await.unwrap().tokens[0].token_id, yes.to_string());
    assert_eq!(api.tick_size(&yes).await.unwrap(), dec!(0.01));
    assert!(!api.neg_risk(&yes).await.unwrap());
    let gamma = api.gamma_markets("active=true&limit=10").await.unwrap();
    assert_eq!(gamma.len(), 2);
    let events = api.gamma_events("").await.unwrap();
    assert_eq!(events[0]["markets"].as_array().unwrap().len(), 2, "both markets belong to the first event");

    let bid = trader.order(&yes, Side::Buy, "0.40", "10", false);
    let placed = api.post_order(&bid).await.unwrap();
    assert!(placed.success && placed.status == "live", "{placed:?}");
    let batch =
        [trader.order(&yes, Side::Buy, "0.30", "5", false), trader.order(&no, Side::Buy, "0.20", "5", false)];
    let posted = api.post_orders(&batch).await.unwrap();
    assert!(posted.iter().all(|p| p.success));

    let book = api.book(&yes).await.unwrap().to_book().unwrap();
    assert_eq!(book.best_bid().unwrap().price, 4_000);
    assert_eq!(book.best_ask().unwrap().price, 8_000, "the NO bid at 0.20 is a YES ask at 0.80");
    assert_eq!(api.books(&[yes.clone(), no.clone()]).await.unwrap().len(), 2);

    let open = api.open_orders(Some(&condition)).await.unwrap();
    assert_eq!(open.len(), 3);
    assert_eq!(api.order(&bid.id).await.unwrap().price, dec!(0.4));
    assert_eq!(api.cancel(&bid.id).await.unwrap().canceled, vec![bid.id.to_string()]);
    assert_eq!(api.cancel_many(&[batch[0].id]).await.unwrap().canceled.len(), 1);
    assert_eq!(api.cancel_market(Some(&condition), Some(&no)).await.unwrap().canceled.len(), 1);
    api.post_order(&trader.order(&yes, Side::Buy, "0.41", "5", false)).await.unwrap();
    assert_eq!(api.cancel_all().await.unwrap().canceled.len(), 1);

    let seller = Trader::fresh(&venue).await;
    seller.post(&seller.order(&no, Side::Buy, "0.55", "5", false)).await;
    let taker = api.post_order(&trader.order(&yes, Side::Buy, "0.45", "5", false)).await.unwrap();
    assert_eq!(
        (taker.status.as_str(), taker.trade_ids.len(), taker.transactions_hashes.len()),
        ("matched", 1, 1)
    );
    let trades = api.trades(Some(&condition), None).await.unwrap();
    assert_eq!((trades.len(), trades[0].trader_side.as_str()), (1, "TAKER"));
    assert_eq!(api.balance(Some(&yes)).await.unwrap().balance, dec!(5_000_000));
    assert_eq!(api.balance(None).await.unwrap().balance, dec!(10_000_000_000) - dec!(2_250_000));

    let first = api.heartbeat("").await.unwrap();
    assert_ne!(api.heartbeat(&first).await.unwrap(), first);
    let refused = api.heartbeat("wrong").await.unwrap_err();
    assert_eq!(refused.severity(), Severity::Reject, "{refused}");
    venue.stop().await;
}

#[actix_rt::test]
async fn a_burst_waits_for_the_local_limiter_instead_of_earning_429s() {
    let venue = start(options());
    let (_, yes, _) = market(&venue, 0);
    let api = client(&venue);
    let trader = Trader::test_account(&venue);
    let orders: Vec<_> = (0..80)
        .map(|i| trader.order(&yes, Side::Buy, &format!("0.{:02}", 10 + i % 40), "5", false))
        .collect();
    let placed = futures_util::future::join_all(orders.iter().map(|order| api.post_order(order))).await;
    for answer in placed {
        let answer = answer.unwrap();
        assert!(answer.success, "{answer:?}");
    }
    let stats = api.limiter_stats();
    assert_eq!((stats.immediate + stats.delayed, stats.refused), (80, 0));
    assert!(stats.delayed > 0, "beyond its burst of 54 the limiter paced: {stats:?}");
    venue.stop().await;
}

#[actix_rt::test]
async fn transient_failures_are_retried_and_refusals_are_not() {
    let venue =
        start(SimOptions { faults: FaultSpec { http_5xx: 0.5, ..FaultSpec::default() }, ..options() });
    let (_, yes, _) = market(&venue, 0);
    let api = ClobClient::new(
        &venue.client_transport().unwrap(),
        &venue.base_url,
        &venue.gamma_url,
        Arc::new(SystemClock),
        RetryPolicy { attempts: 12, base: Duration::from_millis(5), ..RetryPolicy::default() },
    );
    for _ in 0..20 {
        assert!(api.book(&yes).await.is_ok(), "retries get through a 50 % 5xx rate");
    }
    let unknown = "1".parse().unwrap();
    let mut refusal = api.book(&unknown).await;
    while matches!(refusal, Err(ClientError::Server { .. })) {
        refusal = api.book(&unknown).await;
    }
    assert!(matches!(refusal, Err(ClientError::Refused { status: 404, .. })), "{refusal:?}");
    let no_creds = api.cancel_all().await.unwrap_err();
    assert_eq!(no_creds.severity(), Severity::Halt);
    venue.stop().await;
}

#[actix_rt::test]
async fn an_engine_restart_is_waited_out_then_only_post_only_orders_go() {
    let venue = start(options());
    let (_, yes, _) = market(&venue, 0);
    let api = ClobClient::new(
        &venue.client_transport().unwrap(),
        &venue.base_url,
        &venue.gamma_url,
        Arc::new(SystemClock),
        RetryPolicy { attempts: 6, base: Duration::from_millis(300), ..RetryPolicy::default() },
    );
    let account = &venue.test_accounts[0];
    let api = api
        .with_signer(OrderSigner::new(account.key.clone(), Chain::Polygon, SignatureType::Eoa, None).unwrap())
        .with_creds(account.creds.clone());
    let trader = Trader::test_account(&venue);
    let restart =
        serde_json::json!({"spec": {"restart_for": 1, "post_only_for": 0}, "action": "restart"}).to_string();
    trader.signed("POST", "/sim/faults", Some(&restart)).await;
    let maker = trader.order_with(&yes, Side::Buy, "0.40", "5", OrderType::Gtc, true);
    let placed = api.post_order(&maker).await.unwrap();
    assert!(placed.success, "the 425 window was waited out: {placed:?}");
    assert!(api.post_only_required());
    let plain = trader.order(&yes, Side::Buy, "0.39", "5", false);
    assert!(matches!(api.post_order(&plain).await, Err(ClientError::Refused { status: 425, .. })));
    venue.stop().await;
}

#[actix_rt::test]
async fn heartbeats_keep_orders_alive_and_stopping_them_lets_the_venue_cancel() {
    use polymm::polymarket::HeartbeatEvent;

    let clock = manual_clock();
    let venue = start_on(SimOptions { heartbeat_window_ms: 1_000, ..options() }, Arc::new(clock.clone()));
    let (_, yes, _) = market(&venue, 0);
    let api = std::rc::Rc::new(client(&venue));
    let trader = Trader::test_account(&venue);
    api.post_order(&trader.order(&yes, Side::Buy, "0.40", "5", false)).await.unwrap();
    let (sender, mut events) = tokio::sync::mpsc::unbounded_channel();
    let keeper = polymm::polymarket::spawn_heartbeats(api.clone(), Duration::from_millis(250), sender);
    // The venue's clock moves 0.4 s with every beat it takes: 2.4 s, over twice its window.
    for _ in 0..6 {
        let beat = tokio::time::timeout(PATIENCE, events.recv()).await.unwrap().unwrap();
        assert!(matches!(beat, HeartbeatEvent::Beat { .. }), "{beat:?}");
        clock.advance(400);
    }
    assert_eq!(api.open_orders(None).await.unwrap().len(), 1, "alive past twice the dead-man window");

    let throttle = serde_json::json!({"spec": {"throttle_for": 1}, "action": "throttle"}).to_string();
    trader.signed("POST", "/sim/faults", Some(&throttle)).await;
    let mut missed = false;
    while let Ok(Some(event)) = tokio::time::timeout(PATIENCE, events.recv()).await {
        if let HeartbeatEvent::Missed { .. } = event {
            missed = true;
            break;
        }
    }
    assert!(missed, "a failed beat is reported");
    keeper.abort();
    clock.advance(2_000);
    let cancelled = wait_for(PATIENCE, || common::sim::open_orders(&venue) == 0).await;
    assert!(cancelled, "without beats the venue cancelled the order");
    venue.stop().await;
}

#[actix_rt::test]
async fn discovery_reads_the_gamma_listing() {
    let venue = start(options());
    let (condition, yes, no) = market(&venue, 0);
    let (markets, skipped) = polymm::polymarket::discover(&client(&venue)).await.unwrap();
    assert_eq!((markets.len(), skipped), (2, 0));
    let first = markets.iter().find(|m| m.condition_id.to_string() == condition).unwrap();
    assert_eq!((&first.yes, &first.no, first.version), (&yes, &no, 2));
    assert!(markets.iter().any(|m| m.neg_risk), "the second still market is neg-risk");
    venue.stop().await;
}

#[actix_rt::test]
async fn the_account_wide_reads_split_by_market_agree_with_each_markets_own_reads() {
    use polymm::execution::{Target, read_account, split};
    let venue = common::sim::steady(4, 11);
    let trader = Trader::test_account(&venue);
    let ids: Vec<(String, polymm::domain::TokenId, polymm::domain::TokenId)> =
        (0..4).map(|i| market(&venue, i)).collect();
    let split_body = format!(r#"{{"amount": "12", "market": "{}"}}"#, ids[1].0);
    let (status, body) = trader.signed("POST", "/sim/split", Some(&split_body)).await;
    assert!(status.is_success(), "{body}");
    let resting = trader.order(&ids[2].1, Side::Buy, "0.01", "5", false);
    assert!(trader.post(&resting).await.0.is_success());
    let (status, body) = trader.post(&trader.order(&ids[3].1, Side::Buy, "0.99", "5", false)).await;
    assert!(status.is_success() && body["status"] == "matched", "{body}");

    let api = client(&venue).with_data_api(&venue.data_api_url);
    let maker = venue.test_accounts[0].key.address();
    let since = SystemClock.now().as_secs() - 600;
    let reads = read_account(&api, &maker, since).await.unwrap();
    let conditions: Vec<polymm::domain::ConditionId> =
        ids.iter().map(|(c, _, _)| c.parse().unwrap()).collect();
    let targets: Vec<Target<'_>> =
        ids.iter().zip(&conditions).map(|((_, yes, no), market)| Target { market, yes, no }).collect();
    let states = split(&targets, &reads);

    for (i, state) in states.iter().enumerate().take(3) {
        let state = state.as_ref().expect("no trade of ours in markets 0 to 2");
        let shares =
            |units: u128| rust_decimal::Decimal::from(units) / rust_decimal::Decimal::from(1_000_000);
        assert_eq!(state.yes, shares(trader.shares(&ids[i].1).await), "market {i} YES");
        assert_eq!(state.no, shares(trader.shares(&ids[i].2).await), "market {i} NO");
    }
    let split_market = states[1].as_ref().unwrap();
    assert!(split_market.yes >= dec!(12) && split_market.no >= dec!(12), "{split_market:?}");
    let with_order = states[2].as_ref().unwrap();
    assert_eq!(with_order.open.len(), 1);
    assert_eq!(with_order.open[0].id, resting.id);
    assert_eq!(with_order.open[0].remaining.value(), dec!(5));
    assert!(states[3].is_none(), "the market we just traded in is read from the CLOB's balances");
    venue.stop().await;
}

#[actix_rt::test]
async fn with_a_queue_limit_placements_beyond_the_budget_are_refused_not_sent_late() {
    let venue = start(options());
    let (_, yes, _) = market(&venue, 0);
    let api = client(&venue).with_order_queue_limit(Duration::from_millis(200));
    let trader = Trader::test_account(&venue);
    let orders: Vec<_> = (0..80)
        .map(|i| trader.order(&yes, Side::Buy, &format!("0.{:02}", 10 + i % 40), "5", false))
        .collect();
    let placed = futures_util::future::join_all(orders.iter().map(|order| api.post_order(order))).await;
    let (sent, refused): (Vec<_>, Vec<_>) = placed.into_iter().partition(Result::is_ok);
    assert!(sent.iter().all(|answer| answer.as_ref().unwrap().success));
    assert!(!refused.is_empty() && sent.len() >= 54, "{} sent, {} refused", sent.len(), refused.len());
    for error in refused.iter().map(|r| r.as_ref().unwrap_err()) {
        assert!(
            matches!(error, ClientError::QueueTooLong(wait) if *wait > Duration::from_millis(200)),
            "{error}"
        );
        assert_eq!(error.severity(), Severity::Reject, "not counted towards an error burst");
    }
    venue.stop().await;
}
