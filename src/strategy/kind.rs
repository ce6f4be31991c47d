//! Which quote model a market runs, as the operator names it (`quoting.strategy`,
//! `sim-compare --strategy`).

use std::str::FromStr;

use serde::Serialize;

/// The quoting model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StrategyKind {
    /// polymm's adaptive model.
    Polymm,
    /// The seed's fixed spread and size.
    Fixed,
    /// Avellaneda–Stoikov reservation price and optimal spread.
    AvellanedaStoikov,
}

impl FromStr for StrategyKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "polymm" => Ok(Self::Polymm),
            "fixed" => Ok(Self::Fixed),
            "avellaneda-stoikov" => Ok(Self::AvellanedaStoikov),
            _ => Err("expected polymm, fixed or avellaneda-stoikov".to_owned()),
        }
    }
}
