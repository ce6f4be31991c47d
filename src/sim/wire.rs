//! The venue's JSON shapes: REST responses and websocket messages, built from venue state.
//! Field names, string-vs-number choices and level order follow real captures (API.md):
//! prices and sizes are strings, bids ascend and asks descend (best level last).

use serde_json::{Value, json};

use crate::domain::{Outcome, Side};
use crate::polymarket::book_hash::{SummaryFields, summary_hash};
use crate::sim::engine::book::BookSide;
use crate::sim::engine::units::{Lots, Ticks, base_units_decimal, complement, lots_decimal, price_decimal};
use crate::sim::venue::{
    AccountId, BookView, MarketSpec, MarketState, MarketStatus, OrderEventKind, OrderRecord, TradeRecord,
    TradeStatus, Venue, mirror_top,
};

/// A price as the venue writes it.
pub fn price_text(price: Ticks) -> String {
    price_decimal(price).to_string()
}

/// A size as the venue writes it.
pub fn size_text(lots: Lots) -> String {
    lots_decimal(lots).to_string()
}

fn levels_json(levels: &[(Ticks, Lots)]) -> Value {
    Value::Array(
        levels.iter().map(|(p, l)| json!({"price": price_text(*p), "size": size_text(*l)})).collect(),
    )
}

/// `/book` (and the websocket `book` event body without `event_type`), with its hash.
pub fn book_summary(spec: &MarketSpec, view: &BookView, outcome: Outcome, now_ms: u64) -> Value {
    let mut bids = view.token_levels(outcome, Side::Buy);
    bids.reverse();
    let mut asks = view.token_levels(outcome, Side::Sell);
    asks.reverse();
    let last = view.token_last_trade(outcome).map(|(price, _)| price_text(price)).unwrap_or_default();
    let market = spec.condition_id.to_string();
    let timestamp = now_ms.to_string();
    let min_order_size = size_text(spec.min_size);
    let tick_size = view.tick.value().to_string();
    let raw = |text: &str| Value::String(text.to_owned()).to_string();
    let fields = SummaryFields {
        market: &market,
        asset_id: spec.token(outcome).as_str(),
        timestamp: &timestamp,
        min_order_size: &raw(&min_order_size),
        tick_size: &raw(&tick_size),
        neg_risk: if spec.neg_risk { "true" } else { "false" },
        last_trade_price: &raw(&last),
    };
    let texts = |levels: &[(Ticks, Lots)]| -> Vec<(String, String)> {
        levels.iter().map(|(price, lots)| (price_text(*price), size_text(*lots))).collect()
    };
    let hash = summary_hash(&fields, texts(&bids), texts(&asks));
    json!({
        "market": market,
        "asset_id": spec.token(outcome).as_str(),
        "timestamp": timestamp,
        "hash": hash,
        "bids": levels_json(&bids),
        "asks": levels_json(&asks),
        "min_order_size": min_order_size,
        "tick_size": tick_size,
        "neg_risk": spec.neg_risk,
        "last_trade_price": last,
    })
}

/// `/book` for a market's token as it is now.
pub fn current_book(market: &MarketState, outcome: Outcome, now_ms: u64) -> Value {
    book_summary(&market.spec, &market.view(), outcome, now_ms)
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Yes => "Yes",
        Outcome::No => "No",
    }
}

fn iso8601(ms: u64) -> String {
    crate::clock::Millis(ms).iso8601()
}

fn rewards_json(market: &MarketState) -> Value {
    match &market.spec.rewards {
        Some(r) => json!({
            "rates": [{"asset_address": crate::polymarket::contracts::PUSD.to_string(), "rewards_daily_rate": r.daily_rate}],
            "min_size": r.min_size,
            "max_spread": r.max_spread_cents,
        }),
        None => json!({"rates": null, "min_size": 0, "max_spread": 0}),
    }
}

