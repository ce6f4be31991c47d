//! Pure strategy: how a market's quote is built from what it sees. Volatility and the
//! spread it implies, inventory and its skew, book shape, the maker check,
//! queue placement, adaptive loop timing, liquidity rewards, market scoring and capital
//! allocation, the Avellaneda–Stoikov baseline, and [`model::QuoteModel`], which combines
//! them with the [`crate::alpha`] signals and the [`crate::risk`] models into one quote.
//! Nothing here imports actix, awc or tokio; time is passed in.

pub(crate) mod allocator;
pub(crate) mod avellaneda;
pub(crate) mod book_stats;
pub(crate) mod inventory;
pub(crate) mod kind;
pub(crate) mod maker;
pub(crate) mod model;
pub(crate) mod queue;
pub(crate) mod quote;
pub(crate) mod rewards;
pub(crate) mod scorer;
pub(crate) mod timing;
pub(crate) mod volatility;

pub use kind::StrategyKind;
pub use model::{ModelParams, QuoteModel, Signals};
pub use quote::QuoteParams;
