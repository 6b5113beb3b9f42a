//! Page benchmark (not a timed test): a logged-in page's render latency at 16 concurrent
//! users (p50/p99 over every request), and the first load of a page in bytes (HTML + CSS +
//! scripts). `cargo bench --bench pages`.

#[path = "../tests/api/helpers.rs"]
mod helpers;

use chrono::Duration;
use helpers::TestApp;
use std::time::Instant;

/// The service's allocator (see `src/main.rs`), so the figures are the shipped binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USERS: usize = 16;
const REQUESTS_PER_USER: usize = 100;

#[tokio::main]
async fn main() {
    let app = TestApp::spawn().await;
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    let cycle = app.open_cycle(year).await;
    let unit = app.create_unit("university", None).await;
    let (team, token, app_id) = app.draft_application(cycle, unit).await;
    // The application page itself (`/application` redirects there once the draft exists).
    let application_page = format!("/applications/{app_id}");
    for i in 0..20 {
        app.register_activity(&token, team, Duration::days(i + 1)).await;
    }
    // The unit's officer, with ten submitted applications waiting for the opinion.
    for _ in 0..10 {
        app.submitted_application(cycle, unit).await;
    }
    let (_, unit_token) = app.user("unit", Some(unit), None).await;
    let unit_cookie = format!("zhihui_session={unit_token}");
    let client = reqwest::Client::new();
    let cookie = format!("zhihui_session={token}");
    let get = |path: &'static str| {
        let client = client.clone();
        let cookie = cookie.clone();
        let url = app.url(path);
        async move {
            let resp = client.get(url).header("cookie", cookie).send().await.unwrap();
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            resp.bytes().await.unwrap()
        }
    };

    // First load of the team's activity list: the HTML and every asset it links.
    let html = get("/activities").await;
    let text = String::from_utf8_lossy(&html).into_owned();
    let mut total = html.len();
    for marker in ["/assets/app.", "/assets/htmx."] {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(marker) {
            let url = &rest[at..at + rest[at..].find('"').unwrap()];
            let bytes = client
                .get(app.url(url))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            if !url.ends_with(".svg") {
                total += bytes.len();
            }
            rest = &rest[at + url.len()..];
        }
    }
    println!(
        "first load of /activities: {} bytes HTML, {total} bytes with CSS and scripts",
        html.len()
    );

    let pages = [
        ("/home", &cookie),
        ("/activities", &cookie),
        (application_page.as_str(), &cookie),
        ("/review", &unit_cookie),
    ];
    for (path, cookie) in pages {
        for _ in 0..20 {
            let r = client
                .get(app.url(path))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..USERS {
            let client = client.clone();
            let cookie = cookie.to_string();
            let url = app.url(path);
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::with_capacity(REQUESTS_PER_USER);
                for _ in 0..REQUESTS_PER_USER {
                    let t = Instant::now();
                    let r = client.get(&url).header("cookie", &cookie).send().await.unwrap();
                    assert!(r.status().is_success() || r.status().is_redirection());
                    r.bytes().await.unwrap();
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                times
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let pct = |p: f64| all[((all.len() as f64 * p).ceil() as usize).min(all.len()) - 1];
        println!(
            "{path}: {} requests by {USERS} concurrent users in {:.2} s: p50 {:.1} ms, p99 {:.1} ms",
            all.len(),
            started.elapsed().as_secs_f64(),
            pct(0.50),
            pct(0.99)
        );
    }
}
