//! The live market feed against the embedded venue with busy synthetic flow and injected
//! websocket faults: after every drop or stall, each local book equals the venue's book
//! within a second of the reconnect; while the websocket stays down, REST polling keeps the
//! books right; malformed frames are counted without losing the connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::PATIENCE;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::sim::Trader;
use polymm::clock::{Clock, SystemClock};
use polymm::domain::{Level, parse_micros};
use polymm::domain::{Outcome, Side};
use polymm::feed::{FeedConfig, LiveFeed, SharedBooks};
use polymm::polymarket::ClobClient;
use polymm::polymarket::WsConfig;
use polymm::sim::lots_decimal;
use polymm::sim::{self, SimHandle};
use polymm::sim::{ScenarioCatalog, ScenarioParams};
use polymm::sim::{SimOptions, SimWorld};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

fn busy_venue() -> SimHandle {
    let busy = ScenarioParams {
        noise_rate: 8.0,
        rival_makers: 2,
        rival_refresh_secs: 1.0,
        ..ScenarioParams::calm()
    };
    let catalog = ScenarioCatalog::new(vec![("busy".into(), busy)]);
    let options = SimOptions { scenario: "busy".into(), markets: 3, seed: 9, ..SimOptions::default() };
    let clock = Arc::new(SystemClock);
    let world = SimWorld::build(&options, &catalog, clock.now().0).unwrap();
    sim::start(world, 0, clock).unwrap()
}

fn tokens(venue: &SimHandle) -> Vec<(u32, Outcome, String)> {
    venue.state.with_world(|world, _| {
        (0..3u32)
            .flat_map(|m| {
                let spec = world.venue.market(m).unwrap().spec.clone();
                [(m, Outcome::Yes, spec.yes.to_string()), (m, Outcome::No, spec.no.to_string())]
            })
            .collect()
    })
}

/// Whether every local book equals the venue's right now.
fn converged(feed: &LiveFeed, venue: &SimHandle, tokens: &[(u32, Outcome, String)]) -> bool {
    venue.state.with_world(|world, _| {
        tokens.iter().all(|(market, outcome, id)| {
            let Some(local) = feed.data().book(id) else { return false };
            let view = world.venue.market(*market).unwrap().view();
            [Side::Buy, Side::Sell].into_iter().all(|side| {
                let venue_levels: Vec<Level> = view
                    .token_levels(*outcome, side)
                    .into_iter()
                    .map(|(p, l)| Level {
                        price: p,
                        size: parse_micros(&lots_decimal(l).to_string()).unwrap(),
                    })
                    .collect();
                local.depth(side).collect::<Vec<_>>() == venue_levels
            })
        })
    })
}

/// Drives the feed until the books converge; returns how long it took.
async fn until_converged(
    feed: &mut LiveFeed,
    api: &ClobClient,
    venue: &SimHandle,
    tokens: &[(u32, Outcome, String)],
    limit: Duration,
) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        feed.step(api, Duration::from_millis(20)).await;
        if converged(feed, venue, tokens) {
            return Some(start.elapsed());
        }
    }
    None
}

/// Steps the market feed until `done` holds; `false` if it did not within [`PATIENCE`].
async fn step_until(feed: &mut LiveFeed, api: &ClobClient, done: impl Fn(&LiveFeed) -> bool) -> bool {
    let start = Instant::now();
    while !done(feed) {
        if start.elapsed() > PATIENCE {
            return false;
        }
        feed.step(api, Duration::from_millis(20)).await;
    }
    true
}

fn config() -> FeedConfig {
    FeedConfig {
        ws: WsConfig {
            ping_every: Duration::from_millis(300),
            pong_within: Duration::from_millis(1_000),
            dead_after: Duration::from_millis(1_000),
            backoff_base: Duration::from_millis(50),
            backoff_cap: Duration::from_millis(400),
        },
        per_connection: 4,
        fallback_after: Duration::from_millis(1_500),
        poll_every: Duration::from_millis(200),
        resync_every: Duration::from_millis(100),
        spot_checks_per_sec: 2,
    }
}

/// A busy venue and a market feed of all its tokens, synced.
async fn synced_feed() -> (SimHandle, Vec<(u32, Outcome, String)>, ClobClient, LiveFeed, Trader) {
    synced_feed_with(config()).await
}

