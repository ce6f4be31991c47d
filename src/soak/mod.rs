//! `polymm soak`: the daemon, as its own process in live mode, against the embedded venue
//! with every fault the venue has, plus market panics, flow bursts, SIGTERM restarts and
//! kill -9 right after fills. At the end the faults stop, the daemon is given time to
//! settle, and its view is audited against the venue's (see [`audit`]).
//!
//! | part | owns |
//! |---|---|
//! | [`chaos`] | what goes wrong next (pure, seeded) |
//! | [`audit`] | the end-of-run comparison and its figures (pure) |
//! | `daemon` | the child process |
//! | `venue_side` | faults, the taker, and the venue's truth, in-process |

pub(crate) mod audit;
pub(crate) mod chaos;
mod daemon;
mod run;
mod venue_side;

pub use run::{SoakOptions, soak};
