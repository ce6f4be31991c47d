//! The websocket channels: `/ws/market` (subscribe by token ids; `book`, `price_change`,
//! `last_trade_price`, `tick_size_change`, `market_resolved`) and `/ws/user` (authenticated
//! with the API key, secret and passphrase; `order` and `trade` events), with the text
//! `PING`/`PONG` keepalive. Websocket faults (drops, stalls, unparseable frames, valid
//! frames with a wrong field, fragmented messages) apply here.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{Message, MessageStream, Session};
use futures_util::StreamExt as _;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::state::SimState;
use crate::domain::{ConditionId, Outcome, TokenId};
use crate::sim::venue::AccountId;
use crate::sim::wire::{Outgoing, current_book};

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/ws/market", web::get().to(market_channel)).route("/ws/user", web::get().to(user_channel));
}

/// Who a connection receives messages for.
#[derive(Debug, Default)]
enum Audience {
    /// Nothing yet.
    #[default]
    Nobody,
    /// Market channel: these tokens, and whether custom-feature events are wanted.
    Tokens(HashSet<(u32, Outcome)>, bool),
    /// User channel: this account, in these markets (empty: all).
    Account(AccountId, HashSet<u32>),
}

impl Audience {
    fn wants(&self, message: &Outgoing) -> bool {
        match (self, message.account) {
            (Self::Tokens(_, false), None) if message.custom_feature => false,
            (Self::Tokens(tokens, _), None) => match message.outcome {
                Some(outcome) => tokens.contains(&(message.market, outcome)),
                None => {
                    tokens.contains(&(message.market, Outcome::Yes))
                        || tokens.contains(&(message.market, Outcome::No))
                }
            },
            (Self::Account(account, markets), Some(owner)) => {
                owner == *account && (markets.is_empty() || markets.contains(&message.market))
            }
            _ => false,
        }
    }
}

/// Fault settings a connection refreshes twice a second (time-driven faults start and end
/// on their own), and before its next message whenever the operator changed them.
#[derive(Debug, Clone, Copy)]
struct WsFaults {
    generation: u64,
    stalled: bool,
    malformed: f64,
    wrong_field: f64,
    fragmented: f64,
    lost: f64,
}

fn ws_faults(state: &SimState) -> WsFaults {
    state.with_world(|world, now| {
        let spec = world.faults.spec();
        WsFaults {
            generation: world.faults.drop_generation(now),
            stalled: world.faults.stalled(now),
            malformed: spec.malformed,
            wrong_field: spec.wrong_field,
            fragmented: spec.fragmented,
            lost: spec.lost,
        }
    })
}

/// Re-reads the faults if the operator changed them since `seen_version`.
fn refresh(state: &SimState, faults: &mut WsFaults, seen_version: &mut u64) {
    let version = state.faults_version();
    if version != *seen_version {
        *seen_version = version;
        *faults = ws_faults(state);
    }
}

/// How one message goes out.
enum Delivery {
    /// As one text frame.
    Whole(String),
    /// As a first text frame and continuation frames.
    Fragments(String),
    /// Not at all.
    Lost,
}

/// Applies the message faults: a message lost, unparseable text, a valid message with a
/// field of the wrong type, or the message in fragments.
fn deliver(text: &str, faults: &WsFaults, rng: &mut StdRng) -> Delivery {
    if faults.lost > 0.0 && rng.gen_bool(faults.lost.min(1.0)) {
        return Delivery::Lost;
    }
    if faults.malformed > 0.0 && rng.gen_bool(faults.malformed.min(1.0)) {
        let cut = text.char_indices().nth(text.len() / 2).map_or(0, |(at, _)| at);
        return Delivery::Whole(format!("{{\"event_type\":\"book\",\"asset_id\":{}", &text[..cut]));
    }
    if faults.wrong_field > 0.0 && rng.gen_bool(faults.wrong_field.min(1.0)) {
        return Delivery::Whole(crate::sim::wire::with_a_wrong_field(text));
    }
    if faults.fragmented > 0.0 && rng.gen_bool(faults.fragmented.min(1.0)) {
        return Delivery::Fragments(text.to_owned());
    }
    Delivery::Whole(text.to_owned())
}

/// Sends one message; `false` when the connection is gone.
async fn send(session: &mut Session, delivery: Delivery) -> bool {
    use actix_ws::Item;
    let text = match delivery {
        Delivery::Whole(text) => return session.text(text).await.is_ok(),
        Delivery::Lost => return true,
        Delivery::Fragments(text) => actix_web::web::Bytes::from(text),
    };
    let third = (text.len() / 3).max(1).min(text.len());
    let (first, rest) = text.split_at(third);
    let (middle, last) = rest.split_at(rest.len() / 2);
    session.continuation(Item::FirstText(text.slice_ref(first))).await.is_ok()
        && session.continuation(Item::Continue(text.slice_ref(middle))).await.is_ok()
        && session.continuation(Item::Last(text.slice_ref(last))).await.is_ok()
}

async fn market_channel(
    state: web::Data<SimState>,
    req: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    actix_rt::spawn(run(state.into_inner(), session, stream, Channel::Market));
    Ok(response)
}