/// A connection the machine's load cannot make look dead: a pong may take 3 s. A stall of
/// the venue (8 s below) is still seen as one.
fn patient_config() -> FeedConfig {
    let base = config();
    FeedConfig {
        ws: WsConfig { pong_within: Duration::from_secs(3), dead_after: Duration::from_secs(3), ..base.ws },
        ..base
    }
}

async fn synced_feed_with(
    config: FeedConfig,
) -> (SimHandle, Vec<(u32, Outcome, String)>, ClobClient, LiveFeed, Trader) {
    let venue = busy_venue();
    let tokens = tokens(&venue);
    let ids: Vec<String> = tokens.iter().map(|(_, _, id)| id.clone()).collect();
    let api = common::sim::public_client(&venue);
    let mut feed = LiveFeed::start(
        &format!("{}/market", venue.ws_url),
        &venue.client_transport().unwrap(),
        SharedBooks::default(),
        &ids,
        config,
        Arc::new(SystemClock),
    );
    let admin = Trader::test_account(&venue);
    let synced = until_converged(&mut feed, &api, &venue, &tokens, PATIENCE).await;
    assert!(synced.is_some(), "initial sync");
    (venue, tokens, api, feed, admin)
}

#[actix_rt::test]
async fn books_reconverge_after_random_drops_and_stalls() {
    let (venue, tokens, api, mut feed, admin) = synced_feed().await;
    for seed in [3, 11, 29] {
        let mut rng = StdRng::seed_from_u64(seed);
        for round in 0..3 {
            let reconnects = feed.data().stats().reconnects;
            let action = if rng.gen_bool(0.5) {
                json!({"action": "drop_ws"})
            } else {
                json!({"spec": {"stall_for": rng.gen_range(1..3)}, "action": "stall"})
            };
            for _ in 0..rng.gen_range(0..40) {
                feed.step(&api, Duration::from_millis(20)).await;
            }
            admin.signed("POST", "/sim/faults", Some(&action.to_string())).await;
            let reconnected = step_until(&mut feed, &api, |f| f.data().stats().reconnects > reconnects).await;
            assert!(reconnected, "seed {seed} round {round}: {action} reconnected");
            assert!(
                step_until(&mut feed, &api, |f| f.data().all_up()).await,
                "seed {seed} round {round}: up"
            );
            let took = until_converged(&mut feed, &api, &venue, &tokens, PATIENCE).await;
            assert!(
                took.is_some(),
                "seed {seed} round {round}: books equal the venue after reconnecting after {action}"
            );
        }
    }
    let stats = feed.data().stats();
    assert!(stats.frames > 100 && stats.reconnects >= 9, "{stats:?}");
    feed.stop();
    venue.stop().await;
}

#[actix_rt::test]
async fn rest_polling_keeps_books_right_while_the_websocket_is_silent() {
    let (venue, tokens, api, mut feed, admin) = synced_feed_with(patient_config()).await;
    admin
        .signed(
            "POST",
            "/sim/faults",
            Some(&json!({"spec": {"stall_for": 8}, "action": "stall"}).to_string()),
        )
        .await;
    let before = feed.data().stats().rest_snapshots;
    for round in 1..=2 {
        let polled =
            step_until(&mut feed, &api, |f| f.data().stats().rest_snapshots >= before + 6 * round).await;
        assert!(polled, "six books polled in round {round}: {:?}", feed.data().stats());
        let took = until_converged(&mut feed, &api, &venue, &tokens, PATIENCE).await;
        assert!(took.is_some(), "REST polling tracks the venue while the websocket is silent");
    }
    assert!(!feed.data().all_up(), "all of it while the websocket stayed silent");
    admin.signed("POST", "/sim/faults", Some(&json!({"action": "clear"}).to_string())).await;
    assert!(step_until(&mut feed, &api, |f| f.data().all_up()).await, "the websocket is back");
    assert!(
        until_converged(&mut feed, &api, &venue, &tokens, PATIENCE).await.is_some(),
        "back on the websocket"
    );

    admin.signed("POST", "/sim/faults", Some(&json!({"spec": {"malformed": 0.3}}).to_string())).await;
    let reconnects = feed.data().stats().reconnects;
    let malformed = step_until(&mut feed, &api, |f| f.data().stats().malformed_frames > 0).await;
    admin.signed("POST", "/sim/faults", Some(&json!({"spec": {}}).to_string())).await;
    let stats = feed.data().stats();
    assert!(malformed, "{stats:?}");
    assert!(stats.reconnects <= reconnects + 1, "malformed frames do not cost the connection: {stats:?}");
    assert!(until_converged(&mut feed, &api, &venue, &tokens, PATIENCE).await.is_some(), "resynced");
    feed.stop();
    venue.stop().await;
}

