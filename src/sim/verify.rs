//! Turning a `SendOrder` JSON object into a verified order, as the venue does: parse every
//! field, rebuild the EIP-712 struct, recover the signer for the market's exchange domains
//! ("2" and "3"), and check owner, signer and maker against the API key. Amounts become an
//! exact price and size; limit orders must be exact, market orders (FOK/FAK) are rounded in
//! the trader's favour (a buy's cap down, a sell's floor up) to the tick grid.

use serde_json::Value;

use crate::domain::{Address, Bytes32, OrderId, OrderType, Side, TickSize, TokenId};
use crate::polymarket::contracts::{Chain, ExchangeTarget, ExchangeVersion};
use crate::polymarket::eip712::{OrderStruct, exchange_domain_separator, typed_digest};
use crate::polymarket::poly1271::{self, WRAPPED_LEN};
use crate::polymarket::signer::recover_signer;
use crate::sim::engine::units::{BASE_UNITS_PER_LOT, Lots, Ticks};

/// Why an order payload was refused before reaching the engine. `Display` is the error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// A field is missing or malformed.
    #[error("Invalid order payload: {0}")]
    Malformed(String),
    /// `owner` is not the API key making the request.
    #[error("the order owner has to be the owner of the API KEY")]
    Owner,
    /// `signer` is not the API key's address.
    #[error("the order signer address has to be the address of the API KEY")]
    Signer,
    /// `maker` does not fit the signature type.
    #[error("the order maker address does not match the signature type")]
    Maker,
    /// The signature does not recover to the signer for any accepted domain.
    #[error("invalid signature")]
    Signature,
    /// The amounts are not a price on the grid times a size with two decimals.
    #[error("invalid amounts, the price must be on the tick grid and the size must have at most 2 decimals")]
    Amounts,
}

/// A parsed `SendOrder` whose signature has not been checked yet.
#[derive(Debug, Clone)]
pub struct ParsedOrder {
    /// The signed fields.
    pub fields: OrderStruct,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// BUY or SELL.
    pub side: Side,
    /// Expiry, seconds.
    pub expiration: u64,
    /// `owner` (the API key).
    pub owner: String,
    /// Time in force.
    pub order_type: OrderType,
    /// Post-only.
    pub post_only: bool,
}

/// A parsed order whose signature and ownership check out.
#[derive(Debug, Clone)]
pub struct VerifiedOrder {
    /// The EIP-712 digest: the order id.
    pub id: OrderId,
    /// The parsed order.
    pub parsed: ParsedOrder,
    /// Price in the token's terms.
    pub price: Ticks,
    /// Size.
    pub lots: Lots,
}

fn malformed(field: &str, why: &str) -> PayloadError {
    PayloadError::Malformed(format!("{field} {why}"))
}

fn text<'v>(object: &'v Value, field: &str) -> Result<&'v str, PayloadError> {
    object.get(field).and_then(Value::as_str).ok_or_else(|| malformed(field, "must be a string"))
}

/// A number sent either as a JSON number or as a decimal string.
fn integer(object: &Value, field: &str) -> Result<u128, PayloadError> {
    match object.get(field) {
        Some(Value::Number(n)) => {
            n.as_u64().map(u128::from).ok_or_else(|| malformed(field, "must be a non-negative integer"))
        }
        Some(Value::String(s)) => s.parse().map_err(|_| malformed(field, "must be a non-negative integer")),
        _ => Err(malformed(field, "is missing")),
    }
}

fn parsed<T: std::str::FromStr>(object: &Value, field: &str) -> Result<T, PayloadError> {
    text(object, field)?.parse().map_err(|_| malformed(field, "is not valid"))
}

fn optional_bytes32(object: &Value, field: &str) -> Result<Bytes32, PayloadError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(Bytes32::default()),
        Some(_) => parsed(object, field),
    }
}

