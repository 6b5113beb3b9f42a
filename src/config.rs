//! Typed settings from the environment, with working defaults; secrets redacted in `Debug`.

use std::{fmt, path::PathBuf};

/// Per-kind upload limits in bytes (R-EVIDENCE).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub photo: u64,
    pub document: u64,
    pub video: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self {
            photo: 10 * 1024 * 1024,
            document: 20 * 1024 * 1024,
            video: 200 * 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: String,
    pub storage_dir: PathBuf,
    pub admin_username: Option<String>,
    pub admin_password: Option<String>,
    pub upload_limits: UploadLimits,
    /// Lifetime of a login token (and of a page session).
    pub token_ttl_hours: i64,
    /// The address users reach the service at (`ZHIHUI_PUBLIC_URL`); when it starts with
    /// `https`, the page session cookie is marked `Secure`.
    pub public_url: Option<String>,
    /// `ZHIHUI_STATEMENT_HEADER=1`: each response carries `X-Db-Statements`, the number of
    /// database statements it took (for tests and profiling; off by default).
    pub statement_header: bool,
}

impl Settings {
    /// Whether cookies must only travel over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("storage_dir", &self.storage_dir)
            .field("admin_username", &self.admin_username)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "[redacted]"),
            )
            .field("upload_limits", &self.upload_limits)
            .field("token_ttl_hours", &self.token_ttl_hours)
            .field("public_url", &self.public_url)
            .field("statement_header", &self.statement_header)
            .finish()
    }
}

fn redact_url(url: &str) -> String {
    // postgres://user:secret@host/db → postgres://user:[redacted]@host/db
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:[redacted]{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

impl Settings {
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://./data/zhihui.db?mode=rwc";

    /// Reads `ZHIHUI_*` variables; every one has a working default.
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &'static str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let bytes = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match var(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| ConfigError {
                    var: name,
                    reason: format!("expected a number of bytes, got {v:?}"),
                }),
            }
        };
        let defaults = UploadLimits::default();
        let token_ttl_hours = match var("ZHIHUI_TOKEN_TTL_HOURS") {
            None => 12,
            Some(v) => v.parse().ok().filter(|h| *h > 0).ok_or(ConfigError {
                var: "ZHIHUI_TOKEN_TTL_HOURS",
                reason: format!("expected a positive number of hours, got {v:?}"),
            })?,
        };
        Ok(Self {
            bind: var("ZHIHUI_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url: var("ZHIHUI_DATABASE_URL").unwrap_or_else(|| Self::DEFAULT_DATABASE_URL.into()),
            storage_dir: var("ZHIHUI_STORAGE_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("./data/files")),
            admin_username: var("ZHIHUI_ADMIN_USERNAME"),
            admin_password: var("ZHIHUI_ADMIN_PASSWORD"),
            upload_limits: UploadLimits {
                photo: bytes("ZHIHUI_MAX_PHOTO_BYTES", defaults.photo)?,
                document: bytes("ZHIHUI_MAX_DOCUMENT_BYTES", defaults.document)?,
                video: bytes("ZHIHUI_MAX_VIDEO_BYTES", defaults.video)?,
            },
            token_ttl_hours,
            public_url: var("ZHIHUI_PUBLIC_URL"),
            statement_header: var("ZHIHUI_STATEMENT_HEADER").is_some_and(|v| v.trim() == "1"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_only_behind_an_https_public_url() {
        let mut s = Settings::from_env().unwrap();
        s.public_url = None;
        assert!(!s.secure_cookies());
        s.public_url = Some("http://10.0.0.5:8080".into());
        assert!(!s.secure_cookies());
        s.public_url = Some("HTTPS://zhihui.sykx.cn".into());
        assert!(s.secure_cookies());
    }

    #[test]
    fn database_password_is_redacted_in_debug() {
        assert_eq!(
            redact_url("postgres://postgres:hunter2@127.0.0.1/test"),
            "postgres://postgres:[redacted]@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite://./data/z.db"), "sqlite://./data/z.db");
    }
}
