//! The demo year, step by step through the API with a clock the demo moves: the city's units,
//! teams and their users, 600 activities registered before their start (most reported), last
//! year's awards, a cycle with 40 applications carrying generated evidence, the opinion chain,
//! experts (some in the applicants' units: conflicts), automatic assignment, some scores.

use super::{
    client::{Client, Failed},
    files,
    names::*,
};
use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};
use poem::Endpoint;
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::{Value, json};
use std::sync::Mutex;

/// The one password of every demo account.
pub const PASSWORD: &str = "Shenyang-Demo-2026!";

/// The clock the demo sets (activities happen across the past year).
#[derive(Debug)]
pub struct DemoClock(pub Mutex<DateTime<Utc>>);

impl DemoClock {
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }
}

impl crate::clock::Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Who to log in as, printed at the end.
pub struct Logins(pub Vec<(String, String)>);

struct Team {
    id: i64,
    unit: usize,
    token: String,
    name: String,
    activities: Vec<i64>,
}

struct Year<'a, E> {
    api: Client<E>,
    clock: &'a DemoClock,
    rng: StdRng,
    /// The real time the demo ends at.
    end: DateTime<Utc>,
    admin: String,
}

fn cst(t: DateTime<Utc>) -> String {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .to_rfc3339()
}

impl<E: Endpoint> Year<'_, E> {
    fn at(&self, days_before_end: f64) -> DateTime<Utc> {
        self.end - Duration::minutes((days_before_end * 1440.0) as i64)
    }

    fn person(&mut self) -> String {
        format!(
            "{}{}",
            SURNAMES.choose(&mut self.rng).expect("names"),
            GIVEN.choose(&mut self.rng).expect("names")
        )
    }

    fn mobile(&mut self) -> String {
        format!(
            "13{}{:08}",
            self.rng.gen_range(0..10),
            self.rng.gen_range(0..100_000_000u32)
        )
    }

    async fn user(
        &mut self,
        username: &str,
        display: &str,
        role: &str,
        unit: Option<i64>,
        team: Option<i64>,
    ) -> Result<(i64, String), Failed> {
        let v = self
            .api
            .post(
                "/api/v1/users",
                &self.admin,
                json!({"username": username, "password": PASSWORD, "display_name": display,
                       "role": role, "unit_id": unit, "team_id": team}),
            )
            .await?;
        Ok((id(&v)?, self.api.login(username, PASSWORD).await?))
    }
}

fn id(v: &Value) -> Result<i64, Failed> {
    v["id"].as_i64().ok_or_else(|| format!("no id in {v}"))
}

/// Runs the year; `end` is the real time now. Returns the logins to print.
pub async fn run<E: Endpoint>(
    api: Client<E>,
    clock: &DemoClock,
    admin: (String, String),
    end: DateTime<Utc>,
) -> Result<Logins, Failed> {
    let mut y = Year {
        api,
        clock,
        rng: StdRng::seed_from_u64(2026),
        end,
        admin: String::new(),
    };
    let mut logins = vec![(admin.0.clone(), "管理员 admin".to_owned())];
    // The organisation exists a year and a half before today.
    clock.set(y.at(420.0));
    y.admin = y.api.login(&admin.0, &admin.1).await?;

    // Districts and units, each with a user giving opinions.
    let mut districts = vec![];
    for (i, d) in DISTRICTS.iter().enumerate() {
        let v = y
            .api
            .post("/api/v1/units", &y.admin, json!({"name": d, "kind": "district"}))
            .await?;
        districts.push(id(&v)?);
        let name = format!("district{:02}", i + 1);
        let display = format!("{d}科协");
        y.user(&name, &display, "district", Some(districts[i]), None)
            .await?;
        if i == 0 {
            logins.push((name, format!("{d} 区县审核 district")));
        }
    }
    let mut units = vec![];
    let mut unit_tokens = vec![];
    for (i, (name, kind, d)) in UNITS.iter().enumerate() {
        let v = y
            .api
            .post(
                "/api/v1/units",
                &y.admin,
                json!({"name": name, "kind": kind, "parent_id": districts[*d]}),
            )
            .await?;
        units.push(id(&v)?);
        let username = format!("unit{:02}", i + 1);
        let display = y.person();
        unit_tokens.push(y.user(&username, &display, "unit", Some(units[i]), None).await?.1);
        if i == 0 {
            logins.push((username, format!("{name} 单位审核 unit")));
        }
    }
    let finance = y.person();
    y.user("finance01", &finance, "finance", None, None).await?;
    logins.push(("finance01".into(), "财务 finance".into()));

    // 60 teams, each with its own account.
    let mut teams = vec![];
    for i in 0..60 {
        let unit = i % UNITS.len();
        let stem = TEAM_STEMS[i % TEAM_STEMS.len()];
        let name = format!("{}{}", UNITS[unit].0, stem);
        let leader = y.person();
        let mobile = y.mobile();
        let body = json!({
            "name": name, "unit_id": units[unit],
            "founded_on": format!("{}-{:02}-{:02}", 2012 + i % 12, 1 + i % 12, 1 + i % 28),
            "volunteer_count": y.rng.gen_range(12..120),
            "platform_id": format!("DMZY-2101{:05}", 3100 + i * 37),
            "leader_name": leader, "leader_mobile": mobile
        });
        let v = y.api.post("/api/v1/teams", &y.admin, body).await?;
        let team_id = id(&v)?;
        let username = format!("team{:02}", i + 1);
        let (_, token) = y.user(&username, &leader, "team", None, Some(team_id)).await?;
        if i == 0 {
            logins.push((username, format!("{name} 服务队 team")));
        }
        teams.push(Team {
            id: team_id,
            unit,
            token,
            name,
            activities: vec![],
        });
    }

    activities(&mut y, &mut teams).await?;
    let experts = review(&mut y, &teams, &districts, &unit_tokens, &units).await?;
    logins.push((experts, "评审专家 expert".into()));
    clock.set(end);
    Ok(Logins(logins))
}