/// Parses one `SendOrder` object (`{"order":{…},"owner":…,"orderType":…}`).
pub fn parse_send_order(value: &Value) -> Result<ParsedOrder, PayloadError> {
    let order =
        value.get("order").filter(|o| o.is_object()).ok_or_else(|| malformed("order", "is missing"))?;
    let side = match order.get("side") {
        Some(Value::String(s)) if s.eq_ignore_ascii_case("BUY") => Side::Buy,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("SELL") => Side::Sell,
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Side::Buy,
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Side::Sell,
        _ => return Err(malformed("side", "must be BUY or SELL")),
    };
    let narrow = |field: &str| -> Result<u64, PayloadError> {
        u64::try_from(integer(order, field)?).map_err(|_| malformed(field, "is too large"))
    };
    let signature_type = u8::try_from(integer(order, "signatureType")?)
        .ok()
        .filter(|t| *t <= 3)
        .ok_or_else(|| malformed("signatureType", "must be 0, 1, 2 or 3"))?;
    let fields = OrderStruct {
        salt: narrow("salt")?,
        maker: parsed::<Address>(order, "maker")?,
        signer: parsed::<Address>(order, "signer")?,
        token_id: parsed::<TokenId>(order, "tokenId")?,
        maker_amount: integer(order, "makerAmount")?,
        taker_amount: integer(order, "takerAmount")?,
        side: side.as_u8(),
        signature_type,
        timestamp_ms: narrow("timestamp")?,
        metadata: optional_bytes32(order, "metadata")?,
        builder: optional_bytes32(order, "builder")?,
    };
    let signature = hex::decode(text(order, "signature")?.trim_start_matches("0x"))
        .map_err(|_| malformed("signature", "is not hex"))?;
    let expiration = match order.get("expiration") {
        None | Some(Value::Null) => 0,
        Some(_) => narrow("expiration")?,
    };
    let order_type = match value.get("orderType") {
        None | Some(Value::Null) => OrderType::Gtc,
        Some(_) => parsed::<OrderType>(value, "orderType")?,
    };
    let post_only = value.get("postOnly").and_then(Value::as_bool).unwrap_or(false);
    Ok(ParsedOrder {
        fields,
        signature,
        side,
        expiration,
        owner: text(value, "owner")?.to_owned(),
        order_type,
        post_only,
    })
}

/// Checks ownership and the signature of `order` for a market (`neg_risk`) on `chain`,
/// sent with API key `api_key` belonging to `api_address`; then derives price and size.
pub fn verify(
    order: ParsedOrder,
    api_key: &str,
    api_address: Address,
    chain: Chain,
    neg_risk: bool,
    tick: TickSize,
) -> Result<VerifiedOrder, PayloadError> {
    if order.owner != api_key {
        return Err(PayloadError::Owner);
    }
    let fields = &order.fields;
    let wrapped = fields.signature_type == 3;
    match fields.signature_type {
        0 if fields.maker != fields.signer => return Err(PayloadError::Maker),
        3 if fields.maker != fields.signer => return Err(PayloadError::Maker),
        0..=2 if fields.signer != api_address => return Err(PayloadError::Signer),
        _ => {}
    }
    let struct_hash = fields.struct_hash();
    let mut verified = None;
    for version in [ExchangeVersion::V2, ExchangeVersion::V3] {
        let Ok(contract) = (ExchangeTarget { version, neg_risk }).contract(chain) else { continue };
        let domain = exchange_domain_separator(version.domain_version(), chain.id(), &contract);
        let digest = typed_digest(&domain, &struct_hash);
        let recovered = if wrapped {
            unwrap_poly1271(&order.signature, &domain, &struct_hash).and_then(|inner| {
                recover_signer(&poly1271::signed_digest(chain, &domain, &struct_hash, &fields.signer), inner)
                    .ok()
            })
        } else {
            recover_signer(&digest, &order.signature).ok()
        };
        let expected = if wrapped { api_address } else { fields.signer };
        if recovered == Some(expected) {
            verified = Some(OrderId::from_bytes(digest));
            break;
        }
    }
    let id = verified.ok_or(PayloadError::Signature)?;
    let (price, lots) =
        price_and_size(fields.maker_amount, fields.taker_amount, order.side, order.order_type, tick)?;
    Ok(VerifiedOrder { id, parsed: order, price, lots })
}

/// The inner signature of a POLY_1271 wrapping, if it wraps this domain and struct.
fn unwrap_poly1271<'s>(signature: &'s [u8], domain: &[u8; 32], struct_hash: &[u8; 32]) -> Option<&'s [u8]> {
    if signature.len() != WRAPPED_LEN || &signature[65..97] != domain || &signature[97..129] != struct_hash {
        return None;
    }
    Some(&signature[..65])
}

