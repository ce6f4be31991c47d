//! TLS for the embedded venue (`polymm sim --tls`): a throwaway certificate authority and a
//! server certificate for `127.0.0.1` and `localhost` it signs, made fresh each start and
//! never written anywhere but the CA file the user asks for. Clients trust the venue by
//! adding that CA (`venue.ca_file`), exactly as they would a corporate proxy's; nothing is
//! bypassed.

use std::path::Path;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::polymarket::transport::{Transport, TransportError};

/// Why the venue's TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SimTlsError {
    /// Generating a key or certificate failed.
    #[error("generating the sim's certificates: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the server configuration.
    #[error("the sim's TLS configuration: {0}")]
    Config(#[from] rustls::Error),
    /// Writing the CA file failed.
    #[error("writing the CA file {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The venue's certificates: the CA's PEM (for clients) and the server's configuration.
#[derive(Clone)]
pub struct SimTls {
    ca_pem: String,
    server: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for SimTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimTls").finish_non_exhaustive()
    }
}

impl SimTls {
    /// A new CA and a server certificate for 127.0.0.1 and localhost signed by it.
    pub fn generate() -> Result<Self, SimTlsError> {
        let (ca_params, ca_key) = authority()?;
        let ca_pem = ca_params.self_signed(&ca_key)?.pem();
        let issuer = Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate()?;
        let mut server_params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
        server_params.distinguished_name.push(DnType::CommonName, "polymm sim");
        let server_cert = server_params.signed_by(&server_key, &issuer)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let chain = vec![CertificateDer::from(server_cert.der().to_vec())];
        let provider = crate::polymarket::transport::ring_provider();
        let mut server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { ca_pem, server: Arc::new(server) })
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Writes the CA certificate to `path` (what `venue.ca_file` then names).
    pub fn write_ca(&self, path: &Path) -> Result<(), SimTlsError> {
        std::fs::write(path, &self.ca_pem)
            .map_err(|source| SimTlsError::Write { path: path.display().to_string(), source })
    }

    /// A client transport that trusts this venue (the public roots and its CA).
    pub fn client_transport(&self) -> Result<Transport, TransportError> {
        Transport::with_extra_ca_pem(self.ca_pem.as_bytes(), "the embedded venue's CA")
    }

    /// The server side's rustls configuration.
    pub(crate) fn server_config(&self) -> rustls::ServerConfig {
        (*self.server).clone()
    }
}

/// The CA's parameters and key: may sign server certificates, nothing else.
fn authority() -> Result<(CertificateParams, KeyPair), rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.distinguished_name.push(DnType::CommonName, "polymm sim throwaway CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok((params, KeyPair::generate()?))
}
