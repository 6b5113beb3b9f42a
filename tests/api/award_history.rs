//! Award history for years before the system (R-EXCLUDE's source).

use crate::helpers::{TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn team_named(app: &TestApp, unit: i64) -> (i64, String) {
    let body = app.team_body(unit);
    let name = body["name"].as_str().unwrap().to_owned();
    let (s, v) = app.post("/api/v1/teams", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (v["id"].as_i64().unwrap(), name)
}

async fn import(app: &TestApp, token: &str, filename: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.post_multipart(
        "/api/v1/award-history/import",
        token,
        &[],
        Some(("file", filename, bytes)),
    )
    .await
}

/// R-EXCLUDE: the admin records last year's winners one at a time; a team has one record a year.
#[tokio::test]
async fn an_admin_records_a_past_award_once_per_team_and_year() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, name) = team_named(&app, unit).await;
    let body = json!({"year": 2023, "team_id": team, "project_name": "科技助农行", "tier": "second"});
    let (s, v) = app.post("/api/v1/award-history", &app.admin, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["team_name"], name);
    assert_eq!(v["tier"], "second");
    assert_eq!(v["source"], "manual");

    let dup = app.post("/api/v1/award-history", &app.admin, body).await;
    assert_error(&dup, 409, "duplicate_award_history");

    let bad_year = json!({"year": 1999, "team_id": team, "project_name": "x", "tier": "first"});
    let r = app.post("/api/v1/award-history", &app.admin, bad_year).await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "year");
    let no_team = json!({"year": 2022, "team_id": 999_999, "project_name": "x", "tier": "first"});
    let r = app.post("/api/v1/award-history", &app.admin, no_team).await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "team_id");
    let long = json!({"year": 2022, "team_id": team, "project_name": "科".repeat(21), "tier": "first"});
    let r = app.post("/api/v1/award-history", &app.admin, long).await;
    assert_error(&r, 422, "project_name_too_long");
    let bad_tier = json!({"year": 2022, "team_id": team, "project_name": "x", "tier": "gold"});
    assert_error(
        &app.post("/api/v1/award-history", &app.admin, bad_tier).await,
        400,
        "invalid_body",
    );

    let (s, v) = app.get("/api/v1/award-history?year=2023", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["project_name"], "科技助农行");
    assert_eq!(
        app.get("/api/v1/award-history?year=2022", &app.admin).await.1["total"],
        0
    );
}

/// R-EXCLUDE: the association's list as an xlsx, teams matched by name.
#[tokio::test]
async fn the_award_list_is_imported_from_an_xlsx() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (a, name_a) = team_named(&app, unit).await;
    let (_, name_b) = team_named(&app, unit).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "2023年度\"智惠行动\"获奖项目名单").unwrap();
    for (c, h) in ["序号", "年度", "服务队名称", "项目名称", "奖项"]
        .into_iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, h).unwrap();
    }
    let rows = [(&name_a, "科普大篷车", "一等奖"), (&name_b, "银龄课堂", "三等奖")];
    for (i, (team, project, prize)) in rows.into_iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_number(r, 1, 2023.0).unwrap();
        ws.write_string(r, 2, format!(" {team} ")).unwrap();
        ws.write_string(r, 3, project).unwrap();
        ws.write_string(r, 4, prize).unwrap();
    }
    let (s, v) = import(
        &app,
        &app.admin,
        "2023获奖名单.xlsx",
        book.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["imported"], 2);

    let (_, v) = app.get("/api/v1/award-history?year=2023", &app.admin).await;
    assert_eq!(v["total"], 2);
    let first = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["team_id"] == a)
        .unwrap();
    assert_eq!(first["tier"], "first");
    assert_eq!(first["project_name"], "科普大篷车");
    assert_eq!(first["source"], "import");
}

/// R-EXCLUDE: a UTF-8 CSV (with the BOM Excel writes) and Chinese headers.
#[tokio::test]
async fn the_award_list_is_imported_from_a_csv_with_chinese_headers() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (_, name_a) = team_named(&app, unit).await;
    let (_, name_b) = team_named(&app, unit).await;
    let csv = format!(
        "\u{feff}年份,队伍名称,项目名称,获奖等级\r\n2022,{name_a},社区科普,二等奖\r\n2023,{name_a},科普进校园,三等奖\r\n2023,{name_b},\"科技助农, 振兴乡村\",一等奖\r\n"
    );
    let (s, v) = import(&app, &app.admin, "名单.csv", csv.into_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["imported"], 3);
    assert_eq!(app.get("/api/v1/award-history", &app.admin).await.1["total"], 3);
}

/// R-EXCLUDE: any bad row refuses the whole list, and every bad row is named.
#[tokio::test]
async fn a_list_with_bad_rows_imports_nothing_and_names_every_bad_row() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (a, name_a) = team_named(&app, unit).await;
    let (_, name_b) = team_named(&app, unit).await;
    let (s, _) = app
        .post(
            "/api/v1/award-history",
            &app.admin,
            json!({"year": 2021, "team_id": a, "project_name": "旧项目", "tier": "third"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let csv = format!(
        "year,team,project,prize\n\
         2023,{name_a},科普大篷车,first\n\
         2023,不存在的服务队,无名项目,second\n\
         2023,{name_b},银龄课堂,特等奖\n\
         2021,{name_a},旧项目,third\n"
    );
    let (s, v) = import(&app, &app.admin, "list.csv", csv.into_bytes()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "import_rejected");
    assert_eq!(v["field"], "file");
    assert!(v["message"].as_str().unwrap().contains(" / "));
    let rows = v["rows"].as_array().unwrap();
    let numbers: Vec<i64> = rows.iter().map(|r| r["row"].as_i64().unwrap()).collect();
    assert_eq!(numbers, vec![3, 4, 5], "{v}");
    assert!(rows[0]["reason"].as_str().unwrap().contains("不存在的服务队"));
    assert!(rows[1]["reason"].as_str().unwrap().contains("特等奖"));
    assert!(rows[2]["reason"].as_str().unwrap().contains("already recorded"));
    // Nothing imported: only the manual record is there.
    assert_eq!(app.get("/api/v1/award-history", &app.admin).await.1["total"], 1);

    // Not a sheet at all.
    let (s, v) = import(&app, &app.admin, "list.csv", vec![0xC4, 0xEA, 0xB6, 0xC8]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "import_rejected");
}

/// R-AUTHZ: only the admin keeps the award history.
#[tokio::test]
async fn only_the_admin_keeps_the_award_history() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let body = json!({"year": 2023, "team_id": team, "project_name": "自封一等奖", "tier": "first"});
    assert_error(
        &app.post("/api/v1/award-history", &token, body).await,
        403,
        "forbidden",
    );
    let (_, unit_token) = app.user("unit", Some(unit), None).await;
    assert_error(
        &app.get("/api/v1/award-history", &unit_token).await,
        403,
        "forbidden",
    );
    let r = import(&app, &token, "list.csv", b"year,team,project,prize\n".to_vec()).await;
    assert_error(&r, 403, "forbidden");
    let r = app
        .post_multipart("/api/v1/award-history/import", &app.admin, &[], None)
        .await;
    assert_error(&r, 400, "invalid_multipart");
}
