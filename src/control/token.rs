//! The control token: 32 random bytes, hex, generated at each daemon start into
//! `control.token` in the state directory, readable only by its user (mode 0600), next to
//! `control.addr` (where the API listens). Comparison is constant-time.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;

use crate::secret::Secret;

/// The token file's name in the state directory.
pub const TOKEN_FILE: &str = "control.token";
/// The address file's name in the state directory.
pub const ADDR_FILE: &str = "control.addr";

/// A fresh random token.
pub fn generate() -> Secret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(hex::encode(bytes))
}

/// Writes `token` to `dir/control.token`, readable only by this user.
pub fn write_token(dir: &Path, token: &Secret) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(TOKEN_FILE);
    let _ = std::fs::remove_file(&path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path)?;
    file.write_all(token.expose().as_bytes())?;
    Ok(path)
}

/// Reads the token from `dir`.
pub fn read_token(dir: &Path) -> std::io::Result<Secret> {
    Ok(Secret::new(std::fs::read_to_string(dir.join(TOKEN_FILE))?.trim().to_owned()))
}

/// Whether `offered` equals `expected`, in time independent of where they differ.
pub fn matches(expected: &Secret, offered: &str) -> bool {
    let (a, b) = (expected.expose().as_bytes(), offered.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_file_is_private_and_round_trips() {
        let dir = std::env::temp_dir().join(format!("polymm-token-{}", std::process::id()));
        let token = generate();
        assert_eq!(token.expose().len(), 64);
        let path = write_token(&dir, &token).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let read = read_token(&dir).unwrap();
        assert!(matches(&token, read.expose()));
        assert!(!matches(&token, &read.expose()[1..]));
        assert!(!matches(&token, &"0".repeat(64)));
        assert_ne!(generate().expose(), token.expose());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
