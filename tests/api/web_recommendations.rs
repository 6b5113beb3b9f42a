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

/// Issue 13, the pages: a district nominates a volunteer, a project of its scope and a
/// service point from the round page; a bad mobile is refused with the Chinese message under
/// the field and the form kept as typed; the mobile is masked for the district and whole for
/// the admin; another district's application answers 404; a round taking teams only offers
/// the team form only.
#[tokio::test]
async fn a_district_nominates_every_category_the_round_takes_from_its_page() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let d2 = app.create_unit("district", None).await;
    let team = app.create_team(d1).await;
    user(&app, "rec_all_d1", "district", Some(d1), None).await;
    let cycle = app.open_cycle(2024).await;
    let (_, _, mine) = app.submitted_application(cycle, d1).await;
    let (_, _, theirs) = app.submitted_application(cycle, d2).await;

    let mut admin = admin_web(&app).await;
    let mut round_of = async |quotas: &[(&str, &str)]| {
        let mut form = vec![
            ("year", "2024"),
            ("title", "2024年度科技志愿服务先进典型"),
            ("issuing_body", "中国科协办公厅"),
            ("recommending_body", "沈阳市科学技术协会"),
            ("deadline", "2025-02-23"),
        ];
        form.extend_from_slice(quotas);
        let p = admin.post("/recommendations", &form).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let round = p.location.unwrap();
        let p = admin.post(&format!("{round}/step"), &[("action", "open")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        round
    };
    let teams_only = round_of(&[("quota_team", "5")]).await;
    let round = round_of(&[
        ("quota_team", "5"),
        ("quota_volunteer", "5"),
        ("quota_project", "5"),
        ("quota_service_point", "5"),
    ])
    .await;

    let mut d = logged_in(&app, "rec_all_d1").await;
    let page = d.get(&teams_only).await;
    assert!(page.body.contains("data-testid=\"nominate-team\""));
    assert!(
        !page.body.contains("data-testid=\"nominate-volunteer\""),
        "not taken by the round"
    );
    let page = d.get(&round).await;
    for c in ["team", "volunteer", "project", "service_point"] {
        assert!(
            page.body.contains(&format!("data-testid=\"nominate-{c}\"")),
            "{c}"
        );
    }
    // The activity categories come from the categories list.
    for c in zhihui::services::activities::categories() {
        assert!(page.body.contains(&format!("value=\"{}\"", c.name)), "{}", c.name);
    }

    let team_id = team.to_string();
    let volunteer = |mobile: &'static str| {
        vec![
            ("category", "volunteer"),
            ("volunteer.name", "王五"),
            ("volunteer.gender", "男"),
            ("volunteer.birth_month", "1980-05"),
            ("volunteer.political_status", "中共党员"),
            ("volunteer.address", "沈阳市和平区南京北街1号"),
            ("volunteer.mobile", mobile),
            ("team_id", team_id.as_str()),
            ("volunteer.main_project", "社区科普讲座"),
            ("volunteer.serving_since", "2018-03-01"),
            ("volunteer.activity_count", "120"),
            ("deeds", "坚持科普十年。"),
            ("confirmed", "platform"),
            ("confirmed", "character"),
        ]
    };
    let p = d
        .post(&format!("{round}/candidates"), &volunteer("1391234567"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("data-testid=\"error-volunteer-volunteer-mobile\">手机号码应为11位数字"),
        "{}",
        p.body
    );
    assert!(p.body.contains("value=\"王五\""), "the form keeps what was typed");
    let p = d
        .post(&format!("{round}/candidates"), &volunteer("13912345678"))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    let mine = mine.to_string();
    let p = d
        .post(
            &format!("{round}/candidates"),
            &[
                ("category", "project"),
                ("application_id", mine.as_str()),
                ("deeds", "项目。"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let theirs = theirs.to_string();
    let p = d
        .post(
            &format!("{round}/candidates"),
            &[("category", "project"), ("application_id", theirs.as_str())],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND, "another district's application");

    let mut point = vec![
        ("category", "service_point"),
        ("service_point.province", "辽宁省"),
        ("service_point.city", "沈阳市"),
        ("service_point.county", "和平区"),
        ("service_point.street", "南湖街道"),
        ("service_point.community", "文体社区"),
        ("service_point.leader_name", "赵六"),
        ("service_point.contact", "13812345678"),
        ("service_point.registered_volunteers", "80"),
        ("service_point.party_members", "20"),
        ("service_point.registered_share_percent", "5"),
        ("service_point.residents_percent", "abc"),
        ("service_point.activities_per_year", "24"),
        ("service_point.teams", "一队\n二队\n三队\n四队\n五队"),
        ("deeds", "社区科普。"),
    ];
    for c in zhihui::services::activities::categories().iter().take(5) {
        point.push(("service_point.activity_categories", c.name));
    }
    let p = d.post(&format!("{round}/candidates"), &point).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("data-testid=\"error-service_point-service-point-residents-percent\">请填写整数"),
        "{}",
        p.body
    );
    point[11] = ("service_point.residents_percent", "60");
    let p = d.post(&format!("{round}/candidates"), &point).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    let page = d.get(&round).await;
    assert!(page.body.contains("王五"));
    assert!(page.body.contains("139****5678"), "masked for the district");
    assert!(!page.body.contains("13912345678"));
    assert!(page.body.contains("辽宁省沈阳市和平区南湖街道文体社区"));
    assert!(
        page.body.contains(">5种<"),
        "the checklist's figure: {}",
        page.body
    );
    let page = admin.get(&round).await;
    assert!(page.body.contains("13912345678"), "whole for the admin");
}

/// Issue 13 and the product bar (what the API does has its page): a team's form figures that
/// the record does not hold (001: 党员人数, 服务时数, 经常参与比例, 经常开展的项目) are typed on the
/// nomination form, and the nominator corrects 主要事迹, the confirmations and those figures
/// on the page (`PATCH …/candidates/{id}` of the API), a refusal shown under its field.
#[tokio::test]
async fn the_nominator_enters_the_forms_figures_and_corrects_a_candidate_on_the_page() {
    let app = TestApp::spawn().await;
    let d1 = app.create_unit("district", None).await;
    let team = app.create_team(d1).await;
    user(&app, "rec_edit_d1", "district", Some(d1), None).await;
    let mut admin = admin_web(&app).await;
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
    let round = p.location.unwrap();
    admin.post(&format!("{round}/step"), &[("action", "open")]).await;

    let mut d = logged_in(&app, "rec_edit_d1").await;
    let page = d.get(&round).await;
    assert!(
        page.body.contains("name=\"extras.total_hours\""),
        "the form's figures are asked"
    );
    let team_id = team.to_string();
    let p = d
        .post(
            &format!("{round}/candidates"),
            &[
                ("category", "team"),
                ("team_id", team_id.as_str()),
                ("deeds", "常年开展社区科普。"),
                ("extras.party_members", "12"),
                ("extras.total_hours", "3600"),
                ("extras.regular_percent", "65"),
                ("extras.usual_projects", "社区科普大讲堂"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let round_id: i64 = round.rsplit('/').next().unwrap().parse().unwrap();
    let (_, list) = app
        .get(
            &format!("/api/v1/recommendation-rounds/{round_id}/candidates"),
            &app.admin,
        )
        .await;
    let c = &list["items"][0];
    assert_eq!(c["extras"]["total_hours"], 3600, "{c}");
    assert_eq!(c["extras"]["usual_projects"], "社区科普大讲堂");
    let cid = c["id"].as_i64().unwrap();

    // The correction form is on the page, filled in from the candidate.
    let page = d.get(&round).await;
    assert!(
        page.body.contains(&format!("data-testid=\"edit-{cid}\"")),
        "the form"
    );
    assert!(page.body.contains("value=\"3600\""), "filled in");
    let edit = format!("{round}/candidates/{cid}/edit");
    let too_long = "事".repeat(1001);
    let p = d
        .post(
            &edit,
            &[
                ("category", "team"),
                ("deeds", too_long.as_str()),
                ("extras.total_hours", "4000"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains(&format!("data-testid=\"error-edit-{cid}-deeds\"")),
        "under the field: {}",
        &p.body[p.body.find("edit-").unwrap_or(0)..][..400.min(p.body.len())]
    );
    assert!(p.body.contains("value=\"4000\""), "what was typed is kept");
    let p = d
        .post(
            &edit,
            &[
                ("category", "team"),
                ("deeds", "常年开展社区科普，覆盖十个社区。"),
                ("outstanding", "on"),
                ("confirmed", "good_standing"),
                ("extras.party_members", "14"),
                ("extras.total_hours", "4000"),
                ("extras.regular_percent", "70"),
                ("extras.usual_projects", "社区科普大讲堂"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, c) = app
        .get(
            &format!("/api/v1/recommendation-rounds/{round_id}/candidates/{cid}"),
            &app.admin,
        )
        .await;
    assert_eq!(c["deeds"], "常年开展社区科普，覆盖十个社区。", "{c}");
    assert_eq!(c["outstanding"], true);
    assert_eq!(c["extras"]["total_hours"], 4000);
    assert_eq!(c["extras"]["party_members"], 14);
    assert!(c["confirmed"].to_string().contains("good_standing"), "{c}");
    // Audited as a change of the candidate, its form figures included.
    let (_, audit) = app
        .get("/api/v1/audit?entity=recommendation_candidate", &app.admin)
        .await;
    let update = &audit["items"][0];
    assert_eq!(update["action"], "update", "{audit}");
    assert_eq!(
        update["before"]["details"]["extras"]["total_hours"], 3600,
        "{update}"
    );
    assert_eq!(
        update["after"]["details"]["extras"]["total_hours"], 4000,
        "{update}"
    );
}