async fn user_channel(
    state: web::Data<SimState>,
    req: HttpRequest,
    body: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    actix_rt::spawn(run(state.into_inner(), session, stream, Channel::User));
    Ok(response)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Market,
    User,
}

async fn run(state: Arc<SimState>, mut session: Session, mut stream: MessageStream, channel: Channel) {
    let mut hub = state.subscribe();
    let mut audience = Audience::default();
    let mut faults = ws_faults(&state);
    let start_generation = faults.generation;
    let mut seen_version = state.faults_version();
    let mut check = actix_rt::time::interval(Duration::from_millis(500));
    let mut rng = StdRng::from_entropy();
    loop {
        tokio::select! {
            incoming = stream.next() => {
                refresh(&state, &mut faults, &mut seen_version);
                let keep = match incoming {
                    Some(Ok(Message::Text(text))) => {
                        on_text(&state, &mut session, &mut audience, channel, &text, faults.stalled).await
                    }
                    Some(Ok(Message::Ping(bytes))) => session.pong(&bytes).await.is_ok(),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => false,
                    Some(Ok(_)) => true,
                };
                if !keep {
                    break;
                }
            }
            outgoing = hub.recv() => {
                refresh(&state, &mut faults, &mut seen_version);
                match outgoing {
                    Ok(message) if !faults.stalled && audience.wants(&message) => {
                        if !send(&mut session, deliver(&message.text, &faults, &mut rng)).await {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => break,
                }
            }
            _ = check.tick() => {
                faults = ws_faults(&state);
                if faults.generation != start_generation {
                    break;
                }
            }
        }
    }
    let _ = session.close(None).await;
}

/// Handles one client text frame; `false` closes the connection.
async fn on_text(
    state: &SimState,
    session: &mut Session,
    audience: &mut Audience,
    channel: Channel,
    text: &str,
    stalled: bool,
) -> bool {
    if text.trim().eq_ignore_ascii_case("PING") {
        return stalled || session.text("PONG").await.is_ok();
    }
    let Ok(request) = serde_json::from_str::<Value>(text) else {
        return session.text(json!({"error": "invalid message"}).to_string()).await.is_ok();
    };
    match channel {
        Channel::Market => {
            let snapshot = subscribe_tokens(state, audience, &request);
            snapshot.is_empty() || stalled || session.text(Value::Array(snapshot).to_string()).await.is_ok()
        }
        Channel::User => match authenticate_user(state, audience, &request) {
            Ok(()) => true,
            Err(message) => {
                let _ = session.text(json!({"error": message}).to_string()).await;
                false
            }
        },
    }
}

/// Applies a market-channel subscribe or unsubscribe; returns the `book` snapshots of newly
/// subscribed tokens.
fn subscribe_tokens(state: &SimState, audience: &mut Audience, request: &Value) -> Vec<Value> {
    let ids: Vec<TokenId> = request
        .get("assets_ids")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default();
    let unsubscribe = request.get("operation").and_then(Value::as_str) == Some("unsubscribe");
    if !matches!(audience, Audience::Tokens(..)) {
        *audience = Audience::Tokens(HashSet::new(), false);
    }
    let Audience::Tokens(tokens, custom) = audience else { return Vec::new() };
    if let Some(enabled) = request.get("custom_feature_enabled").and_then(Value::as_bool) {
        *custom = enabled;
    }
    state.with_world(|world, now| {
        let mut snapshots = Vec::new();
        for id in &ids {
            let Some(key) = world.venue.token(id) else { continue };
            if unsubscribe {
                tokens.remove(&key);
            } else if tokens.insert(key)
                && let Some(market) = world.venue.market(key.0)
            {
                let mut book = current_book(market, key.1, now);
                book["event_type"] = Value::String("book".into());
                snapshots.push(book);
            }
        }
        snapshots
    })
}

/// Authenticates a user-channel subscription (the raw secret is sent, as on the venue).
fn authenticate_user(state: &SimState, audience: &mut Audience, request: &Value) -> Result<(), &'static str> {
    let markets: Vec<ConditionId> = request
        .get("markets")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default();
    if let Audience::Account(_, subscribed) = audience {
        return state.with_world(|world, _| {
            subscribed.extend(markets.iter().filter_map(|c| world.venue.condition(c)));
            Ok(())
        });
    }
    let auth = request.get("auth").ok_or("authentication required")?;
    let field = |name: &str| auth.get(name).and_then(Value::as_str).unwrap_or_default();
    state.with_world(|world, _| {
        let issued = world.keys.get(field("apiKey")).cloned().ok_or("Unauthorized/Invalid api key")?;
        let valid = issued.creds.secret.expose() == field("secret")
            && issued.creds.passphrase.expose() == field("passphrase");
        if !valid {
            return Err("Unauthorized/Invalid api key");
        }
        let account = world.client_account(&issued.creds.api_key, issued.address);
        let filter = markets.iter().filter_map(|c| world.venue.condition(c)).collect();
        *audience = Audience::Account(account, filter);
        Ok(())
    })
}
