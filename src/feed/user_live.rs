//! The user channel's I/O shell: one authenticated websocket connection whose `order` and
//! `trade` events are decoded (trades reduced to our fills, repeats of the same trade
//! status dropped); when the connection stays down past a threshold, our trades and open
//! orders are polled over REST instead (an open order whose matched size changed comes out
//! as an `UPDATE`), and the log says so. "Down" starts at a disconnect: a connection that is
//! quiet because we have no activity is up. A reconnection is reported as a gap: whatever
//! was sent meanwhile is lost, and the markets reconcile with the venue.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::user::{decode_user, order_from_rest, trade_from_rest};
use super::user_spot::{Heard, markets_out_of_step};
use crate::clock::Clock;
use crate::domain::UserEvent;
use crate::polymarket::auth::ApiCreds;
use crate::polymarket::client::ClobClient;
use crate::polymarket::connection::WsEvent;
use crate::polymarket::transport::Transport;
use crate::polymarket::ws::{Subscription, WsConfig, spawn_connection};

/// Above this many markets the user channel is subscribed without a market filter.
pub const MAX_FILTERED_MARKETS: usize = 200;

/// How many trade statuses are remembered to drop the venue's repeats.
pub const SEEN_TRADES: usize = 100_000;

/// Counters of the user feed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UserStats {
    /// Text frames received.
    pub frames: u64,
    /// Events delivered.
    pub events: u64,
    /// Frames that could not be decoded (skipped).
    pub malformed: u64,
    /// REST polls made while the websocket was down.
    pub polls: u64,
    /// Reconnects.
    pub reconnects: u64,
    /// Spot checks of our open orders and trades against REST while the stream is up.
    pub spot_checks: u64,
    /// Markets a spot check found out of step (each then read back).
    pub spot_gaps: u64,
}

/// How often the open orders and recent trades the stream told us about are compared with
/// the venue's over REST while the stream is up.
pub const SPOT_EVERY_MS: u64 = 5_000;

/// A running user feed.
pub struct LiveUser {
    events: UnboundedReceiver<WsEvent>,
    task: actix_rt::task::JoinHandle<()>,
    clock: Arc<dyn Clock>,
    api_key: String,
    fallback_after_ms: u64,
    poll_every_ms: u64,
    up: bool,
    ever_up: bool,
    down_since_ms: Option<u64>,
    last_poll_ms: u64,
    polling: bool,
    seen: HashSet<(String, crate::domain::TradeState)>,
    seen_order: std::collections::VecDeque<(String, crate::domain::TradeState)>,
    matched: std::collections::HashMap<String, Heard>,
    last_spot_ms: u64,
    suspects: Vec<crate::domain::ConditionId>,
    stats: UserStats,
    gap: bool,
    gap_markets: Vec<crate::domain::ConditionId>,
}

