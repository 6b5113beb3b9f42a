//! The association's review pages over HTTP: 排名, 公示 and 异议, 历年获奖名单, 审计日志 — each
//! renders, acts through the same services as the API, shows the service's refusal in Chinese,
//! needs the CSRF token, and is the admin's alone (R-WEB, R-AUTHZ).

use crate::{
    helpers::TestApp,
    review_seed::{CycleSpec, Scenario},
    web_pages::{Page, Web, admin_web, logged_in, user},
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The row of the ranked table for one application (from its opening tag to its end).
fn row(page: &Page, application: i64) -> &str {
    let start = page
        .body
        .find(&format!("data-testid=\"rank-row-{application}\""))
        .unwrap_or_else(|| panic!("row of {application} in {}", page.body));
    let start = page.body[..start].rfind("<tr").unwrap();
    let end = start + page.body[start..].find("</tr>").unwrap();
    &page.body[start..end]
}

/// R-RANK, R-AGG on the 排名 page: ranking is refused while scores are missing (the reason
/// shown); once ranked, every row shows each expert's total, the spread (a large one
/// highlighted), the objective figures and the tier; a tie names the key that decided it;
/// the results sheet downloads as xlsx.
#[tokio::test]
async fn the_ranking_page_ranks_and_explains_every_place() {
    let app = TestApp::spawn().await;
    // Two tie on 80 (9 sessions beat 5); the third's experts disagree (95 and 55).
    let s = Scenario::new(&app, CycleSpec::default(), &[(5, 100), (9, 100), (1, 1)], 2).await;
    let mut w = admin_web(&app).await;
    let url = format!("/admin/cycles/{}/ranking", s.cycle);
    let page = w.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-testid=\"no-ranking\""));
    assert!(page.body.contains("data-testid=\"rank\""));
    assert!(!page.body.contains("results-xlsx"), "no sheet before ranking");

    let p = w.post(&format!("/admin/cycles/{}/rank", s.cycle), &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("尚未评分"), "{}", p.body);
    assert_eq!(app.cycle_status(s.cycle).await, "reviewing");

    s.score(&app, &[&[80.0, 80.0], &[80.0, 80.0], &[95.0, 55.0]])
        .await;
    // Without the CSRF token nothing happens.
    let p = w
        .post_raw(&format!("/admin/cycles/{}/rank", s.cycle), &[], Some(&app.base))
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(app.cycle_status(s.cycle).await, "reviewing");
    let p = w.post(&format!("/admin/cycles/{}/rank", s.cycle), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some(url.as_str()));
    assert_eq!(app.cycle_status(s.cycle).await, "ranked");

    let page = w.get(&url).await;
    let (a, b, c) = (s.apps[0], s.apps[1], s.apps[2]);
    assert!(row(&page, b).contains(&format!("data-testid=\"rank-{b}\">1<")));
    let second = row(&page, a);
    assert!(second.contains(&format!("data-testid=\"rank-{a}\">2<")));
    assert!(
        second.contains("与第 1 名同分：活动场次多者居前（9 场 对 5 场）"),
        "{second}"
    );
    assert!(second.contains("80.00") && !second.contains("一等奖"));
    assert!(second.contains("二等奖"), "{second}");
    assert!(
        !row(&page, b).contains("同分"),
        "the first of a tie has nothing above"
    );
    let third = row(&page, c);
    assert!(third.contains("class=\"spread-large\""), "{third}");
    assert!(
        third.contains(&format!("data-testid=\"spread-{c}\">20.00")),
        "{third}"
    );
    assert!(
        third.contains("95.0") && third.contains("55.0"),
        "each expert's total"
    );
    assert!(third.contains("1 项 / 1 场 / 1 人次"), "the objective figures");
    assert!(third.contains("三等奖"));
    assert!(!second.contains("spread-large"));
    assert!(page.body.contains("data-testid=\"large-spread-count\">1<"));
    assert!(page.body.contains("重新排名"));

    let sheet = w.get(&format!("/admin/cycles/{}/results.xlsx", s.cycle)).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert_eq!(
        sheet.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(sheet.body.starts_with("PK"), "an xlsx (zip)");
    assert!(
        sheet.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
}

/// R-RANK: a score changed after ranking makes the stored order stale, and the page says so
/// until the cycle is ranked again.
#[tokio::test]
async fn a_score_changed_after_ranking_asks_for_a_new_ranking() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 1), (1, 1)], 1).await;
    s.score(&app, &[&[90.0], &[80.0]]).await;
    let mut w = admin_web(&app).await;
    let url = format!("/admin/cycles/{}/ranking", s.cycle);
    assert_eq!(
        w.post(&format!("/admin/cycles/{}/rank", s.cycle), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(!w.get(&url).await.body.contains("ranking-stale"));
    app.score_total(&s.experts[0].1, s.apps[1], 95.0).await;
    assert!(w.get(&url).await.body.contains("data-testid=\"ranking-stale\""));
    w.post(&format!("/admin/cycles/{}/rank", s.cycle), &[]).await;
    let page = w.get(&url).await;
    assert!(!page.body.contains("ranking-stale"));
    assert!(row(&page, s.apps[1]).contains(&format!("data-testid=\"rank-{}\">1<", s.apps[1])));
}

/// R-AUTHZ: the association's review pages are the admin's alone: a team, an expert and
/// finance get the 403 page for every one of them, and their POSTs change nothing.
#[tokio::test]
async fn the_review_admin_pages_refuse_other_roles() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 1)], 1).await;
    s.score(&app, &[&[80.0]]).await;
    let unit = app.create_unit("other", None).await;
    user(&app, "team_x", "team", None, Some(s.teams[0].id)).await;
    user(&app, "expert_x", "expert", Some(unit), None).await;
    user(&app, "finance_x", "finance", None, None).await;
    let c = s.cycle;
    let pages = [
        format!("/admin/cycles/{c}/ranking"),
        format!("/admin/cycles/{c}/results.xlsx"),
        format!("/admin/cycles/{c}/publicity"),
        "/admin/award-history".to_owned(),
        "/admin/audit".to_owned(),
    ];
    let posts = [
        format!("/admin/cycles/{c}/rank"),
        format!("/admin/cycles/{c}/publish"),
        format!("/admin/cycles/{c}/objections/1/resolve"),
        format!("/admin/cycles/{c}/finalize"),
    ];
    for who in ["team_x", "expert_x", "finance_x"] {
        let mut w: Web<'_> = logged_in(&app, who).await;
        for path in &pages {
            let p = w.get(path).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who} {path}");
            assert!(p.body.contains("无权访问"), "{who} {path}");
        }
        for path in &posts {
            let p = w.post(path, &[]).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        for path in ["/admin/award-history/preview", "/admin/award-history/import"] {
            let file = Some(("file", "list.csv", b"year,team,project,prize\n".to_vec()));
            let p = w.post_multipart(path, &[], file, true).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    assert_eq!(app.cycle_status(c).await, "reviewing", "nothing changed");
}

/// An objection lodged by the public, through the API; its id.
async fn object(app: &TestApp, cycle: i64, application: i64, reason: &str) -> i64 {
    let (st, v) = app
        .call(
            Method::POST,
            &format!("/api/v1/public/cycles/{cycle}/objections"),
            None,
            Some(json!({"application_id": application, "reason": reason,
                        "contact_name": "赵六", "contact_phone": "13912345678"})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// The part of the page about one objection.
fn objection(page: &Page, id: i64) -> &str {
    let start = page
        .body
        .find(&format!("data-testid=\"objection-{id}\""))
        .unwrap_or_else(|| panic!("objection {id} in {}", page.body));
    let end = start + page.body[start..].find("</article>").unwrap();
    &page.body[start..end]
}

/// R-RANK (publicity, objections, finalizing) through the 公示与异议 page: a past end time is
/// refused under its field with what was typed kept; publishing needs the CSRF token; the
/// objections show with their state and the contact's mobile (the admin's, in full, R-PII);
/// an upheld objection without the new award is refused under that objection's picker; an
/// upheld one revokes the award and re-ranks; finalizing is refused with the service's reason
/// while the period runs and while an objection is open, then fixes the awards.
#[tokio::test]
async fn the_publicity_page_publishes_resolves_objections_and_finalizes() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(1, 1); 3], 1).await;
    s.score(&app, &[&[90.0], &[80.0], &[70.0]]).await;
    app.rank(s.cycle).await;
    let c = s.cycle;
    let url = format!("/admin/cycles/{c}/publicity");
    let mut w = admin_web(&app).await;
    let cycle_page = w.get(&format!("/admin/cycles/{c}")).await;
    for tab in ["tab-ranking", "tab-publicity", "tab-assign"] {
        assert!(cycle_page.body.contains(tab), "the cycle page links {tab}");
    }
    let page = w.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("data-testid=\"publish\"") && page.body.contains("data-testid=\"no-objections\"")
    );
    assert!(page.body.contains("<label for=\"publicity_ends_at\">"));

    let past = zhihui::web::format::input_time(app.now() - Duration::hours(1));
    let p = w
        .post(
            &format!("/admin/cycles/{c}/publish"),
            &[("publicity_ends_at", &past)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("data-testid=\"error-publicity_ends_at\">公示结束时间必须晚于当前时间"),
        "{}",
        p.body
    );
    assert!(
        p.body.contains(&format!("value=\"{past}\"")),
        "what was typed is kept"
    );
    let end = zhihui::web::format::input_time(app.now() + Duration::days(7));
    let p = w
        .post_raw(
            &format!("/admin/cycles/{c}/publish"),
            &[("publicity_ends_at", &end)],
            Some(&app.base),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "no CSRF token");
    assert_eq!(app.cycle_status(c).await, "ranked");
    let p = w
        .post(
            &format!("/admin/cycles/{c}/publish"),
            &[("publicity_ends_at", &end)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(app.cycle_status(c).await, "published");

    let first = object(&app, c, s.apps[0], "一等奖项目的活动场次与报道不符").await;
    let second = object(&app, c, s.apps[1], "对评分有疑问").await;
    let page = w.get(&url).await;
    assert!(page.body.contains("data-testid=\"open-objections\">2<"));
    let o = objection(&page, first);
    assert!(
        o.contains("待处理") && o.contains("13912345678") && o.contains("一等奖项目的活动场次与报道不符")
    );
    assert!(o.contains(&format!("<label for=\"note_{first}\">")));

    let p = w.post(&format!("/admin/cycles/{c}/finalize"), &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("data-testid=\"finalize-error\">公示期尚未结束"),
        "{}",
        p.body
    );

    let resolve = format!("/admin/cycles/{c}/objections/{first}/resolve");
    let p = w
        .post(
            &resolve,
            &[
                ("decision", "upheld"),
                ("new_tier", ""),
                ("note", "经核实，场次虚报"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let o = objection(&p, first);
    assert!(
        o.contains(&format!(
            "data-testid=\"error-new_tier-{first}\">异议成立时须指定"
        )),
        "{o}"
    );
    assert!(o.contains("经核实，场次虚报"), "the reply is kept");
    assert!(
        !objection(&p, second).contains("field-error"),
        "only that objection's form"
    );
    let p = w
        .post(
            &resolve,
            &[
                ("decision", "upheld"),
                ("new_tier", "none"),
                ("note", "经核实，场次虚报"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = w.get(&url).await;
    let o = objection(&page, first);
    assert!(
        o.contains("异议成立") && o.contains("奖项调整为 取消奖项") && o.contains("经核实，场次虚报"),
        "{o}"
    );
    let ranking = w.get(&format!("/admin/cycles/{c}/ranking")).await;
    assert!(
        row(&ranking, s.apps[0]).contains("未获奖"),
        "the award is revoked and re-ranked"
    );

    app.advance(Duration::days(8));
    let p = w.post(&format!("/admin/cycles/{c}/finalize"), &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("还有1条异议未处理"), "{}", p.body);
    let p = w
        .post(
            &format!("/admin/cycles/{c}/objections/{second}/resolve"),
            &[
                ("decision", "dismissed"),
                ("new_tier", "first"),
                ("note", "评分符合标准"),
            ],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::SEE_OTHER,
        "a dismissal ignores the picker: {}",
        p.body
    );
    let p = w.post(&format!("/admin/cycles/{c}/finalize"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(app.cycle_status(c).await, "finalized");
    let page = w.get(&url).await;
    assert!(page.body.contains("data-testid=\"finalized\""));
    assert!(objection(&page, second).contains("已驳回"));
    let (_, v) = app
        .get(&format!("/api/v1/payouts?cycle_id={c}"), &app.admin)
        .await;
    assert_eq!(v["total"], 2, "the two remaining awards are to be paid: {v}");
}

async fn team_named(app: &TestApp, unit: i64) -> String {
    let body = app.team_body(unit);
    let name = body["name"].as_str().unwrap().to_owned();
    let (st, v) = app.post("/api/v1/teams", &app.admin, body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    name
}

/// The hex the preview carries back to the import.
fn carried(page: &Page) -> String {
    let marker = "name=\"content\" value=\"";
    let at = page.body.find(marker).expect("a confirmation form") + marker.len();
    page.body[at..at + page.body[at..].find('"').unwrap()].to_owned()
}

/// R-EXCLUDE's history through the 历年获奖名单 page: an upload needs the CSRF token; a list
/// with bad rows previews every row with its Chinese reason and writes nothing; a good list
/// previews, then imports on confirmation (the same bytes, all rows); importing it again is
/// refused row by row, nothing written; the list filters by year.
#[tokio::test]
async fn the_award_history_page_previews_then_imports_all_or_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (a, b) = (team_named(&app, unit).await, team_named(&app, unit).await);
    let mut w = admin_web(&app).await;
    let page = w.get("/admin/award-history").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<label for=\"award_file\">") && page.body.contains("data-testid=\"no-history\"")
    );
    assert!(
        page.body.contains("href=\"/admin/award-history\""),
        "in the admin's menu"
    );

    let bad = format!(
        "年度,服务队名称,项目名称,奖项\n2023,{a},科技助农,一等奖\n2023,不存在的队,社区科普,二等奖\n2023,{b},乡村振兴,特等奖\n"
    );
    let file = |csv: &str| Some(("file", "获奖名单.csv", csv.as_bytes().to_vec()));
    let p = w
        .post_multipart("/admin/award-history/preview", &[], file(&bad), false)
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "no CSRF token");
    let p = w
        .post_multipart("/admin/award-history/preview", &[], file(&bad), true)
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("data-testid=\"bad-rows\">2<"), "{}", p.body);
    let row = |n: u32| {
        let at = p.body.find(&format!("data-testid=\"preview-row-{n}\"")).unwrap();
        p.body[at..at + p.body[at..].find("</tr>").unwrap()].to_owned()
    };
    assert!(row(2).contains("可导入") && row(2).contains("科技助农"));
    assert!(row(3).contains("未找到名为“不存在的队”的服务队"), "{}", row(3));
    assert!(
        row(4).contains("奖项“特等奖”无效") && !row(4).contains(" / "),
        "{}",
        row(4)
    );
    assert!(!p.body.contains("confirm-import"), "nothing to confirm");
    let (_, v) = app.get("/api/v1/award-history", &app.admin).await;
    assert_eq!(v["total"], 0, "a preview writes nothing");

    let good = format!("year,team,project,prize\n2023,{a},科技助农,一等奖\n2022,{b},乡村振兴,third\n");
    let p = w
        .post_multipart("/admin/award-history/preview", &[], file(&good), true)
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("确认导入 2 条"));
    let (_, v) = app.get("/api/v1/award-history", &app.admin).await;
    assert_eq!(v["total"], 0, "still nothing before the confirmation");
    let content = carried(&p);
    let p = w
        .post_multipart(
            "/admin/award-history/import",
            &[("content", &content)],
            None,
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/admin/award-history?imported=2"));
    let list = w.get("/admin/award-history?imported=2").await;
    assert!(list.body.contains("已导入 2 条") && list.body.contains(&a) && list.body.contains(&b));
    let (_, v) = app.get("/api/v1/award-history", &app.admin).await;
    assert_eq!(v["total"], 2);

    let p = w
        .post_multipart(
            "/admin/award-history/import",
            &[("content", &content)],
            None,
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("该服务队该年度的获奖记录已存在"), "{}", p.body);
    let (_, v) = app.get("/api/v1/award-history", &app.admin).await;
    assert_eq!(v["total"], 2, "nothing more written");

    let only_2022 = w.get("/admin/award-history?year=2022").await;
    assert!(only_2022.body.contains(&b) && !only_2022.body.contains(&a));
    // What a browser sends when no file was chosen: the part, without a name or bytes.
    let p = w
        .post_multipart(
            "/admin/award-history/preview",
            &[],
            Some(("file", "", vec![])),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("data-testid=\"upload-error\">请选择名单文件"),
        "{}",
        p.body
    );
}

/// R-AUDIT through the 审计日志 page: entries filtered by entity, actor and date (CST days),
/// paged with the filter kept, and an update shown as `field: old → new`.
#[tokio::test]
async fn the_audit_page_filters_pages_and_shows_changes_as_a_diff() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    for _ in 0..31 {
        app.create_unit("other", None).await;
    }
    let team = app.create_team(unit).await;
    let (st, v) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/teams/{team}"),
            Some(&app.admin),
            Some(json!({"volunteer_count": 40})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let mut w = admin_web(&app).await;
    let page = w.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<label for=\"audit_entity\">") && page.body.contains("<option value=\"team\"")
    );
    let update = "<span class=\"k\">volunteer_count</span>：<del>35</del> → <ins>40</ins>";
    assert!(page.body.contains(update), "{}", page.body);

    let teams = w.get("/admin/audit?entity=team").await;
    assert!(teams.body.contains(&format!("team #{team}")) && !teams.body.contains("unit #"));
    assert!(teams.body.contains("共 2 条"), "created and updated");
    let units = w.get("/admin/audit?entity=unit&actor=admin").await;
    assert!(units.body.contains("共 32 条") && units.body.contains("第 1 / 2 页"));
    assert!(
        units
            .body
            .contains("href=\"/admin/audit?entity=unit&#38;actor=admin&#38;page=2\""),
        "{}",
        units.body
    );
    let second = w.get("/admin/audit?entity=unit&actor=admin&page=2").await;
    assert!(
        second.body.contains(&format!("unit #{unit}")),
        "the oldest on the last page"
    );
    let nobody = w.get("/admin/audit?actor=nobody").await;
    assert!(nobody.body.contains("data-testid=\"no-audit\""));

    let today = zhihui::domain::cst_date(app.now());
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let before = w.get(&format!("/admin/audit?to={yesterday}")).await;
    assert!(
        before.body.contains("data-testid=\"no-audit\""),
        "nothing before today"
    );
    let since = w
        .get(&format!("/admin/audit?entity=team&from={today}&to={today}"))
        .await;
    assert!(since.body.contains("共 2 条"), "{}", since.body);
    let bad = w.get("/admin/audit?from=yesterday").await;
    assert!(bad.body.contains("data-testid=\"audit-date-error\""));
}
