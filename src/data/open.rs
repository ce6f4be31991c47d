//! Opening a data set by what is at the path: a polymm recording (a `.pmrec.zst` file or a
//! folder of them), a resolvedkit folder, or PMXT Parquet.

use std::path::Path;

use super::error::DataError;
use super::own::OwnSource;
use super::pmxt::{PmxtSource, is_pmxt};
use super::reader::recording_files;
use super::resolved::{ResolvedSource, is_resolved};
use super::source::Source;

/// The data set at `path`.
pub fn open(path: &Path) -> Result<Box<dyn Source>, DataError> {
    if !path.exists() {
        return Err(DataError::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    if is_resolved(path) {
        return Ok(Box::new(ResolvedSource::open(path)?));
    }
    if recording_files(path).is_ok_and(|files| !files.is_empty()) {
        return Ok(Box::new(OwnSource::open(path)?));
    }
    if is_pmxt(path) {
        return Ok(Box::new(PmxtSource::open(path)?));
    }
    Err(DataError::Unknown(path.to_owned()))
}
