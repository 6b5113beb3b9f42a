//! The benchmark suite (issue 19), one command per engine (`scripts/bench.sh` runs both):
//!
//! ```sh
//! cargo bench --bench suite                                  # SQLite
//! ZHIHUI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench suite
//! ```
//!
//! It prints markdown tables:
//! - **HTTP load**: zhihui and a bare poem + poem-openapi + sea-orm service (benches/suite/bare.rs)
//!   on the same engine in the same run, each on its own single-worker runtime, the load
//!   generator on another (c = 32, 8 s after 1 s of warm-up; latencies in an HDR histogram):
//!   authenticated GET of an application vs GET by id, a team's activity list vs a list of 20,
//!   registering an activity vs a durable insert, login, `/healthz`.
//! - **Memory**: the release binary's RSS after start, after 3 logins and after a burst of 200.
//! - **Scale**: 1,000,000 activities and 100,000 applications seeded in bulk
//!   (benches/suite/scale.rs); p50 / p99 of the first and a deep page of each list, and the
//!   start-up time of an instance on that database.
//!
//! `BENCH_SECTIONS=http,memory,scale` picks sections; `BENCH_SECONDS`, `BENCH_CONCURRENCY`,
//! `BENCH_ACTIVITIES` size them (e.g. a quick check: `BENCH_SECONDS=2 BENCH_ACTIVITIES=20000
//! cargo bench --bench suite --profile dev`).

#[path = "suite/bare.rs"]
mod bare;
#[path = "suite/bulk.rs"]
mod bulk;
#[path = "suite/domain.rs"]
mod domain;
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[path = "suite/load.rs"]
mod load;
#[path = "suite/scale.rs"]
mod scale;

use chrono::Duration;
use helpers::{PASSWORD, TestApp};
use load::{Load, MakeRequest, Outcome};
use serde_json::json;
use std::{sync::Arc, time::Instant};

/// The service's allocator (see `src/main.rs`), so the figures are the shipped binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub const DISTRICTS: [&str; 13] = [
    "和平区",
    "沈河区",
    "大东区",
    "皇姑区",
    "铁西区",
    "苏家屯区",
    "浑南区",
    "沈北新区",
    "于洪区",
    "辽中区",
    "康平县",
    "法库县",
    "新民市",
];

fn runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn engine() -> &'static str {
    match std::env::var("ZHIHUI_TEST_DATABASE_URL") {
        Ok(u) if u.starts_with("postgres") => "PostgreSQL",
        _ => "SQLite",
    }
}

/// zhihui as the tests spawn it, without the statement header, logins not throttled (the load
/// logs in from one address).
async fn spawn_app() -> TestApp {
    TestApp::spawn_tuned(Default::default(), None, |s| {
        s.statement_header = false;
        s.security.login.max_failures = 1_000_000;
        s.security.login.max_per_address = 1_000_000;
    })
    .await
}

fn row(what: &str, o: &Outcome) -> String {
    format!(
        "| {what} | {:.0} | {:.2} | {:.2} | {:.2} | {} of {} |",
        o.rps, o.p50_ms, o.p99_ms, o.max_ms, o.errors, o.requests
    )
}

