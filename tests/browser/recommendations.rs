//! Issue 13 in Chromium: the admin creates and opens a round; a district nominates a team and
//! a volunteer (a bad mobile refused with the Chinese message under the field), uploads the
//! photos and the stamped scan; the admin decides, and the summary sheet and the materials
//! zip are downloaded through the page session — screenshots at phone and desktop sizes.

use crate::{
    harness::Browser,
    helpers::{ADMIN, PASSWORD, TestApp, evidence},
};
use chrono::Duration;
use fantoccini::Locator;
use serde_json::json;

const MIB: usize = 1024 * 1024;

/// A real JPEG drawn by the browser (so the thumbnails show a picture), padded after its end
/// to `len` bytes (the 1–3 MB of 002; decoders ignore what follows the image).
async fn jpeg_of(b: &Browser, hue: u32, len: usize) -> Vec<u8> {
    let v = b
        .js(&format!(
            "const c = document.createElement('canvas'); c.width = 320; c.height = 240;\
             const g = c.getContext('2d');\
             const grad = g.createLinearGradient(0, 0, 320, 240);\
             grad.addColorStop(0, 'hsl({hue}, 70%, 45%)'); grad.addColorStop(1, 'hsl({hue}, 70%, 85%)');\
             g.fillStyle = grad; g.fillRect(0, 0, 320, 240);\
             g.fillStyle = '#fff'; g.font = '40px sans-serif'; g.fillText('科普', 110, 135);\
             const bin = atob(c.toDataURL('image/jpeg', 0.8).split(',')[1]);\
             let out = ''; for (let i = 0; i < bin.length; i++) {{\
               out += bin.charCodeAt(i).toString(16).padStart(2, '0'); }}\
             return out;"
        ))
        .await;
    let mut bytes = hex::decode(v.as_str().unwrap()).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    bytes.resize(len, 0);
    bytes
}

/// 50 reported activities of the team, seeded directly (the checklist counts them).
async fn seed_activities(app: &TestApp, team: i64) {
    use entity::activities;
    use sea_orm::{ActiveModelTrait, Set};
    let now = app.now();
    for i in 0..50 {
        let start = now - Duration::days(30 + i);
        activities::ActiveModel {
            team_id: Set(team as i32),
            name: Set(format!("科普讲座{i}")),
            category: Set(zhihui::domain::activity::Category::Lecture),
            planned_start: Set(start),
            planned_end: Set(start + Duration::hours(2)),
            location: Set("社区".into()),
            leader_name: Set("李四".into()),
            leader_mobile: Set("13912345678".into()),
            status: Set(zhihui::domain::activity::ActivityStatus::Reported),
            registered_at: Set(start - Duration::days(3)),
            updated_at: Set(start),
            cancelled_at: Set(None),
            actual_start: Set(Some(start)),
            actual_end: Set(Some(start + Duration::hours(2))),
            sessions: Set(Some(1)),
            people_served: Set(Some(50)),
            volunteers: Set(Some(5)),
            summary: Set(Some("完成".to_owned())),
            reported_at: Set(Some(start + Duration::hours(3))),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("seed activity");
    }
}

async fn type_into(b: &Browser, testid: &str, value: &str) {
    let el = b.testid(testid).await;
    el.clear().await.expect("clear");
    el.send_keys(value).await.expect("type");
}

/// Sets a date or month input the way a picker would.
async fn set_value(b: &Browser, testid: &str, value: &str) {
    let el = b.testid(testid).await;
    let arg = serde_json::to_value(&el).expect("element");
    b.client
        .execute(
            "arguments[0].value = arguments[1];\
             arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            vec![arg, json!(value)],
        )
        .await
        .expect("set value");
}

async fn tick(b: &Browser, form: &str, name: &str, value: &str) {
    let css = format!("[data-testid='nominate-{form}'] input[name='{name}'][value='{value}']");
    b.wait_find(Locator::Css(&css)).await.click().await.expect("tick");
}

async fn select(b: &Browser, testid: &str, option: &str) {
    b.testid(testid)
        .await
        .select_by_label(option)
        .await
        .expect("select");
}

/// Opens the nomination form of a category (a `<details>`).
async fn open_form(b: &Browser, category: &str) {
    let css = format!("[data-testid='nominate-{category}'] > summary");
    let open = b
        .js(&format!(
            "return document.querySelector(\"[data-testid='nominate-{category}']\").open"
        ))
        .await;
    if open != json!(true) {
        b.wait_find(Locator::Css(&css)).await.click().await.expect("open");
    }
}

/// The candidate ids on the round page, in page order.
async fn candidate_ids(b: &Browser) -> Vec<i64> {
    let v = b
        .js(
            "return [...document.querySelectorAll(\"article[data-testid^='candidate-']\")]\
             .map(e => Number(e.dataset.testid.slice(10)))",
        )
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

async fn upload(b: &Browser, testid: &str, button: &str, path: &std::path::Path) {
    b.testid(testid)
        .await
        .send_keys(&path.display().to_string())
        .await
        .expect("choose file");
    b.click(button).await;
}

/// As `Browser::shot`, with `[data-testid=id]` scrolled to the top of the view at each size
/// (a resize moves the page under a scroll made before it).
async fn shot_at(b: &Browser, name: &str, id: &str) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    for (w, h) in [(390, 844), (1366, 768)] {
        b.client.set_window_size(w, h).await.expect("resize");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        b.js(&format!(
            "document.querySelector(\"[data-testid='{id}']\").scrollIntoView({{block: 'start'}})"
        ))
        .await;
        let png = b.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("recommendations-{name}-{w}x{h}.png")), png).expect("write png");
    }
}

