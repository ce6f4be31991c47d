//! The recording format. A recording is a folder of hourly files
//! (`polymm-YYYY-MM-DDTHH.pmrec.zst`), each a sequence of complete zstd frames (one per
//! flush, so a crash loses at most the last second). Decompressed, a file is a sequence of
//! records, never split across frames:
//!
//! ```text
//! kind: u8 | local_ns: u64 LE | connection: u32 LE | length: u32 LE | payload
//! ```
//!
//! `local_ns` is the local receive time (unix ns); `connection` the websocket connection a
//! frame came on. Each file starts with a [`RecordKind::Header`] and the market metadata,
//! so it can be read on its own; payloads are the venue's own text where there is one.

use serde::{Deserialize, Serialize};

/// The header record's payload: the format and its version.
pub const HEADER: &[u8] = b"polymm-recording/1";
/// Bytes before a record's payload.
pub const HEAD_LEN: usize = 17;
/// The largest payload a reader accepts (the venue's frames are far smaller).
pub const MAX_PAYLOAD: usize = 64 << 20;

/// What a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum RecordKind {
    /// The file's start: [`HEADER`].
    Header = 0,
    /// A market-channel text frame, as received.
    Frame = 1,
    /// A REST `/book` snapshot of one token (its JSON).
    Rest = 2,
    /// A market's metadata ([`MarketMeta`](super::MarketMeta) as JSON).
    Meta = 3,
    /// A connection event ([`Marker`] as JSON).
    Marker = 4,
}

impl RecordKind {
    /// The kind with this byte.
    pub fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            0 => Self::Header,
            1 => Self::Frame,
            2 => Self::Rest,
            3 => Self::Meta,
            4 => Self::Marker,
            _ => return None,
        })
    }
}

/// A connection event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    /// The recorder started.
    Start,
    /// A connection came up and subscribed.
    Connect,
    /// A connection dropped: frames may be missing until the snapshots after it.
    Drop,
    /// Books are being fetched over REST (start, reconnect, a gap seen).
    Resync,
    /// The recorder stopped cleanly.
    Stop,
}

/// A marker record's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// What happened.
    pub event: MarkerKind,
    /// Why, for people.
    #[serde(default)]
    pub detail: String,
}

/// The head of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHead {
    /// What it holds.
    pub kind: RecordKind,
    /// Local receive time, unix ns.
    pub local_ns: u64,
    /// The connection.
    pub connection: u32,
}

/// Appends one record to `out`.
pub fn encode(out: &mut Vec<u8>, head: RecordHead, payload: &[u8]) {
    out.push(head.kind as u8);
    out.extend_from_slice(&head.local_ns.to_le_bytes());
    out.extend_from_slice(&head.connection.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Why a record's head is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    /// The kind byte is not one of [`RecordKind`].
    #[error("unknown record kind {0}")]
    Kind(u8),
    /// The payload length is beyond [`MAX_PAYLOAD`].
    #[error("record length {0} is beyond the limit")]
    Length(usize),
}

/// Decodes a record head; returns it and the payload's length.
pub fn decode_head(bytes: &[u8; HEAD_LEN]) -> Result<(RecordHead, usize), HeadError> {
    let kind = RecordKind::from_byte(bytes[0]).ok_or(HeadError::Kind(bytes[0]))?;
    let mut ns = [0u8; 8];
    ns.copy_from_slice(&bytes[1..9]);
    let mut connection = [0u8; 4];
    connection.copy_from_slice(&bytes[9..13]);
    let mut length = [0u8; 4];
    length.copy_from_slice(&bytes[13..17]);
    let length = u32::from_le_bytes(length) as usize;
    if length > MAX_PAYLOAD {
        return Err(HeadError::Length(length));
    }
    let head =
        RecordHead { kind, local_ns: u64::from_le_bytes(ns), connection: u32::from_le_bytes(connection) };
    Ok((head, length))
}

/// The file an hour's records go to: `polymm-2026-12-07T21.pmrec.zst`.
pub fn file_name(local_ns: u64) -> String {
    let ms = crate::clock::Millis(local_ns / 1_000_000);
    let hour = ms.0 / 3_600_000 % 24;
    format!("polymm-{}T{hour:02}.pmrec.zst", ms.utc_day())
}

/// Whether a file name is a recording's.
pub fn is_recording(name: &str) -> bool {
    name.ends_with(".pmrec.zst")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_bad_heads_are_named() {
        let mut out = Vec::new();
        let head = RecordHead { kind: RecordKind::Frame, local_ns: 1_765_000_000_123_456_789, connection: 3 };
        encode(&mut out, head, b"{\"event_type\":\"book\"}");
        let mut bytes = [0u8; HEAD_LEN];
        bytes.copy_from_slice(&out[..HEAD_LEN]);
        assert_eq!(decode_head(&bytes), Ok((head, 21)));
        assert_eq!(&out[HEAD_LEN..], b"{\"event_type\":\"book\"}");
        bytes[0] = 9;
        assert_eq!(decode_head(&bytes), Err(HeadError::Kind(9)));
        bytes[0] = 1;
        bytes[13..17].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode_head(&bytes), Err(HeadError::Length(_))));
    }

    #[test]
    fn files_are_named_by_the_utc_hour() {
        assert_eq!(file_name(1_765_141_200_000_000_000), "polymm-2025-12-07T21.pmrec.zst");
        assert!(is_recording(&file_name(0)));
    }
}
