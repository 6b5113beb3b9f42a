//! Real Chromium through chromedriver: each test gets its own chromedriver (on a free port),
//! a fresh browser profile, and its own app with a fresh database (`TestApp::spawn`).
//! Screenshots of every page a test looks at go to `target/screenshots/` at 390×844 and
//! 1366×768.

use crate::helpers::TestApp;
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::{Value, json};
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const SIZES: [(u32, u32); 2] = [(390, 844), (1366, 768)];

pub struct Browser {
    pub client: Client,
    pub base: String,
    test: &'static str,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session against `app`.
    pub async fn start(app: &TestApp, test: &'static str) -> Self {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start /usr/bin/chromedriver (Debian package chromium-driver)");
        let profile = tempfile::tempdir().expect("profile dir");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--lang=zh-CN".into(),
            "--window-size=1366,768".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": CHROMIUM, "args": args}),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .expect("a Chromium session");
        Self {
            client,
            base: app.base.clone(),
            test,
            driver,
            _profile: profile,
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
    }

    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.expect("url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Saves the current page at both sizes (phone, desktop), whole page tall.
    pub async fn shot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        for (w, h) in SIZES {
            self.client.set_window_size(w, h).await.expect("resize");
            tokio::time::sleep(Duration::from_millis(150)).await;
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("{}-{name}-{w}x{h}.png", self.test)), png).expect("write png");
        }
    }

    /// The control labelled `label` (the label's own text, before any hint).
    pub async fn by_label(&self, label: &str) -> Element {
        let xpath = format!("//label[normalize-space(text()[1])='{label}']");
        let l = self.wait_find(Locator::XPath(&xpath)).await;
        let id = l
            .attr("for")
            .await
            .expect("for")
            .expect("the label names its control");
        self.client
            .find(Locator::Id(&id))
            .await
            .expect("the labelled control")
    }

    pub async fn fill(&self, label: &str, value: &str) {
        let el = self.by_label(label).await;
        el.clear().await.expect("clear");
        el.send_keys(value).await.expect("type");
    }

    /// Sets a value the way a picker would (date and time inputs), firing input and change.
    pub async fn set(&self, label: &str, value: &str) {
        let el = self.by_label(label).await;
        let arg = serde_json::to_value(&el).expect("element");
        self.client
            .execute(
                "arguments[0].value = arguments[1];\
                 arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
                 arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![arg, json!(value)],
            )
            .await
            .expect("set value");
    }

    pub async fn choose(&self, label: &str, option: &str) {
        self.by_label(label)
            .await
            .select_by_label(option)
            .await
            .expect("select");
    }

    pub async fn testid(&self, id: &str) -> Element {
        self.wait_find(Locator::Css(&format!("[data-testid='{id}']")))
            .await
    }

    pub async fn testids(&self, id: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(&format!("[data-testid='{id}']")))
            .await
            .expect("find all")
    }

    /// Clicks `[data-testid=id]`; a stale element (replaced by a swap before the click reached
    /// it) was not clicked, so it is found again.
    pub async fn click(&self, id: &str) {
        let started = Instant::now();
        loop {
            match self.testid(id).await.click().await {
                Ok(_) => return,
                Err(_) if started.elapsed() < Duration::from_secs(10) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click {id}: {e}"),
            }
        }
    }

    /// Clicks a link or button by its visible text.
    pub async fn click_text(&self, text: &str) {
        let xpath = format!("//*[self::a or self::button][normalize-space(.)='{text}']");
        self.wait_find(Locator::XPath(&xpath))
            .await
            .click()
            .await
            .expect("click");
    }

    /// The page's text, or `None` while the page is being replaced (a navigation or an htmx
    /// swap between finding `body` and reading it leaves a stale element).
    async fn try_body_text(&self) -> Option<String> {
        let body = self.client.find(Locator::Css("body")).await.ok()?;
        body.text().await.ok()
    }

    pub async fn body_text(&self) -> String {
        let started = Instant::now();
        loop {
            if let Some(t) = self.try_body_text().await {
                return t;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the page's text stayed unreadable"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the element `[data-testid=id]`, found again if a swap replaced it meanwhile.
    pub async fn text_of(&self, id: &str) -> String {
        let started = Instant::now();
        loop {
            let el = self.testid(id).await;
            if let Ok(t) = el.text().await {
                return t;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "{id} stayed stale");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_find(&self, loc: Locator<'_>) -> Element {
        let started = Instant::now();
        loop {
            if let Ok(e) = self.client.find(loc).await {
                return e;
            }
            if started.elapsed() > Duration::from_secs(10) {
                panic!(
                    "not found on {}: {loc:?}\n{}",
                    self.path().await,
                    self.body_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's text contains `needle`.
    pub async fn wait_text(&self, needle: &str) {
        let started = Instant::now();
        loop {
            let t = self.try_body_text().await.unwrap_or_default();
            if t.contains(needle) {
                return;
            }
            if started.elapsed() > Duration::from_secs(10) {
                panic!("{needle:?} never appeared on {}:\n{t}", self.path().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// Logs in through the login page.
    pub async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.fill("用户名", username).await;
        self.fill("密码", password).await;
        self.click("login-submit").await;
        self.wait_find(Locator::Css("[data-testid='logout']")).await;
    }

    pub async fn logout(&self) {
        self.click("logout").await;
        self.wait_find(Locator::Css("[data-testid='login-submit']")).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
