//! The resolvedkit sample (PyPI `resolvedkit==0.1.0`, data CC BY 4.0: "Polymarket
//! order-book data from Resolved Markets"), fetched at run time into a cache under the
//! target directory and checked by sha256; never committed.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The sample's files and their sha256.
const FILES: [(&str, &str); 2] = [
    ("books.parquet", "ea0ce910e841167c47c470d78046bbb4d9aefd85a90b5449399f5dba93dd10d6"),
    ("markets.parquet", "09c1ccce320bf9c0463b7b056cf6d848283de0e463d9b66eba417ed9cc8dabc7"),
];

fn sha256(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(hex::encode(Sha256::digest(bytes)))
}

fn verified(dir: &Path) -> bool {
    FILES.iter().all(|(name, sum)| sha256(&dir.join(name)).as_deref() == Some(*sum))
}

fn python() -> &'static str {
    if Command::new("python3").arg("--version").output().is_ok() { "python3" } else { "python" }
}

/// The sample folder (`resolvedkit/sample_data`), downloading it on first use.
pub fn sample() -> PathBuf {
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("resolvedkit-0.1.0");
    let data = cache.join("unpacked/resolvedkit/sample_data");
    if verified(&data) {
        return data;
    }
    std::fs::create_dir_all(&cache).unwrap();
    let status = Command::new(python())
        .args(["-m", "pip", "download", "--quiet", "--no-deps", "resolvedkit==0.1.0", "-d"])
        .arg(&cache)
        .status()
        .expect("python's pip runs");
    assert!(status.success(), "pip download resolvedkit==0.1.0 failed (PyPI must be reachable)");
    let wheel = cache.join("resolvedkit-0.1.0-py3-none-any.whl");
    let status = Command::new(python())
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(cache.join("unpacked"))
        .status()
        .expect("python's zipfile runs");
    assert!(status.success(), "unpacking {} failed", wheel.display());
    assert!(verified(&data), "the resolvedkit sample's sha256 differs from the one it was published with");
    data
}
