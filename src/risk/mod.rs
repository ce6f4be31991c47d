//! Risk: the gate every order passes ([`gate`], pure), the desk that holds what it checks
//! against ([`desk`], shared on the actors' thread) and the actor that is the desk's face
//! ([`actor`], receiving [`messages`]), with the pure models the market and the gate consult: Kelly sizing
//! ([`kelly`]), adverse selection from fill markouts ([`adverse`]), cross-market
//! correlation ([`correlation`]), limits that tighten after losses and in volatility
//! ([`dynamic`]) and per-market P&L ([`pnl`]).

pub(crate) mod actor;
pub(crate) mod adverse;
pub(crate) mod correlation;
pub(crate) mod desk;
pub(crate) mod dynamic;
pub(crate) mod gate;
pub(crate) mod kelly;
pub(crate) mod messages;
pub(crate) mod pnl;

pub use desk::RiskDesk;
pub use gate::{Approved, Breach, OrderRequest, RiskLimits, RiskState, Verdict, check};