/// A CLOB `Market` object (`/markets`, `/markets/{condition_id}`).
pub fn clob_market(market: &MarketState) -> Value {
    let spec = &market.spec;
    let open = market.status == MarketStatus::Open;
    let winner = match market.status {
        MarketStatus::Resolved(winner) => Some(winner),
        MarketStatus::Open => None,
    };
    let token = |outcome: Outcome| {
        let price = market.token_mid_x2(outcome).map_or(0.5, |mid| f64::from(mid) / 20_000.0);
        json!({"token_id": spec.token(outcome).as_str(), "outcome": outcome_name(outcome), "price": price, "winner": winner == Some(outcome)})
    };
    json!({
        "enable_order_book": true, "active": open, "closed": !open, "archived": false,
        "accepting_orders": open, "accepting_order_timestamp": null,
        "minimum_order_size": lots_decimal(spec.min_size), "minimum_tick_size": market.tick.value(),
        "condition_id": spec.condition_id.to_string(), "question_id": spec.question_id.to_string(),
        "question": spec.question, "description": format!("Simulated market {}.", spec.slug),
        "market_slug": spec.slug, "end_date_iso": iso8601(spec.end_ms), "game_start_time": null,
        "seconds_delay": 0, "fpmm": "", "maker_base_fee": 0, "taker_base_fee": crate::sim::venue::fee_bps(&spec.fees),
        "notifications_enabled": false, "neg_risk": spec.neg_risk,
        "neg_risk_market_id": if spec.neg_risk { spec.question_id.to_string() } else { String::new() },
        "neg_risk_request_id": "", "rewards": rewards_json(market), "is_50_50_outcome": false,
        "tokens": [token(Outcome::Yes), token(Outcome::No)], "tags": ["Simulated"],
    })
}

/// The compact V2 market (`/clob-markets/{condition_id}`).
pub fn clob_market_compact(market: &MarketState) -> Value {
    let spec = &market.spec;
    let mut value = json!({
        "c": spec.condition_id.to_string(),
        "t": [{"t": spec.yes.as_str(), "o": "Yes"}, {"t": spec.no.as_str(), "o": "No"}],
        "mts": market.tick.value(),
        "fd": {"r": spec.fees.rate, "e": spec.fees.exponent, "to": spec.fees.taker_only},
        "mbf": 0, "tbf": crate::sim::venue::fee_bps(&spec.fees),
        "ao": market.status == MarketStatus::Open, "mos": lots_decimal(spec.min_size), "sd": 0,
        "r": spec.rewards.map(|r| json!({"mi": r.min_size, "ma": r.max_spread_cents, "e": true})),
    });
    if spec.neg_risk {
        value["nr"] = Value::Bool(true);
    }
    value
}

/// A Gamma market (`/gamma/markets`), with the fields a market maker reads.
pub fn gamma_market(market: &MarketState) -> Value {
    let spec = &market.spec;
    let open = market.status == MarketStatus::Open;
    let (bid, ask) = market.token_top(Outcome::Yes);
    let best_bid = bid.map_or(0.0, |p| f64::from(p) / 10_000.0);
    let best_ask = ask.map_or(1.0, |p| f64::from(p) / 10_000.0);
    let mid = market.token_mid_x2(Outcome::Yes).map_or(5_000, |m| m / 2);
    let volume = base_units_decimal(i128::try_from(market.volume_notional).unwrap_or(i128::MAX));
    let tokens = format!("[\"{}\", \"{}\"]", spec.yes, spec.no);
    let prices = format!("[\"{}\", \"{}\"]", price_text(mid), price_text(complement(mid)));
    let rewards = spec.rewards;
    json!({
        "id": spec.gamma_id.to_string(), "question": spec.question, "conditionId": spec.condition_id.to_string(),
        "questionID": spec.question_id.to_string(), "slug": spec.slug, "endDate": iso8601(spec.end_ms),
        "endDateIso": iso8601(spec.end_ms)[..10].to_owned(), "outcomes": "[\"Yes\", \"No\"]", "outcomePrices": prices,
        "clobTokenIds": tokens, "active": open, "closed": !open, "archived": false, "acceptingOrders": open,
        "enableOrderBook": true, "volume": volume.to_string(), "volumeNum": volume, "volume24hr": volume,
        "liquidity": "0", "liquidityNum": 0, "bestBid": best_bid, "bestAsk": best_ask,
        "spread": (best_ask - best_bid).max(0.0), "lastTradePrice": market.token_last_trade(Outcome::Yes).map_or(0.0, |(p, _)| f64::from(p) / 10_000.0),
        "orderPriceMinTickSize": market.tick.value(), "orderMinSize": lots_decimal(spec.min_size),
        "negRisk": spec.neg_risk, "rewardsMinSize": rewards.map_or(rust_decimal::Decimal::ZERO, |r| r.min_size),
        "rewardsMaxSpread": rewards.map_or(rust_decimal::Decimal::ZERO, |r| r.max_spread_cents),
        "clobRewards": rewards.map(|r| vec![json!({"id": spec.gamma_id.to_string(), "conditionId": spec.condition_id.to_string(), "rewardsDailyRate": r.daily_rate, "rewardsAmount": 0})]).unwrap_or_default(),
        "feesEnabled": !spec.fees.rate.is_zero(),
        "feeSchedule": if spec.fees.rate.is_zero() { Value::Null } else { json!({"rate": spec.fees.rate, "exponent": spec.fees.exponent, "takerOnly": spec.fees.taker_only, "rebateRate": 0}) },
        "version": 2, "events": [{"slug": spec.event_slug, "title": spec.event_slug}],
    })
}

