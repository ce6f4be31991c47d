//! Reading recordings back, record by record, streaming: a file is never held in memory.
//! A broken tail (a crash's last frame, a corrupt byte) ends the file with the problem
//! counted and named by file, compressed byte and record; what came before is kept.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::error::{DataError, Problems};
use super::format::{HEAD_LEN, RecordHead, decode_head, is_recording};

/// The recording files at `path` (a `.pmrec.zst` file, or a folder's), in name order,
/// which is time order.
pub fn recording_files(path: &Path) -> Result<Vec<PathBuf>, DataError> {
    if path.is_file() {
        let named = path.file_name().and_then(|n| n.to_str()).is_some_and(is_recording);
        return Ok(if named { vec![path.to_owned()] } else { Vec::new() });
    }
    let entries = std::fs::read_dir(path).map_err(|e| DataError::io(path, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_recording))
        .collect();
    files.sort();
    Ok(files)
}

/// Counts the compressed bytes read.
struct Counting {
    file: File,
    read: Rc<Cell<u64>>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// One recording file's records.
pub struct RecordReader {
    path: PathBuf,
    decoder: zstd::stream::read::Decoder<'static, BufReader<Counting>>,
    compressed: Rc<Cell<u64>>,
    records: u64,
    done: bool,
}

impl RecordReader {
    /// Opens a file.
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let file = File::open(path).map_err(|e| DataError::io(path, e))?;
        let compressed = Rc::new(Cell::new(0));
        let counting = Counting { file, read: compressed.clone() };
        let decoder = zstd::stream::read::Decoder::new(counting).map_err(|e| DataError::io(path, e))?;
        Ok(Self { path: path.to_owned(), decoder, compressed, records: 0, done: false })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads as much of `buf` as the stream has; the count read.
    fn fill(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut at = 0;
        while at < buf.len() {
            match self.decoder.read(&mut buf[at..]) {
                Ok(0) => break,
                Ok(n) => at += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(at)
    }

    fn broken(&mut self, problems: &mut Problems, why: impl std::fmt::Display) -> Option<RecordHead> {
        self.done = true;
        let position = format!("compressed byte {}, after record {}", self.compressed.get(), self.records);
        problems.truncated(&self.path, &position, why);
        None
    }

    /// The next record's head, its payload in `payload`; `None` at the end of the file or
    /// where it breaks (counted in `problems`).
    pub fn next_record(&mut self, payload: &mut Vec<u8>, problems: &mut Problems) -> Option<RecordHead> {
        if self.done {
            return None;
        }
        let mut head = [0u8; HEAD_LEN];
        match self.fill(&mut head) {
            Ok(0) => {
                self.done = true;
                return None;
            }
            Ok(n) if n < HEAD_LEN => return self.broken(problems, "the file ends inside a record"),
            Ok(_) => {}
            Err(e) => return self.broken(problems, format!("zstd data broken ({e})")),
        }
        let (head, length) = match decode_head(&head) {
            Ok(decoded) => decoded,
            Err(e) => return self.broken(problems, e),
        };
        payload.clear();
        payload.resize(length, 0);
        match self.fill(payload) {
            Ok(n) if n == length => {}
            Ok(_) => return self.broken(problems, "the file ends inside a record"),
            Err(e) => return self.broken(problems, format!("zstd data broken ({e})")),
        }
        self.records += 1;
        Some(head)
    }

    /// Records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }
}
