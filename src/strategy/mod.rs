//! Pure strategy: how a market's quote is built from what it sees. Volatility and the
//! spread it implies, inventory and its skew, book shape, YES/NO parity, the maker check,
//! queue placement, adaptive loop timing, liquidity rewards, market scoring and capital
//! allocation, the Avellaneda–Stoikov baseline, and [`model::QuoteModel`], which combines
//! them with the [`crate::alpha`] signals and the [`crate::risk`] models into one quote.
//! Nothing here imports actix, awc or tokio; time is passed in.

pub mod allocator;
pub mod avellaneda;
pub mod book_stats;
pub mod inventory;
pub mod maker;
pub mod model;
pub mod parity;
pub mod queue;
pub mod quote;
pub mod rewards;
pub mod scorer;
pub mod stats;
pub mod timing;
pub mod volatility;

pub use model::{ModelParams, QuoteModel, Signals, StrategyKind};
