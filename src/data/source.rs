//! The one trait every loader implements: markets, then events in time order, with the
//! problems skipped on the way.

use super::catalog::Catalog;
use super::error::Problems;
use super::event::Event;

/// A data set, read as a stream.
pub trait Source {
    /// The markets known so far (a recording's grow as its metadata records are read;
    /// an event's market is always known by the time the event is returned).
    fn catalog(&self) -> &Catalog;
    /// The next event, in time order; `None` at the end.
    fn next_event(&mut self) -> Option<Event>;
    /// What was skipped so far.
    fn problems(&self) -> &Problems;
    /// What kind of data set this is, for people.
    fn kind(&self) -> &'static str;
}
