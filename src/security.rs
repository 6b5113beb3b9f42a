//! Security events (R-SECLOG): one structured line each, under the `security` target, for an
//! operator to follow — failed and throttled logins, disabled-account attempts, refusals,
//! password changes and resets, users disabled and enabled (no route changes a role).
//!
//! A line carries `event`, the username as typed (cut to 64 characters), the client address
//! and the request id when the request has them; never a password, a token, a full mobile or
//! a bank account (callers pass none of those, and the username is the only free text).

use std::net::IpAddr;

/// The username as typed, cut to 64 characters, control characters replaced, for a log line.
pub fn loggable(username: &str) -> String {
    username
        .chars()
        .take(crate::domain::account::MAX_USERNAME_CHARS)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Which security event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    LoginFailed,
    LoginThrottled,
    LoginDisabledAccount,
    RefusedNotFound,
    RefusedForbidden,
    PasswordChanged,
    PasswordReset,
    UserDisabled,
    UserEnabled,
    SessionsEnded,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::LoginFailed => "login_failed",
            Event::LoginThrottled => "login_throttled",
            Event::LoginDisabledAccount => "login_disabled_account",
            Event::RefusedNotFound => "refused_not_found",
            Event::RefusedForbidden => "refused_forbidden",
            Event::PasswordChanged => "password_changed",
            Event::PasswordReset => "password_reset",
            Event::UserDisabled => "user_disabled",
            Event::UserEnabled => "user_enabled",
            Event::SessionsEnded => "sessions_ended",
        }
    }
}

/// Logs one security event. `username` is the acting (or trying) user as typed; `target` the
/// user acted on, where there is one; `detail` a fixed, non-secret word (a path, a role).
pub fn event(event: Event, username: &str, target: Option<&str>, detail: Option<&str>) {
    let req = crate::request_info::current_request();
    let client = req.as_ref().and_then(|r| r.client).map(|a: IpAddr| a.to_string());
    let request_id = req.as_ref().map(|r| r.id.clone());
    tracing::warn!(
        target: "security",
        event = event.as_str(),
        username = %loggable(username),
        target_user = target.map(loggable).as_deref(),
        client = client.as_deref(),
        request_id = request_id.as_deref(),
        detail,
        "security event"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buf {
        type Writer = Buf;
        fn make_writer(&'a self) -> Buf {
            self.clone()
        }
    }

    // R-SECLOG: one line per event, with event, username as typed (cut to 64), client address
    // and request id.
    #[test]
    fn an_event_is_one_structured_line_with_the_request() {
        let buf = Buf::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(buf.clone())
            .with_ansi(false)
            .finish();
        let info = std::sync::Arc::new(crate::request_info::RequestInfo {
            id: "0123abcd".into(),
            client: Some("198.51.100.7".parse().unwrap()),
            username: Default::default(),
            statements: Default::default(),
        });
        let long = format!("admin{}", "z".repeat(200));
        tracing::subscriber::with_default(subscriber, || {
            crate::request_info::with_request(info, || event(Event::LoginFailed, &long, None, None));
            event(Event::UserDisabled, "admin", Some("cashier_1"), None);
        });
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[0].contains("event=\"login_failed\""), "{}", lines[0]);
        assert!(
            lines[0].contains(&format!("username=admin{}", "z".repeat(59))),
            "{}",
            lines[0]
        );
        assert!(!lines[0].contains(&"z".repeat(60)), "cut to 64: {}", lines[0]);
        assert!(lines[0].contains("client=\"198.51.100.7\""), "{}", lines[0]);
        assert!(lines[0].contains("request_id=\"0123abcd\""), "{}", lines[0]);
        assert!(
            lines[1].contains("event=\"user_disabled\"") && lines[1].contains("target_user=\"cashier_1\"")
        );
    }

    #[test]
    fn usernames_are_cut_and_controls_replaced() {
        assert_eq!(loggable(&"a".repeat(500)).chars().count(), 64);
        assert_eq!(loggable("ad\nmin\u{0}"), "ad\u{fffd}min\u{fffd}");
    }
}
