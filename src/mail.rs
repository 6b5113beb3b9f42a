//! Plain-text e-mail through SMTP (lettre), for reminders (R-REMIND). Infrastructure beside
//! `storage`: the configuration checks its URL at start-up, the reminder service sends.
//!
//! `ZHIHUI_SMTP_URL` is read the way lettre's `AsyncSmtpTransport::from_url` reads it:
//! - `smtp://[user:password@]host[:port]`: plain SMTP (port 25), for a relay on the intranet;
//! - `smtp://[user:password@]host[:port]?tls=required`: STARTTLS, refused when the server does
//!   not offer it (port 587);
//! - `smtps://[user:password@]host[:port]`: TLS from the first byte (port 465).
//!
//! TLS is rustls (ring) with the system's trust store (`rustls-native-certs`), so the build
//! needs no OpenSSL headers and a relay signed by the organisation's own CA is trusted once
//! that CA is installed on the host.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};

/// What `ZHIHUI_SMTP_URL` may look like, for the configuration error.
const FORMS: &str = "expected smtp://[user:password@]host[:port] (plain), \
                     smtp://…?tls=required (STARTTLS) or smtps://… (TLS)";

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// The transport `url` describes; the reason it cannot be one (never naming the password).
fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or_default();
    if !matches!(scheme, "smtp" | "smtps") {
        return Err(format!("{FORMS}; not an SMTP URL"));
    }
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| {
        // lettre's message names the scheme and the `tls` value, never the credentials.
        format!("{FORMS}; {e}")
    })?;
    Ok(builder.timeout(Some(std::time::Duration::from_secs(20))).build())
}

/// Checks `ZHIHUI_SMTP_URL` at start-up, so a bad one stops the service there.
pub fn check_url(url: &str) -> Result<(), String> {
    transport(url).map(|_| ())
}

/// Checks `ZHIHUI_SMTP_FROM` at start-up (`Name <address>` or an address).
pub fn check_from(from: &str) -> Result<(), String> {
    from.parse::<Mailbox>()
        .map(|_| ())
        .map_err(|e| format!("expected an address such as 'zhihui <noreply@example.cn>': {e}"))
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = transport(url).map_err(|e| format!("ZHIHUI_SMTP_URL: {e}"))?;
        let from = from.parse().map_err(|e| format!("ZHIHUI_SMTP_FROM: {e}"))?;
        Ok(Self { transport, from })
    }

    pub async fn send(&self, to: &str, subject: &str, text: String) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text)
            .map_err(|e| format!("message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("smtp: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-REMIND (issue 14 gap 2): the three URL forms are taken; other schemes are not.
    #[test]
    fn plain_starttls_and_implicit_tls_urls_are_taken() {
        for good in [
            "smtp://relay.intranet",
            "smtp://relay.intranet:2525/",
            "smtp://user:p%40ss@mail.example.cn:587?tls=required",
            "smtp://mail.example.cn?tls=opportunistic",
            "smtps://user:secret@smtp.example.cn",
            "smtps://smtp.example.cn:465",
        ] {
            assert!(check_url(good).is_ok(), "{good}: {:?}", check_url(good).err());
        }
        for bad in [
            "http://mail.example.cn",
            "mail.example.cn:25",
            "smtp://mail.example.cn?tls=sometimes",
            "smtp://",
            "smtps://user:secret@",
        ] {
            let e = check_url(bad).unwrap_err();
            assert!(e.contains("smtps://"), "{bad}: {e}");
            assert!(!e.contains("secret"), "{bad}: {e}");
        }
        assert!(check_from("zhihui <noreply@example.cn>").is_ok());
        assert!(check_from("no address").is_err());
    }
}
