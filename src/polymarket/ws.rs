//! Websocket connections to the venue's market and user channels (awc), one task per
//! connection ("shard"). Each task subscribes, forwards every text frame to its consumer,
//! sends the text `PING` on schedule, treats a `PING` without its `PONG` within a few
//! seconds as a stall and a silent connection as dead, and reconnects
//! with exponential backoff and jitter, reporting every connect and disconnect. Decoding
//! and book keeping are the consumer's (see `feed`).
//!
//! A message sent in fragments (continuation frames) is reassembled up to
//! [`MAX_MESSAGE_BYTES`]; one beyond that, or a fragment out of order, ends the connection
//! so the consumer resyncs on reconnecting rather than silently missing it.
//!
//! Tasks run on the current actix arbiter (awc is not `Send`).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use rand::Rng;
use tokio::sync::mpsc::UnboundedSender;

use super::auth::ApiCreds;
pub use super::connection::WsEvent;
use super::connection::{Backoff, Liveness, LivenessTiming, Upkeep};
use super::transport::{Transport, host_of, ws_certificate_failure};
use crate::clock::Clock;

/// What a connection subscribes to.
#[derive(Clone)]
pub enum Subscription {
    /// Market channel: these token ids.
    Market {
        /// Token ids (at most 500 per connection).
        assets: Vec<String>,
    },
    /// User channel: these condition ids (empty: all), with the API credentials.
    User {
        /// Credentials (the raw secret is sent, as the venue requires).
        creds: ApiCreds,
        /// Condition ids.
        markets: Vec<String>,
    },
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Market { assets } => f.debug_struct("Market").field("assets", &assets.len()).finish(),
            Self::User { markets, .. } => {
                f.debug_struct("User").field("markets", &markets.len()).finish_non_exhaustive()
            }
        }
    }
}

impl Subscription {
    /// The subscribe frame.
    fn frame(&self) -> String {
        match self {
            Self::Market { assets } => {
                serde_json::json!({"assets_ids": assets, "type": "market", "custom_feature_enabled": true}).to_string()
            }
            Self::User { creds, markets } => serde_json::json!({
                "auth": {"apiKey": creds.api_key, "secret": creds.secret.expose(), "passphrase": creds.passphrase.expose()},
                "markets": markets,
                "type": "user",
            })
            .to_string(),
        }
    }
}

/// The largest message reassembled from fragments (the venue's frames are far smaller).
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;

/// A text message being reassembled from continuation frames.
#[derive(Default)]
struct Fragments {
    text: Option<Vec<u8>>,
}

impl Fragments {
    /// Takes one continuation item: the whole message when it is complete, or why the
    /// message cannot be used.
    fn push(&mut self, item: actix_ws::Item) -> Result<Option<Vec<u8>>, String> {
        use actix_ws::Item;
        let (bytes, last) = match item {
            Item::FirstText(bytes) if self.text.is_none() => {
                self.text = Some(Vec::new());
                (bytes, false)
            }
            Item::Continue(bytes) if self.text.is_some() => (bytes, false),
            Item::Last(bytes) if self.text.is_some() => (bytes, true),
            Item::FirstBinary(_) => return Err("a binary message in fragments".to_owned()),
            _ => return Err("a continuation frame out of order".to_owned()),
        };
        let text = self.text.get_or_insert_with(Vec::new);
        if text.len() + bytes.len() > MAX_MESSAGE_BYTES {
            self.text = None;
            return Err(format!("a fragmented message over {MAX_MESSAGE_BYTES} bytes"));
        }
        text.extend_from_slice(&bytes);
        Ok(if last { self.text.take() } else { None })
    }
}

/// Timing of a connection.
#[derive(Debug, Clone, Copy)]
pub struct WsConfig {
    /// Text `PING` interval.
    pub ping_every: Duration,
    /// A `PING` without its `PONG` for this long: the connection is stalled, so it is
    /// dropped and its consumer resyncs.
    pub pong_within: Duration,
    /// No frame for this long: dead.
    pub dead_after: Duration,
    /// First reconnect delay.
    pub backoff_base: Duration,
    /// Longest reconnect delay.
    pub backoff_cap: Duration,
}

impl Default for WsConfig {
    fn default() -> Self {
        Self {
            ping_every: Duration::from_secs(1),
            pong_within: Duration::from_millis(1_000),
            dead_after: Duration::from_secs(30),
            backoff_base: Duration::from_millis(250),
            backoff_cap: Duration::from_secs(30),
        }
    }
}