/// Fetches a download with the page's session and returns its bytes.
async fn fetch(b: &Browser, path: &str) -> (u16, Vec<u8>) {
    let v = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(async r => {\
               const buf = new Uint8Array(await r.arrayBuffer());\
               const hex = [...Array(256)].map((_, i) => i.toString(16).padStart(2, '0'));\
               const out = new Array(buf.length);\
               for (let i = 0; i < buf.length; i++) { out[i] = hex[buf[i]]; }\
               done([r.status, out.join('')]); });",
            vec![json!(path)],
        )
        .await
        .expect("fetch");
    let status = v[0].as_u64().unwrap() as u16;
    let bytes = hex::decode(v[1].as_str().unwrap()).unwrap();
    (status, bytes)
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_round_from_the_call_to_the_materials_through_the_pages() {
    let app = TestApp::spawn().await;
    let district = app.create_unit("district", None).await;
    let team = app.create_team(district).await;
    seed_activities(&app, team).await;
    let team_name = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await.1["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, v) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"username": "rec_district", "password": PASSWORD, "display_name": "区科协",
                   "role": "district", "unit_id": district}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{v}");

    let b = Browser::start(&app, "recommendations").await;
    // The admin enters the call and opens it.
    b.login(ADMIN.0, ADMIN.1).await;
    b.goto("/recommendations").await;
    b.fill("年度", "2024").await;
    b.fill("推荐工作名称", "2024年度科技志愿服务先进典型").await;
    b.fill("发文单位", "中国科协办公厅").await;
    b.set("报送截止日期", "2025-02-23").await;
    b.fill("科技志愿者", "5").await;
    b.fill("科技志愿服务组织", "5").await;
    b.fill("科技志愿服务点（社区或村）", "3").await;
    b.click("create-round").await;
    b.wait_text("开始征集").await;
    let round = b.path().await;
    b.shot("draft").await;
    b.click("open-round").await;
    b.wait_text("征集中").await;
    b.logout().await;

    // The district: only the categories the round takes are offered.
    b.login("rec_district", PASSWORD).await;
    b.goto(&round).await;
    b.wait_text("推荐候选对象").await;
    assert!(
        b.testids("nominate-project").await.is_empty(),
        "projects are not taken"
    );
    b.shot("collecting").await;
    // The service point's form: its activity categories are the categories list's.
    open_form(&b, "service_point").await;
    for c in zhihui::services::activities::categories() {
        tick(&b, "service_point", "service_point.activity_categories", c.name).await;
    }
    shot_at(&b, "service-point-form", "nominate-service_point").await;
    shot_at(
        &b,
        "service-point-categories",
        "service_point-service-point-activity-categories",
    )
    .await;
    open_form(&b, "team").await;
    shot_at(&b, "team-form", "nominate-team").await;
    select(&b, "team-team-id", &team_name).await;
    type_into(&b, "team-deeds", "常年开展社区科普讲座和青少年科学实践。").await;
    for c in ["good_standing", "regular60", "brand_projects2"] {
        tick(&b, "team", "confirmed", c).await;
    }
    b.click("submit-team").await;
    b.wait_text("科技志愿服务组织 · 提名").await;

    // A volunteer with a bad mobile: refused under the field, the form kept as typed.
    open_form(&b, "volunteer").await;
    type_into(&b, "volunteer-volunteer-name", "王五").await;
    select(&b, "volunteer-volunteer-gender", "男").await;
    set_value(&b, "volunteer-volunteer-birth-month", "1980-05").await;
    type_into(&b, "volunteer-volunteer-political-status", "中共党员").await;
    type_into(&b, "volunteer-volunteer-address", "沈阳市和平区南京北街1号").await;
    type_into(&b, "volunteer-volunteer-mobile", "1391234567").await;
    select(&b, "volunteer-team-id", &team_name).await;
    type_into(&b, "volunteer-volunteer-main-project", "社区科普讲座").await;
    set_value(&b, "volunteer-volunteer-serving-since", "2018-03-01").await;
    type_into(&b, "volunteer-volunteer-activity-count", "120").await;
    type_into(&b, "volunteer-deeds", "坚持科普十年，累计服务居民三千人次。").await;
    tick(&b, "volunteer", "confirmed", "platform").await;
    tick(&b, "volunteer", "confirmed", "character").await;
    b.click("submit-volunteer").await;
    let message = b.text_of("error-volunteer-volunteer-mobile").await;
    assert!(message.contains("手机号码应为11位数字"), "{message}");
    shot_at(&b, "volunteer-refused", "volunteer-volunteer-address").await;
    type_into(&b, "volunteer-volunteer-mobile", "13912345678").await;
    // Ticked boxes were kept as sent.
    b.click("submit-volunteer").await;
    b.wait_text("王五").await;
    let ids = candidate_ids(&b).await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        b.body_text().await.contains("139****5678"),
        "masked for the district"
    );

    // Photos (two each) and the stamped scan of the team's form.
    let dir = tempfile::tempdir().unwrap();
    for (n, hue, len) in [(1, 5, MIB + 100), (2, 200, MIB + 200)] {
        std::fs::write(dir.path().join(format!("p{n}.jpg")), jpeg_of(&b, hue, len).await).unwrap();
    }
    std::fs::write(dir.path().join("scan.pdf"), evidence::pdf()).unwrap();
    std::fs::write(dir.path().join("bad.pdf"), evidence::png()).unwrap();
    for id in &ids {
        for n in [1, 2] {
            upload(
                &b,
                &format!("photo-{id}"),
                &format!("upload-photo-{id}"),
                &dir.path().join(format!("p{n}.jpg")),
            )
            .await;
            b.wait_text(&format!("照片 {n} 张")).await;
        }
    }
    // The page lists the volunteer first (by category): its stamped scan.
    let first = ids[0];
    upload(
        &b,
        &format!("scan-{first}"),
        &format!("upload-scan-{first}"),
        &dir.path().join("bad.pdf"),
    )
    .await;
    let refused = b.text_of(&format!("error-scan-{first}")).await;
    assert!(refused.contains("文件内容不是该类材料允许的类型"), "{refused}");
    upload(
        &b,
        &format!("scan-{first}"),
        &format!("upload-scan-{first}"),
        &dir.path().join("scan.pdf"),
    )
    .await;
    b.testid(&format!("scan-link-{first}")).await;
    shot_at(&b, "materials", &format!("materials-{first}")).await;
    shot_at(&b, "candidate", &format!("candidate-{first}")).await;
    let (s, _) = fetch(&b, &format!("{round}/candidates/{first}/photos/1")).await;
    assert_eq!(s, 200, "the district sees its own photo");

    // The team's form figures (001) corrected on the page: a number out of range first.
    let team_c = ids[1];
    let edit = format!("edit-{team_c}");
    b.wait_find(Locator::Css(&format!("[data-testid='{edit}'] > summary")))
        .await
        .click()
        .await
        .expect("open the correction form");
    type_into(&b, &format!("{edit}-extras-total-hours"), "-5").await;
    b.click(&format!("save-{edit}")).await;
    let message = b.text_of(&format!("error-{edit}-extras-total-hours")).await;
    assert!(message.contains("之间"), "{message}");
    shot_at(&b, "edit-refused", &edit).await;
    type_into(&b, &format!("{edit}-extras-total-hours"), "3600").await;
    type_into(&b, &format!("{edit}-extras-party-members"), "12").await;
    b.click(&format!("save-{edit}")).await;
    b.wait_text("候选对象").await;
    let saved = b
        .js(&format!(
            "return document.querySelector(\"[data-testid='{edit}-extras-total-hours']\").value"
        ))
        .await;
    assert_eq!(saved, json!("3600"), "saved and shown again");
    b.logout().await;

    // The admin ranks, recommends, decides and downloads.
    b.login(ADMIN.0, ADMIN.1).await;
    b.goto(&round).await;
    assert!(b.body_text().await.contains("13912345678"), "whole for the admin");
    for (rank, id) in ids.iter().enumerate() {
        type_into(&b, &format!("rank-{id}"), &(rank + 1).to_string()).await;
        b.click(&format!("recommend-{id}")).await;
        b.click(&format!("decide-{id}")).await;
        b.testid(&format!("recommended-{id}")).await;
    }
    b.shot("recommended").await;
    b.click("decide-round").await;
    b.wait_text("已确定推荐名单").await;
    b.shot("decided").await;
    let (s, sheet) = fetch(&b, &format!("{round}/summary.xlsx")).await;
    assert_eq!(s, 200);
    assert!(sheet.starts_with(b"PK"), "an xlsx");
    let (s, zip) = fetch(&b, &format!("{round}/materials.zip")).await;
    assert_eq!(s, 200);
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    // The candidates in the zip as the summary lists them: the volunteer's category first.
    for want in [
        "推荐汇总表.xlsx".to_owned(),
        "1_王五/科技志愿者-王五推荐表.docx".to_owned(),
        "1_王五/王五1.jpg".to_owned(),
        "1_王五/王五2.jpg".to_owned(),
        "1_王五/王五推荐表.pdf".to_owned(),
        format!("2_{team_name}/科技志愿服务组织-{team_name}推荐表.docx"),
        format!("2_{team_name}/{team_name}1.jpg"),
        format!("2_{team_name}/{team_name}2.jpg"),
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    b.goto(&round).await;
    b.wait_text("已导出材料").await;
    b.shot("exported").await;
    b.close().await;
}