/// 600 activities from 380 to 46 days before today, ten a team: each registered 1–14 days
/// before its start; nine in ten reported 1–6 days after it, a few cancelled, the rest left
/// unreported. 30 more lie ahead (registered, not yet held).
async fn activities<E: Endpoint>(y: &mut Year<'_, E>, teams: &mut [Team]) -> Result<(), Failed> {
    enum Step {
        Register(usize),
        Report(usize),
        Cancel(usize),
    }
    struct Plan {
        team: usize,
        start: DateTime<Utc>,
        hours: i64,
        theme: usize,
        place: usize,
        id: i64,
    }
    let mut plans = vec![];
    let mut steps = vec![];
    for i in 0..600 {
        let team = i % teams.len();
        let days = y.rng.gen_range(46.0..380.0);
        let start = y
            .at(days)
            .with_time(chrono::NaiveTime::from_hms_opt(1 + (i % 6) as u32, 0, 0).expect("time"))
            .single()
            .unwrap_or(y.at(days));
        plans.push(Plan {
            team,
            start,
            hours: y.rng.gen_range(2..5),
            theme: y.rng.gen_range(0..THEMES.len()),
            place: y.rng.gen_range(0..PLACES.len()),
            id: 0,
        });
        let registered = start - Duration::hours(y.rng.gen_range(24..24 * 14));
        steps.push((registered, Step::Register(i)));
        let roll = y.rng.gen_range(0..100);
        if roll < 90 {
            steps.push((
                start + Duration::hours(y.rng.gen_range(30..24 * 6)),
                Step::Report(i),
            ));
        } else if roll < 94 {
            steps.push((registered + Duration::hours(2), Step::Cancel(i)));
        }
    }
    for i in 0..30 {
        let start = y.end + Duration::days(y.rng.gen_range(3..40));
        plans.push(Plan {
            team: (i * 7) % teams.len(),
            start,
            hours: 3,
            theme: i % THEMES.len(),
            place: i % PLACES.len(),
            id: 0,
        });
        let ahead = y.rng.gen_range(0.5..2.0);
        steps.push((y.at(ahead), Step::Register(600 + i)));
    }
    steps.sort_by_key(|s| s.0);
    for (at, step) in steps {
        y.clock.set(at);
        match step {
            Step::Register(i) => {
                let p = &plans[i];
                let team = &teams[p.team];
                let (category, name, task) = THEMES[p.theme];
                let district = DISTRICTS[UNITS[team.unit].2];
                let leader = y.person();
                let mobile = y.mobile();
                let body = json!({
                    "team_id": team.id, "name": name, "category": category,
                    "planned_start": cst(p.start), "planned_end": cst(p.start + Duration::hours(p.hours)),
                    "location": format!("沈阳市{district}{}", PLACES[p.place]),
                    "leader_name": leader, "leader_mobile": mobile,
                    "tasks": [{"content": task, "target": format!("服务群众{}人次", 50 + 10 * (i % 20))}]
                });
                let v = y.api.post("/api/v1/activities", &team.token, body).await?;
                plans[i].id = id(&v)?;
            }
            Step::Report(i) => {
                let p = &plans[i];
                let team = &teams[p.team];
                let body = json!({
                    "actual_start": cst(p.start), "actual_end": cst(p.start + Duration::hours(p.hours)),
                    "sessions": y.rng.gen_range(1..4), "people_served": y.rng.gen_range(30..400),
                    "volunteers": y.rng.gen_range(3..20),
                    "summary": format!("{}顺利开展，群众反响良好。", THEMES[p.theme].1)
                });
                y.api
                    .post(&format!("/api/v1/activities/{}/report", p.id), &team.token, body)
                    .await?;
                let pid = p.id;
                teams[p.team].activities.push(pid);
            }
            Step::Cancel(i) => {
                let p = &plans[i];
                y.api
                    .post(
                        &format!("/api/v1/activities/{}/cancel", p.id),
                        &teams[p.team].token,
                        json!({}),
                    )
                    .await?;
            }
        }
    }
    Ok(())
}

