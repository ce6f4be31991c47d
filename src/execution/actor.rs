//! `ExecutionActor`: the venue's side of the daemon that is not a market's order path
//! (placements and cancels go out from the markets' handlers through [`super::sender`]):
//! reconciliations (in bulk when many markets ask together), the balance, cancel-all and
//! the latency histograms, replying to whoever asked; in paper mode the paper account
//! answers instead. It shares the REST client, which is not `Send`, so it lives on the
//! actors' thread; each request runs as its own task there, so the actor's mailbox never
//! waits on the network.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use actix::prelude::*;
use rust_decimal::Decimal;

use super::messages::{CancelAll, GetBalance, GetLatency, Reconcile};
use super::paper_venue::PaperVenue;
use super::reconcile;
use super::sender::{Backend, OrderSender};
use crate::clock::Clock;
use crate::domain::Address;
use crate::market::messages::Reconciled;
use crate::polymarket::client::ClientError;
use crate::polymarket::client::ClobClient;

/// Reconciliations asked for within this window are read together (markets starting
/// together are read in bulk).
const RECONCILE_BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(25);

/// How far back a reconciliation lists our trades, seconds.
const RECENT_TRADES_SECS: u64 = 600;

/// The execution actor.
pub struct ExecutionActor {
    sender: Rc<RefCell<OrderSender>>,
    clock: Arc<dyn Clock>,
    pending_reconciles: Vec<Reconcile>,
}

impl ExecutionActor {
    /// The actor of `sender` (shared with the markets' order path).
    pub fn new(sender: Rc<RefCell<OrderSender>>, clock: Arc<dyn Clock>) -> Self {
        Self { sender, clock, pending_reconciles: Vec::new() }
    }

    fn backend(&self) -> Backend {
        self.sender.borrow().backend().clone()
    }
}

impl Actor for ExecutionActor {
    type Context = Context<Self>;
}

impl Handler<CancelAll> for ExecutionActor {
    type Result = ResponseActFuture<Self, Result<usize, ClientError>>;

    fn handle(&mut self, _: CancelAll, _: &mut Context<Self>) -> Self::Result {
        let client = match self.backend() {
            Backend::Venue(client) => client,
            Backend::Paper(paper) => {
                let cancelled = paper.with(PaperVenue::cancel_all);
                return Box::pin(actix::fut::ready(Ok(cancelled)));
            }
        };
        Box::pin(async move { client.cancel_all().await.map(|r| r.canceled.len()) }.into_actor(self))
    }
}

impl Handler<GetLatency> for ExecutionActor {
    type Result = MessageResult<GetLatency>;

    fn handle(&mut self, msg: GetLatency, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.sender.borrow_mut().latency(msg.restart))
    }
}

impl Handler<GetBalance> for ExecutionActor {
    type Result = ResponseActFuture<Self, Result<Decimal, ClientError>>;

    fn handle(&mut self, _: GetBalance, _: &mut Context<Self>) -> Self::Result {
        let client = match self.backend() {
            Backend::Venue(client) => client,
            Backend::Paper(paper) => {
                return Box::pin(actix::fut::ready(Ok(paper.with(|venue| venue.cash()))));
            }
        };
        Box::pin(
            async move { client.balance(None).await.map(|b| b.balance / Decimal::from(1_000_000)) }
                .into_actor(self),
        )
    }
}

impl Handler<Reconcile> for ExecutionActor {
    type Result = ();

    fn handle(&mut self, msg: Reconcile, ctx: &mut Context<Self>) {
        let Backend::Paper(paper) = self.backend() else {
            if self.pending_reconciles.is_empty() {
                ctx.run_later(RECONCILE_BATCH_WINDOW, |actor, _| actor.reconcile_pending());
            }
            self.pending_reconciles.push(msg);
            return;
        };
        let since_ms = self.clock.now().0.saturating_sub(RECENT_TRADES_SECS * 1_000);
        let reconciled = paper.with(|venue| Reconciled {
            open: venue.open_orders(&msg.market),
            yes: venue.shares(&msg.yes),
            no: venue.shares(&msg.no),
            recent_trades: venue.recent_trades(&msg.market, since_ms),
        });
        msg.reply.do_send(reconciled);
    }
}

impl ExecutionActor {
    /// Reads the reconciliations asked for in the last window: each on its own when they
    /// are few, in bulk (three account-wide reads) when many markets start together.
    fn reconcile_pending(&mut self) {
        let Backend::Venue(client) = self.backend() else { return };
        let batch = std::mem::take(&mut self.pending_reconciles);
        let since = self.clock.now().as_secs().saturating_sub(RECENT_TRADES_SECS);
        let maker = self.sender.borrow().signer().maker();
        actix_rt::spawn(async move {
            let batch = if batch.len() >= reconcile::BULK_FROM {
                reconcile_in_bulk(&client, &maker, batch, since).await
            } else {
                batch
            };
            futures_util::future::join_all(batch.into_iter().map(|msg| reconcile_alone(&client, msg, since)))
                .await;
        });
    }
}

/// Answers what it can of `batch` from account-wide reads; returns the requests still to be
/// read on their own (all of them if a read failed or no Data API is configured).
async fn reconcile_in_bulk(
    client: &ClobClient,
    maker: &Address,
    batch: Vec<Reconcile>,
    since: u64,
) -> Vec<Reconcile> {
    let reads = match reconcile::read_account(client, maker, since).await {
        Ok(reads) => reads,
        Err(error) => {
            if let Some(error) = error {
                tracing::warn!(%error, markets = batch.len(), "bulk reconciliation failed; each market is read alone");
            }
            return batch;
        }
    };
    let targets: Vec<reconcile::Target<'_>> =
        batch.iter().map(|m| reconcile::Target { market: &m.market, yes: &m.yes, no: &m.no }).collect();
    let states = reconcile::split(&targets, &reads);
    let mut alone = Vec::new();
    let mut answered = 0;
    for (msg, state) in batch.into_iter().zip(states) {
        match state {
            Some(state) => {
                answered += 1;
                let reconciled =
                    Reconciled { open: state.open, yes: state.yes, no: state.no, recent_trades: Vec::new() };
                msg.reply.do_send(reconciled);
            }
            None => alone.push(msg),
        }
    }
    tracing::info!(answered, alone = alone.len(), "markets reconciled in bulk");
    alone
}

/// Reads one market's open orders, shares and recent trades consistently and answers it;
/// on failure the market asks again.
async fn reconcile_alone(client: &ClobClient, msg: Reconcile, since: u64) {
    let api_key = client.creds().map(|c| c.api_key.clone()).unwrap_or_default();
    let target = reconcile::Target { market: &msg.market, yes: &msg.yes, no: &msg.no };
    match reconcile::read_market(client, target, since, &api_key).await {
        Ok(read) => msg.reply.do_send(Reconciled {
            open: read.state.open,
            yes: read.state.yes,
            no: read.state.no,
            recent_trades: read.recent_trades,
        }),
        Err(error) => tracing::warn!(%error, market = %msg.market, "reconcile failed; the market retries"),
    }
}
