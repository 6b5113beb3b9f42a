//! Plain-text e-mail through SMTP (lettre), for reminders (R-REMIND).

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url`: `smtp://[user:password@]host[:port]` (port 25 by default). Plain SMTP only: the
    /// build has no TLS for SMTP, so point it at a relay on the same host or network.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("ZHIHUI_SMTP_URL: {why} (expected smtp://[user:password@]host[:port])");
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| bad("not an smtp:// URL"))?;
        let rest = rest.trim_end_matches('/');
        let (creds, hostport) = match rest.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("bad port"))?),
            None => (hostport, 25),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = creds.and_then(|c| c.split_once(':')) {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                decode(user),
                decode(password),
            ));
        }
        let transport = builder.build();
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
