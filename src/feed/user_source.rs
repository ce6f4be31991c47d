//! Where our order and trade events come from: the venue's user channel, or an account
//! that fills our orders locally from the public market data the feed reads (paper mode).
//! [`LocalAccount`] is the one seam between the feed and such an account: the feed shows it
//! every market event through a tap and delivers the events it produces, without knowing
//! how it fills.

use std::rc::Rc;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use super::sync::MarketTap;
use crate::clock::Clock;
use crate::domain::UserEvent;
use crate::polymarket::ApiCreds;

/// An account that fills our orders from the market data the feed reads.
pub trait LocalAccount {
    /// A tap that shows the account every market event, stamped by `clock`.
    fn tap(&self, clock: Arc<dyn Clock>) -> MarketTap;
    /// The next events it produced, waiting until there are some.
    fn events(&self) -> LocalBoxFuture<'_, Vec<UserEvent>>;
}

/// Where our order and trade events come from.
#[derive(Clone)]
pub enum UserSource {
    /// The venue's user channel, authenticated with these credentials.
    Venue(ApiCreds),
    /// A local account, which also sees every market event.
    Local(Rc<dyn LocalAccount>),
}