/// An `OpenOrder` (`/data/orders`, `/data/order/{id}`).
pub fn open_order(venue: &Venue, record: &OrderRecord) -> Value {
    let order = &record.order;
    let Some(market) = venue.market(order.market) else { return Value::Null };
    let owner = venue.account(order.account).map(|a| a.owner.to_string()).unwrap_or_default();
    json!({
        "id": order.id.to_string(), "status": record.status.as_str(), "owner": owner,
        "maker_address": order.maker_address.to_string(), "market": market.spec.condition_id.to_string(),
        "asset_id": market.spec.token(order.outcome).as_str(), "side": order.side.as_str(),
        "original_size": size_text(order.lots), "size_matched": size_text(record.matched),
        "price": price_text(order.price), "associate_trades": record.trades, "outcome": outcome_name(order.outcome),
        "created_at": record.created_ms / 1_000, "expiration": order.expiration.to_string(),
        "order_type": order.order_type.as_str(),
    })
}

/// A `Trade` as `viewer` sees it (`/data/trades` and the user channel's trade event).
pub fn trade(venue: &Venue, trade: &TradeRecord, viewer: AccountId) -> Value {
    let Some(market) = venue.market(trade.market) else { return Value::Null };
    let owner = |id: AccountId| venue.account(id).map(|a| a.owner.to_string()).unwrap_or_default();
    let makers: Vec<Value> = trade
        .makers
        .iter()
        .map(|m| {
            json!({
                "order_id": m.order_id.to_string(), "owner": owner(m.account), "maker_address": m.maker_address.to_string(),
                "matched_amount": size_text(m.lots), "price": price_text(m.price), "fee_rate_bps": trade.fee_rate_bps.to_string(),
                "asset_id": market.spec.token(m.outcome).as_str(), "outcome": outcome_name(m.outcome), "side": m.side.as_str(),
            })
        })
        .collect();
    let is_taker = trade.taker == viewer;
    json!({
        "id": trade.id, "taker_order_id": trade.taker_order.to_string(), "market": market.spec.condition_id.to_string(),
        "asset_id": market.spec.token(trade.outcome).as_str(), "side": trade.side.as_str(), "size": size_text(trade.lots),
        "fee_rate_bps": trade.fee_rate_bps.to_string(), "price": price_text(trade.price), "status": trade.status.as_str(),
        "match_time": (trade.match_ms / 1_000).to_string(), "last_update": (trade.updated_ms / 1_000).to_string(),
        "outcome": outcome_name(trade.outcome), "bucket_index": 0, "owner": owner(viewer), "trade_owner": owner(viewer),
        "maker_address": trade.taker_address.to_string(), "maker_orders": makers,
        "transaction_hash": format!("0x{}", hex::encode(trade.transaction_hash)),
        "trader_side": if is_taker { "TAKER" } else { "MAKER" },
    })
}

