//! Parquet files read row by row (the `parquet` crate's record reader, no Arrow), with the
//! columns a loader needs looked up by name and every missing one named at once, and
//! field readers that accept the types the public data sets use for each.

use std::fs::File;
use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};

use super::error::DataError;

/// An open Parquet file and where its columns are.
pub struct Table {
    path: PathBuf,
    reader: SerializedFileReader<File>,
}

impl Table {
    /// Opens `path`; refused, naming each, if a `required` column is missing.
    pub fn open(path: &Path, required: &[&str]) -> Result<Self, DataError> {
        let file = File::open(path).map_err(|e| DataError::io(path, e))?;
        let reader = SerializedFileReader::new(file)
            .map_err(|e| DataError::format(path, format!("not a Parquet file ({e})")))?;
        let columns: Vec<String> = reader
            .metadata()
            .file_metadata()
            .schema()
            .get_fields()
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        let missing: Vec<&str> =
            required.iter().copied().filter(|c| !columns.iter().any(|n| n == c)).collect();
        if !missing.is_empty() {
            return Err(DataError::format(path, format!("missing column(s): {}", missing.join(", "))));
        }
        Ok(Self { path: path.to_owned(), reader })
    }

    /// Rows in the file.
    pub fn row_count(&self) -> u64 {
        self.reader.metadata().file_metadata().num_rows().max(0) as u64
    }

    /// Every row, in order; a row that does not decode is an `Err` naming its index.
    pub fn rows(self) -> impl Iterator<Item = (u64, Result<Row, String>)> {
        self.reader.into_iter().enumerate().map(|(i, row)| (i as u64, row.map_err(|e| e.to_string())))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A row's field by column name.
pub fn field<'r>(row: &'r Row, name: &str) -> Option<&'r Field> {
    row.get_column_iter().find(|(n, _)| n.as_str() == name).map(|(_, f)| f)
}

/// A text field (a string, or bytes that are UTF-8).
pub fn text<'r>(row: &'r Row, name: &str) -> Option<&'r str> {
    match field(row, name)? {
        Field::Str(s) => Some(s.as_str()),
        Field::Bytes(b) => std::str::from_utf8(b.data()).ok(),
        _ => None,
    }
}

/// An integer field (any integer type, or a timestamp: milliseconds).
pub fn integer(row: &Row, name: &str) -> Option<i64> {
    Some(match field(row, name)? {
        Field::Byte(v) => i64::from(*v),
        Field::Short(v) => i64::from(*v),
        Field::Int(v) => i64::from(*v),
        Field::Long(v) => *v,
        Field::UByte(v) => i64::from(*v),
        Field::UShort(v) => i64::from(*v),
        Field::UInt(v) => i64::from(*v),
        Field::ULong(v) => i64::try_from(*v).ok()?,
        Field::TimestampMillis(v) => *v,
        Field::TimestampMicros(v) => *v / 1_000,
        Field::Double(v) if v.is_finite() => *v as i64,
        Field::Str(s) => s.trim().parse().ok()?,
        _ => return None,
    })
}

/// A timestamp field as unix ms: a timestamp type, or an integer in s, ms, µs or ns
/// (told by its magnitude), or a float of seconds.
pub fn millis(row: &Row, name: &str) -> Option<u64> {
    let value = match field(row, name)? {
        Field::TimestampMillis(v) => return u64::try_from(*v).ok(),
        Field::TimestampMicros(v) => return u64::try_from(*v / 1_000).ok(),
        Field::Double(v) if v.is_finite() && *v > 0.0 => {
            let v = if *v < 1e11 { v * 1_000.0 } else { *v };
            return Some(v as u64);
        }
        _ => integer(row, name)?,
    };
    let value = u64::try_from(value).ok()?;
    Some(match value {
        0..100_000_000_000 => value * 1_000,
        100_000_000_000..100_000_000_000_000 => value,
        100_000_000_000_000..100_000_000_000_000_000 => value / 1_000,
        _ => value / 1_000_000,
    })
}

/// A float field (any number type, or text).
pub fn float(row: &Row, name: &str) -> Option<f64> {
    match field(row, name)? {
        Field::Float(v) => Some(f64::from(*v)),
        Field::Double(v) => Some(*v),
        Field::Str(s) => s.trim().parse().ok(),
        Field::Null => None,
        _ => integer(row, name).map(|v| v as f64),
    }
}

/// A list of floats.
pub fn floats(row: &Row, name: &str) -> Option<Vec<f64>> {
    let Field::ListInternal(list) = field(row, name)? else { return None };
    list.elements()
        .iter()
        .map(|f| match f {
            Field::Double(v) => Some(*v),
            Field::Float(v) => Some(f64::from(*v)),
            _ => None,
        })
        .collect()
}
