//! How to reach the portal.

use std::time::Duration;

/// How the client credentials are presented to the token endpoint (RFC 6749 §2.3.1
/// allows both; gateways differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CredentialStyle {
    /// HTTP Basic `client_id:client_secret`.
    #[default]
    Basic,
    /// `client_id` and `client_secret` as form fields.
    Form,
}

/// The adapter's settings.
#[derive(Clone)]
pub struct PortalConfig {
    /// Base URL of the portal (or the LGSP/NGSP gateway in front of it), without a
    /// trailing slash: `{base}/auth/token`, `{base}/dvcqg`.
    pub base_url: String,
    /// OAuth2 client id (consumer key).
    pub client_id: String,
    /// OAuth2 client secret (consumer secret).
    pub client_secret: String,
    /// Our agency code on the portal (`madonvi`).
    pub madonvi: String,
    /// Longest wait for one HTTP exchange.
    pub timeout: Duration,
    /// How the credentials are sent.
    pub credentials: CredentialStyle,
}

impl PortalConfig {
    /// Settings with a 10-second timeout and Basic credentials.
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        madonvi: impl Into<String>,
    ) -> Self {
        PortalConfig {
            base_url: base_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            madonvi: madonvi.into(),
            timeout: Duration::from_secs(10),
            credentials: CredentialStyle::Basic,
        }
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// The secret never reaches a log.
impl std::fmt::Debug for PortalConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("madonvi", &self.madonvi)
            .field("timeout", &self.timeout)
            .field("credentials", &self.credentials)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let c = PortalConfig::new("http://x/", "id", "s3cret", "H79");
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(c.base(), "http://x");
    }
}