fn main() {
    let sections = std::env::var("BENCH_SECTIONS").unwrap_or_else(|_| "http,memory,review,scale".into());
    let server = runtime("server");
    let client = runtime("load");
    println!(
        "\nzhihui benchmark suite on {} — {} cores, {}\n",
        engine(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    if sections.contains("http") {
        http(&server, &client);
    }
    if sections.contains("memory") {
        client.block_on(memory());
    }
    if sections.contains("review") {
        review(&server, &client);
    }
    if sections.contains("scale") {
        scale(&server, &client);
    }
}

/// p99 of a team's activity list at c = 4, alone and while `heavy` runs over and over.
fn beside(
    server: &tokio::runtime::Runtime,
    client: &tokio::runtime::Runtime,
    app: &TestApp,
    heavy: impl Fn() -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (Outcome, Outcome, f64) {
    let (team_token, team) = server.block_on(async {
        let unit = app.create_unit("university", None).await;
        let (team, token) = app.team_with_user(unit).await;
        for i in 0..20 {
            app.register_activity(&token, team, Duration::days(i + 2)).await;
        }
        (token, team)
    });
    let _ = team;
    let load = Load {
        concurrency: 4,
        warmup: std::time::Duration::from_millis(500),
        duration: std::time::Duration::from_secs(5),
    };
    let url = app.url("/api/v1/activities");
    let auth = format!("Bearer {team_token}");
    let make: MakeRequest =
        Arc::new(move |c: &reqwest::Client, _| c.get(&url).header("authorization", &auth));
    let alone = client.block_on(load.run(make.clone()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let times = Arc::new(std::sync::Mutex::new(Vec::new()));
    let heavy_loop = {
        let (stop, times) = (stop.clone(), times.clone());
        client.spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let resp = heavy().send().await.expect("the heavy request");
                assert!(resp.status().is_success(), "{}", resp.status());
                let _ = resp.bytes().await;
                times.lock().expect("times").push(t.elapsed().as_secs_f64());
            }
        })
    };
    let during = client.block_on(load.run(make));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    client.block_on(heavy_loop).expect("the heavy loop");
    let times = times.lock().expect("times");
    let median = {
        let mut t = times.clone();
        t.sort_by(f64::total_cmp);
        t.get(t.len() / 2).copied().unwrap_or(f64::NAN)
    };
    (alone, during, median)
}

fn review(server: &tokio::runtime::Runtime, client: &tokio::runtime::Runtime) {
    let assign_n: usize = env_or("BENCH_ASSIGN_APPLICATIONS", 5000);
    let rank_n: usize = env_or("BENCH_RANK_APPLICATIONS", 10_000);
    println!(
        "### Review at scale on {} (through the HTTP API and the services, database included)\n",
        engine()
    );
    println!("| step | time |\n|---|---|");
    // Assignment: 200 experts, each in one of the five units the applications' teams belong to.
    let app = server.block_on(spawn_app());
    let (world, experts) = server.block_on(async {
        let world = domain::review_world(&app.db, 2090, assign_n, 5, 5).await;
        let mut experts = Vec::new();
        for i in 0..200 {
            let unit = world.units[i % world.units.len()] as i64;
            experts.push(app.user("expert", Some(unit), None).await.0);
        }
        (world, experts)
    });
    let t = Instant::now();
    let (s, v) = client.block_on(app.post(
        &format!("/api/v1/cycles/{}/assignments/auto", world.cycle),
        &app.admin,
        json!({}),
    ));
    assert!(s.is_success(), "{v}");
    println!(
        "| automatic assignment: {assign_n} applications × 5 reviewers to {} experts, 20 % of pairs in conflict ({} pairs) | {} ms |",
        experts.len(),
        v["total"],
        t.elapsed().as_millis()
    );
    // Ranking: 10,000 applications × 5 experts, every score in.
    let (world, experts) = server.block_on(async {
        let world = domain::review_world(&app.db, 2091, rank_n, 5, 5).await;
        let expert_unit = app.create_unit("institute", None).await;
        let mut experts = Vec::new();
        for _ in 0..5 {
            experts.push(app.user("expert", Some(expert_unit), None).await.0 as i32);
        }
        domain::score_all(&app.db, &world, rank_n, &experts).await;
        (world, experts)
    });
    let t = Instant::now();
    let (s, v) = client.block_on(app.post(
        &format!("/api/v1/cycles/{}/rank", world.cycle),
        &app.admin,
        json!({}),
    ));
    assert!(s.is_success(), "{v}");
    println!(
        "| ranking: {rank_n} applications × {} experts | {} ms |",
        experts.len(),
        t.elapsed().as_millis()
    );
    let sheet_url = app.url(&format!("/api/v1/cycles/{}/results/sheet", world.cycle));
    let admin = format!("Bearer {}", app.admin);
    let http = reqwest::Client::new();
    let (alone, during, median) = beside(server, client, &app, move || {
        http.get(&sheet_url).header("authorization", &admin)
    });
    println!(
        "| results sheet of {rank_n} lines (median while the list below is loaded) | {:.0} ms |",
        median * 1000.0
    );
    println!(
        "| a team's activity list at c = 4: p99 alone → while results sheets are built one after another | {:.1} ms → {:.1} ms |\n",
        alone.p99_ms, during.p99_ms
    );
    drop(app);
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn http(server: &tokio::runtime::Runtime, client: &tokio::runtime::Runtime) {
    let load = Load::from_env();
    let (app, team, token, application, username) = server.block_on(async {
        let app = spawn_app().await;
        let year: i32 = app.now().format("%Y").to_string().parse().expect("a year");
        let cycle = app.open_cycle(year).await;
        let unit = app.create_unit("university", None).await;
        let (team, token, application) = app.draft_application(cycle, unit).await;
        for i in 0..19 {
            app.register_activity(&token, team, Duration::days(i + 2)).await;
        }
        let username = "bench_team_login".to_owned();
        let (s, v) = app
            .post(
                "/api/v1/users",
                &app.admin,
                json!({"username": username, "password": PASSWORD, "display_name": "压测用户",
                       "role": "team", "team_id": team}),
            )
            .await;
        assert!(s.is_success(), "{v}");
        (app, team, token, application, username)
    });
    let (bare_base, bare_id) = server.block_on(async {
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = helpers::fresh_database(dir.path()).await;
        let out = bare::spawn(&url).await;
        std::mem::forget(dir); // the bare database lives as long as the run
        out
    });
    let auth = format!("Bearer {token}");
    let base = app.base.clone();
    let get = |url: String, auth: Option<String>| -> MakeRequest {
        Arc::new(move |c: &reqwest::Client, _| {
            let r = c.get(&url);
            match &auth {
                Some(a) => r.header("authorization", a),
                None => r,
            }
        })
    };
    let activity = app.activity_body(team, Duration::days(30));
    let bare_item = json!({"team_id": 7, "name": "社区科普讲座", "location": "沈阳市和平区社区服务中心",
                           "starts_at": activity["planned_start"]});
    let post = |url: String, body: serde_json::Value, auth: Option<String>| -> MakeRequest {
        let body = serde_json::to_vec(&body).expect("json");
        Arc::new(move |c: &reqwest::Client, _| {
            let r = c
                .post(&url)
                .header("content-type", "application/json")
                .body(body.clone());
            match &auth {
                Some(a) => r.header("authorization", a),
                None => r,
            }
        })
    };
    let cases: Vec<(&str, MakeRequest, Option<MakeRequest>)> = vec![
        (
            "authenticated GET of one application (team token) · bare: GET by id",
            get(
                format!("{base}/api/v1/applications/{application}"),
                Some(auth.clone()),
            ),
            Some(get(format!("{bare_base}/items/{bare_id}"), None)),
        ),
        (
            "a team's activity list (20) · bare: a list of 20",
            get(format!("{base}/api/v1/activities"), Some(auth.clone())),
            Some(get(format!("{bare_base}/items?team_id=7"), None)),
        ),
        (
            "register an activity (validated, audited, durable) · bare: durable insert",
            post(format!("{base}/api/v1/activities"), activity, Some(auth.clone())),
            Some(post(format!("{bare_base}/items"), bare_item, None)),
        ),
        (
            "login (argon2) · bare: —",
            post(
                format!("{base}/api/v1/auth/login"),
                json!({"username": username, "password": PASSWORD}),
                None,
            ),
            None,
        ),
        (
            "/healthz · bare: /healthz",
            get(format!("{base}/healthz"), None),
            Some(get(format!("{bare_base}/healthz"), None)),
        ),
    ];
    println!(
        "### HTTP load on {} (c = {}, {} s each; server and bare service on one single-worker runtime, the load on another)\n",
        engine(),
        load.concurrency,
        load.duration.as_secs()
    );
    println!("| what | rps | p50 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for (what, zhihui_req, bare_req) in cases {
        let z = client.block_on(load.run(zhihui_req));
        println!("{}", row(&format!("zhihui: {what}"), &z));
        if let Some(b) = bare_req {
            let b = client.block_on(load.run(b));
            println!("{}", row("  bare", &b));
            ratios.push((what, z.rps / b.rps));
        }
    }
    println!("\n| ratio zhihui / bare (rps) | |\n|---|---|");
    for (what, r) in ratios {
        println!("| {what} | {r:.2} |");
    }
    println!();
    drop(app);
}

/// The release binary's resident memory (the shipped allocator and settings).
async fn memory() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = helpers::fresh_database(dir.path()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("an address")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhihui"))
        .env("ZHIHUI_BIND", format!("127.0.0.1:{port}"))
        .env("ZHIHUI_DATABASE_URL", &url)
        .env("ZHIHUI_STORAGE_DIR", dir.path().join("files"))
        .env("ZHIHUI_ADMIN_USERNAME", "admin")
        .env("ZHIHUI_ADMIN_PASSWORD", helpers::ADMIN.1)
        .env("ZHIHUI_LOGIN_MAX_PER_ADDRESS", "1000000")
        .env("ZHIHUI_LOGIN_MAX_FAILURES", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the release binary");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "the binary did not become ready"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let status_mb = |pid: u32, key: &str| -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    let rss = |pid: u32| status_mb(pid, "VmRSS:");
    // Resident memory of its own (heap, stacks) vs pages of the mapped binary and libraries.
    let split = |pid: u32| {
        format!(
            "{:.1} anon + {:.1} file",
            status_mb(pid, "RssAnon:"),
            status_mb(pid, "RssFile:")
        )
    };
    let ready_ms = started.elapsed().as_millis();
    // mimalloc gives freed arena memory back after its purge delay (1 s × 10 for arenas): the
    // figures are read once that has passed, and also right away.
    let settle = std::time::Duration::from_secs(env_or("BENCH_SETTLE_SECONDS", 15));
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let at_one_second = rss(child.id());
    tokio::time::sleep(settle).await;
    let login = || {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "admin", "password": helpers::ADMIN.1}))
            .send()
    };
    let at_start = rss(child.id());
    let at_start_split = split(child.id());
    for _ in 0..3 {
        assert!(login().await.expect("login").status().is_success());
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let after_three = rss(child.id());
    let mut peak: f64 = after_three;
    for _ in 0..(200 / 16 + 1) {
        let batch: Vec<_> = (0..16)
            .map(|_| {
                let (client, base) = (client.clone(), base.clone());
                tokio::spawn(async move {
                    client
                        .post(format!("{base}/api/v1/auth/login"))
                        .json(&json!({"username": "admin", "password": helpers::ADMIN.1}))
                        .send()
                        .await
                })
            })
            .collect();
        for h in batch {
            assert!(h.await.expect("a task").expect("login").status().is_success());
        }
        peak = peak.max(rss(child.id()));
    }
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let three_after_burst = rss(child.id());
    tokio::time::sleep(settle).await;
    let after_burst = rss(child.id());
    let after_burst_split = split(child.id());
    child.kill().ok();
    child.wait().ok();
    println!("### Memory of the release binary on {} (VmRSS)\n", engine());
    println!("| moment | RSS MB | of which MB |\n|---|---|---|");
    let settled = settle.as_secs() + 1;
    println!("| ready (in {ready_ms} ms), 1 s later | {at_one_second:.1} | |");
    println!("| {settled} s after ready | {at_start:.1} | {at_start_split} |");
    println!("| after 3 logins | {after_three:.1} | |");
    println!("| highest during 200 logins, 16 at a time | {peak:.1} | |");
    println!("| 3 s after the burst | {three_after_burst:.1} | |");
    println!(
        "| {} s after the burst | {after_burst:.1} | {after_burst_split} |\n",
        settle.as_secs() + 3
    );
}

fn scale(server: &tokio::runtime::Runtime, client: &tokio::runtime::Runtime) {
    let seeding = Instant::now();
    let (app, world, team_token) = server.block_on(async {
        let app = spawn_app().await;
        let world = scale::seed(&app.db).await;
        let (_, team_token) = app.user("team", None, Some(world.teams[0] as i64)).await;
        (app, world, team_token)
    });
    let seeded_in = seeding.elapsed().as_secs_f64();
    let startup = server.block_on(async {
        let mut settings = (*app.state.settings).clone();
        settings.bind = "127.0.0.1:0".into();
        let t = Instant::now();
        let second = zhihui::startup::Application::build(settings, app.clock.clone())
            .await
            .expect("a second instance on the big database");
        let took = t.elapsed().as_millis();
        drop(second);
        took
    });
    let requests: usize = env_or("BENCH_PAGE_REQUESTS", 100);
    let base = app.base.clone();
    let admin = format!("Bearer {}", app.admin);
    let team = format!("Bearer {team_token}");
    let payout_pages = world.payouts.div_ceil(50);
    let deep = |n: u64| (n.div_ceil(50)).min(1000);
    let cases: Vec<(String, String, String)> = vec![
        (
            "activities, admin, page 1".into(),
            "/api/v1/activities?page=1".into(),
            admin.clone(),
        ),
        (
            format!("activities, admin, page {}", deep(world.activities)),
            format!("/api/v1/activities?page={}", deep(world.activities)),
            admin.clone(),
        ),
        (
            "activities, a team (100), page 1".into(),
            "/api/v1/activities?page=1".into(),
            team.clone(),
        ),
        (
            "applications, admin, page 1".into(),
            "/api/v1/applications?page=1".into(),
            admin.clone(),
        ),
        (
            format!("applications, admin, page {}", deep(world.applications)),
            format!("/api/v1/applications?page={}", deep(world.applications)),
            admin.clone(),
        ),
        (
            "payouts, admin, page 1".into(),
            "/api/v1/payouts?page=1".into(),
            admin.clone(),
        ),
        (
            format!("payouts, admin, page {payout_pages} (the last)"),
            format!("/api/v1/payouts?page={payout_pages}"),
            admin.clone(),
        ),
        (
            "audit log, admin, page 1".into(),
            "/api/v1/audit?page=1".into(),
            admin.clone(),
        ),
        (
            format!("audit log, admin, page {}", deep(world.audit)),
            format!("/api/v1/audit?page={}", deep(world.audit)),
            admin.clone(),
        ),
    ];
    println!(
        "### Lists at scale on {}: {} activities, {} applications, {} payouts, {} audit entries (seeded in {seeded_in:.0} s)\n",
        engine(),
        world.activities,
        world.applications,
        world.payouts,
        world.audit
    );
    println!(
        "{requests} requests one after another per line, 50 a page.\n\n| list | p50 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|"
    );
    let http = reqwest::Client::new();
    for (what, path, auth) in cases {
        let url = format!("{base}{path}");
        let o = client.block_on(load::sequential(&http, requests, |c| {
            c.get(&url).header("authorization", &auth)
        }));
        println!(
            "| {what} | {:.2} | {:.2} | {:.2} | {} |",
            o.p50_ms, o.p99_ms, o.max_ms, o.errors
        );
    }
    println!(
        "\nStart-up of a second instance on that database (connect, migrations checked, admin, chain): {startup} ms\n"
    );
    // The payout batch of every pending payout, and its sheet, beside other requests.
    let finance = server.block_on(app.user("finance", None, None)).1;
    let t = Instant::now();
    let (s, v) = client.block_on(app.post(
        "/api/v1/payout-batches",
        &finance,
        json!({"cycle_id": world.cycle}),
    ));
    assert!(s.is_success(), "{v}");
    let batch_ms = t.elapsed().as_millis();
    let batch = v["id"].as_i64().expect("a batch id");
    let sheet_url = app.url(&format!("/api/v1/payout-batches/{batch}/sheet"));
    let admin = format!("Bearer {finance}");
    let http = reqwest::Client::new();
    let (alone, during, median) = beside(server, client, &app, move || {
        http.get(&sheet_url).header("authorization", &admin)
    });
    println!("| payouts | |\n|---|---|");
    println!(
        "| a batch of {} pending payouts (one transaction) | {batch_ms} ms |",
        world.payouts
    );
    println!(
        "| its payout sheet, {} lines (median, built over and over) | {:.0} ms |",
        world.payouts,
        median * 1000.0
    );
    println!(
        "| a team's activity list at c = 4: p99 alone → while payout sheets are built | {:.1} ms → {:.1} ms |\n",
        alone.p99_ms, during.p99_ms
    );
    drop(app);
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
