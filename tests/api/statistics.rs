//! R-STAT (issue 14): statistics equal what the records say, per grouping and per role.

use crate::{
    helpers::{TestApp, assert_error},
    stat_world::{activity, application, award, cst, cycle},
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use zhihui::domain::{activity::Category, ranking::Tier};

async fn stats(app: &TestApp, token: &str, year: i32, group_by: &str) -> Value {
    let (s, v) = app
        .get(
            &format!("/api/v1/statistics?year={year}&group_by={group_by}"),
            token,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn figures(active: i64, reg: i64, early: i64, reported: i64, sessions: i64, people: i64, vol: i64) -> Value {
    json!({
        "active_teams": active, "activities_registered": reg, "registered_early": early,
        "registered_early_share": if reg > 0 { json!(early as f64 / reg as f64) } else { Value::Null },
        "activities_reported": reported, "sessions": sessions, "people_served": people,
        "volunteer_participations": vol,
    })
}

fn with_money(mut f: Value, apps: i64, tiers: [i64; 3], awarded: i64, paid: i64) -> Value {
    let m = f.as_object_mut().unwrap();
    m.insert("applications".into(), json!(apps));
    m.insert(
        "awards".into(),
        json!({"first": tiers[0], "second": tiers[1], "third": tiers[2]}),
    );
    m.insert("subsidy_awarded_fen".into(), json!(awarded));
    m.insert("subsidy_paid_fen".into(), json!(paid));
    f
}

fn no_money(mut f: Value) -> Value {
    let m = f.as_object_mut().unwrap();
    for k in [
        "applications",
        "awards",
        "subsidy_awarded_fen",
        "subsidy_paid_fen",
    ] {
        m.insert(k.into(), Value::Null);
    }
    f
}

fn group<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {v}"))
}

struct Known {
    district: i64,
    unit1: i64,
    unit2: i64,
    teams: [i64; 4],
}

/// The world of the known-world test, in 2025 (CST):
/// district D (team T4), unit U1 under D (teams T1, T2), unit U2 under no district (team T3).
async fn known_world(app: &TestApp) -> Known {
    let district = app.create_unit("district", None).await;
    let unit1 = app.create_unit("society", Some(district)).await;
    let unit2 = app.create_unit("university", None).await;
    let t1 = app.create_team(unit1).await;
    let t2 = app.create_team(unit1).await;
    let t3 = app.create_team(unit2).await;
    let t4 = app.create_team(district).await;
    let day = Duration::hours(24);
    // a1: T1, March, 3 days ahead, reported 2/100/5.
    activity(
        app,
        t1,
        Category::Lecture,
        cst(2025, 3, 10, 10, 0),
        day * 3,
        Some((2, 100, 5)),
        false,
    )
    .await;
    // a2: T1, 31 March 23:30 CST (still March), 2 h ahead, reported 1/40/3.
    activity(
        app,
        t1,
        Category::Training,
        cst(2025, 3, 31, 23, 30),
        Duration::hours(2),
        Some((1, 40, 3)),
        false,
    )
    .await;
    // a3: T2, the year's first instant, exactly 24 h ahead (counts as early), not reported.
    activity(
        app,
        t2,
        Category::Lecture,
        cst(2025, 1, 1, 0, 0),
        day,
        None,
        false,
    )
    .await;
    // a4: T3, the year's last minute, 30 days ahead, reported 3/200/10.
    activity(
        app,
        t3,
        Category::Clinic,
        cst(2025, 12, 31, 23, 59),
        day * 30,
        Some((3, 200, 10)),
        false,
    )
    .await;
    // a5: T4, cancelled: not counted.
    activity(
        app,
        t4,
        Category::Lecture,
        cst(2025, 6, 15, 9, 0),
        day * 5,
        None,
        true,
    )
    .await;
    // a6, a7: outside 2025 in CST (though 2025 in UTC for a7's neighbour): not counted.
    activity(
        app,
        t1,
        Category::Lecture,
        cst(2026, 1, 1, 0, 0),
        day * 5,
        Some((9, 9, 9)),
        false,
    )
    .await;
    activity(
        app,
        t3,
        Category::Lecture,
        cst(2024, 12, 31, 23, 59),
        day * 5,
        Some((9, 9, 9)),
        false,
    )
    .await;
    // a8: T4, June, one minute short of 24 h ahead (not early), reported 1/1000/2.
    activity(
        app,
        t4,
        Category::Online,
        cst(2025, 6, 20, 9, 0),
        day - Duration::minutes(1),
        Some((1, 1000, 2)),
        false,
    )
    .await;

    let c2025 = cycle(app, 2025).await;
    let c2024 = cycle(app, 2024).await;
    // Applications: T1 awarded first (paid), T3 awarded third (unpaid), T2 a draft only.
    award(app, c2025, t1, Tier::First, 1_000_000, true).await;
    award(app, c2025, t3, Tier::Third, 300_050, false).await;
    application(app, c2025, t2, false).await;
    // Another year's cycle: not counted.
    award(app, c2024, t4, Tier::Second, 600_000, true).await;
    Known {
        district,
        unit1,
        unit2,
        teams: [t1, t2, t3, t4],
    }
}

/// R-STAT: every figure of the known world, by district, with the total.
#[tokio::test]
async fn known_world_by_district_equals_the_records() {
    let app = TestApp::spawn().await;
    let k = known_world(&app).await;
    let v = stats(&app, &app.admin, 2025, "district").await;
    assert_eq!(v["year"], 2025);
    assert_eq!(v["group_by"], "district");
    assert_eq!(v["money_only"], false);
    assert_eq!(v["groups"].as_array().unwrap().len(), 2, "{v}");
    let d = group(&v, &k.district.to_string());
    assert_eq!(d["label"], app.unit_name(k.district).await);
    assert_eq!(
        d["figures"],
        with_money(
            figures(3, 4, 2, 3, 4, 1140, 10),
            1,
            [1, 0, 0],
            1_000_000,
            1_000_000
        )
    );
    let none = group(&v, "none");
    assert_eq!(
        none["figures"],
        with_money(figures(1, 1, 1, 1, 3, 200, 10), 1, [0, 0, 1], 300_050, 0)
    );
    assert_eq!(
        v["total"],
        with_money(
            figures(4, 5, 3, 4, 7, 1340, 20),
            2,
            [1, 0, 1],
            1_300_050,
            1_000_000
        )
    );
}

/// R-STAT: by unit and by team.
#[tokio::test]
async fn known_world_by_unit_and_team_equals_the_records() {
    let app = TestApp::spawn().await;
    let k = known_world(&app).await;
    let v = stats(&app, &app.admin, 2025, "unit").await;
    assert_eq!(
        group(&v, &k.unit1.to_string())["figures"],
        with_money(figures(2, 3, 2, 2, 3, 140, 8), 1, [1, 0, 0], 1_000_000, 1_000_000)
    );
    assert_eq!(
        group(&v, &k.unit2.to_string())["figures"],
        with_money(figures(1, 1, 1, 1, 3, 200, 10), 1, [0, 0, 1], 300_050, 0)
    );
    assert_eq!(
        group(&v, &k.district.to_string())["figures"],
        with_money(figures(1, 1, 0, 1, 1, 1000, 2), 0, [0, 0, 0], 0, 0)
    );
    let v = stats(&app, &app.admin, 2025, "team").await;
    let [t1, t2, t3, t4] = k.teams;
    assert_eq!(
        group(&v, &t1.to_string())["figures"],
        with_money(figures(1, 2, 1, 2, 3, 140, 8), 1, [1, 0, 0], 1_000_000, 1_000_000)
    );
    assert_eq!(
        group(&v, &t2.to_string())["figures"],
        with_money(figures(1, 1, 1, 0, 0, 0, 0), 0, [0, 0, 0], 0, 0)
    );
    assert_eq!(
        group(&v, &t3.to_string())["figures"],
        with_money(figures(1, 1, 1, 1, 3, 200, 10), 1, [0, 0, 1], 300_050, 0)
    );
    assert_eq!(
        group(&v, &t4.to_string())["figures"],
        with_money(figures(1, 1, 0, 1, 1, 1000, 2), 0, [0, 0, 0], 0, 0)
    );
}

/// R-STAT: by month (CST) and by category; every month and category is listed, and money is
/// not attributed to either.
#[tokio::test]
async fn known_world_by_month_and_category_equals_the_records() {
    let app = TestApp::spawn().await;
    known_world(&app).await;
    let v = stats(&app, &app.admin, 2025, "month").await;
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 12);
    assert_eq!(groups[0]["label"], "1月");
    assert_eq!(group(&v, "1")["figures"], no_money(figures(1, 1, 1, 0, 0, 0, 0)));
    assert_eq!(
        group(&v, "3")["figures"],
        no_money(figures(1, 2, 1, 2, 3, 140, 8))
    );
    assert_eq!(
        group(&v, "6")["figures"],
        no_money(figures(1, 1, 0, 1, 1, 1000, 2))
    );
    assert_eq!(
        group(&v, "12")["figures"],
        no_money(figures(1, 1, 1, 1, 3, 200, 10))
    );
    assert_eq!(group(&v, "2")["figures"], no_money(figures(0, 0, 0, 0, 0, 0, 0)));
    assert_eq!(
        v["total"],
        with_money(
            figures(4, 5, 3, 4, 7, 1340, 20),
            2,
            [1, 0, 1],
            1_300_050,
            1_000_000
        )
    );

    let v = stats(&app, &app.admin, 2025, "category").await;
    assert_eq!(v["groups"].as_array().unwrap().len(), Category::ALL.len());
    assert_eq!(group(&v, "lecture")["label"], "科普报告");
    assert_eq!(
        group(&v, "lecture")["figures"],
        no_money(figures(2, 2, 2, 1, 2, 100, 5))
    );
    assert_eq!(
        group(&v, "training")["figures"],
        no_money(figures(1, 1, 0, 1, 1, 40, 3))
    );
    assert_eq!(
        group(&v, "clinic")["figures"],
        no_money(figures(1, 1, 1, 1, 3, 200, 10))
    );
    assert_eq!(
        group(&v, "online")["figures"],
        no_money(figures(1, 1, 0, 1, 1, 1000, 2))
    );
    assert_eq!(
        group(&v, "other")["figures"],
        no_money(figures(0, 0, 0, 0, 0, 0, 0))
    );
}

/// R-STAT + R-AUTHZ: a district sees its units, a unit its teams, a team itself; another
/// party's figures never appear.
#[tokio::test]
async fn each_role_sees_only_its_own_scope() {
    let app = TestApp::spawn().await;
    let k = known_world(&app).await;
    let [t1, t2, t3, _t4] = k.teams;

    let (_, district) = app.user("district", Some(k.district), None).await;
    let v = stats(&app, &district, 2025, "district").await;
    assert_eq!(v["groups"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        v["total"],
        with_money(
            figures(3, 4, 2, 3, 4, 1140, 10),
            1,
            [1, 0, 0],
            1_000_000,
            1_000_000
        )
    );
    let v = stats(&app, &district, 2025, "team").await;
    let keys: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert!(!keys.contains(&t3.to_string().as_str()), "{keys:?}");

    let (_, unit) = app.user("unit", Some(k.unit1), None).await;
    let v = stats(&app, &unit, 2025, "team").await;
    let mut keys: Vec<String> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    let mut want = vec![t1.to_string(), t2.to_string()];
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(
        v["total"],
        with_money(figures(2, 3, 2, 2, 3, 140, 8), 1, [1, 0, 0], 1_000_000, 1_000_000)
    );

    let (_, team) = app.user("team", None, Some(t3)).await;
    let v = stats(&app, &team, 2025, "month").await;
    assert_eq!(
        v["total"],
        with_money(figures(1, 1, 1, 1, 3, 200, 10), 1, [0, 0, 1], 300_050, 0)
    );
    let v = stats(&app, &team, 2025, "unit").await;
    assert_eq!(v["groups"].as_array().unwrap().len(), 1);
    assert_eq!(v["groups"][0]["key"], k.unit2.to_string());
}

/// R-STAT: finance sees money figures only, over every team.
#[tokio::test]
async fn finance_sees_money_figures_only() {
    let app = TestApp::spawn().await;
    let k = known_world(&app).await;
    let (_, finance) = app.user("finance", None, None).await;
    let v = stats(&app, &finance, 2025, "district").await;
    assert_eq!(v["money_only"], true);
    let blank = json!({
        "active_teams": null, "activities_registered": null, "registered_early": null,
        "registered_early_share": null, "activities_reported": null, "sessions": null,
        "people_served": null, "volunteer_participations": null, "applications": null,
    });
    let mut want = blank.clone();
    want.as_object_mut().unwrap().extend(
        json!({"awards": {"first": 1, "second": 0, "third": 1}, "subsidy_awarded_fen": 1_300_050, "subsidy_paid_fen": 1_000_000})
            .as_object()
            .unwrap()
            .clone(),
    );
    assert_eq!(v["total"], want);
    let d = group(&v, &k.district.to_string());
    assert_eq!(d["figures"]["subsidy_paid_fen"], 1_000_000);
    assert_eq!(d["figures"]["activities_registered"], Value::Null);
}

/// R-STAT: experts have no statistics of their own (403).
#[tokio::test]
async fn experts_get_no_statistics() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (_, expert) = app.user("expert", Some(unit), None).await;
    let r = app.get("/api/v1/statistics?year=2025", &expert).await;
    assert_error(&r, 403, "forbidden");
    let r = app.get("/api/v1/statistics.xlsx?year=2025", &expert).await;
    assert_error(&r, 403, "forbidden");
}

/// R-ERR: a year out of range is 422 on `year`; an unknown grouping 400 on `group_by`.
#[tokio::test]
async fn bad_statistics_queries_are_refused_naming_the_parameter() {
    let app = TestApp::spawn().await;
    for year in ["1999", "2101", "-5"] {
        let r = app
            .get(&format!("/api/v1/statistics?year={year}"), &app.admin)
            .await;
        assert_error(&r, 422, "invalid_value");
        assert_eq!(r.1["field"], "year");
    }
    let r = app.get("/api/v1/statistics.xlsx?year=1900", &app.admin).await;
    assert_error(&r, 422, "invalid_value");
    let r = app.get("/api/v1/statistics?group_by=galaxy", &app.admin).await;
    assert_error(&r, 400, "invalid_parameter");
    assert_eq!(r.1["field"], "group_by");
    let r = app.get("/api/v1/statistics?year=abc", &app.admin).await;
    assert_error(&r, 400, "invalid_parameter");
    let (s, _) = app
        .call(reqwest::Method::GET, "/api/v1/statistics", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// Tiny deterministic generator (no dependency on proptest's runner: one app, many worlds).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const ADDITIVE: [&str; 7] = [
    "activities_registered",
    "registered_early",
    "activities_reported",
    "sessions",
    "people_served",
    "volunteer_participations",
    "applications",
];

/// R-STAT (property): in generated worlds, for every grouping, the groups add up to the total
/// (active teams too, for districts, units and teams), and the total equals the model's count.
#[tokio::test]
async fn group_sums_equal_totals_in_generated_worlds() {
    let app = TestApp::spawn().await;
    let mut rng = Lcg(20261207);
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let units = [
        d1,
        d2,
        app.create_unit("society", Some(d1)).await,
        app.create_unit("university", Some(d2)).await,
        app.create_unit("enterprise", None).await,
    ];
    let mut teams = vec![];
    for (i, u) in units.iter().enumerate() {
        for _ in 0..=(i % 2) {
            teams.push(app.create_team(*u).await);
        }
    }
    // Seed every world first: an activity at a year's edge lands in its neighbour.
    let mut expected: std::collections::BTreeMap<i32, (i64, i64)> = Default::default();
    for year in 2030..2034 {
        for _ in 0..(10 + rng.next(25)) {
            let team = teams[rng.next(teams.len() as u64) as usize];
            let cat = Category::ALL[rng.next(Category::ALL.len() as u64) as usize];
            // Some activities fall just outside the year, to test the edges.
            let (y, m) = match rng.next(20) {
                0 => (year - 1, 12),
                1 => (year + 1, 1),
                _ => (year, 1 + rng.next(12) as u32),
            };
            let start = cst(y, m, 1 + rng.next(28) as u32, rng.next(24) as u32, 0);
            let ahead = Duration::hours(rng.next(72) as i64);
            let report = (rng.next(3) > 0)
                .then(|| (1 + rng.next(5) as i32, rng.next(500) as i32, rng.next(20) as i32));
            let cancelled = rng.next(10) == 0;
            activity(&app, team, cat, start, ahead, report, cancelled).await;
            if !cancelled {
                let e = expected.entry(y).or_default();
                e.0 += 1;
                e.1 += report.map_or(0, |r| i64::from(r.1));
            }
        }
        let c = cycle(&app, year).await;
        for (i, t) in teams.iter().enumerate() {
            match rng.next(4) {
                0 => {
                    award(
                        &app,
                        c,
                        *t,
                        [Tier::First, Tier::Second, Tier::Third][i % 3],
                        100 + rng.next(10_000) as i64,
                        rng.next(2) == 0,
                    )
                    .await
                }
                1 => {
                    application(&app, c, *t, true).await;
                }
                _ => {}
            }
        }
    }
    for year in 2030..2034 {
        let (registered, people) = expected[&year];
        for g in ["district", "unit", "team", "category", "month"] {
            let v = stats(&app, &app.admin, year, g).await;
            assert_eq!(v["total"]["activities_registered"], registered, "{year} {g}");
            assert_eq!(v["total"]["people_served"], people, "{year} {g}");
            let groups = v["groups"].as_array().unwrap();
            let sum = |k: &str| -> Option<i64> { groups.iter().map(|x| x["figures"][k].as_i64()).sum() };
            let mut keys: Vec<&str> = ADDITIVE.to_vec();
            if ["district", "unit", "team"].contains(&g) {
                keys.extend(["active_teams", "subsidy_awarded_fen", "subsidy_paid_fen"]);
                for tier in ["first", "second", "third"] {
                    let s: i64 = groups
                        .iter()
                        .map(|x| x["figures"]["awards"][tier].as_i64().unwrap())
                        .sum();
                    assert_eq!(Some(s), v["total"]["awards"][tier].as_i64(), "{year} {g} {tier}");
                }
            } else {
                keys.retain(|k| *k != "applications");
            }
            for k in keys {
                assert_eq!(sum(k), v["total"][k].as_i64(), "{year} {g} {k}: {v}");
            }
        }
    }
}

/// R-STAT: the workbook has a sheet per grouping and the 奖项 sheet, with the totals.
#[tokio::test]
async fn statistics_workbook_has_a_sheet_per_grouping_with_totals() {
    use calamine::{Reader, Xlsx};
    let app = TestApp::spawn().await;
    known_world(&app).await;
    let resp = app
        .client
        .get(app.url("/api/v1/statistics.xlsx?year=2025"))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("statistics-2025.xlsx")
    );
    let bytes = resp.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("STAT_XLSX_OUT") {
        std::fs::write(format!("{dir}/statistics-2025.xlsx"), &bytes).unwrap();
    }
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["区县", "单位", "服务队", "活动类别", "月份", "奖项"]
    );
    let sheet = wb.worksheet_range("区县").unwrap();
    let total = sheet.rows().find(|r| r[0] == "合计").expect("total row");
    assert_eq!(total[2].to_string(), "5");
    assert_eq!(total[7].to_string(), "1340");
    assert_eq!(total[13].to_string(), "13000.5");
    // Native charts: chart parts in the package.
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let charts = zip
        .file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.starts_with("xl/charts/chart")))
        .count();
    assert_eq!(charts, 4, "two district bars, the month line, the tier column");
}
