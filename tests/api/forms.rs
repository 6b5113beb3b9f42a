//! The paper forms (R-FORM): the 活动登记表 and the 项目申报书 as .docx, read back from
//! `word/document.xml`; who may download them (R-AUTHZ, R-PII); the cycle's zip of every
//! accepted 申报书.

use crate::{
    helpers::{TestApp, assert_error},
    review_seed::{ACCOUNT_NO, CycleSpec, TEAM_MOBILE},
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;
use std::io::Read;
use zhihui::{
    domain::{
        cycle::DEFAULT_FORM_INSTRUCTIONS,
        pii::{mask_account, mask_phone},
    },
    export::{
        application_form::NO_DISTRICT_NOTE,
        docx_text::{paragraphs, tables},
    },
};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A download: status, content type, content disposition, bytes.
struct Download {
    status: StatusCode,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

impl Download {
    fn text(&self) -> Vec<String> {
        paragraphs(&self.xml())
    }
    fn xml(&self) -> String {
        assert_eq!(self.status, StatusCode::OK);
        zhihui::export::docx_text::document_xml(&self.bytes).expect("a .docx")
    }
    fn json(&self) -> (StatusCode, serde_json::Value) {
        (
            self.status,
            serde_json::from_slice(&self.bytes).expect("JSON error body"),
        )
    }
}

impl TestApp {
    async fn download(&self, path: &str, token: &str) -> Download {
        let resp = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (status, content_type, disposition) = (
            resp.status(),
            header("content-type"),
            header("content-disposition"),
        );
        let bytes = resp.bytes().await.expect("body").to_vec();
        Download {
            status,
            content_type,
            disposition,
            bytes,
        }
    }
}

/// Each expected paragraph appears, in this order (others may lie between).
#[track_caller]
fn assert_in_order(text: &[String], expected: &[&str]) {
    let mut at = 0;
    for e in expected {
        match text[at..].iter().position(|t| t == e) {
            Some(i) => at += i + 1,
            None => panic!("`{e}` missing after paragraph {at}; the document: {text:#?}"),
        }
    }
}

fn count(text: &[String], s: &str) -> usize {
    text.iter().filter(|t| *t == s).count()
}

/// R-FORM, R-PREREG, R-REPORT: the 活动登记表 of an activity with two tasks, row by row, then
/// with the report once it is reported; the unit and the admin may download it.
#[tokio::test]
async fn the_activity_form_is_the_notices_table_filled_in() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let mut body = app.activity_body(team, Duration::hours(1));
    body["tasks"] = json!([
        {"content": "讲解防灾减灾知识", "target": "覆盖居民100人"},
        {"content": "发放科普资料", "target": "发放500份"}
    ]);
    let (s, v) = app.post("/api/v1/activities", &token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, t) = app.get(&format!("/api/v1/teams/{team}"), &token).await;
    let team_name = t["name"].as_str().unwrap().to_owned();
    let unit_name = app.unit_name(unit).await;
    let year = app.at(Duration::hours(1))[..4].to_owned();

    let d = app
        .download(&format!("/api/v1/activities/{id}/form.docx"), &token)
        .await;
    assert_eq!(d.content_type, DOCX);
    assert!(
        d.disposition.starts_with(&format!(
            "attachment; filename=\"activity-{id}-form.docx\"; filename*=UTF-8''"
        )),
        "{}",
        d.disposition
    );
    let text = d.text();
    assert_eq!(text[0], format!("{year}年沈阳市科技志愿服务活动登记表"));
    assert_in_order(
        &text,
        &[
            "服务队名称",
            &team_name,
            "隶属单位",
            &unit_name,
            "活动名称",
            "社区科普讲座",
            "计划开展时间",
        ],
    );
    assert_in_order(
        &text,
        &[
            "负责人",
            "李四",
            "手 机",
            "13912345678",
            "活动内容",
            "任务一：",
            "1. 具体内容：讲解防灾减灾知识",
            "2. 任务目标：覆盖居民100人",
            "任务二：",
            "1. 具体内容：发放科普资料",
            "2. 任务目标：发放500份",
        ],
    );
    assert!(
        !text.iter().any(|t| t.contains("活动开展情况")),
        "not reported yet"
    );

    app.advance(Duration::hours(2));
    app.report_activity(&token, id, 3, 150).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    for who in [&unit_user, &app.admin] {
        let text = app
            .download(&format!("/api/v1/activities/{id}/form.docx"), who)
            .await
            .text();
        assert_in_order(
            &text,
            &[
                "任务二：",
                "活动开展情况（活动后填报）",
                "实际开展时间",
                "开展场次",
                "3",
                "服务对象人数",
                "150",
                "参与志愿者人数",
                "6",
                "活动总结",
                "活动顺利完成",
            ],
        );
    }
}

/// R-AUTHZ: another team, an expert and finance get 404 for the 活动登记表; no token 401.
#[tokio::test]
async fn the_activity_form_is_not_found_outside_the_scope() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let id = app.register_activity(&token, team, Duration::hours(1)).await;
    let (_, other_team) = app.team_with_user(unit).await;
    let (_, expert) = app.user("expert", Some(unit), None).await;
    let (_, finance) = app.user("finance", None, None).await;
    let path = format!("/api/v1/activities/{id}/form.docx");
    for who in [&other_team, &expert, &finance] {
        assert_error(&app.download(&path, who).await.json(), 404, "not_found");
    }
    assert_error(
        &app.download("/api/v1/activities/999999/form.docx", &app.admin)
            .await
            .json(),
        404,
        "not_found",
    );
    let resp = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

/// R-FORM, R-PII: the 申报书 of a submitted application under a district, in the notice's
/// order, with the unit's and the district's comments; the team's copy carries the account in
/// full, the admin's and the unit's masked.
#[tokio::test]
async fn the_application_form_follows_the_notice_in_order() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let unit = app.create_unit("university", Some(district)).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, id) = app.submitted_application(cycle, unit).await;
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    let (_, district_user) = app.user("district", Some(district), None).await;
    for (who, comment) in [
        (&unit_user, "同意申报，情况属实。"),
        (&district_user, "同意推荐。"),
    ] {
        let (s, v) = app
            .post(
                &format!("/api/v1/applications/{id}/opinions"),
                who,
                json!({"decision": "approve", "comment": comment}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (_, a) = app.get(&format!("/api/v1/applications/{id}"), &token).await;
    let team_name = a["team_name"].as_str().unwrap().to_owned();
    let unit_name = a["unit_name"].as_str().unwrap().to_owned();
    let date = a["application_date"].as_str().unwrap().to_owned();
    let date_zh = {
        let p: Vec<u32> = date.split('-').map(|x| x.parse().unwrap()).collect();
        format!("{}年{}月{}日", p[0], p[1], p[2])
    };
    let (_, c) = app.get(&format!("/api/v1/cycles/{cycle}"), &app.admin).await;
    let opens = c["applications_open_at"].as_str().unwrap();
    let issued = format!("{}年{}月", &opens[..4], opens[5..7].parse::<u32>().unwrap());

    let d = app
        .download(&format!("/api/v1/applications/{id}/form.docx"), &token)
        .await;
    assert_eq!(d.content_type, DOCX);
    assert!(
        d.disposition
            .contains(&format!("filename=\"application-{id}-form.docx\""))
    );
    let text = d.text();
    let mut expected: Vec<&str> = vec![
        "2026年沈阳市",
        "科技志愿服务“智惠行动”项目申报书",
        "项目名称：",
        "社区科普进万家",
        "申报组织：",
        &team_name,
        "隶属单位：",
        &unit_name,
        "申报日期：",
        &date_zh,
        "沈阳市科学技术协会制",
        &issued,
        "填报说明",
    ];
    expected.extend(DEFAULT_FORM_INSTRUCTIONS.lines());
    expected.extend([
        "一、基本情况",
        "队伍名称",
        &team_name,
        "隶属单位",
        &unit_name,
        "成立时间",
        "2020年3月1日",
        "注册科技志愿者人数",
        "35",
        "项目负责人",
        "王五",
        "职称/职务",
        "副教授",
        "联系电话",
        "024-22729879",
        "手机",
        "13612345678",
        "二、项目概述",
        "志愿者30人，设施齐全，经费2万元；全年开展讲座12场，服务居民2000人。",
        "计入的活动（1项，活动期内已登记并填报）：",
        "社区科普讲座",
        "2",
        "120",
        "合计",
        "三、活动亮点",
        "立足社区，常态化开展。",
        "四、项目效益",
        "提升居民科学素质。",
        "五、隶属单位意见",
        "同意申报，情况属实。",
        "项目负责人（签字）：",
        "单位负责人（签字）：",
        "开户银行：中国工商银行沈阳分行",
        "账号：6222020200012345678",
        "户名：沈阳某大学",
        "单位公章",
        "年　　月　　日",
        "六、区、县（市）级科协推荐意见",
        "同意推荐。",
        "单位公章",
        "年　　月　　日",
        "七、市科协审核意见",
        "单位公章",
        "年　　月　　日",
    ]);
    assert_in_order(&text, &expected);
    assert_eq!(count(&text, "单位公章"), 3, "three seals");
    assert_eq!(count(&text, "年　　月　　日"), 3, "three dates for ink");
    assert_eq!(
        text.last().unwrap(),
        "年　　月　　日",
        "七 is the last section: the municipal opinion is not given yet"
    );

    // The admin's copy masks the account; the unit and the district that stamp it read it in
    // full (issue 18.6).
    let masked = format!("账号：{}", mask_account("6222020200012345678"));
    let text = app
        .download(&format!("/api/v1/applications/{id}/form.docx"), &app.admin)
        .await
        .text();
    assert!(text.contains(&masked), "{text:?}");
    assert!(!text.join("\n").contains("6222020200012345678"));
    assert_in_order(
        &text,
        &["开户银行：中国工商银行沈阳分行", &masked, "户名：沈阳某大学"],
    );
    for who in [&unit_user, &district_user] {
        let text = app
            .download(&format!("/api/v1/applications/{id}/form.docx"), who)
            .await
            .text();
        assert_in_order(
            &text,
            &[
                "开户银行：中国工商银行沈阳分行",
                "账号：6222020200012345678",
                "户名：沈阳某大学",
            ],
        );
    }
}

/// R-FORM, R-PII, R-AUTHZ: an assigned expert's copy has no bank data and no full phone
/// number; an unassigned expert, another team and finance get 404.
#[tokio::test]
async fn the_experts_copy_has_no_bank_data_and_others_see_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.seed_cycle(CycleSpec::default()).await;
    let team = app.seed_team(unit).await;
    let id = app.seed_application(cycle, &team, 2, 80).await;
    let other_unit = app.create_unit("society", None).await;
    let (expert_id, expert) = app.expert(other_unit).await;
    let (s, v) = app.assign(id, expert_id).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let path = format!("/api/v1/applications/{id}/form.docx");
    let d = app.download(&path, &expert).await;
    let text = d.text();
    let all = text.join("\n");
    for absent in [
        "开户银行",
        "账号",
        "户名",
        ACCOUNT_NO,
        "中国工商银行",
        TEAM_MOBILE,
        "024-23456789",
    ] {
        assert!(!all.contains(absent), "`{absent}` in the expert's copy");
    }
    assert_in_order(
        &text,
        &[
            "联系电话",
            &mask_phone("024-23456789"),
            "手机",
            &mask_phone(TEAM_MOBILE),
        ],
    );
    assert_in_order(
        &text,
        &[
            "五、隶属单位意见",
            "项目负责人（签字）：",
            "单位负责人（签字）：",
            "单位公章",
        ],
    );

    let (_, unassigned) = app.expert(other_unit).await;
    let (_, other_team) = app.team_with_user(unit).await;
    let (_, finance) = app.user("finance", None, None).await;
    for who in [&unassigned, &other_team, &finance] {
        assert_error(&app.download(&path, who).await.json(), 404, "not_found");
    }
}

/// R-FORM (SPEC "Opinions"): a unit without a district: 六 is left out and one line says why;
/// a draft has no 申报日期 yet.
#[tokio::test]
async fn without_a_district_the_recommendation_is_one_line() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, id) = app.draft_application(cycle, unit).await;
    let text = app
        .download(&format!("/api/v1/applications/{id}/form.docx"), &token)
        .await
        .text();
    assert!(!text.iter().any(|t| t == "六、区、县（市）级科协推荐意见"));
    assert_in_order(
        &text,
        &[
            "五、隶属单位意见",
            "单位公章",
            NO_DISTRICT_NOTE,
            "七、市科协审核意见",
            "单位公章",
        ],
    );
    assert_eq!(count(&text, "单位公章"), 2);
    let date = text.iter().position(|t| t == "申报日期：").unwrap();
    assert_eq!(text[date + 1], "沈阳市科学技术协会制", "a draft has no date");
}