#[actix_rt::test]
async fn the_user_feed_delivers_each_event_once_and_polls_trades_while_down() {
    use polymm::domain::{OrderChange, TradeState, UserEvent};
    use polymm::feed::LiveUser;

    let venue = common::sim::start(common::sim::options());
    let (condition, yes, no) = common::sim::market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let bob = Trader::fresh(&venue).await;
    let api = alice.client(&venue);
    let ws = WsConfig {
        ping_every: Duration::from_millis(200),
        dead_after: Duration::from_millis(800),
        ..config().ws
    };
    let mut user = LiveUser::start(
        &format!("{}/user", venue.ws_url),
        &venue.client_transport().unwrap(),
        alice.creds.clone(),
        vec![condition],
        ws,
        Duration::from_millis(1_200),
        Duration::from_millis(200),
        Arc::new(SystemClock),
    );
    let mut events = Vec::new();
    assert!(collect_until(&mut user, &api, &mut events, |_, user| user.is_up()).await, "subscribed");
    let bid = alice.order(&yes, Side::Buy, "0.40", "20", false);
    alice.post(&bid).await;
    assert_eq!(bob.post(&bob.order(&no, Side::Buy, "0.60", "5", false)).await.0, awc::http::StatusCode::OK);
    let confirmed = |events: &[UserEvent], _: &LiveUser| {
        events.iter().any(|e| matches!(e, UserEvent::Trade(t) if t.state == TradeState::Confirmed))
    };
    assert!(collect_until(&mut user, &api, &mut events, confirmed).await, "the trade settles: {events:?}");
    // A fence: the channel delivers in order, so once a later order's placement is in, any
    // repeat of the events before it would be too.
    let fence = alice.order(&yes, Side::Buy, "0.10", "5", false);
    alice.post(&fence).await;
    assert!(collect_until(&mut user, &api, &mut events, |e, _| placed(e, &fence.id)).await, "fence");
    assert!(
        alice
            .signed("DELETE", "/order", Some(&polymm::polymarket::cancel_body(&fence.id)))
            .await
            .0
            .is_success()
    );
    let placements = events
        .iter()
        .filter(|e| matches!(e, UserEvent::Order(o) if o.id == bid.id && o.change == OrderChange::Placement))
        .count();
    let states: Vec<TradeState> = events
        .iter()
        .filter_map(|e| if let UserEvent::Trade(t) = e { Some(t.state) } else { None })
        .collect();
    assert_eq!(placements, 1, "{events:?}");
    assert_eq!(
        states,
        [TradeState::Matched, TradeState::Mined, TradeState::Confirmed],
        "each status once: {events:?} {:?}",
        user.stats()
    );

    alice
        .signed(
            "POST",
            "/sim/faults",
            Some(&json!({"spec": {"stall_for": 9}, "action": "stall"}).to_string()),
        )
        .await;
    let down = collect_until(&mut user, &api, &mut events, |_, user| user.in_fallback()).await;
    assert!(down, "{:?}", user.stats());
    events.clear();
    assert_eq!(bob.post(&bob.order(&no, Side::Buy, "0.60", "5", false)).await.0, awc::http::StatusCode::OK);
    let both_by_rest = |events: &[UserEvent], _: &LiveUser| {
        events.iter().any(|e| matches!(e, UserEvent::Trade(_)))
            && events.iter().any(|e| matches!(e, UserEvent::Order(o) if o.id == bid.id && o.size_matched == rust_decimal::Decimal::TEN))
    };
    assert!(collect_until(&mut user, &api, &mut events, both_by_rest).await, "{events:?}");
    assert!(user.in_fallback(), "still on REST: {:?}", user.stats());
    let polled: Vec<_> =
        events.iter().filter_map(|e| if let UserEvent::Trade(t) = e { Some(t) } else { None }).collect();
    assert!(
        !polled.is_empty() && polled.iter().all(|t| t.fills[0].order == bid.id),
        "trades arrive by REST while down: {events:?}"
    );
    let updated = events.iter().any(|e| matches!(e, UserEvent::Order(o) if o.id == bid.id && o.size_matched == rust_decimal::Decimal::TEN));
    assert!(updated, "the open order's new matched size arrives by REST too: {events:?}");
    assert!(user.stats().polls > 0);
    assert_eq!(user.remembered().0, 1, "the open bid's matched size is remembered");
    let cancel = polymm::polymarket::cancel_body(&bid.id);
    assert!(alice.signed("DELETE", "/order", Some(&cancel)).await.0.is_success());
    let forgotten = collect_until(&mut user, &api, &mut events, |_, user| user.remembered().0 == 0).await;
    assert!(forgotten, "a cancelled order is forgotten, so memory stays bounded");
    user.stop();
    venue.stop().await;
}

