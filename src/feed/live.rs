//! The market feed's I/O shell: starts one websocket connection per shard, feeds their
//! events into [`MarketData`], resyncs untrusted books from REST snapshots, compares a few
//! trusted books a second with REST snapshots in rotation (replacing any that differ), and
//! polls REST for the tokens of a connection that stays down (saying so in the log). The feed actor
//! and `polymm book` both drive it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::books::SharedBooks;
use super::priority::{BookChanges, TopWatch, top_of};
use super::sync::MarketData;
use crate::clock::Clock;
use crate::domain::TokenId;
use crate::polymarket::client::ClobClient;
use crate::polymarket::transport::Transport;
use crate::polymarket::ws::{Subscription, WsConfig, spawn_connection};

/// The most websocket events applied in one step.
pub const BURST: usize = 32;

/// The most books compared with the venue's hash in one step (only when no event waits).
pub const HASH_CHECKS_PER_STEP: usize = 8;

/// Feed timing.
#[derive(Debug, Clone, Copy)]
pub struct FeedConfig {
    /// Connection timing.
    pub ws: WsConfig,
    /// Tokens per connection (the venue allows about 500).
    pub per_connection: usize,
    /// A connection down this long switches its tokens to REST polling.
    pub fallback_after: Duration,
    /// REST polling interval while in fallback.
    pub poll_every: Duration,
    /// Minimum interval between REST resync rounds.
    pub resync_every: Duration,
    /// Trusted books compared with a REST snapshot each second, in rotation (0: none).
    pub spot_checks_per_sec: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            ws: WsConfig::default(),
            per_connection: 500,
            fallback_after: Duration::from_secs(5),
            poll_every: Duration::from_secs(1),
            resync_every: Duration::from_millis(250),
            spot_checks_per_sec: 2,
        }
    }
}

/// A running market feed.
pub struct LiveFeed {
    data: MarketData,
    events: UnboundedReceiver<crate::polymarket::ws::WsEvent>,
    tasks: Vec<actix_rt::task::JoinHandle<()>>,
    clock: Arc<dyn Clock>,
    config: FeedConfig,
    last_resync_ms: u64,
    last_poll_ms: u64,
    last_spot_ms: u64,
    spot_cursor: usize,
    in_fallback: bool,
    frame_times: Vec<(String, std::time::Instant)>,
    tops: TopWatch,
    recorder: Option<crate::data::Recorder>,
    snapshots_due: Vec<String>,
}

impl LiveFeed {
    /// Connects to the market channel at `ws_url` over `transport` for `assets`, keeping
    /// their books in `books`.
    pub fn start(
        ws_url: &str,
        transport: &Transport,
        books: SharedBooks,
        assets: &[String],
        config: FeedConfig,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let data = MarketData::new(
            books,
            assets,
            config.per_connection,
            config.fallback_after.as_millis() as u64,
            clock.now().0,
        );
        let (sender, events) = unbounded_channel();
        let tasks = data
            .shard_assets()
            .into_iter()
            .enumerate()
            .map(|(shard, assets)| {
                let subscription = Subscription::Market { assets };
                spawn_connection(
                    ws_url.to_owned(),
                    transport.clone(),
                    shard,
                    subscription,
                    config.ws,
                    clock.clone(),
                    sender.clone(),
                )
            })
            .collect();
        Self {
            data,
            events,
            tasks,
            clock,
            config,
            last_resync_ms: 0,
            last_poll_ms: 0,
            last_spot_ms: 0,
            spot_cursor: 0,
            in_fallback: false,
            frame_times: Vec::new(),
            tops: TopWatch::default(),
            recorder: None,
            snapshots_due: Vec::new(),
        }
    }

    /// The same feed recording what arrives: every frame with its read time and
    /// connection, connects and drops, and a REST snapshot of every token now and after
    /// each reconnect (on its connection's tokens).
    pub fn with_recorder(mut self, mut recorder: crate::data::Recorder) -> Self {
        recorder.marker(0, crate::data::format::MarkerKind::Start, "");
        self.snapshots_due = self.data.shard_assets().concat();
        self.recorder = Some(recorder);
        self
    }

