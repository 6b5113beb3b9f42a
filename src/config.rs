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
    /// Login limits, trusted proxies, purging (R-THROTTLE, R-ACCOUNT).
    pub security: Security,
    /// Objections one client address may lodge per minute (`ZHIHUI_OBJECTION_RATE`, default 5).
    pub objection_rate_per_minute: u32,
    /// Attachments one application may hold (`ZHIHUI_MAX_ATTACHMENTS`, default 40).
    pub attachments_per_application: u32,
    /// Their total size (`ZHIHUI_MAX_ATTACHMENT_BYTES`, default 500 MiB).
    pub attachment_bytes_per_application: u64,
    /// Reminders before deadlines and their e-mail (R-REMIND, `ZHIHUI_REMIND_*`, `ZHIHUI_SMTP_URL`).
    pub reminders: Reminders,
}

/// The reminder scheduler's settings.
#[derive(Clone)]
pub struct Reminders {
    /// How often the scheduler runs (`ZHIHUI_REMIND_INTERVAL_SECS`, default 300; `0` turns it off).
    pub every: std::time::Duration,
    pub thresholds: crate::domain::reminder::Thresholds,
    /// `smtp://[user:pass@]host[:port]` (plain), `…?tls=required` (STARTTLS) or `smtps://…`
    /// (TLS): lettre's URL forms, checked at start-up; none: the inbox only.
    pub smtp_url: Option<String>,
    /// The From address of reminder e-mails (`ZHIHUI_SMTP_FROM`).
    pub smtp_from: String,
}

impl Default for Reminders {
    fn default() -> Self {
        Self {
            every: std::time::Duration::from_secs(300),
            thresholds: Default::default(),
            smtp_url: None,
            smtp_from: "zhihui <noreply@localhost>".into(),
        }
    }
}

impl fmt::Debug for Reminders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reminders")
            .field("every", &self.every)
            .field("thresholds", &self.thresholds)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_from", &self.smtp_from)
            .finish()
    }
}

/// The security settings (`ZHIHUI_LOGIN_*`, `ZHIHUI_TRUSTED_PROXIES`, `ZHIHUI_PURGE_*`).
#[derive(Debug, Clone)]
pub struct Security {
    pub login: crate::domain::throttle::LoginLimits,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How often expired sessions, idempotency keys and throttle rows are deleted.
    pub purge_every: std::time::Duration,
    /// How long an idempotency key's answer is kept for replays.
    pub idempotency_ttl: chrono::Duration,
}

impl Default for Security {
    fn default() -> Self {
        Self {
            login: Default::default(),
            trusted_proxies: vec![],
            purge_every: std::time::Duration::from_secs(600),
            idempotency_ttl: chrono::Duration::hours(72),
        }
    }
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
            .field("security", &self.security)
            .field("objection_rate_per_minute", &self.objection_rate_per_minute)
            .field("attachments_per_application", &self.attachments_per_application)
            .field(
                "attachment_bytes_per_application",
                &self.attachment_bytes_per_application,
            )
            .field("reminders", &self.reminders)
            .finish()
    }
}

/// A database URL fit to print: `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
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
        let number = |name: &'static str, default: i64| -> Result<i64, ConfigError> {
            match var(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or(ConfigError {
                    var: name,
                    reason: format!("expected a positive whole number, got {v:?}"),
                }),
            }
        };
        let sd = Security::default();
        let security = Security {
            login: crate::domain::throttle::LoginLimits {
                max_failures: number("ZHIHUI_LOGIN_MAX_FAILURES", sd.login.max_failures)?,
                max_per_address: number("ZHIHUI_LOGIN_MAX_PER_ADDRESS", sd.login.max_per_address)?,
                window: chrono::Duration::minutes(number(
                    "ZHIHUI_LOGIN_WINDOW_MINUTES",
                    sd.login.window.num_minutes(),
                )?),
                delay_after: number("ZHIHUI_LOGIN_DELAY_AFTER", sd.login.delay_after)?,
                max_delay: sd.login.max_delay,
            },
            trusted_proxies: match var("ZHIHUI_TRUSTED_PROXIES") {
                None => vec![],
                Some(v) => crate::client_addr::parse_trusted(&v).map_err(|reason| ConfigError {
                    var: "ZHIHUI_TRUSTED_PROXIES",
                    reason,
                })?,
            },
            purge_every: std::time::Duration::from_secs(number(
                "ZHIHUI_PURGE_INTERVAL_SECS",
                sd.purge_every.as_secs() as i64,
            )? as u64),
            idempotency_ttl: chrono::Duration::hours(number(
                "ZHIHUI_IDEMPOTENCY_TTL_HOURS",
                sd.idempotency_ttl.num_hours(),
            )?),
        };
        let objection_rate_per_minute = match var("ZHIHUI_OBJECTION_RATE") {
            None => 5,
            Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or(ConfigError {
                var: "ZHIHUI_OBJECTION_RATE",
                reason: format!("expected a positive number of objections a minute, got {v:?}"),
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
            security,
            objection_rate_per_minute,
            attachments_per_application: match var("ZHIHUI_MAX_ATTACHMENTS") {
                None => 40,
                Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or(ConfigError {
                    var: "ZHIHUI_MAX_ATTACHMENTS",
                    reason: format!("expected a positive number of attachments, got {v:?}"),
                })?,
            },
            attachment_bytes_per_application: bytes("ZHIHUI_MAX_ATTACHMENT_BYTES", 500 * 1024 * 1024)?,
            reminders: {
                let rd = Reminders::default();
                let t = rd.thresholds;
                let days = |name, d: chrono::Duration| number(name, d.num_days()).map(chrono::Duration::days);
                Reminders {
                    every: std::time::Duration::from_secs(match var("ZHIHUI_REMIND_INTERVAL_SECS") {
                        Some(v) if v.trim() == "0" => 0,
                        _ => number("ZHIHUI_REMIND_INTERVAL_SECS", rd.every.as_secs() as i64)? as u64,
                    }),
                    thresholds: crate::domain::reminder::Thresholds {
                        unreported_after: days("ZHIHUI_REMIND_UNREPORTED_DAYS", t.unreported_after)?,
                        window_closing_within: days("ZHIHUI_REMIND_WINDOW_DAYS", t.window_closing_within)?,
                        opinion_waiting_after: days("ZHIHUI_REMIND_OPINION_DAYS", t.opinion_waiting_after)?,
                        review_deadline_within: days("ZHIHUI_REMIND_REVIEW_DAYS", t.review_deadline_within)?,
                        payout_pending_after: days("ZHIHUI_REMIND_PAYOUT_DAYS", t.payout_pending_after)?,
                    },
                    smtp_url: match var("ZHIHUI_SMTP_URL") {
                        None => None,
                        Some(u) => {
                            crate::mail::check_url(&u).map_err(|reason| ConfigError {
                                var: "ZHIHUI_SMTP_URL",
                                reason,
                            })?;
                            Some(u)
                        }
                    },
                    smtp_from: match var("ZHIHUI_SMTP_FROM") {
                        None => rd.smtp_from,
                        Some(f) => {
                            crate::mail::check_from(&f).map_err(|reason| ConfigError {
                                var: "ZHIHUI_SMTP_FROM",
                                reason,
                            })?;
                            f
                        }
                    },
                }
            },
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
            "postgres://postgres:***@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite://./data/z.db"), "sqlite://./data/z.db");
    }
}