/// Last year's awards, this year's cycle (window 42–12 days ago), 40 applications with
/// evidence, the opinions, closing, experts, automatic assignment, about half of the scores.
/// Returns the first expert's username.
async fn review<E: Endpoint>(
    y: &mut Year<'_, E>,
    teams: &[Team],
    districts: &[i64],
    unit_tokens: &[String],
    units: &[i64],
) -> Result<String, Failed> {
    let year = y
        .end
        .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .year();
    y.clock.set(y.at(45.0));
    // Last year's awards: teams 41–48, who therefore do not apply this year (R-EXCLUDE).
    for (n, tier) in [
        "first", "second", "second", "third", "third", "third", "third", "third",
    ]
    .iter()
    .enumerate()
    {
        let team = &teams[40 + n];
        y.api
            .post(
                "/api/v1/award-history",
                &y.admin,
                json!({"year": year - 1, "team_id": team.id, "project_name": format!("{}惠民项目", THEMES[n % THEMES.len()].1), "tier": tier}),
            )
            .await?;
    }
    let v = y
        .api
        .post(
            "/api/v1/cycles",
            &y.admin,
            json!({
                "year": year,
                "title": format!("{year}年度沈阳市科技志愿服务\"智惠行动\"项目评审"),
                "applications_open_at": cst(y.at(42.0)), "applications_close_at": cst(y.at(12.0)),
                "activity_period_start": (y.at(385.0)).format("%Y-%m-%d").to_string(),
                "activity_period_end": (y.at(40.0)).format("%Y-%m-%d").to_string(),
                "min_award_score": 60, "reviewers_per_application": 3, "aggregation": "trimmed_mean",
                "tiers": [
                    {"tier": "first", "quota": 4, "subsidy_fen": 1_000_000},
                    {"tier": "second", "quota": 8, "subsidy_fen": 500_000},
                    {"tier": "third", "quota": 12, "subsidy_fen": 200_000}
                ]
            }),
        )
        .await?;
    let cycle = id(&v)?;
    y.clock.set(y.at(42.5));
    y.api
        .post(&format!("/api/v1/cycles/{cycle}/open"), &y.admin, json!({}))
        .await?;

    let mut applications = vec![];
    for (n, team) in teams.iter().take(40).enumerate() {
        y.clock.set(y.at(40.0 - n as f64 * 0.5));
        let leader = y.person();
        let mobile = y.mobile();
        let counted: Vec<i64> = team.activities.iter().copied().take(8).collect();
        let theme = THEMES[n % THEMES.len()];
        let body = json!({
            "team_id": team.id,
            "project_name": format!("{}进万家", theme.1),
            "leader_name": leader, "leader_title": TITLES[n % TITLES.len()],
            "phone": format!("024-{}", 22_000_000 + n * 7919), "mobile": mobile,
            "overview": format!("{}现有志愿者数十人，依托{}的专业力量，全年围绕“{}”开展系列活动。", team.name, UNITS[team.unit].0, theme.2),
            "highlights": "贴近群众需求，常态化、品牌化开展，线上线下结合。",
            "benefits": "提升了服务对象的科学素质，受到社区和媒体好评。",
            "activity_ids": counted,
            "bank": {"bank_name": BANKS[n % BANKS.len()], "account_no": format!("6222 0{:03} {:04} {:04} {:03}", 100 + n, 1000 + n * 3, 2000 + n * 7, n),
                     "account_name": UNITS[team.unit].0}
        });
        let v = y
            .api
            .post(&format!("/api/v1/cycles/{cycle}/applications"), &team.token, body)
            .await?;
        let app = id(&v)?;
        let path = format!("/api/v1/applications/{app}/attachments");
        let summary = files::pdf(&[
            format!("Zhihui demo - activity summary, application {app}"),
            format!("Team {} / unit {}", team.id, units[team.unit]),
            format!("Counted activities: {}", team.activities.len().min(8)),
            "Generated by `zhihui demo`.".into(),
        ]);
        y.api
            .upload(
                &path,
                &team.token,
                &[("kind", "summary")],
                "活动总结.pdf",
                &summary,
            )
            .await?;
        for k in 0..(1 + n % 3) {
            let picture = files::png(160, 120, (app as u64) * 10 + k as u64);
            y.api
                .upload(
                    &path,
                    &team.token,
                    &[("kind", "photo")],
                    &format!("活动照片{}.png", k + 1),
                    &picture,
                )
                .await?;
        }
        if n % 4 == 0 {
            let report = files::pdf(&[format!("Zhihui demo - media report, application {app}")]);
            y.api
                .upload(&path, &team.token, &[("kind", "report")], "媒体报道.pdf", &report)
                .await?;
        }
        y.api
            .post(
                &format!("/api/v1/applications/{app}/submit"),
                &team.token,
                json!({}),
            )
            .await?;
        applications.push((app, team.unit));
    }

    // Opinions: the team's unit, then its district, then the city; one returned, one rejected.
    let district_tokens = {
        let mut t = vec![];
        for i in 0..districts.len() {
            t.push(y.api.login(&format!("district{:02}", i + 1), PASSWORD).await?);
        }
        t
    };
    for (n, (app, unit)) in applications.iter().enumerate() {
        y.clock.set(y.at(18.0 - n as f64 * 0.1));
        let path = format!("/api/v1/applications/{app}/opinions");
        let (decision, comment) = match n {
            7 => ("return", "请补充活动照片和服务对象签到表。"),
            23 => ("reject", "申报活动不在本年度活动期内，不予推荐。"),
            _ => ("approve", "情况属实，同意推荐。"),
        };
        y.api
            .post(
                &path,
                &unit_tokens[*unit],
                json!({"decision": decision, "comment": comment}),
            )
            .await?;
        if decision != "approve" {
            continue;
        }
        y.api
            .post(
                &path,
                &district_tokens[UNITS[*unit].2],
                json!({"decision": "approve", "comment": "同意推荐。"}),
            )
            .await?;
        y.api
            .post(
                &path,
                &y.admin,
                json!({"decision": "approve", "comment": "材料齐全，进入评审。"}),
            )
            .await?;
    }
    y.clock.set(y.at(11.0));
    y.api
        .post(&format!("/api/v1/cycles/{cycle}/close"), &y.admin, json!({}))
        .await?;

    // Twelve experts; several from applicants' units, so the assignment must avoid them (R-COI).
    let expert_units = [0usize, 3, 4, 10, 19, 24, 25, 6, 13, 37, 18, 28];
    let mut experts = vec![];
    for (n, unit) in expert_units.iter().enumerate() {
        let display = format!("{}{}", y.person(), TITLES[n % TITLES.len()]);
        experts.push(
            y.user(
                &format!("expert{:02}", n + 1),
                &display,
                "expert",
                Some(units[*unit]),
                None,
            )
            .await?,
        );
    }
    y.clock.set(y.at(10.0));
    let v = y
        .api
        .post(
            &format!("/api/v1/cycles/{cycle}/assignments/auto"),
            &y.admin,
            json!({}),
        )
        .await?;
    let assignments = v["items"].as_array().cloned().unwrap_or_default();
    for (n, a) in assignments.iter().enumerate() {
        if n % 2 == 1 {
            continue;
        }
        let (Some(app), Some(expert)) = (a["application_id"].as_i64(), a["expert_id"].as_i64()) else {
            continue;
        };
        let Some((_, token)) = experts.iter().find(|e| e.0 == expert) else {
            continue;
        };
        y.clock.set(y.at(9.0 - n as f64 * 0.05));
        let scores = json!({
            "sessions": y.rng.gen_range(12..25), "people_served": y.rng.gen_range(12..25),
            "social_benefit": y.rng.gen_range(15..30), "highlights_materials": y.rng.gen_range(10..20)
        });
        y.api
            .put(
                &format!("/api/v1/applications/{app}/scores"),
                token,
                json!({"scores": scores, "comment": "活动扎实，材料较完整。"}),
            )
            .await?;
    }
    Ok("expert01".into())
}