impl LiveUser {
    /// Connects to the user channel at `ws_url` over `transport` for `markets` (condition
    /// ids; empty: all).
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        ws_url: &str,
        transport: &Transport,
        creds: ApiCreds,
        markets: Vec<String>,
        ws: WsConfig,
        fallback_after: Duration,
        poll_every: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let (sender, events) = unbounded_channel();
        let api_key = creds.api_key.clone();
        let started_ms = clock.now().0;
        // A long list makes a subscribe frame the venue refuses (the sim, like actix-ws,
        // takes frames of up to 64 KiB: about 900 condition ids); the feed drops the events of
        // markets it does not trade anyway.
        let markets = if markets.len() > MAX_FILTERED_MARKETS { Vec::new() } else { markets };
        let task = spawn_connection(
            ws_url.to_owned(),
            transport.clone(),
            0,
            Subscription::User { creds, markets },
            ws,
            clock.clone(),
            sender,
        );
        Self {
            events,
            task,
            clock,
            api_key,
            fallback_after_ms: fallback_after.as_millis() as u64,
            poll_every_ms: poll_every.as_millis() as u64,
            up: false,
            ever_up: false,
            // Down until a first frame proves otherwise: a channel the venue keeps refusing must
            // fall back to REST like one that dropped.
            down_since_ms: Some(started_ms),
            last_poll_ms: 0,
            polling: false,
            seen: HashSet::new(),
            seen_order: std::collections::VecDeque::new(),
            matched: std::collections::HashMap::new(),
            last_spot_ms: started_ms,
            suspects: Vec::new(),
            stats: UserStats::default(),
            gap: false,
            gap_markets: Vec::new(),
        }
    }

    /// Whether the connection came back since the last call: events sent while it was down
    /// are lost (a cancel by the venue, a fill), so the markets must reconcile.
    pub fn take_gap(&mut self) -> bool {
        std::mem::take(&mut self.gap)
    }

    /// The markets whose events a malformed frame may have held since the last call: each
    /// must read its orders and trades back.
    pub fn take_gap_markets(&mut self) -> Vec<crate::domain::ConditionId> {
        std::mem::take(&mut self.gap_markets)
    }

    /// Counters.
    pub fn stats(&self) -> UserStats {
        self.stats
    }

    /// Whether the channel works now: the venue answered since the last (re)connect, so
    /// our subscription was taken.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Whether the REST fallback is active now.
    pub fn in_fallback(&self) -> bool {
        self.down_since_ms
            .is_some_and(|since| self.clock.now().0.saturating_sub(since) >= self.fallback_after_ms)
    }

    /// Waits up to `wait` for activity; returns the new user events.
    pub async fn step(&mut self, client: &ClobClient, wait: Duration) -> Vec<UserEvent> {
        let mut out = Vec::new();
        if let Ok(Some(event)) = tokio::time::timeout(wait, self.events.recv()).await {
            self.on_ws(event, &mut out);
            while let Ok(event) = self.events.try_recv() {
                self.on_ws(event, &mut out);
            }
        }
        let now = self.clock.now().0;
        let fallback = self.in_fallback();
        if fallback != self.polling {
            self.polling = fallback;
            if fallback {
                tracing::warn!("user websocket down: polling trades over REST");
            } else {
                tracing::info!("user websocket back: leaving REST fallback");
            }
        }
        if fallback && now.saturating_sub(self.last_poll_ms) >= self.poll_every_ms {
            self.last_poll_ms = now;
            self.poll(client, &mut out).await;
        } else if !fallback && self.up && now.saturating_sub(self.last_spot_ms) >= SPOT_EVERY_MS {
            self.last_spot_ms = now;
            self.spot_check(client, &mut out).await;
        }
        self.stats.events += out.len() as u64;
        out
    }

    fn on_ws(&mut self, event: WsEvent, out: &mut Vec<UserEvent>) {
        match event {
            WsEvent::Connected { .. } => {
                if self.ever_up {
                    self.stats.reconnects += 1;
                    self.gap = true;
                }
            }
            WsEvent::Disconnected { reason, .. } => {
                tracing::warn!(%reason, "user websocket disconnected; reconnecting");
                if self.up {
                    self.down_since_ms = Some(self.clock.now().0);
                }
                self.up = false;
            }
            WsEvent::Frame { text, .. } => {
                self.stats.frames += 1;
                if text.trim().eq_ignore_ascii_case("PONG") {
                    self.mark_up();
                    return;
                }
                match decode_user(&text, &self.api_key) {
                    Ok(events) => {
                        self.mark_up();
                        for event in events {
                            if let UserEvent::Order(order) = &event {
                                self.track_matched(order);
                            }
                            if self.first_time(&event) {
                                out.push(event);
                            }
                        }
                    }
                    Err(error) => {
                        self.stats.malformed += 1;
                        let markets = markets_named(&text);
                        tracing::warn!(%error, markets = markets.len(), "malformed user-channel frame skipped; reading the venue back");
                        if markets.is_empty() {
                            self.gap = true;
                        }
                        self.gap_markets.extend(markets);
                    }
                }
            }
        }
    }

    /// A frame the channel only sends when it works (our events, or the answer to a PING):
    /// an error message before the venue closes the connection does not count.
    fn mark_up(&mut self) {
        self.up = true;
        self.ever_up = true;
        self.down_since_ms = None;
    }

    /// Whether an event is new (a trade status is delivered once). The memory of statuses
    /// seen keeps the last [`SEEN_TRADES`]: a daemon that runs for weeks must not keep them all.
    fn first_time(&mut self, event: &UserEvent) -> bool {
        let UserEvent::Trade(trade) = event else { return true };
        let key = (trade.id.clone(), trade.state);
        if !self.seen.insert(key.clone()) {
            return false;
        }
        self.seen_order.push_back(key);
        while self.seen_order.len() > SEEN_TRADES {
            if let Some(oldest) = self.seen_order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        true
    }

    /// Whether the stream delivered any status of trade `id`.
    fn heard_of(&self, id: &str) -> bool {
        use crate::domain::TradeState as S;
        [S::Matched, S::Mined, S::Confirmed, S::Retrying, S::Failed]
            .into_iter()
            .any(|state| self.seen.contains(&(id.to_owned(), state)))
    }

    /// Remembers an open order's matched size (for the REST fallback to notice a change);
    /// a filled or cancelled order is forgotten.
    fn track_matched(&mut self, order: &crate::domain::OrderUpdate) {
        let done = order.change == crate::domain::OrderChange::Cancellation
            || order.status.eq_ignore_ascii_case("MATCHED")
            || order.status.eq_ignore_ascii_case("CANCELED");
        if done {
            self.matched.remove(&order.id.to_string());
        } else {
            let heard =
                Heard { size_matched: order.size_matched, market: order.market, at_ms: self.clock.now().0 };
            self.matched.insert(order.id.to_string(), heard);
        }
    }

    /// Orders remembered and trade statuses seen (bounded memory, for tests and status).
    pub fn remembered(&self) -> (usize, usize) {
        (self.matched.len(), self.seen.len())
    }

    async fn poll(&mut self, client: &ClobClient, out: &mut Vec<UserEvent>) {
        self.stats.polls += 1;
        match client.trades(None, None).await {
            Ok(trades) => {
                for trade in trades {
                    if let Ok(update) = trade_from_rest(&trade, &self.api_key) {
                        let event = UserEvent::Trade(update);
                        if self.first_time(&event) {
                            out.push(event);
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "polling trades failed"),
        }
        match client.open_orders(None).await {
            Ok(orders) => {
                let open: HashSet<&str> = orders.iter().map(|o| o.id.as_str()).collect();
                self.matched.retain(|id, _| open.contains(id.as_str()));
                let now = self.clock.now().0;
                for order in orders {
                    let Ok(market) = order.market.parse() else { continue };
                    let heard = Heard { size_matched: order.size_matched, market, at_ms: now };
                    let previous = self.matched.insert(order.id.clone(), heard);
                    if previous.is_some_and(|p| p.size_matched != order.size_matched)
                        && let Ok(update) = order_from_rest(&order)
                    {
                        out.push(UserEvent::Order(update));
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "polling open orders failed"),
        }
    }

    /// The spot check while the stream is up: a trade of ours the stream did not deliver
    /// (matched over 3 s ago) is delivered now and its market read back; so is every market
    /// whose open orders differed from what the stream told us on two checks in a row (see
    /// [`markets_out_of_step`]; one check can catch a fill whose event is on its way).
    async fn spot_check(&mut self, client: &ClobClient, out: &mut Vec<UserEvent>) {
        self.stats.spot_checks += 1;
        let now_secs = self.clock.now().as_secs();
        let since_secs = now_secs.saturating_sub(SPOT_EVERY_MS / 1_000 * 4);
        let mut out_of_step = Vec::new();
        match client.trades(None, Some(since_secs)).await {
            Ok(trades) => {
                for trade in trades.iter().filter(|t| t.match_time + 3 <= now_secs) {
                    let Ok(update) = trade_from_rest(trade, &self.api_key) else { continue };
                    let unheard = !self.heard_of(&update.id);
                    if unheard && !update.fills.is_empty() {
                        out_of_step.push(update.market);
                        let event = UserEvent::Trade(update);
                        if self.first_time(&event) {
                            out.push(event);
                        }
                    }
                }
            }
            Err(error) => tracing::debug!(%error, "spot check: reading trades failed"),
        }
        match client.open_orders(None).await {
            Ok(orders) => {
                let now = self.clock.now().0;
                let suspects = markets_out_of_step(&self.matched, &orders, now);
                let confirmed: Vec<_> =
                    suspects.iter().filter(|m| self.suspects.contains(m)).copied().collect();
                // The venue is the truth: a confirmed market's orders are taken from it, so
                // an event lost for good is not found again at every check.
                adopt(&mut self.matched, &orders, &confirmed, now);
                self.suspects = suspects.into_iter().filter(|m| !confirmed.contains(m)).collect();
                out_of_step.extend(confirmed);
            }
            Err(error) => tracing::debug!(%error, "spot check: reading open orders failed"),
        }
        out_of_step.sort_unstable();
        out_of_step.dedup();
        if !out_of_step.is_empty() {
            self.stats.spot_gaps += out_of_step.len() as u64;
            tracing::warn!(
                markets = out_of_step.len(),
                "spot check: the user stream missed events; reading the venue back"
            );
            self.gap_markets.extend(out_of_step);
        }
    }

    /// Stops the connection.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// Replaces what the stream told us of `markets`' open orders with the venue's `orders`.
fn adopt(
    heard: &mut std::collections::HashMap<String, Heard>,
    orders: &[crate::polymarket::client::types::OpenOrder],
    markets: &[crate::domain::ConditionId],
    now_ms: u64,
) {
    heard.retain(|_, known| !markets.contains(&known.market));
    for order in orders {
        let Ok(market) = order.market.parse() else { continue };
        if markets.contains(&market) {
            heard.insert(order.id.clone(), Heard { size_matched: order.size_matched, market, at_ms: now_ms });
        }
    }
}

/// The markets a frame names in its `market` fields (one event or a list), whatever else
/// is wrong with it.
fn markets_named(text: &str) -> Vec<crate::domain::ConditionId> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    let events = match &value {
        serde_json::Value::Array(events) => events.iter().collect(),
        one => vec![one],
    };
    events.into_iter().filter_map(|event| event.get("market")?.as_str()?.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_frame_names_the_markets_it_held_when_it_can() {
        let market = format!("0x{}", "ab".repeat(32));
        let one = format!(r#"{{"event_type":"trade","market":"{market}","size":"not a number"}}"#);
        assert_eq!(markets_named(&one), vec![market.parse().unwrap()]);
        let list = format!(r#"[{{"market":"{market}"}},{{"market":"nonsense"}},{{"id":1}}]"#);
        assert_eq!(markets_named(&list).len(), 1);
        assert!(markets_named("{not json").is_empty(), "then every market reads back");
    }
}
