//! Benchmark (not a timed test): the association's 排名 page for 500 applications × 5 experts
//! (issue 9: the ranking page renders in ≤ 100 ms).
//!
//! Seeds in bulk, straight through the entities (the suite's review world): a reviewing cycle,
//! 500 teams each with an accepted application counting one reported activity, 5 experts
//! (through the API) each assigned to every application and each with a score; ranks through the API; then times the logged-in
//! `GET /admin/cycles/:id/ranking` (the whole request: session, the ranking view with every
//! expert's total, spreads and tie-breaks, the template) and prints min / median / p90 / max
//! and the page's size.
//!
//! Quick check in a debug build: `cargo bench --bench ranking_page --profile dev`
//! (release figures: `cargo bench --bench ranking_page`).

#[path = "../tests/api/helpers.rs"]
mod helpers;

#[path = "suite/bulk.rs"]
mod bulk;
// The suite's review world; this benchmark reads only part of what it returns.
#[allow(dead_code)]
#[path = "suite/domain.rs"]
mod domain;

use helpers::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::time::Instant;

const APPLICATIONS: usize = 500;
const EXPERTS: usize = 5;
const RUNS: usize = 20;

/// The review world of the suite (`benches/suite/domain.rs`): a reviewing cycle of
/// `APPLICATIONS` accepted applications, each counting one reported activity, every one scored
/// by every expert.
async fn seed(app: &TestApp, experts: &[i64]) -> i32 {
    let experts: Vec<i32> = experts.iter().map(|&e| e as i32).collect();
    let world = domain::review_world(&app.db, 2099, APPLICATIONS, 1, EXPERTS as i32).await;
    domain::score_all(&app.db, &world, APPLICATIONS, &experts).await;
    world.cycle
}

#[tokio::main]
async fn main() {
    let app = TestApp::spawn().await;
    let mut experts = Vec::new();
    let expert_unit = app.create_unit("institute", None).await;
    for _ in 0..EXPERTS {
        experts.push(app.user("expert", Some(expert_unit), None).await.0);
    }
    let seeding = Instant::now();
    let cycle = seed(&app, &experts).await;
    println!(
        "seeded {APPLICATIONS} applications × {EXPERTS} experts in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let ranking = Instant::now();
    let (status, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/rank"), &app.admin, json!({}))
        .await;
    assert!(status.is_success(), "{v}");
    println!("ranked through the API in {} ms", ranking.elapsed().as_millis());
    let stored = entity::results::Entity::find()
        .filter(entity::results::Column::CycleId.eq(cycle))
        .all(&app.db)
        .await
        .expect("results");
    assert_eq!(stored.len(), APPLICATIONS);

    let client = reqwest::Client::new();
    let url = app.url(&format!("/admin/cycles/{cycle}/ranking"));
    let cookie = format!("zhihui_session={}", app.admin);
    let mut times = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for run in 0..=RUNS {
        let t = Instant::now();
        let resp = client
            .get(&url)
            .header("cookie", &cookie)
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_success(), "{}", resp.status());
        let body = resp.text().await.expect("body");
        let took = t.elapsed();
        // The first request warms the connection and caches; it is not counted.
        if run > 0 {
            times.push(took);
        }
        assert!(body.contains("data-testid=\"ranking\""));
        bytes = body.len();
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "GET ranking page ({APPLICATIONS} × {EXPERTS}, {bytes} bytes of HTML), {RUNS} runs: \
         min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms (target ≤ 100 ms)",
        ms(times[0]),
        ms(times[RUNS / 2]),
        ms(times[RUNS * 9 / 10]),
        ms(times[RUNS - 1]),
    );
}