/// Starts one connection task over `transport`; it runs until the consumer drops its
/// receiver.
pub fn spawn_connection(
    url: String,
    transport: Transport,
    shard: usize,
    subscription: Subscription,
    config: WsConfig,
    clock: Arc<dyn Clock>,
    events: UnboundedSender<WsEvent>,
) -> actix_rt::task::JoinHandle<()> {
    actix_rt::spawn(async move {
        let mut backoff =
            Backoff::new(config.backoff_base.as_millis() as u64, config.backoff_cap.as_millis() as u64);
        while !events.is_closed() {
            let reason = match connect(&url, &transport).await {
                Ok(framed) => {
                    backoff.reset();
                    run(framed, shard, &subscription, &config, clock.as_ref(), &events).await
                }
                Err(reason) => reason,
            };
            if events.send(WsEvent::Disconnected { shard, reason }).is_err() {
                return;
            }
            let delay = backoff.next_delay_ms(rand::thread_rng().r#gen());
            actix_rt::time::sleep(Duration::from_millis(delay)).await;
        }
    })
}

type Framed = actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>;

/// A text frame's owned text. Valid UTF-8 (every frame the venue sends) is checked by the
/// standard library's fast path and copied once; anything else is copied with replacement
/// characters, for the decoder to count as malformed.
pub fn frame_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

async fn connect(url: &str, transport: &Transport) -> Result<Framed, String> {
    let client = transport.http_client(Duration::from_secs(10));
    match client.ws(url).max_frame_size(16 << 20).connect().await {
        Ok((_, framed)) => Ok(framed),
        Err(err) => Err(match ws_certificate_failure(url, &err) {
            Some(refused) => refused.to_string(),
            None => format!("connect to {}: {err}", host_of(url)),
        }),
    }
}

/// Runs one connection until it ends; returns why.
async fn run(
    mut framed: Framed,
    shard: usize,
    subscription: &Subscription,
    config: &WsConfig,
    clock: &dyn Clock,
    events: &UnboundedSender<WsEvent>,
) -> String {
    if let Err(err) = framed.send(awc::ws::Message::Text(subscription.frame().into())).await {
        return format!("subscribe: {err}");
    }
    if events.send(WsEvent::Connected { shard }).is_err() {
        return "consumer gone".into();
    }
    // A first PING at once: the venue's PONG shows the subscription was taken.
    if let Err(err) = framed.send(awc::ws::Message::Text("PING".into())).await {
        return format!("ping: {err}");
    }
    let timing = LivenessTiming {
        ping_every_ms: config.ping_every.as_millis() as u64,
        pong_within_ms: config.pong_within.as_millis() as u64,
        dead_after_ms: config.dead_after.as_millis() as u64,
    };
    let mut liveness = Liveness::new(timing, clock.now().0);
    let mut tick = actix_rt::time::interval(Duration::from_millis(250));
    let mut fragments = Fragments::default();
    loop {
        tokio::select! {
            frame = framed.next() => match frame {
                Some(Ok(awc::ws::Frame::Text(bytes))) => {
                    if bytes.trim_ascii().eq_ignore_ascii_case(b"PONG") {
                        liveness.on_pong(clock.now().0);
                    } else {
                        liveness.on_frame(clock.now().0);
                    }
                    let text = frame_text(&bytes);
                    if events.send(WsEvent::Frame { shard, text, received: std::time::Instant::now() }).is_err() {
                        return "consumer gone".into();
                    }
                    // Let the feed apply this frame before the next is read: a burst read
                    // whole would hold its first frame back until its last was in.
                    tokio::task::yield_now().await;
                }
                Some(Ok(awc::ws::Frame::Ping(bytes))) => {
                    liveness.on_frame(clock.now().0);
                    if framed.send(awc::ws::Message::Pong(bytes)).await.is_err() {
                        return "pong failed".into();
                    }
                }
                Some(Ok(awc::ws::Frame::Continuation(item))) => {
                    liveness.on_frame(clock.now().0);
                    match fragments.push(item) {
                        Ok(None) => {}
                        Ok(Some(bytes)) => {
                            let text = frame_text(&bytes);
                            if events.send(WsEvent::Frame { shard, text, received: std::time::Instant::now() }).is_err() {
                                return "consumer gone".into();
                            }
                        }
                        Err(why) => return format!("refused {why}; reconnecting to resync"),
                    }
                }
                Some(Ok(awc::ws::Frame::Close(reason))) => return format!("closed by venue: {reason:?}"),
                Some(Ok(_)) => liveness.on_frame(clock.now().0),
                Some(Err(err)) => return format!("protocol: {err}"),
                None => return "connection ended".into(),
            },
            _ = tick.tick() => match liveness.check(clock.now().0) {
                Upkeep::Idle => {}
                Upkeep::Ping => {
                    if framed.send(awc::ws::Message::Text("PING".into())).await.is_err() {
                        return "ping failed".into();
                    }
                }
                Upkeep::Dead => return format!("no frames for {:?}", config.dead_after),
                Upkeep::Stalled => {
                    return format!("stalled: a PING unanswered for {:?}; reconnecting to resync", config.pong_within);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::web::Bytes;
    use actix_ws::Item;

    #[test]
    fn fragments_are_reassembled_in_order_and_refused_out_of_order_or_too_big() {
        let mut fragments = Fragments::default();
        assert_eq!(fragments.push(Item::FirstText(Bytes::from_static(b"[{\"a\""))), Ok(None));
        assert_eq!(fragments.push(Item::Continue(Bytes::from_static(b":"))), Ok(None));
        assert_eq!(fragments.push(Item::Last(Bytes::from_static(b"1}]"))), Ok(Some(b"[{\"a\":1}]".to_vec())));
        assert!(fragments.push(Item::Continue(Bytes::from_static(b"x"))).is_err(), "no message started");
        assert!(fragments.push(Item::FirstBinary(Bytes::new())).is_err());
        let big = Bytes::from(vec![b'x'; MAX_MESSAGE_BYTES]);
        assert_eq!(fragments.push(Item::FirstText(big)), Ok(None));
        assert!(fragments.push(Item::Last(Bytes::from_static(b"!"))).is_err(), "over the cap");
        assert_eq!(fragments.push(Item::FirstText(Bytes::from_static(b"ok"))), Ok(None), "starts afresh");
    }
}
