//! Browser tests: the pages driven in real Chromium through chromedriver (Debian's
//! `chromium` and `chromium-driver`). Every test is `#[ignore]`d so `cargo test --workspace`
//! passes on a machine without a browser; run them with
//! `cargo test --test browser -- --ignored --test-threads=1` (`.ci/run` does).

#[path = "../api/helpers.rs"]
mod helpers;
// The browser tests use a few of the API tests' seeds.
#[allow(dead_code)]
#[path = "../api/review_seed.rs"]
mod review_seed;
#[allow(dead_code)]
#[path = "../api/stat_world.rs"]
mod stat_world;

mod flows;
mod harness;
mod png;
mod recommendations;
mod record;
mod review_admin;
mod stats_reminders;