/// A websocket message and who may receive it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Market the message is about.
    pub market: u32,
    /// Token it is about (`None`: both tokens of the market).
    pub outcome: Option<Outcome>,
    /// For the user channel: the account it belongs to.
    pub account: Option<AccountId>,
    /// The JSON text.
    pub text: String,
    /// Sent only to connections that subscribed with `custom_feature_enabled`.
    pub custom_feature: bool,
}

fn market_message(market: u32, outcome: Option<Outcome>, value: &Value) -> Outgoing {
    Outgoing { market, outcome, account: None, text: value.to_string(), custom_feature: false }
}

/// The custom-feature `best_bid_ask` messages of both tokens of a market.
fn best_bid_ask(state: &MarketState, market: u32, top: YesTop, now_ms: u64) -> Vec<Outgoing> {
    [Outcome::Yes, Outcome::No]
        .into_iter()
        .map(|outcome| {
            let (bid, ask) = mirror_top(outcome, top);
            let spread = match (bid, ask) {
                (Some(bid), Some(ask)) => price_text(ask.saturating_sub(bid)),
                _ => String::new(),
            };
            let body = json!({
                "event_type": "best_bid_ask", "market": state.spec.condition_id.to_string(),
                "asset_id": state.spec.token(outcome).as_str(), "best_bid": bid.map(price_text).unwrap_or_default(),
                "best_ask": ask.map(price_text).unwrap_or_default(), "spread": spread, "timestamp": now_ms.to_string(),
            });
            Outgoing { custom_feature: true, ..market_message(market, Some(outcome), &body) }
        })
        .collect()
}

/// The channel messages of a batch of venue events, in order (each `price_change` hashed
/// when no later event of the batch changes its market's book).
pub fn batch_messages(venue: &Venue, events: &[crate::sim::venue::VenueEvent], now_ms: u64) -> Vec<Outgoing> {
    let mut messages = Vec::new();
    for (index, event) in events.iter().enumerate() {
        let settled = !events[index + 1..].iter().any(|later| later.changes_book_of(event));
        messages.extend(event_messages(venue, event, now_ms, settled));
    }
    messages
}

