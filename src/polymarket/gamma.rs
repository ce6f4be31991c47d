//! Market discovery from Gamma: what a market maker needs to know about each market (token
//! pair, tick, minimum size, neg risk, rewards, resolution date, volume, spread, exchange
//! version), parsed from Gamma's loosely typed rows (JSON-encoded arrays inside strings,
//! numbers that are sometimes strings). Which of them to quote is `selection`'s business.

use rust_decimal::Decimal;
use serde_json::Value;

use super::client::{ClientError, ClobClient};
use crate::domain::{ConditionId, RewardProgram, TickSize, TokenId};

/// Rows per Gamma page.
const PAGE: usize = 100;

/// Liquidity-reward terms of a market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewardTerms {
    /// Minimum scoring size, shares.
    pub min_size: Decimal,
    /// Maximum scoring distance from the midpoint, cents.
    pub max_spread_cents: Decimal,
    /// pUSD per day (all programs summed).
    pub daily_rate: Decimal,
}

impl RewardTerms {
    /// The programme in the reward scorer's terms (max spread in price units).
    pub fn program(&self) -> RewardProgram {
        RewardProgram {
            max_spread: self.max_spread_cents / Decimal::ONE_HUNDRED,
            min_size: self.min_size,
            daily_rate: self.daily_rate,
        }
    }
}

/// One tradable binary market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketInfo {
    /// Condition id.
    pub condition_id: ConditionId,
    /// Question.
    pub question: String,
    /// Slug.
    pub slug: String,
    /// The YES (first) token.
    pub yes: TokenId,
    /// The NO (second) token.
    pub no: TokenId,
    /// Tick size.
    pub tick: TickSize,
    /// Minimum order size, shares.
    pub min_size: Decimal,
    /// Neg-risk market.
    pub neg_risk: bool,
    /// Resolution time, unix seconds, if known.
    pub end_secs: Option<u64>,
    /// Traded volume (24 h when Gamma gives it, else all time), pUSD.
    pub volume: Decimal,
    /// Best bid of YES.
    pub best_bid: Decimal,
    /// Best ask of YES.
    pub best_ask: Decimal,
    /// Reward terms, if incentivised.
    pub rewards: Option<RewardTerms>,
    /// Exchange version to sign for (2 unless Gamma says otherwise).
    pub version: u8,
    /// Accepting orders.
    pub accepting_orders: bool,
    /// The set of markets that move together with it: its neg-risk group, else its event.
    pub group: Option<String>,
}

impl MarketInfo {
    /// Ask − bid.
    pub fn spread(&self) -> Decimal {
        (self.best_ask - self.best_bid).max(Decimal::ZERO)
    }

    /// (bid + ask) / 2.
    pub fn mid(&self) -> Decimal {
        (self.best_bid + self.best_ask) / Decimal::TWO
    }

    /// Hours until resolution at `now_secs` (`None` when unknown).
    pub fn hours_to_resolution(&self, now_secs: u64) -> Option<Decimal> {
        self.end_secs.map(|end| Decimal::from(end.saturating_sub(now_secs)) / Decimal::from(3_600))
    }
}

