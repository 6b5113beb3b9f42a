//! The association's review pages in Chromium: rank (a tie named, a large spread marked),
//! publish, dismiss an objection — screenshots at phone and desktop sizes (R-RANK, R-WEB).

use crate::{
    harness::Browser,
    helpers::{ADMIN, TestApp},
    review_seed::{CycleSpec, Scenario},
};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn the_association_ranks_publishes_and_answers_an_objection() {
    let app = TestApp::spawn().await;
    let s = Scenario::new(&app, CycleSpec::default(), &[(5, 100), (9, 100), (1, 1)], 2).await;
    s.score(&app, &[&[80.0, 80.0], &[80.0, 80.0], &[95.0, 55.0]])
        .await;
    let b = Browser::start(&app, "review-admin").await;
    b.login(ADMIN.0, ADMIN.1).await;
    b.goto(&format!("/admin/cycles/{}", s.cycle)).await;
    b.click("tab-ranking").await;
    b.click("rank").await;
    b.wait_text("重新排名").await;
    let tie = b.text_of(&format!("tie-{}", s.apps[0])).await;
    assert!(tie.contains("活动场次多者居前"), "{tie}");
    assert!(
        b.text_of(&format!("spread-{}", s.apps[2]))
            .await
            .contains("分歧大")
    );
    b.shot("ranking").await;
    b.js("document.querySelector(\"[data-testid='ranking']\").scrollIntoView()")
        .await;
    b.shot("ranking-table").await;

    b.click("tab-publicity").await;
    b.click("publish").await;
    b.wait_text("公示截止").await;
    let (st, v) = app
        .call(
            Method::POST,
            &format!("/api/v1/public/cycles/{}/objections", s.cycle),
            None,
            Some(
                json!({"application_id": s.apps[1], "reason": "活动场次与报道不符",
                        "contact_name": "赵六", "contact_phone": "13912345678"}),
            ),
        )
        .await;
    assert_eq!(st.as_u16(), 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    b.goto(&format!("/admin/cycles/{}/publicity", s.cycle)).await;
    b.shot("objection-open").await;
    b.click(&format!("decision-dismissed-{id}")).await;
    b.fill("答复", "经核实，活动场次与报道一致。").await;
    b.click(&format!("resolve-{id}")).await;
    b.wait_text("已驳回").await;
    b.shot("objection-dismissed").await;
    b.close().await;
}
