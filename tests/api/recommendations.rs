//! Issue 13: recommendations to the upper-level 先进典型 selections — rounds, nominations within
//! scope, the eligibility checklist from the record at its boundaries, waivers (audited), the
//! quota, photos, the forms of 001, the 推荐汇总表, the zip of 002, and the history.

use crate::helpers::{TestApp, assert_error, evidence};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Duration, Months, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

const MIB: usize = 1024 * 1024;

/// A JPEG (by its magic bytes) of `len` bytes.
fn jpeg_of(len: usize) -> Vec<u8> {
    let mut v = evidence::jpeg();
    v.resize(len - 2, 0x11);
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

struct Bytes {
    status: StatusCode,
    bytes: Vec<u8>,
}

impl TestApp {
    /// Today in Shenyang, as the service sees it.
    fn today(&self) -> NaiveDate {
        (self.now() + Duration::hours(8)).date_naive()
    }

    /// A team with the given founding day and registered volunteers.
    async fn rec_team(&self, unit: i64, founded_on: NaiveDate, volunteers: i64) -> i64 {
        let mut body = self.team_body(unit);
        body["founded_on"] = json!(founded_on.to_string());
        body["volunteer_count"] = json!(volunteers);
        let (s, v) = self.post("/api/v1/teams", &self.admin, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    /// Seeds `n` activities of the team directly (50 HTTP calls would be slow): reported ones
    /// in the past, or registered ones that started.
    async fn seed_activities(&self, team: i64, n: usize, status: &str) {
        use entity::activities;
        use sea_orm::{ActiveModelTrait, Set};
        let now = self.now();
        for i in 0..n {
            let start = now - Duration::days(30 + i as i64);
            let reported = status == "reported";
            activities::ActiveModel {
                team_id: Set(team as i32),
                name: Set(format!("科普讲座{i}")),
                category: Set(zhihui::domain::activity::Category::Lecture),
                planned_start: Set(start),
                planned_end: Set(start + Duration::hours(2)),
                location: Set("社区".into()),
                leader_name: Set("李四".into()),
                leader_mobile: Set("13912345678".into()),
                status: Set(zhihui::domain::activity::ActivityStatus::parse(status).unwrap()),
                registered_at: Set(start - Duration::days(3)),
                updated_at: Set(start),
                cancelled_at: Set(None),
                actual_start: Set(reported.then_some(start)),
                actual_end: Set(reported.then_some(start + Duration::hours(2))),
                sessions: Set(reported.then_some(1)),
                people_served: Set(reported.then_some(50)),
                volunteers: Set(reported.then_some(5)),
                summary: Set(reported.then(|| "完成".to_owned())),
                reported_at: Set(reported.then_some(start + Duration::hours(3))),
                ..Default::default()
            }
            .insert(&self.db)
            .await
            .expect("seed activity");
        }
    }

    fn round_body(&self, year: i32, quota: i64) -> Value {
        json!({
            "year": year,
            "title": format!("{year}年度科技志愿服务先进典型"),
            "issuing_body": "中国科协办公厅",
            "recommending_body": "沈阳市科学技术协会",
            "deadline": "2025-02-23",
            "quotas": {"volunteer": quota, "team": quota, "project": quota, "service_point": quota}
        })
    }

    /// A round in `collecting`.
    async fn collecting_round(&self, year: i32, quota: i64) -> i64 {
        let (s, v) = self
            .post(
                "/api/v1/recommendation-rounds",
                &self.admin,
                self.round_body(year, quota),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "draft");
        let id = v["id"].as_i64().unwrap();
        let (s, v) = self
            .post(
                &format!("/api/v1/recommendation-rounds/{id}/open"),
                &self.admin,
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "collecting");
        id
    }

    async fn nominate(&self, round: i64, token: &str, body: Value) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/recommendation-rounds/{round}/candidates"),
            token,
            body,
        )
        .await
    }

    /// Nominates a team with its deeds and every confirm item confirmed: the candidate.
    async fn nominate_team(&self, round: i64, token: &str, team: i64) -> Value {
        let (s, v) = self
            .nominate(
                round,
                token,
                json!({"category": "team", "team_id": team, "deeds": "常年开展社区科普。",
                       "confirmed": ["good_standing", "regular60", "brand_projects2"]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v
    }

    async fn photo(&self, round: i64, cand: i64, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        self.post_multipart(
            &format!("/api/v1/recommendation-rounds/{round}/candidates/{cand}/photos"),
            token,
            &[],
            Some(("file", "photo.jpg", bytes)),
        )
        .await
    }

    async fn two_photos(&self, round: i64, cand: i64, token: &str) {
        for _ in 0..2 {
            let r = self.photo(round, cand, token, jpeg_of(MIB + 10)).await;
            assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
        }
    }

    async fn decide(&self, round: i64, cand: i64, rank: i64, recommended: bool) -> (StatusCode, Value) {
        self.call(
            reqwest::Method::PUT,
            &format!("/api/v1/recommendation-rounds/{round}/candidates/{cand}/decision"),
            Some(&self.admin),
            Some(json!({"rank": rank, "recommended": recommended})),
        )
        .await
    }

    async fn candidate(&self, round: i64, cand: i64, token: &str) -> (StatusCode, Value) {
        self.get(
            &format!("/api/v1/recommendation-rounds/{round}/candidates/{cand}"),
            token,
        )
        .await
    }

    async fn rec_download(&self, path: &str) -> Bytes {
        let resp = self
            .client
            .get(self.url(path))
            .bearer_auth(&self.admin)
            .send()
            .await
            .unwrap();
        Bytes {
            status: resp.status(),
            bytes: resp.bytes().await.unwrap().to_vec(),
        }
    }
}

fn check<'a>(candidate: &'a Value, condition: &str) -> &'a Value {
    candidate["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["condition"] == condition)
        .unwrap_or_else(|| panic!("{condition} in {candidate}"))
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// A team founded exactly 3 years ago, with 35 volunteers and 50 reported activities.
async fn eligible_team(app: &TestApp, unit: i64) -> i64 {
    let founded = app.today().checked_sub_months(Months::new(36)).unwrap();
    let team = app.rec_team(unit, founded, 35).await;
    app.seed_activities(team, 50, "reported").await;
    team
}

/// Issue 13: founded ≥ 3 years — 2 years 364 days is refused (naming the condition), 3 years
/// passes.
#[tokio::test]
async fn founded_three_years_boundary_blocks_recommending() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let three = app.today().checked_sub_months(Months::new(36)).unwrap();
    let short = app.rec_team(unit, three + Duration::days(1), 35).await;
    let full = app.rec_team(unit, three, 35).await;
    for t in [short, full] {
        app.seed_activities(t, 50, "reported").await;
    }
    let a = app.nominate_team(round, &app.admin, short).await;
    let b = app.nominate_team(round, &app.admin, full).await;
    assert_eq!(check(&a, "founded3y")["met"], false);
    assert_eq!(check(&b, "founded3y")["met"], true);
    assert_eq!(check(&a, "founded3y")["source"], "服务队登记的成立日期");
    app.two_photos(round, id(&a), &app.admin).await;
    app.two_photos(round, id(&b), &app.admin).await;
    let r = app.decide(round, id(&a), 1, true).await;
    assert_error(&r, 422, "condition_not_met");
    assert_eq!(r.1["field"], "conditions.founded3y");
    assert!(r.1["message"].as_str().unwrap().contains("成立3年"), "{}", r.1);
    let r = app.decide(round, id(&b), 1, true).await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert_eq!(r.1["recommended"], true);
}

/// Issue 13: registered volunteers 19 vs 20, and 10 for a specially outstanding team.
#[tokio::test]
async fn volunteers_nineteen_twenty_and_outstanding_ten() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let day = app.today().checked_sub_months(Months::new(48)).unwrap();
    let t19 = app.rec_team(unit, day, 19).await;
    let t20 = app.rec_team(unit, day, 20).await;
    let t10 = app.rec_team(unit, day, 10).await;
    let c19 = app.nominate_team(round, &app.admin, t19).await;
    let c20 = app.nominate_team(round, &app.admin, t20).await;
    assert_eq!(check(&c19, "volunteers20")["met"], false);
    assert_eq!(check(&c19, "volunteers20")["figure"], "19人");
    assert_eq!(check(&c20, "volunteers20")["met"], true);
    let (s, c10) = app
        .nominate(
            round,
            &app.admin,
            json!({"category": "team", "team_id": t10, "outstanding": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c10}");
    assert_eq!(check(&c10, "volunteers20")["met"], true);
    // Without the flag, 10 is not enough.
    let (_, c10) = app
        .patch(
            &format!("/api/v1/recommendation-rounds/{round}/candidates/{}", id(&c10)),
            &app.admin,
            json!({"outstanding": false}),
        )
        .await;
    assert_eq!(check(&c10, "volunteers20")["met"], false);
}

/// Issue 13: ≥ 50 activities held, counted from the registered (started) and reported
/// activities; cancelled ones and those not started yet do not count.
#[tokio::test]
async fn activities_forty_nine_vs_fifty() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let day = app.today().checked_sub_months(Months::new(48)).unwrap();
    let t = app.rec_team(unit, day, 30).await;
    app.seed_activities(t, 40, "reported").await;
    app.seed_activities(t, 9, "registered").await;
    app.seed_activities(t, 3, "cancelled").await;
    let c = app.nominate_team(round, &app.admin, t).await;
    assert_eq!(check(&c, "activities50")["met"], false);
    assert_eq!(check(&c, "activities50")["figure"], "49场");
    let team_token = app.user("team", None, Some(t)).await.1;
    // One more activity that has not started yet does not count…
    app.register_activity(&team_token, t, Duration::days(5)).await;
    let (_, c2) = app.candidate(round, id(&c), &app.admin).await;
    assert_eq!(check(&c2, "activities50")["figure"], "49场");
    // …one held does.
    app.seed_activities(t, 1, "reported").await;
    let (_, c3) = app.candidate(round, id(&c), &app.admin).await;
    assert_eq!(check(&c3, "activities50")["met"], true);
    assert_eq!(check(&c3, "activities50")["figure"], "50场");
}

/// Issue 13: a project runs ≥ 3 years (from its earliest counted activity or award year) with
/// a team of ≥ 10 volunteers; the team's 大美志愿 number comes from the record.
#[tokio::test]
async fn project_three_years_and_ten_volunteers() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let day = app.today().checked_sub_months(Months::new(48)).unwrap();
    let team = app.rec_team(unit, day, 9).await;
    let application = app.seed_draft_application(team).await;
    let (s, c) = app
        .nominate(
            round,
            &app.admin,
            json!({"category": "project", "application_id": application}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["name"], "社区科普进万家");
    assert_eq!(check(&c, "project3y")["met"], false);
    assert_eq!(check(&c, "project_volunteers10")["met"], false);
    assert_eq!(check(&c, "platform")["met"], true);
    // An award of the same project three calendar years back starts it on 1 January.
    let this_year = chrono::Datelike::year(&app.today());
    let (s, v) = app
        .post(
            "/api/v1/award-history",
            &app.admin,
            json!({"year": this_year - 3, "team_id": team, "project_name": "社区科普进万家", "tier": "second"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    app.patch(
        &format!("/api/v1/teams/{team}"),
        &app.admin,
        json!({"volunteer_count": 10}),
    )
    .await;
    let (_, c) = app.candidate(round, id(&c), &app.admin).await;
    assert_eq!(check(&c, "project3y")["met"], true, "{c}");
    assert_eq!(check(&c, "project_volunteers10")["met"], true);
}

fn volunteer_body(team: i64, since: NaiveDate) -> Value {
    json!({"category": "volunteer", "team_id": team, "deeds": "长期开展科普讲座。",
           "confirmed": ["platform", "character"],
           "volunteer": {"name": "王五", "gender": "男", "birth_month": "1985-06",
                         "political_status": "中共党员", "address": "沈阳市和平区南京街1号",
                         "mobile": "13712345678", "main_project": "社区科普进万家",
                         "serving_since": since.to_string(), "activity_count": 120}})
}

/// Issue 13: a volunteer serving ≥ 3 years (2 years 364 days is not enough).
#[tokio::test]
async fn volunteer_serving_three_years_boundary() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let team = app.create_team(unit).await;
    let three = app.today().checked_sub_months(Months::new(36)).unwrap();
    let (s, short) = app
        .nominate(round, &app.admin, volunteer_body(team, three + Duration::days(1)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{short}");
    assert_eq!(check(&short, "serving3y")["met"], false);
    let mut body = volunteer_body(team, three);
    body["volunteer"]["mobile"] = json!("13712345679");
    let (_, ok) = app.nominate(round, &app.admin, body).await;
    assert_eq!(check(&ok, "serving3y")["met"], true);
    assert!(ok["team_name"].as_str().is_some());
    // R-MOBILE on the volunteer's number.
    let mut bad = volunteer_body(team, three);
    bad["volunteer"]["mobile"] = json!("12345");
    assert_error(&app.nominate(round, &app.admin, bad).await, 422, "invalid_mobile");
}

fn point_body(teams: usize, categories: usize, residents: i64) -> Value {
    json!({"category": "service_point", "deeds": "社区科普氛围浓厚。",
           "confirmed": ["platform", "point_systems"],
           "service_point": {"province": "辽宁省", "city": "沈阳市", "county": "和平区",
               "street": "南湖街道", "community": format!("文体{teams}{categories}{residents}社区"),
               "leader_name": "赵六", "contact": "13612345678", "registered_volunteers": 300,
               "party_members": 80, "registered_share_percent": 12, "residents_percent": residents,
               "activity_categories": (0..categories).map(|i| format!("类别{i}")).collect::<Vec<_>>(),
               "activities_per_year": 60,
               "teams": (0..teams).map(|i| format!("服务队{i}")).collect::<Vec<_>>()}})
}

/// Issue 13: a community with ≥ 5 teams, ≥ 5 activity categories and ≥ 60 % residents.
#[tokio::test]
async fn service_point_five_teams_five_categories_sixty_percent() {
    let app = TestApp::spawn().await;
    let round = app.collecting_round(2024, 5).await;
    let (s, low) = app.nominate(round, &app.admin, point_body(4, 4, 59)).await;
    assert_eq!(s, StatusCode::CREATED, "{low}");
    for c in ["point_teams5", "point_categories5", "point_residents60"] {
        assert_eq!(check(&low, c)["met"], false, "{c}");
    }
    let (_, ok) = app.nominate(round, &app.admin, point_body(5, 5, 60)).await;
    for c in ["point_teams5", "point_categories5", "point_residents60"] {
        assert_eq!(check(&ok, c)["met"], true, "{c}");
    }
    assert_eq!(check(&ok, "point_residents60")["figure"], "60%");
}

/// Issue 13: a unit nominates only from its scope — another unit's team answers 404; a
/// district its units' teams; units see only their own candidates; a team may not nominate.
#[tokio::test]
async fn units_nominate_only_from_their_scope() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit_a = app.create_unit("university", Some(district)).await;
    let unit_b = app.create_unit("university", Some(district)).await;
    let team_a = app.create_team(unit_a).await;
    let team_b = app.create_team(unit_b).await;
    let (_, ua) = app.user("unit", Some(unit_a), None).await;
    let (_, ub) = app.user("unit", Some(unit_b), None).await;
    let (_, d) = app.user("district", Some(district), None).await;
    let (_, t) = app.user("team", None, Some(team_a)).await;
    let round = app.collecting_round(2024, 5).await;
    let body = |team: i64| json!({"category": "team", "team_id": team});
    assert_error(&app.nominate(round, &ua, body(team_b)).await, 404, "not_found");
    assert_error(&app.nominate(round, &t, body(team_a)).await, 403, "forbidden");
    let (s, ca) = app.nominate(round, &ua, body(team_a)).await;
    assert_eq!(s, StatusCode::CREATED, "{ca}");
    assert_eq!(ca["nominator_unit_id"], unit_a);
    let (s, cb) = app.nominate(round, &d, body(team_b)).await;
    assert_eq!(s, StatusCode::CREATED, "{cb}");
    assert_error(
        &app.nominate(round, &ua, body(team_a)).await,
        409,
        "duplicate_candidate",
    );
    // Unit B sees neither (A's is A's, the district's is the district's).
    assert_error(&app.candidate(round, id(&ca), &ub).await, 404, "not_found");
    let (_, list) = app
        .get(&format!("/api/v1/recommendation-rounds/{round}/candidates"), &ub)
        .await;
    assert_eq!(list["total"], 0);
    let (_, list) = app
        .get(&format!("/api/v1/recommendation-rounds/{round}/candidates"), &d)
        .await;
    assert_eq!(list["total"], 2);
    // Deciding is the admin's.
    let r = app
        .call(
            reqwest::Method::PUT,
            &format!(
                "/api/v1/recommendation-rounds/{round}/candidates/{}/decision",
                id(&ca)
            ),
            Some(&d),
            Some(json!({"recommended": true})),
        )
        .await;
    assert_error(&r, 403, "forbidden");
    // A draft round is not announced to units.
    let (_, draft) = app
        .post(
            "/api/v1/recommendation-rounds",
            &app.admin,
            app.round_body(2025, 2),
        )
        .await;
    assert_error(
        &app.get(&format!("/api/v1/recommendation-rounds/{}", id(&draft)), &ua)
            .await,
        404,
        "not_found",
    );
}

/// Issue 13: the quota per category is enforced, and the optional total cap.
#[tokio::test]
async fn quota_per_category_and_total_cap() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let mut body = app.round_body(2024, 1);
    body["total_cap"] = json!(1);
    let (_, r) = app.post("/api/v1/recommendation-rounds", &app.admin, body).await;
    let round = id(&r);
    app.post(
        &format!("/api/v1/recommendation-rounds/{round}/open"),
        &app.admin,
        json!({}),
    )
    .await;
    let mut cands = vec![];
    for _ in 0..2 {
        let t = eligible_team(&app, unit).await;
        let c = app.nominate_team(round, &app.admin, t).await;
        app.two_photos(round, id(&c), &app.admin).await;
        cands.push(id(&c));
    }
    assert_eq!(app.decide(round, cands[0], 1, true).await.0, StatusCode::OK);
    let r = app.decide(round, cands[1], 2, true).await;
    assert_error(&r, 422, "quota_exceeded");
    // Ranking without recommending is fine.
    assert_eq!(app.decide(round, cands[1], 2, false).await.0, StatusCode::OK);
    // The total cap holds across categories.
    let (_, p) = app.nominate(round, &app.admin, point_body(5, 5, 60)).await;
    app.two_photos(round, id(&p), &app.admin).await;
    let r = app.decide(round, id(&p), 1, true).await;
    assert_error(&r, 422, "quota_exceeded");
    assert!(r.1["message"].as_str().unwrap().contains("推荐总数"), "{}", r.1);
    // A category the round does not take.
    let mut body = app.round_body(2023, 2);
    body["quotas"] = json!({"team": 2});
    let (_, r2) = app.post("/api/v1/recommendation-rounds", &app.admin, body).await;
    app.post(
        &format!("/api/v1/recommendation-rounds/{}/open", id(&r2)),
        &app.admin,
        json!({}),
    )
    .await;
    assert_error(
        &app.nominate(id(&r2), &app.admin, point_body(5, 5, 60)).await,
        422,
        "category_not_enabled",
    );
}

/// Issue 13: a round may waive a measured condition; the waiver is audited and lets a
/// candidate failing it be recommended. Confirm items cannot be waived.
#[tokio::test]
async fn a_waived_condition_is_audited_and_unblocks() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let day = app.today().checked_sub_months(Months::new(48)).unwrap();
    let t = app.rec_team(unit, day, 30).await;
    app.seed_activities(t, 12, "reported").await;
    let c = app.nominate_team(round, &app.admin, t).await;
    app.two_photos(round, id(&c), &app.admin).await;
    let r = app.decide(round, id(&c), 1, true).await;
    assert_error(&r, 422, "condition_not_met");
    assert_eq!(r.1["field"], "conditions.activities50");
    let path = format!("/api/v1/recommendation-rounds/{round}/waivers");
    let (_, u) = app.user("unit", Some(unit), None).await;
    assert_error(
        &app.post(&path, &u, json!({"condition": "activities50", "reason": "x"}))
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.post(
            &path,
            &app.admin,
            json!({"condition": "good_standing", "reason": "x"}),
        )
        .await,
        422,
        "invalid_value",
    );
    let (s, v) = app
        .post(
            &path,
            &app.admin,
            json!({"condition": "activities50", "reason": "疫情期间活动受限"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["waivers"][0]["condition"], "activities50");
    assert_error(
        &app.post(
            &path,
            &app.admin,
            json!({"condition": "activities50", "reason": "再次"}),
        )
        .await,
        409,
        "already_waived",
    );
    let (_, c2) = app.candidate(round, id(&c), &app.admin).await;
    assert_eq!(check(&c2, "activities50")["waived"], true);
    assert_eq!(c2["eligible"], true);
    assert_eq!(app.decide(round, id(&c), 1, true).await.0, StatusCode::OK);
    let (_, audit) = app
        .get(
            &format!("/api/v1/audit?entity=recommendation_round&entity_id={round}&per_page=50"),
            &app.admin,
        )
        .await;
    let waive = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "waive")
        .unwrap_or_else(|| panic!("a waive entry in {audit}"));
    assert!(waive["after"].to_string().contains("疫情期间活动受限"), "{waive}");
}

/// Issue 13, 001/002: photos are JPEG by content, each 1–3 MB, 2–3 per candidate; the
/// 主要事迹 at most 1000 characters.
#[tokio::test]
async fn photo_and_deeds_rules() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let t = eligible_team(&app, unit).await;
    let c = app.nominate_team(round, &app.admin, t).await;
    let cid = id(&c);
    // A PNG named .jpg is refused by its content.
    let mut png = evidence::png();
    png.resize(MIB + 10, 0);
    assert_error(
        &app.photo(round, cid, &app.admin, png).await,
        415,
        "unsupported_file_type",
    );
    assert_error(
        &app.photo(round, cid, &app.admin, jpeg_of(MIB - 1)).await,
        422,
        "photo_too_small",
    );
    assert_error(
        &app.photo(round, cid, &app.admin, jpeg_of(3 * MIB + 1)).await,
        413,
        "file_too_large",
    );
    assert_eq!(
        app.photo(round, cid, &app.admin, jpeg_of(MIB)).await.0,
        StatusCode::CREATED
    );
    // One photo is not enough to recommend.
    assert_error(&app.decide(round, cid, 1, true).await, 422, "photos_required");
    assert_eq!(
        app.photo(round, cid, &app.admin, jpeg_of(3 * MIB)).await.0,
        StatusCode::CREATED
    );
    let (s, v) = app.photo(round, cid, &app.admin, jpeg_of(2 * MIB)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        v["photos"][2]["file_name"],
        format!("{}3.jpg", v["name"].as_str().unwrap())
    );
    assert_error(
        &app.photo(round, cid, &app.admin, jpeg_of(MIB)).await,
        422,
        "too_many_photos",
    );
    // 主要事迹: 1000 characters pass, 1001 do not.
    let path = format!("/api/v1/recommendation-rounds/{round}/candidates/{cid}");
    let (s, _) = app
        .patch(&path, &app.admin, json!({"deeds": "事".repeat(1000)}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_error(
        &app.patch(&path, &app.admin, json!({"deeds": "事".repeat(1001)}))
            .await,
        422,
        "deeds_too_long",
    );
    // Unconfirmed items block too.
    app.patch(&path, &app.admin, json!({"confirmed": []})).await;
    assert_error(
        &app.decide(round, cid, 1, true).await,
        422,
        "condition_unconfirmed",
    );
}

/// Issue 13, history: a candidate selected upstairs in an earlier year's round fails "not
/// already selected" in a later one (002: "已入选…的，不再参加").
#[tokio::test]
async fn selected_in_an_earlier_round_is_not_eligible_again() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let t = eligible_team(&app, unit).await;
    let r23 = app.collecting_round(2023, 5).await;
    let c = app.nominate_team(r23, &app.admin, t).await;
    app.two_photos(r23, id(&c), &app.admin).await;
    assert_eq!(app.decide(r23, id(&c), 1, true).await.0, StatusCode::OK);
    let outcome_path = format!(
        "/api/v1/recommendation-rounds/{r23}/candidates/{}/outcome",
        id(&c)
    );
    let outcome = |o: &str| {
        app.call(
            reqwest::Method::PUT,
            &outcome_path,
            Some(&app.admin),
            Some(json!({"outcome": o})),
        )
    };
    assert_error(&outcome("selected").await, 409, "round_state");
    app.post(
        &format!("/api/v1/recommendation-rounds/{r23}/decide"),
        &app.admin,
        json!({}),
    )
    .await;
    let (s, v) = outcome("selected").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["outcome"], "selected");
    let r24 = app.collecting_round(2024, 5).await;
    let c24 = app.nominate_team(r24, &app.admin, t).await;
    assert_eq!(check(&c24, "not_selected_before")["met"], false);
    assert_eq!(check(&c24, "not_selected_before")["figure"], "已入选2023年度典型");
    app.two_photos(r24, id(&c24), &app.admin).await;
    let r = app.decide(r24, id(&c24), 1, true).await;
    assert_error(&r, 422, "condition_not_met");
    assert_eq!(r.1["field"], "conditions.not_selected_before");
}

/// Issue 13, the forms of 001 field by field (parsed from the .docx) and the 推荐汇总表.
#[tokio::test]
async fn forms_follow_001_and_the_summary_sheet_lists_the_recommended() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let team = app.create_team(district).await;
    let three = app.today().checked_sub_months(Months::new(40)).unwrap();
    let (_, d) = app.user("district", Some(district), None).await;
    let (s, v) = app.nominate(round, &d, volunteer_body(team, three)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    app.two_photos(round, id(&v), &d).await;
    let (_, p) = app.nominate(round, &app.admin, point_body(5, 6, 70)).await;
    app.two_photos(round, id(&p), &app.admin).await;
    for (c, rank) in [(&v, 1), (&p, 1)] {
        let r = app.decide(round, id(c), rank, true).await;
        assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    }
    let form = format!(
        "/api/v1/recommendation-rounds/{round}/candidates/{}/form.docx",
        id(&v)
    );
    assert_error(
        &{
            let b = app.rec_download(&form).await;
            (b.status, serde_json::from_slice(&b.bytes).unwrap())
        },
        409,
        "round_state",
    );
    app.post(
        &format!("/api/v1/recommendation-rounds/{round}/decide"),
        &app.admin,
        json!({}),
    )
    .await;
    let doc = app.rec_download(&form).await;
    assert_eq!(doc.status, StatusCode::OK);
    let text = zhihui::export::docx_text::document_text(&doc.bytes);
    let team_name = v["team_name"].as_str().unwrap();
    let since = zhihui::export::docx::date_zh(three);
    let expected: Vec<&str> = vec![
        "“科技志愿者”先进典型推荐表",
        "姓名",
        "王五",
        "性别",
        "男",
        "出生年月",
        "1985年6月",
        "政治面貌",
        "中共党员",
        "通讯地址",
        "沈阳市和平区南京街1号",
        "联系方式",
        "13712345678",
        "所在科技志愿服务组织",
        team_name,
        "主要服务项目",
        "社区科普进万家",
        "何时起参加科技志愿服务活动",
        &since,
        "参加科技志愿服务活动次数",
        "120",
        "主要事迹（不超过1000字）",
        "长期开展科普讲座。",
        "被推荐人照片（2—3张，半身照、生活照、工作照均可，每张照片大小不低于1M、不超过3M）",
        "随表报送：王五1.jpg、王五2.jpg",
        "推荐单位：沈阳市科学技术协会（盖章）",
        "年    月    日",
    ];
    assert_eq!(text, expected);
    let doc = app
        .rec_download(&format!(
            "/api/v1/recommendation-rounds/{round}/candidates/{}/form.docx",
            id(&p)
        ))
        .await;
    let text = zhihui::export::docx_text::document_text(&doc.bytes);
    assert_eq!(text[0], "“科技志愿服务点（社区或村）”典型事迹推荐表");
    assert_eq!(text[1], "服务点名称");
    assert_eq!(
        text[2],
        "辽宁省（区、市）沈阳市和平县（区）南湖街道（乡镇）文体5670社区（村）"
    );
    let labels: Vec<&str> = text
        .iter()
        .skip(3)
        .step_by(2)
        .take(9)
        .map(String::as_str)
        .collect();
    assert_eq!(
        labels,
        [
            "负责人姓名",
            "联系方式",
            "社区注册科技志愿者人数",
            "科技志愿者中党员人数",
            "注册科技志愿者人数占社区常住人口的比例",
            "社区居民参与过志愿服务的比例",
            "经常开展的科技志愿服务活动类别",
            "每年组织科技志愿服务活动次数",
            "组建的科技志愿服务队",
        ]
    );
    // 推荐汇总表.
    let sheet = app
        .rec_download(&format!("/api/v1/recommendation-rounds/{round}/summary.xlsx"))
        .await;
    assert_eq!(sheet.status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(sheet.bytes)).unwrap();
    let range = book.worksheet_range("推荐汇总表").unwrap();
    let cell = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(cell(0, 0), "2024年度科技志愿服务先进典型推荐汇总表");
    let headers: Vec<String> = (0..10).map(|c| cell(2, c)).collect();
    assert_eq!(
        headers,
        [
            "序号",
            "类别",
            "排序",
            "名称",
            "所在组织",
            "提名单位",
            "联系人",
            "联系方式",
            "条件核验",
            "照片"
        ]
    );
    assert_eq!(cell(3, 1), "科技志愿者");
    assert_eq!(cell(3, 3), "王五");
    assert_eq!(cell(3, 5), app.unit_name(district).await);
    assert_eq!(cell(3, 8), "均符合");
    assert_eq!(cell(4, 1), "科技志愿服务点（社区或村）");
    assert_eq!(cell(4, 9), "2");
}

/// Issue 13, the story: the 2024 national call with a quota of 5 per category; three teams
/// nominated by two districts; one refused for fewer than 50 activities; two recommended; the
/// forms and the zip (photos named 姓名+序号.jpg) exported.
#[tokio::test]
async fn story_2024_national_call() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let (_, tok1) = app.user("district", Some(d1), None).await;
    let (_, tok2) = app.user("district", Some(d2), None).await;
    let a = eligible_team(&app, d1).await;
    let b = eligible_team(&app, d2).await;
    let day = app.today().checked_sub_months(Months::new(60)).unwrap();
    let weak = app.rec_team(d2, day, 40).await;
    app.seed_activities(weak, 49, "reported").await;
    let round = app.collecting_round(2024, 5).await;
    let ca = app.nominate_team(round, &tok1, a).await;
    let cb = app.nominate_team(round, &tok2, b).await;
    let cw = app.nominate_team(round, &tok2, weak).await;
    // District 1 cannot nominate district 2's team.
    assert_error(
        &app.nominate(round, &tok1, json!({"category": "team", "team_id": weak}))
            .await,
        404,
        "not_found",
    );
    for (c, tok) in [(&ca, &tok1), (&cb, &tok2), (&cw, &tok2)] {
        app.two_photos(round, id(c), tok).await;
    }
    // District 2 sees the checklist of its weak team: 49 activities.
    let (_, seen) = app.candidate(round, id(&cw), &tok2).await;
    assert_eq!(check(&seen, "activities50")["figure"], "49场");
    assert_eq!(seen["eligible"], false);
    let r = app.decide(round, id(&cw), 3, true).await;
    assert_error(&r, 422, "condition_not_met");
    assert_eq!(r.1["field"], "conditions.activities50");
    for (c, rank) in [(&ca, 1), (&cb, 2)] {
        assert_eq!(app.decide(round, id(c), rank, true).await.0, StatusCode::OK);
    }
    let (s, v) = app
        .post(
            &format!("/api/v1/recommendation-rounds/{round}/decide"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "decided");
    let zip = app
        .rec_download(&format!("/api/v1/recommendation-rounds/{round}/materials.zip"))
        .await;
    assert_eq!(zip.status, StatusCode::OK);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes)).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    let name_a = ca["name"].as_str().unwrap();
    let name_b = cb["name"].as_str().unwrap();
    let mut expected = vec![
        "推荐汇总表.xlsx".to_owned(),
        format!("1_{name_a}/科技志愿服务组织-{name_a}推荐表.docx"),
        format!("1_{name_a}/{name_a}1.jpg"),
        format!("1_{name_a}/{name_a}2.jpg"),
        format!("2_{name_b}/科技志愿服务组织-{name_b}推荐表.docx"),
        format!("2_{name_b}/{name_b}1.jpg"),
        format!("2_{name_b}/{name_b}2.jpg"),
    ];
    let mut got = names.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    let mut form = Vec::new();
    std::io::Read::read_to_end(
        &mut archive
            .by_name(&format!("1_{name_a}/科技志愿服务组织-{name_a}推荐表.docx"))
            .unwrap(),
        &mut form,
    )
    .unwrap();
    let text = zhihui::export::docx_text::document_text(&form);
    assert_eq!(text[0], "“科技志愿服务组织”先进典型推荐表");
    assert_eq!(&text[1..3], ["组织名称", name_a]);
    let activities = text
        .iter()
        .position(|t| t == "组织开展科技志愿服务活动场次")
        .unwrap();
    assert_eq!(text[activities + 1], "50场");
    let (_, r) = app
        .get(&format!("/api/v1/recommendation-rounds/{round}"), &app.admin)
        .await;
    assert_eq!(r["status"], "exported");
}

impl TestApp {
    async fn material(
        &self,
        round: i64,
        cand: i64,
        token: &str,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        self.post_multipart(
            &format!("/api/v1/recommendation-rounds/{round}/candidates/{cand}/materials?kind={kind}"),
            token,
            &[],
            Some(("file", name, bytes)),
        )
        .await
    }

    /// GET of stored bytes: status, content type, bytes.
    async fn file_as(&self, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
        let resp = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (resp.status(), ct, resp.bytes().await.unwrap().to_vec())
    }

    fn blob_exists(&self, bytes: &[u8]) -> bool {
        let sha = evidence::sha256(bytes);
        self.storage_dir.join(&sha[..2]).join(&sha).exists()
    }
}

/// A QuickTime movie by its magic bytes (`ftypqt  `).
fn mov() -> Vec<u8> {
    let mut v = b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ".to_vec();
    v.extend_from_slice(&[0x44; 128]);
    v
}

/// Issue 13: one photo's bytes for whoever may see the candidate — the nominating district
/// and the admin get the JPEG (image/jpeg); another district, and a photo asked for under
/// another candidate, get 404.
#[tokio::test]
async fn a_photo_is_served_in_scope_and_404_out_of_scope() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let (_, tok1) = app.user("district", Some(d1), None).await;
    let (_, tok2) = app.user("district", Some(d2), None).await;
    let round = app.collecting_round(2024, 5).await;
    let t1 = eligible_team(&app, d1).await;
    let t2 = eligible_team(&app, d2).await;
    let c1 = app.nominate_team(round, &tok1, t1).await;
    let c2 = app.nominate_team(round, &tok2, t2).await;
    let bytes = jpeg_of(MIB + 77);
    let (s, v) = app.photo(round, id(&c1), &tok1, bytes.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let pid = v["photos"][0]["id"].as_i64().unwrap();
    let path = format!(
        "/api/v1/recommendation-rounds/{round}/candidates/{}/photos/{pid}",
        id(&c1)
    );
    for token in [&tok1, &app.admin] {
        let (s, ct, got) = app.file_as(&path, token).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ct, "image/jpeg");
        assert_eq!(got, bytes);
    }
    let (s, _, _) = app.file_as(&path, &tok2).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another district");
    let (s, _, _) = app
        .file_as(
            &format!(
                "/api/v1/recommendation-rounds/{round}/candidates/{}/photos/{pid}",
                id(&c2)
            ),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the photo of another candidate");
    let (s, _, _) = app.file_as(&format!("{path}9"), &tok1).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no such photo");
}

/// Issue 13, 001/002: the stamped scan is a PDF and the video an mp4 or a mov, by content
/// (415 otherwise); each is listed with the name of 002 (`姓名+推荐表.pdf`, `姓名+视频.mp4`),
/// served in scope only, replaced by a new upload (audited with both), and refused to another
/// district (404).
#[tokio::test]
async fn scan_and_video_are_checked_by_content_named_and_scoped() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let (_, tok1) = app.user("district", Some(d1), None).await;
    let (_, tok2) = app.user("district", Some(d2), None).await;
    let round = app.collecting_round(2024, 5).await;
    let t1 = eligible_team(&app, d1).await;
    let c = app.nominate_team(round, &tok1, t1).await;
    let name = c["name"].as_str().unwrap().to_owned();

    let r = app
        .material(round, id(&c), &tok1, "scan", "表.pdf", evidence::jpeg())
        .await;
    assert_error(&r, 415, "unsupported_file_type");
    let r = app
        .material(round, id(&c), &tok1, "video", "v.mp4", evidence::pdf())
        .await;
    assert_error(&r, 415, "unsupported_file_type");
    let r = app
        .material(round, id(&c), &tok2, "scan", "表.pdf", evidence::pdf())
        .await;
    assert_error(&r, 404, "not_found");
    let (s, v) = app
        .post_multipart(
            &format!(
                "/api/v1/recommendation-rounds/{round}/candidates/{}/materials?kind=poster",
                id(&c)
            ),
            &tok1,
            &[],
            Some(("file", "x.pdf", evidence::pdf())),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let (s, v) = app
        .material(round, id(&c), &tok1, "scan", "扫描.pdf", evidence::pdf())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .material(round, id(&c), &tok1, "video", "片子.mov", mov())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let m = v["materials"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["kind"], "scan");
    assert_eq!(m[0]["file_name"], format!("{name}推荐表.pdf"));
    assert_eq!(m[0]["content_type"], "application/pdf");
    assert_eq!(m[1]["kind"], "video");
    assert_eq!(m[1]["file_name"], format!("{name}视频.mov"));
    assert_eq!(m[1]["content_type"], "video/quicktime");

    // A new video replaces the old one; the old content, referred to by nothing, is gone.
    let (s, v) = app
        .material(round, id(&c), &tok1, "video", "新.mp4", evidence::mp4())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let m = v["materials"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[1]["file_name"], format!("{name}视频.mp4"));
    assert!(!app.blob_exists(&mov()), "the replaced video is removed");
    assert!(app.blob_exists(&evidence::mp4()));

    let scan = m[0]["id"].as_i64().unwrap();
    let path = format!(
        "/api/v1/recommendation-rounds/{round}/candidates/{}/materials/{scan}",
        id(&c)
    );
    let (s, ct, got) = app.file_as(&path, &tok1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/pdf");
    assert_eq!(got, evidence::pdf());
    let (s, _, _) = app.file_as(&path, &tok2).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another district");

    let (_, audit) = app
        .get(
            &format!(
                "/api/v1/audit?entity=recommendation_candidate&entity_id={}&per_page=50",
                id(&c)
            ),
            &app.admin,
        )
        .await;
    let uploads: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "upload_material")
        .collect();
    assert_eq!(uploads.len(), 3, "{audit}");
    assert!(
        uploads
            .iter()
            .any(|e| e["before"].to_string().contains("video/quicktime")),
        "the replacement keeps the replaced one: {audit}"
    );
}

/// Issue 13 + 12.3: a content shared by two materials, or by a material and application
/// evidence, stays stored while any of them refers to it (the reference count reads the
/// materials too).
#[tokio::test]
async fn a_shared_content_is_kept_while_a_material_refers_to_it() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let a = app
        .nominate_team(round, &app.admin, eligible_team(&app, unit).await)
        .await;
    let b = app
        .nominate_team(round, &app.admin, eligible_team(&app, unit).await)
        .await;
    let pdf = evidence::pdf();
    for c in [&a, &b] {
        let r = app
            .material(round, id(c), &app.admin, "scan", "s.pdf", pdf.clone())
            .await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    }
    let mut other = evidence::pdf();
    other.extend_from_slice(b"% another scan\n");
    let r = app
        .material(round, id(&a), &app.admin, "scan", "s.pdf", other)
        .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    assert!(app.blob_exists(&pdf), "b's scan still refers to it");

    // Evidence with the same content, deleted: b's scan keeps the file.
    let cycle = app.open_cycle(2024).await;
    let (_, token, application) = app.draft_application(cycle, unit).await;
    let (s, v) = app
        .upload(&token, application, "summary", "s.pdf", pdf.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = app
        .delete(
            &format!("/api/v1/attachments/{}", v["id"].as_i64().unwrap()),
            &token,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(app.blob_exists(&pdf), "the scan still refers to it");
}

/// Issue 13, 001/002: the zip carries each recommended candidate's stamped scan and video as
/// `姓名+推荐表.pdf` and `姓名+视频.mp4`; the admin may still upload the scan once decided,
/// a district may not.
#[tokio::test]
async fn the_zip_carries_the_scan_and_the_video() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let (_, tok1) = app.user("district", Some(d1), None).await;
    let round = app.collecting_round(2024, 5).await;
    let c = app
        .nominate_team(round, &tok1, eligible_team(&app, d1).await)
        .await;
    app.two_photos(round, id(&c), &tok1).await;
    let r = app
        .material(round, id(&c), &tok1, "video", "v.mp4", evidence::mp4())
        .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    assert_eq!(app.decide(round, id(&c), 1, true).await.0, StatusCode::OK);
    let (s, v) = app
        .post(
            &format!("/api/v1/recommendation-rounds/{round}/decide"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let r = app
        .material(round, id(&c), &tok1, "scan", "s.pdf", evidence::pdf())
        .await;
    assert_error(&r, 409, "round_state");
    let r = app
        .material(round, id(&c), &app.admin, "scan", "s.pdf", evidence::pdf())
        .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);

    let zip = app
        .rec_download(&format!("/api/v1/recommendation-rounds/{round}/materials.zip"))
        .await;
    assert_eq!(zip.status, StatusCode::OK);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes)).unwrap();
    let name = c["name"].as_str().unwrap();
    let mut got: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    got.sort();
    let mut expected = vec![
        "推荐汇总表.xlsx".to_owned(),
        format!("1_{name}/科技志愿服务组织-{name}推荐表.docx"),
        format!("1_{name}/{name}1.jpg"),
        format!("1_{name}/{name}2.jpg"),
        format!("1_{name}/{name}推荐表.pdf"),
        format!("1_{name}/{name}视频.mp4"),
    ];
    expected.sort();
    assert_eq!(got, expected);
    let mut video = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name(&format!("1_{name}/{name}视频.mp4")).unwrap(),
        &mut video,
    )
    .unwrap();
    assert_eq!(video, evidence::mp4());
}

