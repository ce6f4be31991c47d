//! Reconciliation read in bulk: many markets' open orders and shares from three
//! account-wide reads ([`read_account`]: every open order, every position from the Data
//! API, the last ten minutes of trades) instead of three reads per market, split between
//! the markets by pure code ([`split`]). A market with a trade of ours in that window is
//! left to be read alone, from the CLOB's own balances: the Data API is an indexer and may
//! not have that fill yet, by [`read_market`], which brackets its reads between two
//! reads of the market's recent trades so that the shares and the trade list agree.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::domain::RestingOrder;
use crate::domain::TradeUpdate;
use crate::domain::{Address, ConditionId, Outcome, Price, Side, Size, TokenId};
use crate::feed::user::trade_from_rest;
use crate::polymarket::client::types::{OpenOrder, Position, Trade};
use crate::polymarket::client::{ClientError, ClobClient};

/// Below this many markets waiting, each is read on its own (three reads each costs less
/// than paging through the whole account).
pub const BULK_FROM: usize = 8;

/// One market to reconcile.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Market.
    pub market: &'a ConditionId,
    /// YES token.
    pub yes: &'a TokenId,
    /// NO token.
    pub no: &'a TokenId,
}

/// What the bulk reads say of one market.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketState {
    /// Our open orders there.
    pub open: Vec<RestingOrder>,
    /// YES shares.
    pub yes: Decimal,
    /// NO shares.
    pub no: Decimal,
}

/// The account-wide reads.
#[derive(Debug, Clone, Default)]
pub struct AccountReads {
    /// Every open order of ours.
    pub open: Vec<OpenOrder>,
    /// Every position of the funder.
    pub positions: Vec<Position>,
    /// Our trades in the last ten minutes.
    pub recent_trades: Vec<Trade>,
}

/// Reads every open order, every position of `maker` and our trades since `since_secs`.
/// `Err(None)` when the client has no Data API.
pub async fn read_account(
    client: &ClobClient,
    maker: &Address,
    since_secs: u64,
) -> Result<AccountReads, Option<ClientError>> {
    let positions = client.positions(maker, Decimal::ZERO).await.ok_or(None)?.map_err(Some)?;
    let open = client.open_orders(None).await.map_err(Some)?;
    let recent_trades = client.trades(None, Some(since_secs)).await.map_err(Some)?;
    Ok(AccountReads { open, positions, recent_trades })
}

/// For each target in order: its state, or `None` when it traded recently and must be read
/// on its own.
pub fn split(targets: &[Target<'_>], reads: &AccountReads) -> Vec<Option<MarketState>> {
    let traded: HashSet<ConditionId> =
        reads.recent_trades.iter().filter_map(|t| t.market.parse().ok()).collect();
    let mut open: HashMap<ConditionId, Vec<&OpenOrder>> = HashMap::new();
    for order in &reads.open {
        if let Ok(market) = order.market.parse() {
            open.entry(market).or_default().push(order);
        }
    }
    let mut shares: HashMap<&str, Decimal> = HashMap::new();
    for position in &reads.positions {
        *shares.entry(position.asset.as_str()).or_default() += position.size;
    }
    let held = |token: &TokenId| shares.get(token.as_str()).copied().unwrap_or_default();
    targets
        .iter()
        .map(|target| {
            if traded.contains(target.market) {
                return None;
            }
            let orders = open.get(target.market).map(Vec::as_slice).unwrap_or_default();
            Some(MarketState {
                open: orders.iter().filter_map(|order| resting(order, target.yes)).collect(),
                yes: held(target.yes),
                no: held(target.no),
            })
        })
        .collect()
}

/// Reads of one market that agree: no trade of ours happened between the trade list and
/// the shares.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketRead {
    /// Open orders and shares.
    pub state: MarketState,
    /// Our trades there since the cut-off, every one of them in the shares.
    pub recent_trades: Vec<TradeUpdate>,
}

/// Why a market could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// A venue read failed.
    #[error(transparent)]
    Venue(#[from] ClientError),
    /// The market traded during every attempt: the reads never agreed.
    #[error("the market kept trading during {0} attempts at a consistent read")]
    KeptTrading(usize),
}

/// Attempts at a consistent read of one market before giving up (the market asks again).
const CONSISTENT_READ_ATTEMPTS: usize = 3;

/// Reads one market's recent trades, open orders and shares from the CLOB, then its recent
/// trades again: when both lists hold the same trades, none happened in between, so the
/// shares hold exactly the listed fills (a trade after the second read arrives later as an
/// event and is counted then).
pub async fn read_market(
    client: &ClobClient,
    target: Target<'_>,
    since_secs: u64,
    api_key: &str,
) -> Result<MarketRead, ReadError> {
    for _ in 0..CONSISTENT_READ_ATTEMPTS {
        let before = client.trades(Some(target.market), Some(since_secs)).await?;
        let open = client.open_orders(Some(target.market)).await?;
        let yes = client.balance(Some(target.yes)).await?;
        let no = client.balance(Some(target.no)).await?;
        let after = client.trades(Some(target.market), Some(since_secs)).await?;
        if same_trades(&before, &after) {
            let shares = |units: Decimal| units / Decimal::from(1_000_000);
            let state = MarketState {
                open: open.iter().filter_map(|o| resting(o, target.yes)).collect(),
                yes: shares(yes.balance),
                no: shares(no.balance),
            };
            let recent_trades = after.iter().filter_map(|t| trade_from_rest(t, api_key).ok()).collect();
            return Ok(MarketRead { state, recent_trades });
        }
    }
    Err(ReadError::KeptTrading(CONSISTENT_READ_ATTEMPTS))
}

/// Whether two reads list the same trades (their statuses may have moved on).
pub fn same_trades(before: &[Trade], after: &[Trade]) -> bool {
    fn ids(trades: &[Trade]) -> HashSet<&str> {
        trades.iter().map(|t| t.id.as_str()).collect()
    }
    ids(before) == ids(after)
}

/// An open order as the market tracks it (`None` if the venue sent something unreadable).
pub fn resting(order: &OpenOrder, yes: &TokenId) -> Option<RestingOrder> {
    let outcome = if order.asset_id == yes.as_str() { Outcome::Yes } else { Outcome::No };
    Some(RestingOrder {
        id: order.id.parse().ok()?,
        outcome,
        side: order.side.parse::<Side>().ok()?,
        price: Price::new(order.price).ok()?,
        remaining: Size::new(order.original_size - order.size_matched).ok()?,
    })
}

#[cfg(test)]
mod tests;