/// R-NAME, R-FORM: a 20-character project name and 2,000-character texts fit: every row of the
/// fixed-width table still spans its four columns, the table is as wide as the page's text
/// area, and the texts are whole.
#[tokio::test]
async fn long_names_and_texts_do_not_break_the_table() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, id) = app.draft_application(cycle, unit).await;
    let name = "沈阳市社区防灾减灾科普进万家品牌建设工程";
    assert_eq!(name.chars().count(), 20);
    let (overview, highlights, benefits) = ("概".repeat(2000), "亮".repeat(2000), "益".repeat(2000));
    let (s, v) = app
        .patch(
            &format!("/api/v1/applications/{id}"),
            &token,
            json!({"project_name": name, "overview": overview, "highlights": highlights, "benefits": benefits}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = app
        .download(&format!("/api/v1/applications/{id}/form.docx"), &token)
        .await;
    let xml = d.xml();
    let shapes = tables(&xml);
    assert_eq!(shapes.len(), 2, "the cover's fields and the form's table");
    for t in &shapes {
        assert!(t.fixed_layout, "{t:?}");
        assert_eq!(t.width, Some(t.grid.iter().sum::<usize>()));
        assert!(t.row_spans.iter().all(|s| *s == t.grid.len()), "{t:?}");
    }
    assert_eq!(
        shapes[1].grid.iter().sum::<usize>(),
        zhihui::export::docx::TEXT_WIDTH
    );
    let text = d.text();
    for whole in [name.to_owned(), overview, highlights, benefits] {
        assert!(text.contains(&whole));
    }
    assert!(
        d.disposition.contains(&percent_encode(name)),
        "the name is in the file name"
    );
}

fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// R-FORM: the 填报说明 comes from the cycle: the notice's seven points by default, the admin's
/// text when given on create or PATCH.
#[tokio::test]
async fn the_instructions_come_from_the_cycle() {
    let app = TestApp::spawn().await;
    let (s, v) = app.post("/api/v1/cycles", &app.admin, app.cycle_body(2031)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["form_instructions"], DEFAULT_FORM_INSTRUCTIONS);
    let id = v["id"].as_i64().unwrap();
    let new = "1. 2031年的第一条说明。\n2. 第二条说明。";
    let (s, v) = app
        .patch(
            &format!("/api/v1/cycles/{id}"),
            &app.admin,
            json!({"form_instructions": new}),
        )
        .await;
    assert_eq!(
        (s, v["form_instructions"].as_str()),
        (StatusCode::OK, Some(new)),
        "{v}"
    );
    assert_error(
        &app.patch(
            &format!("/api/v1/cycles/{id}"),
            &app.admin,
            json!({"form_instructions": "  "}),
        )
        .await,
        422,
        "invalid_value",
    );
    let (s, _) = app
        .post(&format!("/api/v1/cycles/{id}/open"), &app.admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let unit = app.create_unit("university", None).await;
    let (_, token, app_id) = app.draft_application(id, unit).await;
    let text = app
        .download(&format!("/api/v1/applications/{app_id}/form.docx"), &token)
        .await
        .text();
    assert_in_order(
        &text,
        &[
            "填报说明",
            "1. 2031年的第一条说明。",
            "2. 第二条说明。",
            "一、基本情况",
        ],
    );
    assert!(!text.iter().any(|t| t.starts_with("7. 项目申报书填好后")));

    let mut body = app.cycle_body(2032);
    body["form_instructions"] = json!("1. 自定义说明。");
    let (s, v) = app.post("/api/v1/cycles", &app.admin, body).await;
    assert_eq!(
        (s, v["form_instructions"].as_str()),
        (StatusCode::CREATED, Some("1. 自定义说明。"))
    );
}

/// R-FORM, R-AUTHZ: the admin's zip holds one `{序号}_{服务队}_{项目名称}.docx` per accepted
/// application, each a readable 申报书; drafts stay out; other roles 403, unknown cycle 404.
#[tokio::test]
async fn the_cycle_zip_holds_every_accepted_application() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.seed_cycle(CycleSpec::default()).await;
    let mut accepted = Vec::new();
    for _ in 0..3 {
        let team = app.seed_team(unit).await;
        accepted.push(app.seed_application(cycle, &team, 2, 80).await);
    }
    let team = app.seed_team(unit).await;
    let draft = app.seed_application(cycle, &team, 1, 10).await;
    app.set_application_status(draft, "draft").await;

    let d = app
        .download(&format!("/api/v1/cycles/{cycle}/forms.zip"), &app.admin)
        .await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.content_type, "application/zip");
    assert!(
        d.disposition
            .contains(&format!("filename=\"cycle-{cycle}-forms.zip\""))
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(d.bytes)).expect("a zip");
    assert_eq!(zip.len(), 3);
    for (i, id) in accepted.iter().enumerate() {
        let (_, a) = app.get(&format!("/api/v1/applications/{id}"), &app.admin).await;
        let name = format!(
            "{}_{}_{}.docx",
            i + 1,
            a["team_name"].as_str().unwrap(),
            a["project_name"].as_str().unwrap()
        );
        let mut entry = zip.by_name(&name).unwrap_or_else(|_| panic!("{name} in the zip"));
        let mut docx = Vec::new();
        entry.read_to_end(&mut docx).unwrap();
        let text = paragraphs(&zhihui::export::docx_text::document_xml(&docx).unwrap());
        assert_in_order(
            &text,
            &[
                "项目名称：",
                a["project_name"].as_str().unwrap(),
                "一、基本情况",
                "七、市科协审核意见",
            ],
        );
        assert!(
            !text.join("\n").contains(ACCOUNT_NO),
            "R-PII: masked in the archive"
        );
    }

    assert_error(
        &app.download(&format!("/api/v1/cycles/{cycle}/forms.zip"), &team.token)
            .await
            .json(),
        403,
        "forbidden",
    );
    assert_error(
        &app.download("/api/v1/cycles/999999/forms.zip", &app.admin)
            .await
            .json(),
        404,
        "not_found",
    );
}