/// Issue 12.4 for the particulars of issue 13: the spec declares each text field's maximum;
/// at it the nomination is taken, one character more is refused naming the field.
#[tokio::test]
async fn volunteer_and_service_point_texts_stop_at_the_declared_maximum() {
    let app = TestApp::spawn().await;
    let spec: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let max = |schema: &str, field: &str| {
        spec["components"]["schemas"][schema]["properties"][field]["maxLength"]
            .as_u64()
            .unwrap_or_else(|| panic!("{schema}.{field} declares maxLength")) as usize
    };
    let unit = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let team = app.create_team(unit).await;
    let since = app.today().checked_sub_months(Months::new(48)).unwrap();
    for (i, field) in ["name", "address", "main_project", "political_status"]
        .into_iter()
        .enumerate()
    {
        let n = max("RecommendationVolunteer", field);
        let mut body = volunteer_body(team, since);
        body["volunteer"][field] = json!("科".repeat(n + 1));
        let r = app.nominate(round, &app.admin, body).await;
        assert_error(&r, 422, "invalid_value");
        assert_eq!(r.1["field"], format!("volunteer.{field}"));
        let mut body = volunteer_body(team, since);
        body["volunteer"][field] = json!("科".repeat(n));
        body["volunteer"]["mobile"] = json!(format!("1371234560{i}"));
        let (s, v) = app.nominate(round, &app.admin, body).await;
        assert_eq!(s, StatusCode::CREATED, "{field}: {v}");
    }
    for field in ["community", "leader_name", "contact"] {
        let n = max("RecommendationServicePoint", field);
        let mut body = point_body(5, 5, 60);
        body["service_point"][field] = json!("科".repeat(n + 1));
        let r = app.nominate(round, &app.admin, body).await;
        assert_error(&r, 422, "invalid_value");
        assert_eq!(r.1["field"], format!("service_point.{field}"));
    }
}

