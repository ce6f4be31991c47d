//! The control API's client, used by `polymm ctl`: finds the daemon through the address and
//! token files in the state directory and sends one request.

use std::path::Path;

use crate::secret::Secret;

use super::token::{ADDR_FILE, read_token};

/// Why a control request failed.
#[derive(Debug, thiserror::Error)]
pub enum CtlError {
    /// The daemon's files are missing: it is not running with this state directory.
    #[error("no running daemon found in {dir} ({why}); start one with `polymm run`")]
    NotRunning {
        /// The state directory.
        dir: String,
        /// What was missing.
        why: String,
    },
    /// The request did not reach the daemon.
    #[error("control API at {addr}: {why}")]
    Unreachable {
        /// Where.
        addr: String,
        /// Why.
        why: String,
    },
    /// The daemon refused.
    #[error("refused ({status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The daemon's message.
        message: String,
    },
}

/// A client for one daemon.
pub struct ControlClient {
    addr: String,
    token: Secret,
    http: awc::Client,
}

impl ControlClient {
    /// The daemon whose state directory is `dir`.
    pub fn from_state_dir(dir: &Path) -> Result<Self, CtlError> {
        let missing = |why: std::io::Error| CtlError::NotRunning {
            dir: dir.display().to_string(),
            why: why.to_string(),
        };
        let addr = std::fs::read_to_string(dir.join(ADDR_FILE)).map_err(missing)?.trim().to_owned();
        let token = read_token(dir).map_err(missing)?;
        Ok(Self { addr, token, http: awc::Client::default() })
    }

    /// Sends `method path`; the JSON answer, or the daemon's refusal.
    pub async fn call(&self, post: bool, path: &str) -> Result<serde_json::Value, CtlError> {
        let url = format!("http://{}{path}", self.addr);
        let request = if post { self.http.post(&url) } else { self.http.get(&url) };
        let unreachable = |why: String| CtlError::Unreachable { addr: self.addr.clone(), why };
        let mut response = request
            .insert_header(("Authorization", format!("Bearer {}", self.token.expose())))
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let body: serde_json::Value = response.json().await.map_err(|e| unreachable(e.to_string()))?;
        if response.status().is_success() {
            Ok(body)
        } else {
            let message = body["error"].as_str().unwrap_or("no reason given").to_owned();
            Err(CtlError::Refused { status: response.status().as_u16(), message })
        }
    }
}
