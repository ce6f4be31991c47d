//! What the quote model read and why it quoted as it did: the [`Signals`] a market reports
//! in its status, and the reason for the spread, shown as text.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The model's readings, for status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    /// The strategy.
    pub strategy: String,
    /// Fair value used.
    pub fair: Decimal,
    /// Full spread used.
    pub spread: Decimal,
    /// Why that spread: the factors.
    pub spread_why: String,
    /// Inventory skew applied to the fair value.
    pub skew: Decimal,
    /// Volatility, price per √s.
    pub volatility: Decimal,
    /// Flow imbalance, [−1, 1].
    pub flow_imbalance: Decimal,
    /// Resting-size imbalance near the top of the book, [−1, 1].
    pub book_imbalance: Decimal,
    /// Liquidity regime.
    pub regime: String,
    /// Average adverse markout of our fills, price units.
    pub toxicity: Decimal,
    /// What toxicity calls for.
    pub toxic_action: String,
    /// A penny-jumping rival is active on a side.
    pub pennied: bool,
    /// Resolution or volume event in force.
    pub event: String,
    /// Our estimated share of the reward pool.
    pub reward_share: Decimal,
    /// Estimated reward per day at that share, pUSD.
    pub reward_daily: Decimal,
    /// Rewards accrued (estimated), pUSD.
    pub reward_accrued: Decimal,
    /// Position limit in force, shares.
    pub position_limit: Decimal,
    /// Factor applied by dynamic limits and Kelly, [0, 1].
    pub limit_factor: Decimal,
    /// Loop cadence.
    pub cadence: String,
    /// Realized P&L.
    pub realized: Decimal,
    /// Fees paid.
    pub fees: Decimal,
}

/// What the last quote's spread was made of, kept as numbers and put in words only when
/// status asks (formatting decimals on every quote cost 7 % of a book update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SpreadWhy {
    /// No quote planned yet.
    NotYet,
    /// The seed's fixed spread.
    Fixed,
    /// Avellaneda–Stoikov at volatility `sigma`.
    AvellanedaStoikov { sigma: Decimal },
    /// The polymm objective's half spread and its parts.
    Polymm {
        half: Decimal,
        k: Decimal,
        markout: Decimal,
        risk: Decimal,
        flow: Decimal,
        rewards: bool,
        event: Decimal,
        hour: Decimal,
    },
}

impl SpreadWhy {
    pub(super) fn text(self) -> Option<String> {
        Some(match self {
            Self::NotYet => return None,
            Self::Fixed => "fixed".into(),
            Self::AvellanedaStoikov { sigma } => format!("γσ²τ + 2/γ·ln(1+γ/k), σ {sigma}"),
            Self::Polymm { half, k, markout, risk, flow, rewards, event, hour } => format!(
                "half {} (1/k {} + markout {} + risk {} + flow {}{}) × event {} × hour {}",
                half.round_dp(4),
                (Decimal::ONE / k.max(Decimal::ONE)).round_dp(4),
                markout.max(Decimal::ZERO).round_dp(4),
                risk.round_dp(4),
                flow.round_dp(4),
                if rewards { ", rewards in the objective" } else { "" },
                event.round_dp(2),
                hour.round_dp(2),
            ),
        })
    }
}
