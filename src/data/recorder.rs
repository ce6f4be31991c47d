//! The recorder: what the market channel delivers, written as it arrives. The caller (the
//! feed, on the actors' thread) only appends encoded records to a buffer; once a second the
//! buffer goes to the writer thread, which compresses it into one complete zstd frame and
//! appends it to the hour's file. A new hour's file starts with the header and every
//! market's metadata, so each file reads on its own.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::MarketMeta;
use super::format::{HEADER, Marker, MarkerKind, RecordHead, RecordKind, encode, file_name};

/// How the recorder writes.
#[derive(Debug, Clone)]
pub struct RecorderConfig {
    /// The folder the hourly files go to (created if missing).
    pub dir: PathBuf,
    /// How often the buffer is compressed and written, ms: the most a crash loses.
    pub flush_every_ms: u64,
    /// zstd level (1 is fast and plenty for JSON).
    pub level: i32,
}

impl RecorderConfig {
    /// Defaults: a flush a second at level 3.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), flush_every_ms: 1_000, level: 3 }
    }
}

/// What has been recorded, shared with whoever shows progress.
#[derive(Debug, Default)]
pub struct RecorderStats {
    /// Frames recorded.
    pub frames: AtomicU64,
    /// REST snapshots recorded.
    pub snapshots: AtomicU64,
    /// Connection drops recorded.
    pub drops: AtomicU64,
    /// Raw bytes recorded.
    pub raw_bytes: AtomicU64,
    /// Compressed bytes written.
    pub written_bytes: AtomicU64,
    /// Flushes the writer thread failed to write (each logged).
    pub write_errors: AtomicU64,
}

/// One flush: an hour's file and the records for it.
struct Chunk {
    file: String,
    bytes: Vec<u8>,
}

/// The recorder's handle, used on one thread.
pub struct Recorder {
    buffer: Vec<u8>,
    file: Option<String>,
    metas: Vec<(String, Vec<u8>)>,
    sender: Option<Sender<Chunk>>,
    writer: Option<JoinHandle<()>>,
    stats: Arc<RecorderStats>,
    base: (u64, Instant),
    flush_every_ns: u64,
    last_flush_ns: u64,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("file", &self.file).finish_non_exhaustive()
    }
}

fn wall_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

impl Recorder {
    /// Starts the writer thread over `config.dir`.
    pub fn start(config: &RecorderConfig) -> std::io::Result<Self> {
        std::fs::create_dir_all(&config.dir)?;
        let (sender, chunks) = channel();
        let stats = Arc::new(RecorderStats::default());
        let dir = config.dir.clone();
        let level = config.level;
        let writer_stats = stats.clone();
        let writer = std::thread::Builder::new()
            .name("polymm-recorder".into())
            .spawn(move || write_chunks(&dir, level, &chunks, &writer_stats))?;
        let now = wall_ns();
        Ok(Self {
            buffer: Vec::with_capacity(1 << 20),
            file: None,
            metas: Vec::new(),
            sender: Some(sender),
            writer: Some(writer),
            stats,
            base: (now, Instant::now()),
            flush_every_ns: config.flush_every_ms * 1_000_000,
            last_flush_ns: now,
        })
    }

    /// The counters.
    pub fn stats(&self) -> Arc<RecorderStats> {
        self.stats.clone()
    }

    /// Unix ns of a local instant (monotonic from the recorder's start).
    pub fn ns_of(&self, at: Instant) -> u64 {
        self.base.0 + at.saturating_duration_since(self.base.1).as_nanos() as u64
    }

    /// Now, unix ns.
    pub fn now_ns(&self) -> u64 {
        self.ns_of(Instant::now())
    }

    /// Records a market's metadata (the latest again at the head of every later file).
    pub fn meta(&mut self, meta: &MarketMeta) {
        let Ok(json) = serde_json::to_vec(meta) else { return };
        let now = self.now_ns();
        self.append(RecordKind::Meta, now, 0, &json);
        match self.metas.iter_mut().find(|(condition, _)| *condition == meta.condition) {
            Some((_, known)) => *known = json,
            None => self.metas.push((meta.condition.clone(), json)),
        }
    }

