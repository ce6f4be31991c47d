//! A data set held in memory as a queue of events: what a loader that must read and sort
//! a whole file returns, and what tests and benches replay.

use std::collections::VecDeque;

use super::catalog::Catalog;
use super::error::Problems;
use super::event::Event;
use super::source::Source;

/// Events held in memory, in time order.
#[derive(Debug, Clone)]
pub struct MemSource {
    kind: &'static str,
    catalog: Catalog,
    events: VecDeque<Event>,
    problems: Problems,
}

impl MemSource {
    /// A source of `events` about `catalog`'s markets, of the `kind` named, with the
    /// `problems` its loading skipped.
    pub fn new(
        kind: &'static str,
        catalog: Catalog,
        events: impl Into<VecDeque<Event>>,
        problems: Problems,
    ) -> Self {
        Self { kind, catalog, events: events.into(), problems }
    }

    /// Events left.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no event is left.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

impl Source for MemSource {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn next_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn problems(&self) -> &Problems {
        &self.problems
    }

    fn kind(&self) -> &'static str {
        self.kind
    }
}
