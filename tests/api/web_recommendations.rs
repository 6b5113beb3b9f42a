//! Issue 13, the pages: the admin creates and opens a round and decides; a district nominates
//! its team from the page and sees the candidate's checklist; another district sees nothing of
//! it.

use crate::{
    helpers::TestApp,
    web_pages::{admin_web, logged_in, user},
};
use reqwest::StatusCode;

#[tokio::test]
async fn the_admin_runs_a_round_and_a_district_nominates_from_its_page() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let team = app.create_team(d1).await;
    user(&app, "rec_d1", "district", Some(d1), None).await;
    user(&app, "rec_d2", "district", Some(d2), None).await;

    let mut admin = admin_web(&app).await;
    let home = admin.get("/recommendations").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("href=\"/recommendations\""),
        "the menu has the entry"
    );
    let p = admin
        .post(
            "/recommendations",
            &[
                ("year", "2024"),
                ("title", "2024年度科技志愿服务先进典型"),
                ("issuing_body", "中国科协办公厅"),
                ("recommending_body", "沈阳市科学技术协会"),
                ("deadline", "2025-02-23"),
                ("quota_team", "5"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let round = p.location.unwrap();
    let p = admin.post(&format!("{round}/step"), &[("action", "open")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    let mut d = logged_in(&app, "rec_d1").await;
    let page = d.get(&round).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("征集中"));
    let team_id = team.to_string();
    let p = d
        .post(
            &format!("{round}/candidates"),
            &[
                ("category", "team"),
                ("team_id", team_id.as_str()),
                ("deeds", "常年开展社区科普。"),
                ("confirmed", "good_standing"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = d.get(&round).await;
    assert!(
        page.body.contains("组织开展科技志愿服务活动不少于50场"),
        "the checklist"
    );
    assert!(page.body.contains("0场"));
    assert!(page.body.contains("待确认"), "unconfirmed items are shown");
    assert!(page.body.contains("条件未满足"));

    // Photos from the page: a PNG is refused by its content, a JPEG of 1 MiB is kept.
    let page = d.get(&round).await;
    let at = page.body.find("/photos?csrf=").expect("a photo form");
    let start = page.body[..at].rfind("/candidates/").unwrap() + "/candidates/".len();
    let photos = format!("{round}/candidates/{}/photos", &page.body[start..at]);
    let p = d
        .post_multipart(
            &photos,
            &[],
            Some(("file", "a.jpg", crate::helpers::evidence::png())),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("文件内容不是该类材料允许的类型"), "{}", p.body);
    let mut jpeg = crate::helpers::evidence::jpeg();
    jpeg.resize(1024 * 1024, 0x11);
    let p = d
        .post_multipart(&photos, &[], Some(("file", "a.jpg", jpeg)), true)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(d.get(&round).await.body.contains("照片 1 张"));

    let mut other = logged_in(&app, "rec_d2").await;
    let page = other.get(&round).await;
    assert!(
        page.body.contains("暂无候选对象"),
        "another district sees none of it"
    );

    // The admin's decision names the failing condition on the page.
    let page = admin.get(&round).await;
    let at = page.body.find("/decision\"").expect("a decision form");
    let start = page.body[..at].rfind("/candidates/").unwrap() + "/candidates/".len();
    let cid = &page.body[start..at];
    let p = admin
        .post(
            &format!("{round}/candidates/{cid}/decision"),
            &[("rank", "1"), ("recommended", "on")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("不符合推荐条件"), "{}", p.body);
}
