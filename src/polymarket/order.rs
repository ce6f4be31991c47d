//! Building and signing CLOB V2 orders.
//!
//! An [`OrderSpec`] says what to trade; an [`OrderStamp`] pins the salt and creation time
//! (the daemon draws them from its RNG and clock, tests pin them); an [`OrderSigner`] holds
//! the account and precomputed domain separators and turns the two into a [`SignedOrder`]
//! whose hash is the venue's order id. Serialising the request body is [`super::body`]'s job.

use rust_decimal::Decimal;

use super::amounts::{Amounts, limit_amounts, market_amounts};
use super::contracts::{Chain, ExchangeTarget, ExchangeVersion, SignatureType};
use super::eip712::{OrderStruct, exchange_domain_separator, typed_digest};
use super::error::PolymarketError;
use super::poly1271;
use super::presign::Presignature;
use super::signer::KeySigner;
use crate::domain::{Address, Bytes32, OrderId, OrderType, Price, Side, Size, TickSize, TokenId};

/// How much an order trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A limit order of this many shares.
    Shares(Size),
    /// A market order: pUSD to spend (BUY) or shares to sell (SELL), at most 2 decimals.
    Amount(Decimal),
}

/// What to trade, independent of who signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSpec {
    /// The outcome token.
    pub token_id: TokenId,
    /// BUY or SELL.
    pub side: Side,
    /// Limit price, or worst price for a market order; must be on `tick`'s grid.
    pub price: Price,
    /// Shares or amount.
    pub quantity: Quantity,
    /// The market's tick size.
    pub tick: TickSize,
    /// Which exchange contract verifies the order.
    pub exchange: ExchangeTarget,
    /// Time in force.
    pub order_type: OrderType,
    /// Expiry in unix seconds for GTD, 0 otherwise (sent in the body, not signed).
    pub expiration: u64,
    /// Refuse instead of crossing the book (GTC/GTD only).
    pub post_only: bool,
    /// Ask the venue to defer matching.
    pub defer_exec: bool,
    /// Signed free 32 bytes.
    pub metadata: Bytes32,
    /// Signed builder code.
    pub builder: Bytes32,
}

impl OrderSpec {
    /// A resting GTC limit order on an ordinary V2 market, with every option at its default.
    pub fn limit(token_id: TokenId, side: Side, price: Price, size: Size, tick: TickSize) -> Self {
        Self {
            token_id,
            side,
            price,
            quantity: Quantity::Shares(size),
            tick,
            exchange: ExchangeTarget::V2,
            order_type: OrderType::Gtc,
            expiration: 0,
            post_only: false,
            defer_exec: false,
            metadata: Bytes32::default(),
            builder: Bytes32::default(),
        }
    }

    /// The maker and taker amounts.
    pub fn amounts(&self) -> Result<Amounts, PolymarketError> {
        match self.quantity {
            Quantity::Shares(size) => limit_amounts(self.side, self.price, size, self.tick),
            Quantity::Amount(amount) => market_amounts(self.side, self.price, amount, self.tick),
        }
    }

    /// Checks that the fields agree with each other.
    pub fn validate(&self) -> Result<(), PolymarketError> {
        let invalid = |why: &str| Err(PolymarketError::InvalidOrder(why.to_owned()));
        if self.post_only && !self.order_type.rests() {
            return invalid("post-only orders must be GTC or GTD");
        }
        match (self.order_type, self.expiration) {
            (OrderType::Gtd, 0) => return invalid("GTD orders need a non-zero expiration"),
            (OrderType::Gtc | OrderType::Fok | OrderType::Fak, 1..) => {
                return invalid("only GTD orders may carry an expiration");
            }
            _ => {}
        }
        if matches!(self.quantity, Quantity::Amount(_)) && self.order_type.rests() {
            return invalid("market orders (an amount, not shares) must be FOK or FAK");
        }
        Ok(())
    }
}

/// The per-order values that make a signature unique: salt and creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderStamp {
    /// Random salt; kept below 2^53 because it travels as a JSON number.
    pub salt: u64,
    /// Creation time in milliseconds.
    pub timestamp_ms: u64,
}

impl OrderStamp {
    /// A stamp with a random salt below 2^53, as the official clients draw it.
    pub fn random(timestamp_ms: u64) -> Self {
        Self { salt: Self::random_salt(), timestamp_ms }
    }

    /// A random salt below 2^53.
    pub fn random_salt() -> u64 {
        rand::random::<u64>() & ((1 << 53) - 1)
    }
}

/// A signature: 65-byte ECDSA, or the ERC-7739 wrapping for POLY_1271 wallets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderSignature {
    /// `r ‖ s ‖ v`.
    Ecdsa([u8; 65]),
    /// inner signature ‖ domain separator ‖ contents hash ‖ contents type ‖ length.
    Wrapped(Box<[u8]>),
}

impl OrderSignature {
    /// The signature bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Ecdsa(bytes) => bytes,
            Self::Wrapped(bytes) => bytes,
        }
    }
}

/// A signed order with everything its request body needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOrder {
    /// The eleven signed fields.
    pub fields: OrderStruct,
    /// The signature.
    pub signature: OrderSignature,
    /// The EIP-712 digest: the venue's id for this order.
    pub id: OrderId,
    /// BUY or SELL (also in `fields.side`).
    pub side: Side,
    /// Time in force.
    pub order_type: OrderType,
    /// Expiry, unix seconds (unsigned).
    pub expiration: u64,
    /// Post-only flag.
    pub post_only: bool,
    /// Deferred-execution flag.
    pub defer_exec: bool,
}

