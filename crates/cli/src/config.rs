//! Settings: defaults, then `motcua.toml` (or `--config FILE`), then `MOTCUA_*`
//! environment variables, then command-line flags. Later sources win.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::CliError;

/// The settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `sqlite://PATH` or `postgres://…`.
    pub database: Option<String>,
    /// Listen address.
    pub addr: Option<String>,
    /// Attachment directory.
    pub files: Option<PathBuf>,
    /// `text` or `json`.
    pub log_format: Option<String>,
    /// Public base URL.
    pub public_url: Option<String>,
    /// Largest attachment in MiB.
    pub max_attachment_mb: Option<u64>,
    /// Office hours, e.g. "07:30-11:30,13:00-17:00".
    pub office_hours: Option<String>,
    /// Form texts laid over the built-in ones (shape of crates/render/data/wording.toml).
    pub form_wording: Option<PathBuf>,
    /// Holiday amendment files (see `motcua calendar --amendments`).
    #[serde(default)]
    pub holiday_amendments: Vec<PathBuf>,
    /// Identity providers (`[[oidc]]` tables; see the README).
    #[serde(default)]
    pub oidc: Vec<motcua_web::oidc::OidcProvider>,
    /// How long drafts, sessions and dead tokens are kept (`[retention]`).
    #[serde(default)]
    pub retention: motcua_domain::retention::Retention,
    /// Payment gateways and order terms (`[payments]`, `[[payments.gateways]]`).
    #[serde(default)]
    pub payments: Option<motcua_web::payments::PaymentsConfig>,
    /// The national portal (`[portal]`); the demo uses its simulator when unset.
    #[serde(default)]
    pub portal: Option<motcua_web::portal_sync::PortalSettings>,
}

impl FileConfig {
    /// Reads `path`, or `./motcua.toml` when it exists and no path is given.
    pub fn load(path: Option<&Path>) -> Result<Self, CliError> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("motcua.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| CliError::Config {
                detail: format!("{}: {}", path.display(), e.message()),
            }),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(FileConfig::default())
            }
            Err(source) => Err(CliError::Read {
                path: path.display().to_string(),
                source,
            }),
        }
    }
}

/// `$MOTCUA_DATA_DIR`, else `$XDG_DATA_HOME/motcua`, else `~/.local/share/motcua`,
/// else a directory under the system's temporary directory.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("MOTCUA_DATA_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("motcua");
    }
    if let Some(h) = std::env::var_os("HOME") {
        return PathBuf::from(h).join(".local/share/motcua");
    }
    std::env::temp_dir().join("motcua")
}

/// The attachment directory that goes with a database URL when none is set: next to
/// an SQLite file, else `./motcua-files`.
pub fn default_files_dir(database: &str) -> PathBuf {
    match database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
    {
        Some(path) if !path.starts_with(':') => {
            let path = path.split('?').next().unwrap_or(path);
            PathBuf::from(format!("{path}.files"))
        }
        _ => PathBuf::from("motcua-files"),
    }
}