/// The channel messages for one venue event. `settled`: no later event of this batch
/// changes the market's book, so its `price_change` entries carry the book's hash as the
/// venue's do (an earlier one's would describe a later book, so it carries none).
pub fn event_messages(
    venue: &Venue,
    event: &crate::sim::venue::VenueEvent,
    now_ms: u64,
    settled: bool,
) -> Vec<Outgoing> {
    use crate::sim::venue::VenueEvent as E;
    let ts = now_ms.to_string();
    match event {
        E::Levels { market, changes, top } => {
            let Some(state) = venue.market(*market) else { return Vec::new() };
            let mut out = vec![price_change(state, *market, changes, *top, now_ms, settled)];
            out.extend(best_bid_ask(state, *market, *top, now_ms));
            out
        }
        E::Book { market, view } => {
            let Some(state) = venue.market(*market) else { return Vec::new() };
            [Outcome::Yes, Outcome::No]
                .into_iter()
                .map(|outcome| {
                    let mut body = book_summary(&state.spec, view, outcome, now_ms);
                    body["event_type"] = Value::String("book".into());
                    market_message(*market, Some(outcome), &body)
                })
                .collect()
        }
        E::LastTrade { market, price, side, lots, fee_rate_bps, transaction_hash } => {
            let Some(state) = venue.market(*market) else { return Vec::new() };
            [Outcome::Yes, Outcome::No]
                .into_iter()
                .map(|outcome| {
                    let (token_price, token_side) = match outcome {
                        Outcome::Yes => (*price, *side),
                        Outcome::No => (complement(*price), side.opposite()),
                    };
                    let body = json!({
                        "asset_id": state.spec.token(outcome).as_str(), "event_type": "last_trade_price",
                        "fee_rate_bps": fee_rate_bps.to_string(), "market": state.spec.condition_id.to_string(),
                        "price": price_text(token_price), "side": token_side.as_str(), "size": size_text(*lots), "timestamp": ts,
                        "transaction_hash": format!("0x{}", hex::encode(transaction_hash)),
                    });
                    market_message(*market, Some(outcome), &body)
                })
                .collect()
        }
        E::TickSize { market, old, new } => {
            let Some(state) = venue.market(*market) else { return Vec::new() };
            [Outcome::Yes, Outcome::No]
                .into_iter()
                .map(|outcome| {
                    let body = json!({
                        "asset_id": state.spec.token(outcome).as_str(), "event_type": "tick_size_change",
                        "market": state.spec.condition_id.to_string(), "old_tick_size": old.value().to_string(),
                        "new_tick_size": new.value().to_string(), "timestamp": ts,
                    });
                    market_message(*market, Some(outcome), &body)
                })
                .collect()
        }
        E::Resolved { market, winner } => {
            let Some(state) = venue.market(*market) else { return Vec::new() };
            let body = json!({
                "event_type": "market_resolved", "id": state.spec.gamma_id.to_string(),
                "market": state.spec.condition_id.to_string(), "assets_ids": [state.spec.yes.as_str(), state.spec.no.as_str()],
                "winning_asset_id": state.spec.token(*winner).as_str(), "winning_outcome": outcome_name(*winner), "timestamp": ts,
                "event_message": event_message(state), "tags": ["Sim"],
            });
            vec![Outgoing { custom_feature: true, ..market_message(*market, None, &body) }]
        }
        E::Order { account, record, kind } => {
            order_event(venue, *account, record, *kind, &ts).into_iter().collect()
        }
        E::Trade { trade: index, status } => trade_events(venue, *index, *status, &ts),
    }
}

/// A message that still parses as JSON but carries one field of the wrong type (what a
/// venue schema change looks like): the first `size`, `price`, `status` or `side` found
/// becomes an object. Text that is not JSON is returned as it was.
pub fn with_a_wrong_field(text: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<Value>(text) else { return text.to_owned() };
    spoil_first_field(&mut value);
    value.to_string()
}

fn spoil_first_field(value: &mut Value) -> bool {
    const FIELDS: [&str; 4] = ["size", "price", "status", "side"];
    match value {
        Value::Object(map) => {
            if let Some(name) = FIELDS.into_iter().find(|name| map.contains_key(*name)) {
                map.insert(name.to_owned(), json!({"unexpected": true}));
                return true;
            }
            map.values_mut().any(spoil_first_field)
        }
        Value::Array(items) => items.iter_mut().any(spoil_first_field),
        _ => false,
    }
}

/// The `event_message` object of custom-feature events: the market's event.
fn event_message(state: &MarketState) -> Value {
    let spec = &state.spec;
    json!({
        "id": spec.gamma_id.to_string(), "ticker": spec.slug, "slug": spec.slug,
        "title": spec.question, "description": spec.question,
    })
}

/// A YES-terms best bid and best ask.
type YesTop = (Option<Ticks>, Option<Ticks>);

/// `price_change` for both tokens of a market. Entries carry the top of book right after
/// the change and, when `settled`, the hash of their token's book after it (the recipe of
/// `/book`, at the message's timestamp); otherwise an empty hash.
fn price_change(
    state: &MarketState,
    market: u32,
    changes: &[(BookSide, Ticks, Lots)],
    top: YesTop,
    now_ms: u64,
    settled: bool,
) -> Outgoing {
    let mut entries = Vec::with_capacity(changes.len() * 2);
    let view = settled.then(|| state.view());
    for outcome in [Outcome::Yes, Outcome::No] {
        let (bid, ask) = mirror_top(outcome, top);
        let hash = match &view {
            Some(view) => book_summary(&state.spec, view, outcome, now_ms)["hash"].clone(),
            None => Value::String(String::new()),
        };
        for (book_side, yes_price, lots) in changes {
            let side = match (*book_side, outcome) {
                (BookSide::Bid, Outcome::Yes) | (BookSide::Ask, Outcome::No) => Side::Buy,
                _ => Side::Sell,
            };
            let price = if outcome == Outcome::No { complement(*yes_price) } else { *yes_price };
            entries.push(json!({
                "asset_id": state.spec.token(outcome).as_str(), "price": price_text(price), "size": size_text(*lots),
                "side": side.as_str(), "hash": hash, "best_bid": bid.map(price_text).unwrap_or_default(),
                "best_ask": ask.map(price_text).unwrap_or_default(),
            }));
        }
    }
    let body = json!({
        "market": state.spec.condition_id.to_string(), "price_changes": entries,
        "event_type": "price_change", "timestamp": now_ms.to_string(),
    });
    market_message(market, None, &body)
}

