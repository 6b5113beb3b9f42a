//! The load generator: `c` concurrent clients, each sending its next request as soon as the
//! last one answered, for a fixed time; latencies in an HDR histogram (µs), after a warm-up.

use hdrhistogram::Histogram;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// Builds one request; `n` counts the requests this client sent (for unique bodies).
pub type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

#[derive(Debug, Clone)]
pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

pub struct Load {
    pub concurrency: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

impl Load {
    pub fn from_env() -> Self {
        let secs = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
        Self {
            concurrency: secs("BENCH_CONCURRENCY", 32) as usize,
            warmup: Duration::from_secs(secs("BENCH_WARMUP_SECONDS", 1)),
            duration: Duration::from_secs(secs("BENCH_SECONDS", 8)),
        }
    }

    /// Runs the load on the current runtime (the load generator's own).
    pub async fn run(&self, make: MakeRequest) -> Outcome {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(self.concurrency)
            .build()
            .expect("a client");
        let start = Instant::now();
        let measure_from = start + self.warmup;
        let until = measure_from + self.duration;
        let mut tasks = Vec::new();
        for _ in 0..self.concurrency {
            let client = client.clone();
            let make = make.clone();
            tasks.push(tokio::spawn(async move {
                let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
                let (mut errors, mut n) = (0u64, 0u64);
                loop {
                    let sent = Instant::now();
                    if sent >= until {
                        break;
                    }
                    let ok = match make(&client, n).send().await {
                        Ok(resp) => {
                            let ok = resp.status().is_success();
                            ok & resp.bytes().await.is_ok()
                        }
                        Err(_) => false,
                    };
                    n += 1;
                    if sent >= measure_from {
                        hist.saturating_record(sent.elapsed().as_micros() as u64);
                        errors += u64::from(!ok);
                    }
                }
                (hist, errors)
            }));
        }
        let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
        let mut errors = 0;
        for t in tasks {
            let (h, e) = t.await.expect("a client task");
            all.add(h).expect("same bounds");
            errors += e;
        }
        let ms = |v: u64| v as f64 / 1000.0;
        Outcome {
            requests: all.len(),
            errors,
            rps: all.len() as f64 / self.duration.as_secs_f64(),
            p50_ms: ms(all.value_at_quantile(0.50)),
            p99_ms: ms(all.value_at_quantile(0.99)),
            max_ms: ms(all.max()),
        }
    }
}

/// p50 / p99 / max (ms) of `n` requests sent one after another (for the scale lists).
pub async fn sequential(
    client: &reqwest::Client,
    n: usize,
    make: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
) -> Outcome {
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
    let mut errors = 0;
    let start = Instant::now();
    for i in 0..n + 3 {
        let sent = Instant::now();
        let resp = make(client).send().await.expect("a response");
        let ok = resp.status().is_success();
        let _ = resp.bytes().await;
        if i >= 3 {
            hist.saturating_record(sent.elapsed().as_micros() as u64);
            errors += u64::from(!ok);
        }
    }
    let ms = |v: u64| v as f64 / 1000.0;
    Outcome {
        requests: hist.len(),
        errors,
        rps: hist.len() as f64 / start.elapsed().as_secs_f64(),
        p50_ms: ms(hist.value_at_quantile(0.50)),
        p99_ms: ms(hist.value_at_quantile(0.99)),
        max_ms: ms(hist.max()),
    }
}
