//! Signs a CLOB V2 limit order with polymm's library and prints its id and request body.
//!
//! `POLY_PRIVATE_KEY=0x… cargo run --example sign_order` (defaults to a public test key).

use anyhow::Context as _;
use polymm::domain::{Side, Size, TickSize};
use polymm::polymarket::order_body;
use polymm::polymarket::{Chain, KeySigner, OrderSigner, OrderSpec, OrderStamp, SignatureType};
use polymm::secret::Secret;
use rust_decimal_macros::dec;

/// Hardhat/Anvil account #0: public test material, never fund it.
const TEST_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn main() -> anyhow::Result<()> {
    let key = Secret::new(std::env::var("POLY_PRIVATE_KEY").unwrap_or_else(|_| TEST_KEY.to_owned()));
    let signer = OrderSigner::new(KeySigner::from_secret(&key)?, Chain::Polygon, SignatureType::Eoa, None)?;
    let tick = TickSize::Hundredth;
    let bid = tick.round_bid(dec!(0.5738)).context("bid below the grid")?;
    let mut spec = OrderSpec::limit(
        "71321045679252212594626385532706912750332728571942532289631379312455583992563".parse()?,
        Side::Buy,
        bid,
        Size::new(dec!(25))?,
        tick,
    );
    spec.post_only = true;
    let now_ms =
        u64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let order = signer.sign(&spec, OrderStamp::random(now_ms))?;
    println!("bid {bid} (from 0.5738, rounded down to the tick)");
    println!("order id {}", order.id);
    println!("{}", order_body(&order, "<your api key>"));
    Ok(())
}
