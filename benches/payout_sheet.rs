//! Benchmark (not a timed test): the payout sheet for 100 000 payouts.
//!
//! `cargo bench --bench payout_sheet` prints the build time and the process's peak resident
//! memory (`VmHWM` of /proc/self/status) before and after building, so the sheet's own cost can
//! be told from the input data's.

use chrono::NaiveDate;
use std::time::Instant;
use zhihui::{
    domain::{ranking::Tier, rmb::format_yuan},
    export::payout_sheet::{PayoutLine, PayoutSheet, build_payout_sheet},
};

const LINES: usize = 100_000;
const RUNS: usize = 3;

/// Peak resident set size in KiB (Linux), if known.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn sheet() -> PayoutSheet {
    let tiers = [Tier::First, Tier::Second, Tier::Third];
    let lines = (0..LINES)
        .map(|i| {
            let unit = format!("沈阳市第{i}科技志愿服务协会");
            PayoutLine {
                team_name: format!("沈阳市科技志愿服务队{i}"),
                project_name: format!("社区科普进万家{i}"),
                tier: tiers[i % 3],
                amount_fen: 300_000 + (i as i64 % 1000) * 101,
                bank_name: "中国工商银行股份有限公司沈阳和平支行".to_owned(),
                account_no: format!("6222{i:015}"),
                account_name: if i % 7 == 0 {
                    format!("{unit}财务部")
                } else {
                    unit.clone()
                },
                account_name_differs: i % 7 == 0,
                unit_name: unit,
            }
        })
        .collect();
    PayoutSheet {
        year: 2026,
        batch_label: "第1批".to_owned(),
        lines,
        prepared_by: "王会计".to_owned(),
        date: NaiveDate::from_ymd_opt(2026, 3, 5).expect("a valid date"),
    }
}

fn main() {
    let sheet = sheet();
    let total: i64 = sheet.lines.iter().map(|l| l.amount_fen).sum();
    let before = peak_kib();
    println!("payout sheet: {LINES} lines, total {} yuan", format_yuan(total));
    println!("peak memory with the input built: {}", mib(before));
    let mut times = Vec::with_capacity(RUNS);
    let mut size = 0;
    for run in 1..=RUNS {
        let started = Instant::now();
        let bytes = build_payout_sheet(&sheet).expect("sheet builds");
        let elapsed = started.elapsed();
        size = bytes.len();
        println!("run {run}: {elapsed:.2?}, {size} bytes");
        times.push(elapsed);
    }
    times.sort();
    let after = peak_kib();
    println!(
        "median build time: {:.2?} ({} bytes of xlsx)",
        times[RUNS / 2],
        size
    );
    println!(
        "peak memory after building: {} (+{} over the input)",
        mib(after),
        mib(after.zip(before).map(|(a, b)| a.saturating_sub(b)))
    );
}
