//! How the daemon reaches a venue over the network: one [`Transport`] holds the TLS trust
//! (Mozilla's roots from `webpki-roots`, plus an optional extra CA from `venue.ca_file`) and
//! makes the HTTP clients for REST and websockets, so `https://` and `wss://` work the same
//! everywhere and `http://` / `ws://` (the embedded venue on loopback) stay plain.
//!
//! TLS is rustls with the `ring` provider: no system OpenSSL is needed. Only HTTP/1.1 is
//! offered (websocket upgrades need it, and the venue's REST answers it with keep-alive).
//! A certificate that does not verify is never accepted: the failure is reported as
//! [`TransportError::Certificate`] with the host and rustls' reason.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::ClientConfig;
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::error::{HasSeverity, Severity};

/// Why a transport could not be set up, or a connection could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The extra CA file could not be read or holds no certificate.
    #[error("venue.ca_file {path}: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        reason: String,
    },
    /// rustls refused the configuration.
    #[error("TLS setup: {0}")]
    Setup(String),
    /// The server's certificate did not verify.
    #[error("TLS certificate of {host} refused: {reason}")]
    Certificate {
        /// Host name connected to.
        host: String,
        /// rustls' reason (unknown issuer, expired, name mismatch, …).
        reason: String,
    },
}

impl HasSeverity for TransportError {
    fn severity(&self) -> Severity {
        Severity::Halt
    }
}

/// Where the trusted roots come from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Trust {
    PublicRoots,
    PublicRootsAnd(String),
}

/// The network setup every venue connection uses; cheap to clone.
#[derive(Clone)]
pub struct Transport {
    tls: Arc<ClientConfig>,
    trust: Trust,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Transport {
    /// Mozilla's public roots only (what reaches Polymarket). Built once per process.
    pub fn public_roots() -> Result<Self, TransportError> {
        static PUBLIC: OnceLock<Result<Arc<ClientConfig>, TransportError>> = OnceLock::new();
        let tls = PUBLIC.get_or_init(|| client_config(public_store()).map(Arc::new)).clone()?;
        Ok(Self { tls, trust: Trust::PublicRoots })
    }

    /// The public roots and every certificate in the PEM file at `ca_file`.
    pub fn with_extra_ca(ca_file: &Path) -> Result<Self, TransportError> {
        let pem = std::fs::read(ca_file).map_err(|err| ca_error(ca_file, err.to_string()))?;
        Self::trusting(&pem, ca_file.display().to_string()).map_err(|err| match err {
            TransportError::CaFile { reason, .. } => ca_error(ca_file, reason),
            other => other,
        })
    }

    /// The public roots and every certificate in `pem`, named `label` in messages.
    pub fn with_extra_ca_pem(pem: &[u8], label: &str) -> Result<Self, TransportError> {
        Self::trusting(pem, label.to_owned())
    }

    fn trusting(pem: &[u8], label: String) -> Result<Self, TransportError> {
        let mut store = public_store();
        for cert in pem_certificates(pem).map_err(|reason| ca_error(Path::new(&label), reason))? {
            store.add(cert).map_err(|err| ca_error(Path::new(&label), err.to_string()))?;
        }
        Ok(Self { tls: Arc::new(client_config(store)?), trust: Trust::PublicRootsAnd(label) })
    }

    /// The transport `venue.ca_file` asks for (`None`: the public roots).
    pub fn from_ca_file(ca_file: Option<&Path>) -> Result<Self, TransportError> {
        match ca_file {
            Some(path) => Self::with_extra_ca(path),
            None => Self::public_roots(),
        }
    }

    /// An HTTP client whose requests time out after `timeout`; it keeps connections alive
    /// and reuses them (one pool per client).
    pub fn http_client(&self, timeout: Duration) -> awc::Client {
        let connector = awc::Connector::new().rustls_0_23(self.tls.clone()).timeout(timeout);
        awc::Client::builder().connector(connector).timeout(timeout).finish()
    }

    /// What is trusted, in words.
    pub fn describe(&self) -> String {
        match &self.trust {
            Trust::PublicRoots => "public roots".to_owned(),
            Trust::PublicRootsAnd(label) => format!("public roots and {label}"),
        }
    }
}

/// The certificate failure behind a request that got no answer, if that is what it was,
/// named with the host of `url`.
pub fn certificate_failure(url: &str, error: &awc::error::SendRequestError) -> Option<TransportError> {
    use awc::error::{ConnectError, SendRequestError};
    match error {
        SendRequestError::Connect(ConnectError::Io(io)) => io_certificate_failure(url, io),
        _ => None,
    }
}

/// The same for a websocket handshake.
pub fn ws_certificate_failure(url: &str, error: &awc::error::WsClientError) -> Option<TransportError> {
    match error {
        awc::error::WsClientError::SendRequest(sent) => certificate_failure(url, sent),
        _ => None,
    }
}

/// rustls reports a refused certificate as an I/O error wrapping its own.
fn io_certificate_failure(url: &str, io: &std::io::Error) -> Option<TransportError> {
    let tls = io.get_ref()?.downcast_ref::<rustls::Error>()?;
    certificate_reason(tls).map(|reason| TransportError::Certificate { host: host_of(url), reason })
}

/// The certificate errors among rustls' errors, in words an operator can act on.
fn certificate_reason(error: &rustls::Error) -> Option<String> {
    use rustls::CertificateError as Why;
    Some(match error {
        rustls::Error::InvalidCertificate(why) => match why {
            Why::UnknownIssuer => {
                "issued by a CA that is not trusted (UnknownIssuer; add it with venue.ca_file if you trust it)"
                    .to_owned()
            }
            Why::Expired | Why::ExpiredContext { .. } => "expired (check this machine's clock too)".to_owned(),
            Why::NotValidForName | Why::NotValidForNameContext { .. } => {
                "not valid for this host name (NotValidForName)".to_owned()
            }
            Why::Revoked => "revoked".to_owned(),
            other => format!("{other:?}"),
        },
        rustls::Error::NoCertificatesPresented => "the server presented no certificate".to_owned(),
        rustls::Error::UnsupportedNameType => "the host is not a valid TLS server name".to_owned(),
        _ => return None,
    })
}

/// The host (and port) part of `url`, for messages.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
}

