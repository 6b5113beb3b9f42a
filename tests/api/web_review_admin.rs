//! The association's review pages over HTTP: 排名, 公示 and 异议, 历年获奖名单, 审计日志 — each
//! renders, acts through the same services as the API, shows the service's refusal in Chinese,
//! needs the CSRF token, and is the admin's alone (R-WEB, R-AUTHZ).

use crate::{
    helpers::TestApp,
    review_seed::{CycleSpec, Scenario},
    web_pages::{Page, Web, admin_web, logged_in, user},
};
use reqwest::StatusCode;

/// The row of the ranked table for one application (from its opening tag to its end).
fn row<'a>(page: &'a Page, application: i64) -> &'a str {
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
    ];
    let posts = [format!("/admin/cycles/{c}/rank")];
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
    }
    assert_eq!(app.cycle_status(c).await, "reviewing", "nothing changed");
}