fn decimal(value: Option<&Value>) -> Decimal {
    match value {
        Some(Value::Number(n)) => {
            let text = n.to_string();
            Decimal::from_str_exact(&text).or_else(|_| Decimal::from_scientific(&text)).unwrap_or_default()
        }
        Some(Value::String(s)) => s.parse().unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

/// A list Gamma sends either as a JSON array or as a string holding one.
fn string_list(value: Option<&Value>) -> Vec<String> {
    let parsed;
    let array = match value {
        Some(Value::Array(items)) => items,
        Some(Value::String(text)) => {
            parsed = serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
            match &parsed {
                Value::Array(items) => items,
                _ => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    array.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// One Gamma market row; `Err` names what is missing or malformed.
pub fn parse_gamma_market(row: &Value) -> Result<MarketInfo, String> {
    let text = |key: &str| row.get(key).and_then(Value::as_str).unwrap_or_default();
    let condition_id = text("conditionId").parse().map_err(|_| "conditionId".to_owned())?;
    let tokens = string_list(row.get("clobTokenIds"));
    let [yes, no] = tokens.as_slice() else { return Err("clobTokenIds (expected two)".to_owned()) };
    let tick = decimal(row.get("orderPriceMinTickSize"));
    let tick = TickSize::from_decimal(tick).map_err(|_| format!("orderPriceMinTickSize {tick}"))?;
    let daily_rate: Decimal = row
        .get("clobRewards")
        .and_then(Value::as_array)
        .map(|programs| programs.iter().map(|p| decimal(p.get("rewardsDailyRate"))).sum())
        .unwrap_or_default();
    let rewards = (!daily_rate.is_zero()).then(|| RewardTerms {
        min_size: decimal(row.get("rewardsMinSize")),
        max_spread_cents: decimal(row.get("rewardsMaxSpread")),
        daily_rate,
    });
    let volume = match row.get("volume24hr") {
        Some(v) if !v.is_null() => decimal(Some(v)),
        _ => decimal(row.get("volumeNum").or(row.get("volume"))),
    };
    Ok(MarketInfo {
        condition_id,
        question: text("question").to_owned(),
        slug: text("slug").to_owned(),
        yes: yes.parse().map_err(|_| "clobTokenIds[0]".to_owned())?,
        no: no.parse().map_err(|_| "clobTokenIds[1]".to_owned())?,
        tick,
        min_size: decimal(row.get("orderMinSize")),
        neg_risk: row.get("negRisk").and_then(Value::as_bool).unwrap_or(false),
        end_secs: crate::clock::parse_iso8601_secs(text("endDate"))
            .or_else(|| crate::clock::parse_iso8601_secs(text("endDateIso"))),
        volume,
        best_bid: decimal(row.get("bestBid")),
        best_ask: decimal(row.get("bestAsk")),
        rewards,
        version: row.get("version").and_then(Value::as_u64).and_then(|v| u8::try_from(v).ok()).unwrap_or(2),
        accepting_orders: row.get("acceptingOrders").and_then(Value::as_bool).unwrap_or(false)
            && !row.get("closed").and_then(Value::as_bool).unwrap_or(false),
        group: group_of(row),
    })
}

/// A market's correlation group: `negRiskMarketID` when set, else its first event's slug.
fn group_of(row: &Value) -> Option<String> {
    let neg_risk = row.get("negRiskMarketID").and_then(Value::as_str).filter(|s| !s.is_empty());
    let event = || {
        row.get("events")
            .and_then(Value::as_array)
            .and_then(|events| events.first())
            .and_then(|event| event.get("slug"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    neg_risk.map(|id| format!("neg-risk:{id}")).or_else(|| event().map(|slug| format!("event:{slug}")))
}

/// Every active market from Gamma, page by page; rows that do not parse are skipped and
/// counted.
pub async fn discover(client: &ClobClient) -> Result<(Vec<MarketInfo>, usize), ClientError> {
    let (mut markets, mut skipped, mut offset) = (Vec::new(), 0, 0);
    loop {
        let rows =
            client.gamma_markets(&format!("active=true&closed=false&limit={PAGE}&offset={offset}")).await?;
        for row in &rows {
            match parse_gamma_market(row) {
                Ok(market) => markets.push(market),
                Err(_) => skipped += 1,
            }
        }
        if rows.len() < PAGE {
            return Ok((markets, skipped));
        }
        offset += PAGE;
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn real_gamma_rows_parse_with_their_string_encoded_fields() {
        let row = serde_json::json!({
            "id": "252944", "question": "Mississippi gubernatorial election",
            "conditionId": "0xf14e0571c287e3c5eeec66870481433a44c5e3cb8f58a65949ea5c2741e76bd1",
            "slug": "mississippi", "endDate": "2023-11-07T00:00:00Z", "volume": "60047.359488999995",
            "clobTokenIds": "[\"43735023623900024791146956633079370045432897358751435677478808157851759523429\", \"12941124133417887652930382933598877689007346826929399000183212708140674229827\"]",
            "orderPriceMinTickSize": 0.001, "orderMinSize": 15, "acceptingOrders": true, "negRisk": false,
            "rewardsMinSize": 200, "rewardsMaxSpread": 3.5,
            "clobRewards": [{"rewardsDailyRate": 750}, {"rewardsDailyRate": "250"}],
            "bestBid": 0.48, "bestAsk": 0.52, "volume24hr": 1234.5
        });
        let market = parse_gamma_market(&row).unwrap();
        assert_eq!(
            (market.tick, market.min_size, market.volume),
            (TickSize::Thousandth, dec!(15), dec!(1234.5))
        );
        assert_eq!(
            market.rewards.unwrap(),
            RewardTerms { min_size: dec!(200), max_spread_cents: dec!(3.5), daily_rate: dec!(1000) }
        );
        assert_eq!(market.end_secs, Some(1_699_315_200));
        assert_eq!((market.spread(), market.mid()), (dec!(0.04), dec!(0.50)));
        assert!(parse_gamma_market(&serde_json::json!({"conditionId": "0x1"})).is_err());
    }

    #[test]
    fn listings_carry_reward_programmes_and_whether_they_accept_orders() {
        let row = serde_json::json!({
            "conditionId": "0xf14e0571c287e3c5eeec66870481433a44c5e3cb8f58a65949ea5c2741e76bd1",
            "clobTokenIds": ["1", "2"], "orderPriceMinTickSize": "0.01", "acceptingOrders": true,
            "bestBid": 0.40, "bestAsk": 0.44, "volumeNum": 5000,
            "rewardsMinSize": 50, "rewardsMaxSpread": 3.5, "clobRewards": [{"rewardsDailyRate": 120}]
        });
        let market = parse_gamma_market(&row).unwrap();
        assert_eq!((market.volume, market.spread(), market.mid()), (dec!(5000), dec!(0.04), dec!(0.42)));
        assert_eq!(market.hours_to_resolution(0), None);
        let program = market.rewards.unwrap().program();
        assert_eq!(
            (program.max_spread, program.min_size, program.daily_rate),
            (dec!(0.035), dec!(50), dec!(120))
        );
        let closed = parse_gamma_market(&serde_json::json!({
            "conditionId": "0xf14e0571c287e3c5eeec66870481433a44c5e3cb8f58a65949ea5c2741e76bd1",
            "clobTokenIds": ["1", "2"], "orderPriceMinTickSize": "0.01", "acceptingOrders": false, "bestBid": 0.40, "bestAsk": 0.44, "volumeNum": 5000
        }))
        .unwrap();
        assert!(market.accepting_orders && !closed.accepting_orders);
        assert_eq!(closed.group, None);
    }

    #[test]
    fn groups_come_from_neg_risk_sets_then_events() {
        let table = [
            (
                serde_json::json!({"negRiskMarketID": "0xabc", "events": [{"slug": "e"}]}),
                Some("neg-risk:0xabc"),
            ),
            (
                serde_json::json!({"negRiskMarketID": "", "events": [{"slug": "election"}]}),
                Some("event:election"),
            ),
            (serde_json::json!({"events": []}), None),
            (serde_json::json!({}), None),
        ];
        for (row, expected) in table {
            assert_eq!(group_of(&row).as_deref(), expected, "{row}");
        }
    }
}