/// Issue 13 with the product bar's masking: the volunteer's mobile and the service point's
/// contact are whole for the admin (who exports the forms), masked for the nominating district,
/// in the API as on the page.
#[tokio::test]
async fn mobiles_are_whole_for_the_admin_and_masked_for_the_nominator() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let round = app.collecting_round(2024, 5).await;
    let team = app.create_team(district).await;
    let three = app.today().checked_sub_months(Months::new(40)).unwrap();
    let (_, d) = app.user("district", Some(district), None).await;
    let (s, v) = app.nominate(round, &d, volunteer_body(team, three)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["volunteer"]["mobile"], "137****5678", "{v}");
    let (_, mine) = app.candidate(round, id(&v), &d).await;
    assert_eq!(mine["volunteer"]["mobile"], "137****5678");
    let (_, all) = app.candidate(round, id(&v), &app.admin).await;
    assert_eq!(all["volunteer"]["mobile"], "13712345678");
    let (s, p) = app.nominate(round, &d, point_body(5, 6, 70)).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["service_point"]["contact"], "136****5678");
    let (_, all) = app.candidate(round, id(&p), &app.admin).await;
    assert_eq!(all["service_point"]["contact"], "13612345678");
    let (_, list) = app
        .get(&format!("/api/v1/recommendation-rounds/{round}/candidates"), &d)
        .await;
    assert!(!list.to_string().contains("13712345678"), "{list}");
    // The audit keeps the particulars, masked (R-PII).
    let (_, audit) = app
        .get("/api/v1/audit?entity=recommendation_candidate", &app.admin)
        .await;
    let text = audit.to_string();
    assert!(text.contains("137****5678"), "{text}");
    assert!(
        !text.contains("13712345678") && !text.contains("13612345678"),
        "{text}"
    );
}