fn order_event(
    venue: &Venue,
    account: AccountId,
    record: &OrderRecord,
    kind: OrderEventKind,
    ts: &str,
) -> Option<Outgoing> {
    let mut body = open_order(venue, record);
    if body.is_null() {
        return None;
    }
    body["event_type"] = Value::String("order".into());
    body["type"] = Value::String(kind.as_str().into());
    body["order_owner"] = body["owner"].clone();
    body["created_at"] = Value::String((record.created_ms / 1_000).to_string());
    body["timestamp"] = Value::String(ts.to_owned());
    if record.trades.is_empty() {
        body["associate_trades"] = Value::Null;
    }
    Some(Outgoing {
        market: record.order.market,
        outcome: Some(record.order.outcome),
        account: Some(account),
        text: body.to_string(),
        custom_feature: false,
    })
}

fn trade_events(venue: &Venue, index: usize, status: TradeStatus, ts: &str) -> Vec<Outgoing> {
    let Some(record) = venue.trade(index) else { return Vec::new() };
    let mut viewers: Vec<AccountId> =
        std::iter::once(record.taker).chain(record.makers.iter().map(|m| m.account)).collect();
    viewers.sort_unstable();
    viewers.dedup();
    viewers
        .into_iter()
        .filter(|id| venue.account(*id).is_some_and(|a| a.kind == crate::sim::venue::AccountKind::Client))
        .map(|viewer| {
            let mut body = trade(venue, record, viewer);
            body["event_type"] = Value::String("trade".into());
            body["type"] = Value::String("TRADE".into());
            body["status"] = Value::String(status.as_str().into());
            body["timestamp"] = Value::String(ts.to_owned());
            Outgoing {
                market: record.market,
                outcome: Some(record.outcome),
                account: Some(viewer),
                text: body.to_string(),
                custom_feature: false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use sha1::{Digest, Sha1};

    use super::*;
    use crate::domain::TickSize;
    use crate::sim::venue::LastTrade;

    #[test]
    fn book_hash_is_sha1_of_the_summary_with_an_empty_hash() {
        let spec = crate::testkit::market_spec(1, 0, 500, 0);
        let view = BookView {
            bids: vec![(4_800, 3_000)],
            asks: vec![(5_200, 2_500)],
            last_trade: Some(LastTrade { price: 5_000, side: Side::Buy, lots: 100 }),
            tick: TickSize::Hundredth,
        };
        let no_book = book_summary(&spec, &view, Outcome::No, 7);
        assert_eq!(
            no_book["bids"],
            json!([{"price": "0.48", "size": "25"}]),
            "a YES ask at 0.52 is a NO bid at 0.48"
        );
        assert_eq!(no_book["last_trade_price"], "0.5");
        let mut unhashed = no_book.clone();
        unhashed["hash"] = Value::String(String::new());
        let expected = hex::encode(Sha1::digest(unhashed.to_string().as_bytes()));
        assert_eq!(no_book["hash"], expected.as_str());
        let keys: Vec<&str> = no_book.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "market",
                "asset_id",
                "timestamp",
                "hash",
                "bids",
                "asks",
                "min_order_size",
                "tick_size",
                "neg_risk",
                "last_trade_price"
            ]
        );
    }
}
