//! The embedded venue's order intake: a posted order parsed, then its signature and
//! amounts checked, as `POST /order` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polymm::domain::{Address, TickSize};
use polymm::polymarket::Chain;
use polymm::sim::verify::{parse_send_order, verify};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Ok(order) = parse_send_order(&value) else { return };
    let owner = order.owner.clone();
    for tick in [TickSize::Hundredth, TickSize::Thousandth] {
        let _ = verify(order.clone(), &owner, Address::ZERO, Chain::Polygon, false, tick);
    }
});
