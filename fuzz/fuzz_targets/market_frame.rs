//! Market-channel frames through the production path: decoding, the local books, the
//! top-of-book checks and the gap bookkeeping (`MarketData::on_ws`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use polymm::polymarket::connection::WsEvent;
use polymm::feed::sync::MarketData;

const ASSETS: [&str; 2] = ["1", "2"];

fuzz_target!(|data: &[u8]| {
    let assets: Vec<String> = ASSETS.iter().map(|a| (*a).to_owned()).collect();
    let mut market = MarketData::new(&assets, 500, 5_000, 0);
    market.on_ws(&WsEvent::Connected { shard: 0 }, 0);
    let snapshot = r#"{"event_type":"book","asset_id":"1","market":"0x01","timestamp":"1","bids":[{"price":"0.4","size":"5"}],"asks":[{"price":"0.6","size":"5"}]}"#;
    let frames = [snapshot.to_owned(), String::from_utf8_lossy(data).into_owned()];
    for (at, text) in frames.into_iter().enumerate() {
        let event = WsEvent::Frame { shard: 0, text, received: std::time::Instant::now() };
        market.on_ws(&event, at as u64);
    }
    let _ = market.stats();
    let _ = market.take_prints();
});
