//! The paper account as the actors share it: it is the feed's [`LocalAccount`] (the feed
//! shows it market data and delivers the user events it produces) and the execution
//! actor's place to place and cancel. Both actors run on one arbiter, so the account is a
//! `RefCell` behind an `Rc`; a `Notify` wakes the feed's delivery task whenever something
//! may have happened.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use tokio::sync::Notify;

use super::paper_venue::PaperVenue;
use crate::clock::Clock;
use crate::domain::UserEvent;
use crate::feed::sync::MarketTap;
use crate::feed::user_source::LocalAccount;

/// A handle on the paper account.
#[derive(Clone)]
pub struct PaperLink {
    venue: Rc<RefCell<PaperVenue>>,
    ready: Rc<Notify>,
}

impl PaperLink {
    /// Shares `venue`.
    pub fn new(venue: PaperVenue) -> Self {
        Self { venue: Rc::new(RefCell::new(venue)), ready: Rc::new(Notify::new()) }
    }

    /// Runs `act` on the account and wakes the delivery of whatever events it queued.
    pub fn with<R>(&self, act: impl FnOnce(&mut PaperVenue) -> R) -> R {
        let result = act(&mut self.venue.borrow_mut());
        self.ready.notify_one();
        result
    }
}

impl LocalAccount for PaperLink {
    fn tap(&self, clock: Arc<dyn Clock>) -> MarketTap {
        let link = self.clone();
        MarketTap::new(move |event| link.with(|venue| venue.on_market(event, clock.now().0)))
    }

    fn events(&self) -> LocalBoxFuture<'_, Vec<UserEvent>> {
        Box::pin(async move {
            loop {
                let events = self.venue.borrow_mut().take_events();
                if !events.is_empty() {
                    return events;
                }
                self.ready.notified().await;
            }
        })
    }
}
