//! Helpers shared by the integration tests: loading the signing vectors and turning their
//! inputs into polymm's types.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod control;
pub mod process;
pub mod resolvedkit;
pub mod sim;

/// How long a test waits for what must happen: generous, since CI is a loaded machine; a
/// condition met sooner ends the wait at once.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `check` at every poll (20 a second) for as long as `lasting()` holds: an invariant
/// watched through a stretch of the venue's time.
pub async fn throughout<F: std::future::Future<Output = ()>>(
    lasting: impl Fn() -> bool,
    mut check: impl FnMut() -> F,
) {
    while lasting() {
        check().await;
        actix_rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

use std::path::PathBuf;
use std::str::FromStr;

use polymm::domain::{Bytes32, OrderType, Price, Side, TickSize};
use polymm::polymarket::{ExchangeTarget, ExchangeVersion, OrderSpec, OrderStamp, Quantity};
use polymm::polymarket::{FeeSchedule, fee_adjusted_buy_amount};
use rust_decimal::Decimal;
use serde_json::Value;

/// The vectors folder: the shared one beside the repository when present (it is the
/// source of truth), else the copy kept in `tests/vectors`.
pub fn vectors_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = manifest.join("../shared/polymarket/vectors");
    if shared.join("orders_v2.json").exists() { shared } else { manifest.join("tests/vectors") }
}

/// A vectors file parsed as JSON.
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A JSON number or string as an exact decimal (floats via their shortest representation).
pub fn decimal(value: &Value) -> Decimal {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Decimal::from_str(&text).unwrap_or_else(|_| Decimal::from_scientific(&text).unwrap())
}

/// A string field.
pub fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("missing string {key}"))
}

/// Whether an order vector's inputs are off the grid polymm accepts, per the vectors README.
pub fn off_grid(vector: &Value) -> bool {
    matches!(text(vector, "id"), "v2-08" | "v2-23")
}

/// The spec for an order vector. With `round`, off-grid inputs are rounded the way the
/// vectors README says a caller must (sizes down; a buy price down, a sell price up).
pub fn spec(vector: &Value, round: bool) -> Result<OrderSpec, String> {
    let inputs = &vector["inputs"];
    let side = Side::from_str(text(inputs, "side")).unwrap();
    let tick = TickSize::from_str(text(inputs, "tick_size")).unwrap();
    let raw_price = decimal(&inputs["price"]);
    let price = if round {
        match side {
            Side::Buy => tick.round_bid(raw_price).unwrap(),
            Side::Sell => tick.round_ask(raw_price).unwrap(),
        }
    } else {
        Price::on_grid(raw_price, tick).map_err(|e| e.to_string())?
    };
    let quantity = if vector["kind"] == "market_order" {
        Quantity::Amount(market_amount(inputs, price))
    } else {
        let size = decimal(&inputs["size"]);
        let size =
            if round { polymm::domain::Size::round_down(size) } else { polymm::domain::Size::new(size) };
        Quantity::Shares(size.map_err(|e| e.to_string())?)
    };
    let version = ExchangeVersion::from_number(inputs["exchange_version"].as_u64().unwrap() as u8).unwrap();
    Ok(OrderSpec {
        token_id: text(inputs, "token_id").parse().unwrap(),
        side,
        price,
        quantity,
        tick,
        exchange: ExchangeTarget { version, neg_risk: inputs["neg_risk"].as_bool().unwrap() },
        order_type: OrderType::from_str(text(inputs, "order_type")).unwrap(),
        expiration: inputs["expiration"].as_u64().unwrap(),
        post_only: inputs["post_only"].as_bool().unwrap(),
        defer_exec: inputs["defer_exec"].as_bool().unwrap(),
        metadata: Bytes32::from_str(text(inputs, "metadata")).unwrap(),
        builder: Bytes32::from_str(text(inputs, "builder_code")).unwrap(),
    })
}

/// A market order's amount, fee-adjusted when the vector gives a balance and a fee schedule.
fn market_amount(inputs: &Value, price: Price) -> Decimal {
    let amount = decimal(&inputs["amount"]);
    match (&inputs["user_usdc_balance"], &inputs["market_fee_details_fd"]) {
        (Value::Null, _) | (_, Value::Null) => amount,
        (balance, fees) => {
            let schedule =
                FeeSchedule { rate: decimal(&fees["r"]), exponent: fees["e"].as_u64().unwrap() as u32 };
            fee_adjusted_buy_amount(amount, price, decimal(balance), schedule, Decimal::ZERO)
        }
    }
}

/// The salt and timestamp pinned by an order vector.
pub fn stamp(vector: &Value) -> OrderStamp {
    let inputs = &vector["inputs"];
    OrderStamp {
        salt: inputs["salt"].as_u64().unwrap(),
        timestamp_ms: inputs["timestamp_ms"].as_u64().unwrap(),
    }
}

/// The order vectors (limit and market), in file order.
pub fn order_vectors() -> Vec<Value> {
    let file = load("orders_v2.json");
    file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["kind"].as_str(), Some("limit_order" | "market_order")))
        .cloned()
        .collect()
}
