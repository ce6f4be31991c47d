//! Small Parquet files in the public data sets' layouts, written by the tests themselves:
//! PMXT v2's market-channel rows and resolvedkit's market and book tables.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// One value of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An INT64.
    Int(i64),
    /// A UTF-8 string.
    Text(String),
    /// A DOUBLE.
    Float(f64),
    /// Null.
    Null,
}

/// A column: name, Parquet type (`INT64`, `BYTE_ARRAY (UTF8)`, `DOUBLE`) and values.
pub struct Column {
    /// Name.
    pub name: &'static str,
    /// Physical type and annotation.
    pub kind: &'static str,
    /// One value a row.
    pub cells: Vec<Cell>,
}

/// Writes `columns` (all optional, one row group, zstd) to `path`.
pub fn write(path: &Path, columns: &[Column]) -> parquet::errors::Result<()> {
    let fields: Vec<String> = columns
        .iter()
        .map(|c| match c.kind.split_once(' ') {
            Some((physical, annotation)) => format!("OPTIONAL {physical} {} {annotation};", c.name),
            None => format!("OPTIONAL {} {};", c.kind, c.name),
        })
        .collect();
    let schema = Arc::new(parse_message_type(&format!("message schema {{ {} }}", fields.join(" ")))?);
    let props =
        Arc::new(WriterProperties::builder().set_compression(Compression::ZSTD(Default::default())).build());
    let mut writer = SerializedFileWriter::new(File::create(path)?, schema, props)?;
    let mut group = writer.next_row_group()?;
    let mut index = 0;
    while let Some(mut column) = group.next_column()? {
        let cells = &columns[index].cells;
        let levels: Vec<i16> = cells.iter().map(|c| i16::from(*c != Cell::Null)).collect();
        match column.untyped() {
            ColumnWriter::Int64ColumnWriter(w) => {
                let values: Vec<i64> =
                    cells.iter().filter_map(|c| if let Cell::Int(v) = c { Some(*v) } else { None }).collect();
                w.write_batch(&values, Some(&levels), None)?;
            }
            ColumnWriter::DoubleColumnWriter(w) => {
                let values: Vec<f64> = cells
                    .iter()
                    .filter_map(|c| if let Cell::Float(v) = c { Some(*v) } else { None })
                    .collect();
                w.write_batch(&values, Some(&levels), None)?;
            }
            ColumnWriter::ByteArrayColumnWriter(w) => {
                let values: Vec<ByteArray> = cells
                    .iter()
                    .filter_map(
                        |c| if let Cell::Text(v) = c { Some(ByteArray::from(v.as_str())) } else { None },
                    )
                    .collect();
                w.write_batch(&values, Some(&levels), None)?;
            }
            _ => return Err(parquet::errors::ParquetError::General("unsupported column type".into())),
        }
        column.close()?;
        index += 1;
    }
    group.close()?;
    writer.close()?;
    Ok(())
}

/// One PMXT row: receive time and venue time (ms), market, event type, token, and the
/// fields that event type uses.
#[derive(Debug, Clone, Default)]
pub struct PmxtRow {
    /// `timestamp_received`, ms.
    pub received_ms: i64,
    /// `timestamp`, ms.
    pub venue_ms: i64,
    /// `market`.
    pub market: &'static str,
    /// `event_type`.
    pub event_type: &'static str,
    /// `asset_id`.
    pub asset: &'static str,
    /// `bids` (JSON text) for `book`.
    pub bids: Option<&'static str>,
    /// `asks` (JSON text) for `book`.
    pub asks: Option<&'static str>,
    /// `price`.
    pub price: Option<&'static str>,
    /// `size`.
    pub size: Option<&'static str>,
    /// `side`.
    pub side: Option<&'static str>,
}

/// Writes `rows` as a PMXT v2 file; `drop` leaves those columns out.
pub fn write_pmxt(path: &Path, rows: &[PmxtRow], drop: &[&str]) -> parquet::errors::Result<()> {
    let text = |v: Option<&str>| v.map_or(Cell::Null, |v| Cell::Text(v.to_owned()));
    let mut columns = vec![
        Column {
            name: "timestamp_received",
            kind: "INT64",
            cells: rows.iter().map(|r| Cell::Int(r.received_ms)).collect(),
        },
        Column {
            name: "timestamp",
            kind: "INT64",
            cells: rows.iter().map(|r| Cell::Int(r.venue_ms)).collect(),
        },
        Column {
            name: "market",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(Some(r.market))).collect(),
        },
        Column {
            name: "event_type",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(Some(r.event_type))).collect(),
        },
        Column {
            name: "asset_id",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(Some(r.asset))).collect(),
        },
        Column {
            name: "bids",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(r.bids)).collect(),
        },
        Column {
            name: "asks",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(r.asks)).collect(),
        },
        Column {
            name: "price",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(r.price)).collect(),
        },
        Column {
            name: "size",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(r.size)).collect(),
        },
        Column {
            name: "side",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|r| text(r.side)).collect(),
        },
        Column {
            name: "best_bid",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|_| Cell::Null).collect(),
        },
        Column {
            name: "best_ask",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|_| Cell::Null).collect(),
        },
        Column {
            name: "fee_rate_bps",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|_| Cell::Null).collect(),
        },
        Column {
            name: "transaction_hash",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|_| Cell::Null).collect(),
        },
        Column {
            name: "old_tick_size",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|_| Cell::Null).collect(),
        },
        Column {
            name: "new_tick_size",
            kind: "BYTE_ARRAY (UTF8)",
            cells: rows.iter().map(|_| Cell::Null).collect(),
        },
    ];
    columns.retain(|c| !drop.contains(&c.name));
    write(path, &columns)
}
