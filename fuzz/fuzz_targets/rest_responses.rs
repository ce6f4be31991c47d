//! REST answers: a book summary, open orders and trades parsed from the venue's JSON and
//! turned into the daemon's types, as the client and the reconcile do.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polymm::feed::user::{order_from_rest, trade_from_rest};
use polymm::polymarket::client::types::{OpenOrder, OrderBookSummary, Trade};

fuzz_target!(|data: &[u8]| {
    if let Ok(summary) = serde_json::from_slice::<OrderBookSummary>(data) {
        let _ = summary.to_book();
    }
    if let Ok(orders) = serde_json::from_slice::<Vec<OpenOrder>>(data) {
        orders.iter().for_each(|order| drop(order_from_rest(order)));
    }
    if let Ok(trades) = serde_json::from_slice::<Vec<Trade>>(data) {
        trades.iter().for_each(|trade| drop(trade_from_rest(trade, "key")));
    }
});