/// Steps the user feed, gathering its events, until `done` holds; `false` if it did not
/// within [`PATIENCE`].
async fn collect_until(
    user: &mut polymm::feed::LiveUser,
    api: &ClobClient,
    events: &mut Vec<polymm::domain::UserEvent>,
    done: impl Fn(&[polymm::domain::UserEvent], &polymm::feed::LiveUser) -> bool,
) -> bool {
    let start = Instant::now();
    while !done(events, user) {
        if start.elapsed() > PATIENCE {
            return false;
        }
        events.extend(user.step(api, Duration::from_millis(20)).await);
    }
    true
}

/// Whether `events` hold the placement of order `id`.
fn placed(events: &[polymm::domain::UserEvent], id: &polymm::domain::OrderId) -> bool {
    use polymm::domain::{OrderChange, UserEvent};
    events
        .iter()
        .any(|e| matches!(e, UserEvent::Order(o) if o.id == *id && o.change == OrderChange::Placement))
}

#[actix_rt::test]
async fn the_user_feed_of_thousands_of_markets_still_delivers_events() {
    use polymm::feed::LiveUser;

    let venue = common::sim::start(common::sim::options());
    let (condition, yes, _) = common::sim::market(&venue, 0);
    let alice = Trader::test_account(&venue);
    let api = alice.client(&venue);
    let mut markets: Vec<String> = (0..2_000u32).map(|i| format!("0x{:064x}", u64::from(i) + 1)).collect();
    markets.push(condition);
    let mut user = LiveUser::start(
        &format!("{}/user", venue.ws_url),
        &venue.client_transport().unwrap(),
        alice.creds.clone(),
        markets,
        config().ws,
        Duration::from_secs(5),
        Duration::from_millis(500),
        Arc::new(SystemClock),
    );
    let mut events = Vec::new();
    assert!(collect_until(&mut user, &api, &mut events, |_, user| user.is_up()).await, "subscribed");
    let bid = alice.order(&yes, Side::Buy, "0.30", "5", false);
    assert!(alice.post(&bid).await.0.is_success());
    assert!(
        collect_until(&mut user, &api, &mut events, |e, _| placed(e, &bid.id)).await,
        "a subscription for 2,001 markets (a 140 KB list) still hears our orders: {:?}",
        user.stats()
    );
    user.stop();
    venue.stop().await;
}

#[actix_rt::test]
async fn a_user_channel_the_venue_never_takes_is_counted_as_down() {
    use polymm::feed::LiveUser;

    let venue = common::sim::start(common::sim::options());
    let alice = Trader::test_account(&venue);
    let api = common::sim::public_client(&venue);
    let mut refused = alice.creds.clone();
    refused.passphrase = polymm::secret::Secret::new("not the passphrase");
    let mut user = LiveUser::start(
        &format!("{}/user", venue.ws_url),
        &venue.client_transport().unwrap(),
        refused,
        Vec::new(),
        config().ws,
        Duration::from_millis(800),
        Duration::from_millis(200),
        Arc::new(SystemClock),
    );
    let mut events = Vec::new();
    let down = collect_until(&mut user, &api, &mut events, |_, user| user.in_fallback()).await;
    assert!(down && !user.is_up(), "never up, so down since the start: {:?}", user.stats());
    user.stop();
    venue.stop().await;
}
