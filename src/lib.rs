//! polymm: a market-making daemon for Polymarket's central limit order book (CLOB V2).
//!
//! # Layout
//!
//! | module | owns |
//! |---|---|
//! | [`domain`] | validated money and identifier types, books, what a market is, our orders and their events, a market's position ledger, the order state machine |
//! | [`polymarket`] | the venue protocol: V2 order signing, request bodies, L1/L2 auth, the REST client, the TLS transport (rustls, `venue.ca_file`), websocket connections, rate limits, heartbeats, Gamma discovery, the book-summary hash |
//! | [`feed`] | market and user data: frame decoding, local books with gap detection and resync, the venue's book hashes, rolling REST spot checks of books and of our orders, the live feeds |
//! | [`execution`] | the order path a market's orders take (risk desk, signature, request), the sender, the execution actor (reconciles, balance, cancel-all); the paper exchange and its queue-aware fill model |
//! | [`killswitch`] | the kill switch: state machine, balance watch, the actor that halts everything |
//! | [`strategy`] | the quote models (polymm, the seed's fixed spread, Avellaneda–Stoikov), the quote arithmetic, and their parts: volatility, inventory, book stats, queue, timing, rewards, scorer, allocator |
//! | [`alpha`] | pure signals: flow, competitors, events, regime, time of day |
//! | [`market`] | one market: the orders for a quote and their diff, `MarketCore`, `MarketActor` |
//! | [`director`] | `MarketDirector`: supervision, restart policy, runtime enable/disable |
//! | [`doctor`] | `polymm doctor`: the checks a first live start depends on, and their verdicts |
//! | [`control`] | the control API (actix-web, token-protected) and its client for `polymm ctl` |
//! | [`selection`] | which markets to quote (includes, held shares, filters, scores) and each one's budget |
//! | [`system`] | wiring: builds the actors and connects them; `system::params` maps the configuration into each part's terms |
//! | [`risk`] | the risk gate and the desk it checks against: `Approved<OrderRequest>` is made only there |
//! | [`telemetry`] | the SQLite store and the ledger (fills, JSON trade log, daily P&L, kill switch), the state directory's lock |
//! | [`sim`] | the embedded Polymarket-compatible venue (`polymm sim`, `--tls` with a throwaway CA) |
//! | [`compare`] | `polymm sim-compare`: strategies side by side on identical seeded simulations |
//! | [`data`] | market data at rest: the recording format and recorder, loaders for recordings, resolvedkit and PMXT v2 Parquet as one event stream |
//! | [`backtest`] | the replay engine: the daemon's `MarketCore` (or any strategy) on a data set against the paper exchange's fill code with queue, latency and fee models, the summary and the HTML report |
//! | [`soak`] | `polymm soak`: the daemon under every fault the venue has, panics, kill -9 after fills, then an audit against the venue |
//! | [`config`] | layered configuration (defaults, `actors.toml`, environment, CLI) and its validation |
//! | [`cli`] | the command line: argument definitions and the one-shot commands |
//! | [`clock`] | the injected clock |
//! | `stats` | numeric helpers the signal trackers share (`f64` statistics crossing into `Decimal`) |
//! | [`crypto`] | keccak-256 |
//! | [`busy_poll`] | the optional spinning of the actors' thread (latency for one core) |
//! | [`secret`] | the wrapper that keeps keys and API secrets out of logs |
//! | [`error`] | the severity every area's error carries |
//! | `testkit` | fixtures shared by tests, examples and benches (feature `testkit`, on for every test and bench build) |
//!
//! Pure logic (domain, protocol, quoting, signals, risk models, the books) never imports
//! actix, awc or tokio; actors are thin shells around it, each receiving the messages in its
//! area's `messages` module. `ARCHITECTURE.md` draws the whole picture: threads, actors,
//! the hot path, where state lives and where a change goes.

mod alpha;
pub mod backtest;
mod busy_poll;
pub mod cli;
pub mod clock;
pub mod compare;
pub mod config;
pub mod control;
mod crypto;
pub mod data;
mod director;
mod doctor;
pub mod domain;
pub mod error;
pub mod execution;
pub mod feed;
mod killswitch;
pub mod market;
pub mod polymarket;
pub mod risk;
pub mod secret;
pub mod selection;
pub mod sim;
mod soak;
mod stats;
pub mod strategy;
pub mod system;
mod telemetry;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