/// Price (token terms) and size of an order from its amounts.
pub fn price_and_size(
    maker_amount: u128,
    taker_amount: u128,
    side: Side,
    order_type: OrderType,
    tick: TickSize,
) -> Result<(Ticks, Lots), PayloadError> {
    let (collateral, shares) = match side {
        Side::Buy => (maker_amount, taker_amount),
        Side::Sell => (taker_amount, maker_amount),
    };
    let per_lot = u128::from(BASE_UNITS_PER_LOT);
    let lots = shares / per_lot;
    if lots == 0 || collateral == 0 {
        return Err(PayloadError::Amounts);
    }
    let exact = shares % per_lot == 0 && collateral % lots == 0;
    let tick_units = u128::from(crate::sim::engine::units::ticks_from_decimal(tick.value()).unwrap_or(1));
    let price = if order_type.rests() {
        if !exact {
            return Err(PayloadError::Amounts);
        }
        collateral / lots
    } else {
        match side {
            Side::Buy => collateral / lots / tick_units * tick_units,
            Side::Sell => collateral.div_ceil(lots).div_ceil(tick_units) * tick_units,
        }
    };
    let price = Ticks::try_from(price).map_err(|_| PayloadError::Amounts)?;
    let lots = Lots::try_from(lots).map_err(|_| PayloadError::Amounts)?;
    Ok((price, lots))
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::{Price, Size};
    use crate::polymarket::body::order_body;
    use crate::polymarket::contracts::SignatureType;
    use crate::polymarket::order::{OrderSigner, OrderSpec, OrderStamp};
    use crate::polymarket::signer::KeySigner;

    fn token() -> TokenId {
        "71321045679252212594626385532706912750332728571942532289631379312455583992563".parse().unwrap()
    }

    fn signed(signer: &OrderSigner, neg_risk: bool) -> Value {
        let mut spec = OrderSpec::limit(
            token(),
            Side::Buy,
            Price::new(dec!(0.48)).unwrap(),
            Size::new(dec!(10.5)).unwrap(),
            TickSize::Hundredth,
        );
        spec.exchange = if neg_risk { ExchangeTarget::V2_NEG_RISK } else { ExchangeTarget::V2 };
        let order = signer.sign(&spec, OrderStamp::random(1_800_000_000_000)).unwrap();
        serde_json::from_str(&order_body(&order, "key-1")).unwrap()
    }

    #[test]
    fn a_correctly_signed_order_verifies_with_exact_price_and_size() {
        let key = KeySigner::random();
        let address = key.address();
        let signer = OrderSigner::new(key, Chain::Polygon, SignatureType::Eoa, None).unwrap();
        let body = signed(&signer, false);
        let parsed = parse_send_order(&body).unwrap();
        let verified = verify(parsed, "key-1", address, Chain::Polygon, false, TickSize::Hundredth).unwrap();
        assert_eq!((verified.price, verified.lots), (4_800, 1_050));
    }

    #[test]
    fn wrong_domain_owner_signer_or_tampering_is_refused() {
        let key = KeySigner::random();
        let address = key.address();
        let signer = OrderSigner::new(key, Chain::Polygon, SignatureType::Eoa, None).unwrap();
        let body = signed(&signer, false);
        let check = |body: &Value, owner: &str, address: Address, neg_risk: bool| {
            verify(
                parse_send_order(body).unwrap(),
                owner,
                address,
                Chain::Polygon,
                neg_risk,
                TickSize::Hundredth,
            )
            .unwrap_err()
        };
        assert_eq!(
            check(&body, "key-1", address, true),
            PayloadError::Signature,
            "neg-risk market, normal domain"
        );
        assert_eq!(check(&body, "key-2", address, false), PayloadError::Owner);
        assert_eq!(check(&body, "key-1", Address::from_bytes([7; 20]), false), PayloadError::Signer);
        let mut tampered = body.clone();
        tampered["order"]["makerAmount"] = Value::String("5050000".into());
        assert_eq!(check(&tampered, "key-1", address, false), PayloadError::Signature);
    }

    #[test]
    fn poly1271_orders_verify_against_the_api_key_eoa() {
        let key = KeySigner::random();
        let eoa = key.address();
        let wallet = Address::from_bytes([0x42; 20]);
        let signer = OrderSigner::new(key, Chain::Polygon, SignatureType::Poly1271, Some(wallet)).unwrap();
        let body = signed(&signer, true);
        let verified =
            verify(parse_send_order(&body).unwrap(), "key-1", eoa, Chain::Polygon, true, TickSize::Hundredth);
        assert!(verified.is_ok(), "{verified:?}");
    }

    #[test]
    fn malformed_payloads_name_the_field() {
        let err = parse_send_order(&serde_json::json!({"order": {"side": "BUY"}, "owner": "k"})).unwrap_err();
        assert!(err.to_string().contains("signatureType"), "{err}");
        assert!(parse_send_order(&serde_json::json!({})).unwrap_err().to_string().contains("order"));
    }

    #[test]
    fn amounts_become_exact_price_and_size() {
        assert_eq!(
            price_and_size(5_040_000, 10_500_000, Side::Buy, OrderType::Gtc, TickSize::Hundredth),
            Ok((4_800, 1_050))
        );
        assert_eq!(
            price_and_size(10_500_000, 5_040_000, Side::Sell, OrderType::Gtc, TickSize::Hundredth),
            Ok((4_800, 1_050))
        );
        assert_eq!(
            price_and_size(5_040_001, 10_500_000, Side::Buy, OrderType::Gtc, TickSize::Hundredth),
            Err(PayloadError::Amounts)
        );
        assert_eq!(
            price_and_size(10_000_000, 20_830_000, Side::Buy, OrderType::Fok, TickSize::Hundredth),
            Ok((4_800, 2_083))
        );
    }
}