    /// Records a market's changed metadata, when recording.
    pub fn record_meta(&mut self, meta: &crate::data::MarketMeta) {
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.meta(meta);
        }
    }

    /// The recorder's counters, when recording.
    pub fn recorder_stats(&self) -> Option<std::sync::Arc<crate::data::RecorderStats>> {
        self.recorder.as_ref().map(crate::data::Recorder::stats)
    }

    /// The same feed showing every decoded event to `tap` too.
    pub fn with_tap(mut self, tap: super::sync::MarketTap) -> Self {
        self.data.set_tap(tap);
        self
    }

    /// The books and counters.
    pub fn data(&self) -> &MarketData {
        &self.data
    }

    /// The trades printed since the last call.
    pub fn take_prints(&mut self) -> Vec<super::sync::Print> {
        self.data.take_prints()
    }

    /// When the first frame that changed `token`'s book in the last `step` was read off
    /// its connection: the start of the hot path for that book.
    pub fn frame_at(&self, token: &str) -> Option<std::time::Instant> {
        let found = self.frame_times.binary_search_by(|(t, _)| t.as_str().cmp(token));
        found.ok().map(|i| self.frame_times[i].1)
    }

    /// Whether market data is flowing, by websocket or through the REST fallback.
    pub fn healthy(&self) -> bool {
        self.data.all_up() || self.in_fallback
    }

    /// Waits up to `wait` for feed activity, applies the websocket events waiting (up to
    /// [`BURST`]) and does the REST upkeep; returns the tokens whose books changed, those
    /// whose top moved first (see [`TopWatch`]).
    pub async fn step(&mut self, client: &ClobClient, wait: Duration) -> BookChanges {
        let mut touched = Vec::new();
        self.frame_times.clear();
        let ready = match self.events.try_recv() {
            Ok(event) => Some(event),
            Err(_) => {
                // Idle: the hash checks take this time, never a frame's.
                touched.extend(self.data.check_hashes(HASH_CHECKS_PER_STEP));
                tokio::time::timeout(wait, self.events.recv()).await.ok().flatten()
            }
        };
        if let Some(event) = ready {
            self.apply(&event, &mut touched);
            for _ in 1..BURST {
                let Ok(event) = self.events.try_recv() else { break };
                self.apply(&event, &mut touched);
            }
        }
        // By token, the earliest read first for each (the stable sort keeps arrival order).
        self.frame_times.sort_by(|a, b| a.0.cmp(&b.0));
        self.frame_times.dedup_by(|later, first| later.0 == first.0);
        touched.extend(self.rest_upkeep(client).await);
        touched.sort_unstable();
        touched.dedup();
        let data = &self.data;
        self.tops.split(touched, |token| top_of(data.book(token).as_deref()))
    }

    fn apply(&mut self, event: &crate::polymarket::ws::WsEvent, touched: &mut Vec<String>) {
        if self.recorder.is_some() {
            self.record(event);
        }
        let changed = self.data.on_ws(event, self.clock.now().0);
        if let crate::polymarket::ws::WsEvent::Frame { received, .. } = event {
            self.frame_times.extend(changed.iter().map(|token| (token.clone(), *received)));
        }
        touched.extend(changed);
    }

    fn record(&mut self, event: &crate::polymarket::ws::WsEvent) {
        use crate::data::format::MarkerKind;
        use crate::polymarket::ws::WsEvent;
        let Some(recorder) = self.recorder.as_mut() else { return };
        match event {
            WsEvent::Frame { shard, text, received } => recorder.frame(*shard as u32, *received, text),
            WsEvent::Connected { shard } => {
                recorder.marker(*shard as u32, MarkerKind::Connect, "");
                if let Some(assets) = self.data.shard_assets().get(*shard) {
                    self.snapshots_due.extend(assets.iter().cloned());
                }
            }
            WsEvent::Disconnected { shard, reason } => {
                recorder.marker(*shard as u32, MarkerKind::Drop, reason)
            }
        }
    }

    /// Writes REST snapshots to the recording (never applied here: the feed's own resync
    /// rules decide what the books take).
    fn record_snapshots(&mut self, books: &[crate::polymarket::client::types::OrderBookSummary]) {
        let Some(recorder) = self.recorder.as_mut() else { return };
        for summary in books {
            if let Ok(json) = serde_json::to_vec(summary) {
                recorder.snapshot(&json);
            }
        }
    }

    /// The recording's snapshots due (at start and after reconnects), a hundred at a time.
    async fn snapshot_for_recording(&mut self, client: &ClobClient) {
        if self.snapshots_due.is_empty() {
            return;
        }
        let take = self.snapshots_due.len().min(100);
        let assets: Vec<String> = self.snapshots_due.drain(..take).collect();
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.marker(0, crate::data::format::MarkerKind::Resync, "REST snapshots for the recording");
        }
        let tokens: Vec<TokenId> = assets.iter().filter_map(|a| a.parse().ok()).collect();
        match client.books(&tokens).await {
            Ok(books) => self.record_snapshots(&books),
            Err(error) => {
                tracing::warn!(%error, "recording: REST snapshots failed; trying again");
                self.snapshots_due.extend(assets);
            }
        }
    }

    async fn rest_upkeep(&mut self, client: &ClobClient) -> Vec<String> {
        if self.recorder.is_some() {
            self.snapshot_for_recording(client).await;
            if let Some(recorder) = self.recorder.as_mut() {
                recorder.flush_if_due();
            }
        }
        let now = self.clock.now().0;
        let fallback = self.data.fallback_assets(now);
        if fallback.is_empty() == self.in_fallback {
            self.in_fallback = !fallback.is_empty();
            if self.in_fallback {
                tracing::warn!(tokens = fallback.len(), "market websocket down: polling books over REST");
            } else {
                tracing::info!("market websocket back: leaving REST fallback");
            }
        }
        let due = if !fallback.is_empty()
            && now.saturating_sub(self.last_poll_ms) >= self.config.poll_every.as_millis() as u64
        {
            self.last_poll_ms = now;
            fallback
        } else if self.data.all_up()
            && now.saturating_sub(self.last_resync_ms) >= self.config.resync_every.as_millis() as u64
        {
            self.last_resync_ms = now;
            self.data.stale()
        } else {
            Vec::new()
        };
        if due.is_empty() && self.data.all_up() && now.saturating_sub(self.last_spot_ms) >= 1_000 {
            self.last_spot_ms = now;
            return self.spot_check(client).await;
        }
        self.fetch(client, &due).await
    }

    /// The rolling spot check: a few trusted books against REST snapshots; returns those
    /// replaced because they differed.
    async fn spot_check(&mut self, client: &ClobClient) -> Vec<String> {
        let picked = self.data.spot_candidates(&mut self.spot_cursor, self.config.spot_checks_per_sec);
        let tokens: Vec<TokenId> = picked.iter().filter_map(|a| a.parse().ok()).collect();
        if tokens.is_empty() {
            return Vec::new();
        }
        let books = match client.books(&tokens).await {
            Ok(books) => books,
            Err(error) => {
                tracing::debug!(%error, "spot check: REST book snapshot failed");
                return Vec::new();
            }
        };
        self.record_snapshots(&books);
        let mut replaced = Vec::new();
        for summary in books {
            if self.data.spot_check(&summary) == super::sync::SpotCheck::Replaced {
                tracing::info!(
                    token = %summary.asset_id,
                    "spot check: the book differed from a newer REST snapshot (an update lost or on its way); replaced"
                );
                replaced.push(summary.asset_id);
            }
        }
        replaced
    }

    async fn fetch(&mut self, client: &ClobClient, assets: &[String]) -> Vec<String> {
        let mut restored = Vec::new();
        for chunk in assets.chunks(100) {
            let tokens: Vec<TokenId> = chunk.iter().filter_map(|a| a.parse().ok()).collect();
            match client.books(&tokens).await {
                Ok(books) => {
                    self.record_snapshots(&books);
                    for summary in books {
                        if self.data.apply_rest(&summary) {
                            restored.push(summary.asset_id);
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "REST book snapshot failed"),
            }
        }
        restored
    }

    /// Stops every connection (and writes out the recording).
    pub fn stop(self) {
        self.tasks.into_iter().for_each(|task| task.abort());
        if let Some(recorder) = self.recorder {
            recorder.close();
        }
    }
}
