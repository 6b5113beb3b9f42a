//! Issue 18.7: files as people have them — HEIC photos, QuickTime videos, old Word and WPS
//! documents, PowerPoint, by content; award lists from .xls and GBK CSV.

use crate::helpers::{TestApp, assert_error, evidence};
use reqwest::StatusCode;
use serde_json::json;

fn heic() -> Vec<u8> {
    let mut v = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    v.extend_from_slice(&[0x44; 64]);
    v
}

fn mov() -> Vec<u8> {
    let mut v = b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ".to_vec();
    v.extend_from_slice(&[0x55; 64]);
    v
}

/// An OLE compound file whose directory names `stream` (UTF-16LE, as directory entries do).
pub fn ole(stream: &str) -> Vec<u8> {
    let mut v = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    v.extend_from_slice(&[0u8; 504]);
    v.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
    v.extend_from_slice(&[0u8; 64]);
    v
}

/// Issue 18.7: evidence accepted by content — HEIC as a photo, .mov as a video, .doc and
/// .wps (OLE with a WordDocument stream) and .pptx as documents — and stored with the type's
/// extension; an .exe named .mov and an .xls named .doc are refused with 415.
#[tokio::test]
async fn issue_18_7_evidence_accepts_the_files_people_have() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, application) = app.draft_application(cycle, unit).await;
    for (kind, name, bytes, content_type, ext) in [
        ("photo", "IMG_0001.HEIC", heic(), "image/heic", ".heic"),
        ("video", "IMG_0002.MOV", mov(), "video/quicktime", ".mov"),
        (
            "summary",
            "活动总结.doc",
            ole("WordDocument"),
            "application/msword",
            ".doc",
        ),
        (
            "report",
            "活动报道.wps",
            ole("WordDocument"),
            "application/msword",
            ".wps",
        ),
        (
            "case",
            "典型案例.pptx",
            evidence::zip_with("ppt/presentation.xml"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".pptx",
        ),
    ] {
        let (s, v) = app.upload(&token, application, kind, name, bytes).await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {v}");
        assert_eq!(v["content_type"], content_type, "{v}");
        assert!(v["filename"].as_str().unwrap().ends_with(ext), "{v}");
    }
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".repeat(8);
    assert_error(
        &app.upload(&token, application, "video", "movie.mov", exe).await,
        415,
        "unsupported_file_type",
    );
    assert_error(
        &app.upload(&token, application, "summary", "表格.doc", ole("Workbook"))
            .await,
        415,
        "unsupported_file_type",
    );
    // A HEIC is a photo, never a video; a .mov never a photo.
    assert_error(
        &app.upload(&token, application, "video", "x.heic", heic()).await,
        415,
        "unsupported_file_type",
    );
    assert_error(
        &app.upload(&token, application, "photo", "x.mov", mov()).await,
        415,
        "unsupported_file_type",
    );
    let (_, v) = app
        .get(&format!("/api/v1/applications/{application}/attachments"), &token)
        .await;
    assert_eq!(v["total"], 5, "{v}");
}

async fn import(app: &TestApp, filename: &str, bytes: Vec<u8>) -> (StatusCode, serde_json::Value) {
    app.post_multipart(
        "/api/v1/award-history/import",
        &app.admin,
        &[],
        Some(("file", filename, bytes)),
    )
    .await
}

async fn team_named(app: &TestApp, unit: i64, name: &str) {
    let mut body = app.team_body(unit);
    body["name"] = json!(name);
    let (s, v) = app.post("/api/v1/teams", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// Issue 18.7: the award list saved by Excel on a Chinese Windows (GBK CSV) imports; a bad
/// GBK row is named by its line, in Chinese.
#[tokio::test]
async fn issue_18_7_a_gbk_csv_award_list_imports() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    team_named(&app, unit, "旧表服务队甲").await;
    let text = "年度,服务队名称,项目名称,奖项\r\n2024,旧表服务队甲,乡村科普行,一等奖\r\n";
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let (s, v) = import(&app, "名单.csv", gbk.into_owned()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["imported"], 1);
    let (_, v) = app.get("/api/v1/award-history?year=2024", &app.admin).await;
    assert_eq!(v["items"][0]["project_name"], "乡村科普行", "{v}");

    // UTF-8 with a BOM still reads; a bad GBK row is listed by its line.
    let bad = "年度,服务队名称,项目名称,奖项\r\n2023,旧表服务队甲,项目一,一等奖\r\n2023,不存在的队,项目二,特等奖\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(bad);
    let (s, v) = import(&app, "名单.csv", gbk.into_owned()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["rows"][0]["row"], 3, "{v}");
    assert!(v["rows"].to_string().contains("不存在的队"), "{v}");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice("年度,服务队名称,项目名称,奖项\n2022,旧表服务队甲,项目三,二等奖\n".as_bytes());
    let (s, v) = import(&app, "名单.csv", bom).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// Issue 18.7: an award list from older Excel (.xls, an OLE compound file; the fixture was
/// saved by LibreOffice as "Excel 97–2003") imports.
#[tokio::test]
async fn issue_18_7_an_xls_award_list_imports() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("society", None).await;
    team_named(&app, unit, "旧表服务队甲").await;
    team_named(&app, unit, "旧表服务队乙").await;
    let bytes = include_bytes!("../fixtures/award_history.xls").to_vec();
    let (s, v) = import(&app, "awards.xls", bytes).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["imported"], 2);
    let (_, v) = app.get("/api/v1/award-history?year=2024", &app.admin).await;
    let tiers: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["tier"].as_str().unwrap())
        .collect();
    assert!(tiers.contains(&"first") && tiers.contains(&"third"), "{v}");
}
