//! Risk: the gate every order passes ([`gate`], pure) and the actor that applies it
//! ([`actor`]). The richer models (Kelly sizing, adverse selection, correlation, dynamic
//! limits) come later.

pub mod actor;
pub mod gate;

pub use gate::{Approved, Breach, OrderRequest, RiskLimits, RiskState, Verdict, check};
