//! Market data at rest: recording what the market channel delivers ([`Recorder`], the
//! format in [`format`]), and reading data sets back as one normalized stream of
//! [`Event`]s through the [`Source`] trait: polymm's own recordings, the resolvedkit
//! layout, PMXT v2 Parquet. Snapshot-only data is diffed into level changes. Bad data is
//! named by file and position: one bad record is counted and skipped, a bad file refused.

pub(crate) mod catalog;
pub(crate) mod diff;
pub(crate) mod error;
pub(crate) mod event;
pub mod format;
pub(crate) mod inspect;
pub(crate) mod memory;
pub(crate) mod open;
pub(crate) mod own;
pub(crate) mod pmxt;
pub(crate) mod reader;
pub(crate) mod recorder;
pub(crate) mod resolved;
pub(crate) mod source;
pub(crate) mod table;

pub use catalog::{Catalog, MarketMeta, RewardMeta};
pub use diff::SnapshotDiffer;
pub use error::{DataError, Problems};
pub use event::{Event, EventKind, Stamp};
pub use inspect::{Inspection, inspect};
pub use memory::MemSource;
pub use open::open;
pub use own::OwnSource;
pub use pmxt::PmxtSource;
pub use reader::{RecordReader, recording_files};
pub use recorder::{Recorder, RecorderConfig, RecorderStats};
pub use resolved::ResolvedSource;
pub use source::Source;
