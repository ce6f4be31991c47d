use rust_decimal_macros::dec;

use super::*;
use crate::domain::TradeState;
use crate::feed::decode::decode_market;

const YES: &str = "11";
const NO: &str = "22";

fn market() -> ConditionId {
    ConditionId::from_bytes([7; 32])
}

fn venue(balance: Decimal) -> PaperVenue {
    let mut venue = PaperVenue::new(balance, [(market(), YES.parse().unwrap())]);
    feed(
        &mut venue,
        r#"{"event_type": "book", "asset_id": "11", "market": "M", "timestamp": "1", "hash": "h",
            "bids": [{"price": "0.48", "size": "30"}], "asks": [{"price": "0.52", "size": "40"}]}"#,
    );
    venue
}

fn feed(venue: &mut PaperVenue, frame: &str) {
    decode_market(frame, |event| venue.on_market(&event, 1_000)).unwrap();
}

fn trade(venue: &mut PaperVenue, price: &str, size: &str, taker: &str) {
    let frame = format!(
        r#"{{"event_type": "last_trade_price", "asset_id": "11", "market": "M", "price": "{price}",
            "size": "{size}", "side": "{taker}", "timestamp": "2"}}"#
    );
    feed(venue, &frame);
}

fn order(outcome: Outcome, side: Side, price: Decimal, size: Decimal) -> OrderRequest {
    let token = if outcome == Outcome::Yes { YES } else { NO };
    OrderRequest {
        market: market(),
        token: token.parse().unwrap(),
        outcome,
        side,
        price: Price::new(price).unwrap(),
        size: Size::new(size).unwrap(),
    }
}

fn id(n: u8) -> OrderId {
    OrderId::from_bytes([n; 32])
}

#[test]
fn a_yes_bid_waits_its_turn_in_the_queue_then_fills_and_settles_the_account() {
    let mut venue = venue(dec!(100));
    venue.place(id(1), &order(Outcome::Yes, Side::Buy, dec!(0.48), dec!(10))).unwrap();
    assert!(matches!(&venue.take_events()[..], [UserEvent::Order(o)] if o.change == OrderChange::Placement));
    trade(&mut venue, "0.48", "30", "SELL");
    assert!(venue.take_events().is_empty(), "the 30 shares resting before us trade first");
    trade(&mut venue, "0.48", "4", "SELL");
    let events = venue.take_events();
    let [UserEvent::Order(update), UserEvent::Trade(fill)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((update.size_matched, update.status.as_str()), (dec!(4), "LIVE"));
    assert_eq!(
        (fill.state, fill.fills[0].price, fill.fills[0].size),
        (TradeState::Confirmed, dec!(0.48), dec!(4))
    );
    assert_eq!(venue.cash(), dec!(100) - dec!(1.92));
    assert_eq!(venue.shares(&YES.parse().unwrap()), dec!(4));
    assert_eq!(venue.open_orders(&market())[0].remaining.value(), dec!(6));
    let recent: Vec<String> = venue.recent_trades(&market(), 0).into_iter().map(|t| t.id).collect();
    assert_eq!(recent, vec![fill.id.clone()]);
    assert!(venue.recent_trades(&market(), 2_000).is_empty());
}

#[test]
fn a_no_bid_rests_as_a_yes_ask_and_its_events_come_back_in_no_terms() {
    let mut venue = venue(dec!(100));
    venue.place(id(2), &order(Outcome::No, Side::Buy, dec!(0.47), dec!(5))).unwrap();
    let placed = venue.take_events();
    assert!(
        matches!(&placed[..], [UserEvent::Order(o)] if o.asset.as_str() == NO && o.side == Side::Buy && o.price == dec!(0.47)),
        "{placed:?}"
    );
    trade(&mut venue, "0.53", "5", "BUY");
    let events = venue.take_events();
    let [UserEvent::Order(done), UserEvent::Trade(fill)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((done.status.as_str(), done.asset.as_str(), done.price), ("MATCHED", NO, dec!(0.47)));
    let own = &fill.fills[0];
    assert_eq!((own.asset.as_str(), own.side, own.price, own.size), (NO, Side::Buy, dec!(0.47), dec!(5)));
    assert_eq!(venue.shares(&NO.parse().unwrap()), dec!(5));
    assert_eq!(venue.cash(), dec!(100) - dec!(2.35));
    assert!(venue.open_orders(&market()).is_empty(), "a finished order is forgotten");
}

#[test]
fn placements_the_account_cannot_cover_or_that_would_cross_are_refused() {
    let mut venue = venue(dec!(5));
    venue.place(id(1), &order(Outcome::Yes, Side::Buy, dec!(0.40), dec!(10))).unwrap();
    let second = venue.place(id(2), &order(Outcome::Yes, Side::Buy, dec!(0.40), dec!(5)));
    assert!(matches!(second, Err(PaperRefusal::Balance(_))), "4 of the 5 pUSD are reserved: {second:?}");
    let unheld = venue.place(id(3), &order(Outcome::Yes, Side::Sell, dec!(0.60), dec!(1)));
    assert!(matches!(unheld, Err(PaperRefusal::Balance(_))), "no YES shares to sell");
    let crossing = venue.place(id(4), &order(Outcome::No, Side::Buy, dec!(0.53), dec!(1)));
    assert_eq!(
        crossing,
        Err(PaperRefusal::Crosses),
        "a NO bid at 0.53 is a YES ask at 0.47, under the 0.48 bid"
    );
    let elsewhere = OrderRequest {
        market: ConditionId::from_bytes([1; 32]),
        ..order(Outcome::Yes, Side::Buy, dec!(0.1), dec!(1))
    };
    assert!(matches!(venue.place(id(5), &elsewhere), Err(PaperRefusal::UnknownMarket(_))));
}

#[test]
fn cancels_answer_what_was_open_and_free_the_reservation() {
    let mut venue = venue(dec!(5));
    venue.place(id(1), &order(Outcome::Yes, Side::Buy, dec!(0.40), dec!(10))).unwrap();
    venue.place(id(2), &order(Outcome::Yes, Side::Buy, dec!(0.10), dec!(10))).unwrap();
    let (cancelled, refused) = venue.cancel(&[id(1), id(9)]);
    assert_eq!((cancelled, refused), (vec![id(1)], vec![id(9)]));
    venue.place(id(3), &order(Outcome::Yes, Side::Buy, dec!(0.40), dec!(10))).unwrap();
    assert_eq!(venue.cancel_all(), 2);
    assert!(venue.open_orders(&market()).is_empty());
    let cancellations = venue
        .take_events()
        .into_iter()
        .filter(|e| matches!(e, UserEvent::Order(o) if o.change == OrderChange::Cancellation));
    assert_eq!(cancellations.count(), 3);
    assert_eq!(venue.cash(), dec!(5), "nothing filled, nothing spent");
}