/// Every exchange an order can be signed for.
const KNOWN_TARGETS: [ExchangeTarget; 4] = [
    ExchangeTarget::V2,
    ExchangeTarget::V2_NEG_RISK,
    ExchangeTarget { version: ExchangeVersion::V3, neg_risk: false },
    ExchangeTarget { version: ExchangeVersion::V3, neg_risk: true },
];

/// An account's signing setup: key, chain, signature type and funder.
#[derive(Debug, Clone)]
pub struct OrderSigner {
    key: KeySigner,
    chain: Chain,
    signature_type: SignatureType,
    maker: Address,
    order_signer: Address,
    separators: Vec<(ExchangeTarget, [u8; 32])>,
}

impl OrderSigner {
    /// A signer for `chain`; `funder` is required for signature types 1–3 and must be the
    /// EOA (or absent) for type 0.
    pub fn new(
        key: KeySigner,
        chain: Chain,
        signature_type: SignatureType,
        funder: Option<Address>,
    ) -> Result<Self, PolymarketError> {
        let eoa = key.address();
        let (maker, order_signer) = match (signature_type, funder) {
            (SignatureType::Eoa, None) => (eoa, eoa),
            (SignatureType::Eoa, Some(funder)) if funder == eoa => (eoa, eoa),
            (SignatureType::Eoa, Some(_)) => {
                return Err(PolymarketError::Funder(
                    "signature type 0 (EOA) trades the key's own address: drop the funder or pick type 1, 2 or 3",
                ));
            }
            (_, None) => {
                return Err(PolymarketError::Funder(
                    "signature types 1, 2 and 3 need the funder (proxy, Safe or deposit wallet) address",
                ));
            }
            (SignatureType::Poly1271, Some(wallet)) => (wallet, wallet),
            (_, Some(funder)) => (funder, eoa),
        };
        let separators = KNOWN_TARGETS
            .into_iter()
            .filter_map(|target| {
                let contract = target.contract(chain).ok()?;
                Some((
                    target,
                    exchange_domain_separator(target.version.domain_version(), chain.id(), &contract),
                ))
            })
            .collect();
        Ok(Self { key, chain, signature_type, maker, order_signer, separators })
    }

    /// The EOA whose key signs; L2 headers and the API key belong to it.
    pub fn eoa(&self) -> Address {
        self.key.address()
    }

    /// The address whose funds trade.
    pub fn maker(&self) -> Address {
        self.maker
    }

    /// The signature type.
    pub fn signature_type(&self) -> SignatureType {
        self.signature_type
    }

    /// The chain.
    pub fn chain(&self) -> Chain {
        self.chain
    }

    /// The key, for L1 authentication.
    pub fn key(&self) -> &KeySigner {
        &self.key
    }

    /// Signs `spec` with `stamp` (RFC 6979 nonce).
    pub fn sign(&self, spec: &OrderSpec, stamp: OrderStamp) -> Result<SignedOrder, PolymarketError> {
        self.sign_with(spec, stamp, None)
    }

    /// Signs `spec` with `stamp` using a nonce computed ahead: the same order, a different
    /// but equally valid signature, about ten times faster. Poly1271 wallets sign their
    /// wrapped digest the usual way (the presignature is dropped unused).
    pub fn sign_presigned(
        &self,
        spec: &OrderSpec,
        stamp: OrderStamp,
        presignature: Presignature,
    ) -> Result<SignedOrder, PolymarketError> {
        self.sign_with(spec, stamp, Some(presignature))
    }

    fn sign_with(
        &self,
        spec: &OrderSpec,
        stamp: OrderStamp,
        presignature: Option<Presignature>,
    ) -> Result<SignedOrder, PolymarketError> {
        spec.validate()?;
        let amounts = spec.amounts()?;
        let domain = self.domain_separator(spec.exchange)?;
        let fields = OrderStruct {
            salt: stamp.salt,
            maker: self.maker,
            signer: self.order_signer,
            token_id: spec.token_id.clone(),
            maker_amount: amounts.maker,
            taker_amount: amounts.taker,
            side: spec.side.as_u8(),
            signature_type: self.signature_type.as_u8(),
            timestamp_ms: stamp.timestamp_ms,
            metadata: spec.metadata,
            builder: spec.builder,
        };
        let struct_hash = fields.struct_hash();
        let digest = typed_digest(&domain, &struct_hash);
        let signature = match self.signature_type {
            SignatureType::Poly1271 => {
                let wrapped = poly1271::wrap(&self.key, self.chain, &domain, &struct_hash, &self.maker)?;
                OrderSignature::Wrapped(wrapped.into_boxed_slice())
            }
            _ => OrderSignature::Ecdsa(match presignature {
                Some(presignature) => self.key.sign_digest_presigned(&digest, presignature)?,
                None => self.key.sign_digest(&digest)?,
            }),
        };
        Ok(SignedOrder {
            fields,
            signature,
            id: OrderId::from_bytes(digest),
            side: spec.side,
            order_type: spec.order_type,
            expiration: spec.expiration,
            post_only: spec.post_only,
            defer_exec: spec.defer_exec,
        })
    }

    /// The precomputed separator of `target`'s domain on this chain.
    pub fn domain_separator(&self, target: ExchangeTarget) -> Result<[u8; 32], PolymarketError> {
        match self.separators.iter().find(|(known, _)| *known == target) {
            Some((_, separator)) => Ok(*separator),
            None => Err(target.contract(self.chain).err().unwrap_or(PolymarketError::NoNegRiskV3)),
        }
    }
}
