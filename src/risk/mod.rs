//! Risk: the gate every order passes ([`gate`]). The risk actor and the richer models
//! (Kelly sizing, adverse selection, correlation, dynamic limits) come later.

pub mod gate;

pub use gate::{Approved, Breach, OrderRequest, RiskLimits, RiskState, Verdict, check};
