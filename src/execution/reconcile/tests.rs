use rust_decimal_macros::dec;
use serde_json::json;

use super::*;

const MARKET_A: &str = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const MARKET_B: &str = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const ORDER: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

fn order(market: &str, asset: &str, side: &str, price: &str) -> OpenOrder {
    serde_json::from_value(json!({
        "id": ORDER, "status": "LIVE", "market": market, "asset_id": asset, "side": side,
        "original_size": "10", "size_matched": "4", "price": price,
    }))
    .unwrap()
}

fn position(asset: &str, size: f64) -> Position {
    serde_json::from_value(json!({"asset": asset, "conditionId": MARKET_A, "size": size})).unwrap()
}

fn trade(market: &str) -> Trade {
    serde_json::from_value(json!({
        "id": "t1", "taker_order_id": ORDER, "market": market, "asset_id": "1", "side": "BUY",
        "size": "5", "price": "0.5", "status": "MATCHED",
    }))
    .unwrap()
}

struct Ids {
    markets: [ConditionId; 2],
    tokens: [TokenId; 4],
}

fn ids() -> Ids {
    Ids {
        markets: [MARKET_A.parse().unwrap(), MARKET_B.parse().unwrap()],
        tokens: ["11".parse().unwrap(), "12".parse().unwrap(), "21".parse().unwrap(), "22".parse().unwrap()],
    }
}

fn targets(ids: &Ids) -> Vec<Target<'_>> {
    vec![
        Target { market: &ids.markets[0], yes: &ids.tokens[0], no: &ids.tokens[1] },
        Target { market: &ids.markets[1], yes: &ids.tokens[2], no: &ids.tokens[3] },
    ]
}

#[test]
fn orders_and_shares_go_to_their_own_market() {
    let ids = ids();
    let reads = AccountReads {
        open: vec![
            order(MARKET_A, "12", "BUY", "0.4"),
            order(&MARKET_B.to_uppercase().replace("0X", "0x"), "21", "SELL", "0.7"),
        ],
        positions: vec![position("11", 25.5), position("22", 3.0)],
        recent_trades: Vec::new(),
    };
    let states = split(&targets(&ids), &reads);
    let a = states[0].as_ref().unwrap();
    assert_eq!((a.yes, a.no), (dec!(25.5), dec!(0)));
    assert_eq!(a.open.len(), 1);
    assert_eq!((a.open[0].outcome, a.open[0].side), (Outcome::No, Side::Buy));
    assert_eq!(a.open[0].remaining.value(), dec!(6), "original size less what matched");
    let b = states[1].as_ref().unwrap();
    assert_eq!((b.yes, b.no), (dec!(0), dec!(3)));
    assert_eq!((b.open[0].outcome, b.open[0].side), (Outcome::Yes, Side::Sell));
}

#[test]
fn a_market_that_traded_recently_is_left_to_be_read_alone() {
    let ids = ids();
    let reads = AccountReads {
        open: vec![order(MARKET_A, "11", "BUY", "0.4")],
        positions: vec![position("11", 5.0)],
        recent_trades: vec![trade(MARKET_A)],
    };
    let states = split(&targets(&ids), &reads);
    assert!(states[0].is_none(), "the indexer may not have that fill yet");
    assert_eq!(states[1].as_ref().unwrap().open, Vec::new());
}

#[test]
fn unreadable_orders_are_skipped_not_guessed() {
    let ids = ids();
    let reads = AccountReads {
        open: vec![order(MARKET_A, "11", "HOLD", "0.4"), order(MARKET_A, "11", "BUY", "1.5")],
        ..AccountReads::default()
    };
    let states = split(&targets(&ids), &reads);
    assert!(states[0].as_ref().unwrap().open.is_empty());
}