    /// Records a market-channel frame read at `received` on `connection`.
    pub fn frame(&mut self, connection: u32, received: Instant, text: &str) {
        let at = self.ns_of(received);
        self.append(RecordKind::Frame, at, connection, text.as_bytes());
        self.stats.frames.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a REST book snapshot (its JSON).
    pub fn snapshot(&mut self, json: &[u8]) {
        let now = self.now_ns();
        self.append(RecordKind::Rest, now, 0, json);
        self.stats.snapshots.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a connection event.
    pub fn marker(&mut self, connection: u32, event: MarkerKind, detail: &str) {
        if event == MarkerKind::Drop {
            self.stats.drops.fetch_add(1, Ordering::Relaxed);
        }
        let marker = Marker { event, detail: detail.to_owned() };
        let Ok(json) = serde_json::to_vec(&marker) else { return };
        let now = self.now_ns();
        self.append(RecordKind::Marker, now, connection, &json);
    }

    fn append(&mut self, kind: RecordKind, local_ns: u64, connection: u32, payload: &[u8]) {
        let file = file_name(local_ns);
        if self.file.as_deref() != Some(file.as_str()) {
            self.send();
            self.start_file(file, local_ns);
        }
        encode(&mut self.buffer, RecordHead { kind, local_ns, connection }, payload);
        self.stats.raw_bytes.fetch_add(payload.len() as u64, Ordering::Relaxed);
        if local_ns.saturating_sub(self.last_flush_ns) >= self.flush_every_ns {
            self.flush();
        }
    }

    /// A new hour's file: the header, then every market's metadata.
    fn start_file(&mut self, file: String, local_ns: u64) {
        self.file = Some(file);
        encode(&mut self.buffer, RecordHead { kind: RecordKind::Header, local_ns, connection: 0 }, HEADER);
        for (_, meta) in &self.metas {
            encode(&mut self.buffer, RecordHead { kind: RecordKind::Meta, local_ns, connection: 0 }, meta);
        }
    }

    /// Sends what is buffered to the writer if a flush is due; call it now and then so a
    /// quiet feed is written too.
    pub fn flush_if_due(&mut self) {
        if self.now_ns().saturating_sub(self.last_flush_ns) >= self.flush_every_ns {
            self.flush();
        }
    }

    /// Sends what is buffered to the writer now.
    pub fn flush(&mut self) {
        self.last_flush_ns = self.now_ns();
        self.send();
    }

    fn send(&mut self) {
        let (Some(file), Some(sender)) = (&self.file, &self.sender) else { return };
        if self.buffer.is_empty() {
            return;
        }
        let bytes = std::mem::replace(&mut self.buffer, Vec::with_capacity(1 << 20));
        if sender.send(Chunk { file: file.clone(), bytes }).is_err() {
            self.stats.write_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records the stop, writes everything and waits for the writer.
    pub fn close(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        if self.sender.is_none() {
            return;
        }
        self.marker(0, MarkerKind::Stop, "");
        self.flush();
        self.sender = None;
        if let Some(writer) = self.writer.take()
            && writer.join().is_err()
        {
            tracing::error!("the recorder's writer thread panicked");
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The writer thread: each chunk one zstd frame, appended to its file.
fn write_chunks(dir: &Path, level: i32, chunks: &Receiver<Chunk>, stats: &RecorderStats) {
    let mut open: Option<(String, File)> = None;
    while let Ok(chunk) = chunks.recv() {
        if let Err(error) = write_chunk(dir, level, &chunk, &mut open, stats) {
            stats.write_errors.fetch_add(1, Ordering::Relaxed);
            tracing::error!(%error, file = %chunk.file, "recording: a flush could not be written");
            open = None;
        }
    }
}

fn write_chunk(
    dir: &Path,
    level: i32,
    chunk: &Chunk,
    open: &mut Option<(String, File)>,
    stats: &RecorderStats,
) -> std::io::Result<()> {
    if open.as_ref().is_none_or(|(name, _)| *name != chunk.file) {
        let file = OpenOptions::new().create(true).append(true).open(dir.join(&chunk.file))?;
        *open = Some((chunk.file.clone(), file));
    }
    let compressed = zstd::bulk::compress(&chunk.bytes, level)?;
    if let Some((_, file)) = open.as_mut() {
        file.write_all(&compressed)?;
        file.flush()?;
    }
    stats.written_bytes.fetch_add(compressed.len() as u64, Ordering::Relaxed);
    Ok(())
}
