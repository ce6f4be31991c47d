//! `polymm order sign`: every order input as a flag, the key from the environment, one JSON
//! object out (digest, signature, amounts, the exact body, and L2 headers when asked).

use clap::Args;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::GlobalArgs;
use super::auth::{api_creds, headers_json, private_key};
use crate::clock::{Clock, SystemClock};
use crate::domain::{Address, Bytes32, OrderType, Price, Side, Size, TickSize, TokenId};
use crate::polymarket::amounts::{FeeSchedule, fee_adjusted_buy_amount};
use crate::polymarket::body::order_body;
use crate::polymarket::{
    Chain, ExchangeTarget, ExchangeVersion, L2Headers, OrderSigner, OrderSpec, OrderStamp, Quantity,
    SignatureType,
};

/// Flags of `polymm order sign`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("quantity").required(true).args(["size", "amount"])))]
pub struct SignArgs {
    /// Outcome token id (decimal uint256).
    #[arg(long)]
    pub token_id: TokenId,
    /// BUY or SELL.
    #[arg(long)]
    pub side: Side,
    /// Limit price (worst price for a market order), on the tick grid.
    #[arg(long)]
    pub price: Decimal,
    /// Shares, at most 2 decimals: a limit order.
    #[arg(long)]
    pub size: Option<Size>,
    /// Market order: pUSD to spend for BUY, shares to sell for SELL (at most 2 decimals).
    #[arg(long)]
    pub amount: Option<Decimal>,
    /// The market's tick size: 0.1, 0.01, 0.001, 0.0001, 0.005 or 0.0025.
    #[arg(long)]
    pub tick_size: TickSize,
    /// The market is neg-risk (signs for the neg-risk exchange).
    #[arg(long)]
    pub neg_risk: bool,
    /// Exchange domain version: 2 (CTF Exchange V2) or 3 (Exchange V3).
    #[arg(long, default_value_t = 2)]
    pub exchange_version: u8,
    /// 137 (Polygon) or 80002 (Amoy).
    #[arg(long, default_value_t = 137)]
    pub chain_id: u64,
    /// 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 (number or name).
    #[arg(long, default_value = "0")]
    pub signature_type: SignatureType,
    /// Funds holder for signature types 1–3.
    #[arg(long)]
    pub funder: Option<Address>,
    /// GTC, GTD, FOK or FAK (default GTC for --size, FOK for --amount).
    #[arg(long)]
    pub order_type: Option<OrderType>,
    /// Refuse instead of crossing the book (GTC/GTD only).
    #[arg(long)]
    pub post_only: bool,
    /// Ask the venue to defer matching.
    #[arg(long)]
    pub defer_exec: bool,
    /// Expiry in unix seconds (GTD only; sent, not signed).
    #[arg(long, default_value_t = 0)]
    pub expiration: u64,
    /// Salt (default: random below 2^53).
    #[arg(long)]
    pub salt: Option<u64>,
    /// Creation time in ms (default: now).
    #[arg(long)]
    pub timestamp_ms: Option<u64>,
    /// Builder code (bytes32, signed).
    #[arg(long)]
    pub builder_code: Option<Bytes32>,
    /// Metadata (bytes32, signed).
    #[arg(long)]
    pub metadata: Option<Bytes32>,
    /// With POLY_API_KEY/SECRET/PASSPHRASE set: add L2 headers signed at this unix second.
    #[arg(long)]
    pub l2_timestamp: Option<u64>,
    /// Fee-aware market buy: the pUSD balance that must cover amount plus fees.
    #[arg(long, requires_all = ["fee_rate", "amount"])]
    pub balance: Option<Decimal>,
    /// Fee-aware market buy: the market's fee rate (fd.r).
    #[arg(long, requires = "balance")]
    pub fee_rate: Option<Decimal>,
    /// Fee-aware market buy: the market's fee exponent (fd.e).
    #[arg(long, default_value_t = 1)]
    pub fee_exponent: u32,
}

#[derive(Serialize)]
struct SignOutput {
    digest: String,
    signature: String,
    maker_amount: String,
    taker_amount: String,
    body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<Value>,
}

/// Signs and prints.
pub fn run(global: &GlobalArgs, args: &SignArgs) -> anyhow::Result<()> {
    let env = global.env()?;
    let key = private_key(&env)?;
    let signer = OrderSigner::new(key, Chain::try_from(args.chain_id)?, args.signature_type, args.funder)?;
    let spec = spec(args)?;
    let stamp = OrderStamp {
        salt: args.salt.unwrap_or_else(OrderStamp::random_salt),
        timestamp_ms: args.timestamp_ms.unwrap_or_else(|| SystemClock.now().0),
    };
    let signed = signer.sign(&spec, stamp)?;
    let creds = api_creds(&env)?;
    let owner = creds.as_ref().map_or("", |c| c.api_key.as_str());
    let body = order_body(&signed, owner);
    let headers = match (args.l2_timestamp, &creds) {
        (Some(timestamp), Some(creds)) => {
            let headers = L2Headers::sign(creds, signer.eoa(), timestamp, "POST", "/order", Some(&body))?;
            Some(headers_json(headers.pairs()))
        }
        (Some(_), None) => {
            anyhow::bail!("--l2-timestamp needs POLY_API_KEY, POLY_API_SECRET and POLY_PASSPHRASE")
        }
        _ => None,
    };
    let output = SignOutput {
        digest: signed.id.to_string(),
        signature: format!("0x{}", hex::encode(signed.signature.as_bytes())),
        maker_amount: signed.fields.maker_amount.to_string(),
        taker_amount: signed.fields.taker_amount.to_string(),
        body,
        headers,
    };
    super::print_line(serde_json::to_string(&output)?)?;
    Ok(())
}

/// The order spec the flags describe.
fn spec(args: &SignArgs) -> anyhow::Result<OrderSpec> {
    let price = Price::on_grid(args.price, args.tick_size)?;
    let quantity = match (args.size, args.amount) {
        (Some(size), None) => Quantity::Shares(size),
        (None, Some(amount)) => Quantity::Amount(fee_aware(args, price, amount)),
        _ => anyhow::bail!("give exactly one of --size (limit order) or --amount (market order)"),
    };
    let default_type = if matches!(quantity, Quantity::Shares(_)) { OrderType::Gtc } else { OrderType::Fok };
    let version = ExchangeVersion::from_number(args.exchange_version)?;
    Ok(OrderSpec {
        token_id: args.token_id.clone(),
        side: args.side,
        price,
        quantity,
        tick: args.tick_size,
        exchange: ExchangeTarget { version, neg_risk: args.neg_risk },
        order_type: args.order_type.unwrap_or(default_type),
        expiration: args.expiration,
        post_only: args.post_only,
        defer_exec: args.defer_exec,
        metadata: args.metadata.unwrap_or_default(),
        builder: args.builder_code.unwrap_or_default(),
    })
}

/// The amount to spend once fees are covered, when a balance and fee rate are given.
fn fee_aware(args: &SignArgs, price: Price, amount: Decimal) -> Decimal {
    match (args.side, args.balance, args.fee_rate) {
        (Side::Buy, Some(balance), Some(rate)) => {
            let fees = FeeSchedule { rate, exponent: args.fee_exponent };
            fee_adjusted_buy_amount(amount, price, balance, fees, Decimal::ZERO)
        }
        _ => amount,
    }
}