fn public_store() -> RootCertStore {
    RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() }
}

/// rustls with the `ring` provider: small and quick to build, with X25519 and the usual
/// suites (rustls marks it deprecated only for its lack of post-quantum key exchange).
#[allow(deprecated)]
pub(crate) fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_config(roots: RootCertStore) -> Result<ClientConfig, TransportError> {
    let provider = ring_provider();
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| TransportError::Setup(err.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("not PEM: {err}"))?;
    if certs.is_empty() {
        return Err("holds no PEM certificate".to_owned());
    }
    Ok(certs)
}

fn ca_error(path: &Path, reason: String) -> TransportError {
    TransportError::CaFile { path: path.to_owned(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_named_without_scheme_or_path() {
        assert_eq!(host_of("https://clob.polymarket.com/book?x=1"), "clob.polymarket.com");
        assert_eq!(host_of("wss://127.0.0.1:8443/ws/market"), "127.0.0.1:8443");
        assert_eq!(host_of("localhost"), "localhost");
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let missing = Transport::with_extra_ca(Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert!(
            matches!(&missing, TransportError::CaFile { path, .. } if path.ends_with("ca.pem")),
            "{missing}"
        );
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let refused = Transport::with_extra_ca(&empty).unwrap_err();
        assert!(refused.to_string().contains("holds no PEM certificate"), "{refused}");
    }

    #[test]
    fn the_public_roots_are_mozillas() {
        let transport = Transport::public_roots().unwrap();
        assert_eq!(transport.describe(), "public roots");
        assert!(public_store().len() > 100);
    }

    #[test]
    fn a_rustls_certificate_error_is_found_inside_an_io_error() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let found = io_certificate_failure("https://127.0.0.1:9/x", &io).unwrap();
        assert!(
            matches!(&found, TransportError::Certificate { host, reason } if host == "127.0.0.1:9" && reason.contains("UnknownIssuer")),
            "{found}"
        );
        let other = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(io_certificate_failure("https://h/", &other), None);
    }
}
