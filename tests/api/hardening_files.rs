//! Issue 20 point 5 (R-EVIDENCE): the download's name follows the sniffed type, a zip bomb is
//! not a .docx, and an application holds a bounded number and size of attachments.

use crate::helpers::{TestApp, assert_error, evidence};
use reqwest::StatusCode;

async fn team_with_draft(app: &TestApp) -> (String, i64) {
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let application = app.seed_draft_application(team).await;
    (token, application)
}

/// A PDF sent as `evil.html` downloads as `evil.pdf`; bidi tricks are stripped; RFC 6266.
#[tokio::test]
async fn the_download_name_takes_the_sniffed_types_extension() {
    let app = TestApp::spawn().await;
    let (token, application) = team_with_draft(&app).await;
    let (s, v) = app
        .upload(&token, application, "summary", "evil.html", evidence::pdf())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["filename"], "evil.pdf");
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{}/content", v["id"])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let cd = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(cd.starts_with("attachment; filename=\"evil.pdf\""), "{cd}");
    assert!(cd.ends_with("filename*=UTF-8''evil.pdf"), "{cd}");

    let (s, v) = app
        .upload(
            &token,
            application,
            "photo",
            "活动\u{202E}gpj.exe",
            evidence::png(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["filename"], "活动gpj.png");
}

/// A .docx that unpacks far beyond its size (a zip bomb) is 422 `suspicious_archive`, and
/// nothing is kept.
#[tokio::test]
async fn a_zip_bomb_is_not_a_docx() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let (token, application) = team_with_draft(&app).await;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", deflate).unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    zip.start_file("word/media/image1.png", deflate).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..16 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
    let r = app
        .upload(&token, application, "summary", "总结.docx", bomb)
        .await;
    assert_error(&r, 422, "suspicious_archive");
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
    // A sound .docx still passes.
    let (s, v) = app
        .upload(
            &token,
            application,
            "summary",
            "总结.docx",
            evidence::zip_with("word/document.xml"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// At most N attachments and M bytes per application (configurable): 422
/// `too_many_attachments`; deleting one makes room again.
#[tokio::test]
async fn an_application_holds_a_bounded_number_and_size_of_attachments() {
    let app = TestApp::spawn_tuned(Default::default(), None, |s| {
        s.attachments_per_application = 3;
        s.attachment_bytes_per_application = 10_000;
    })
    .await;
    let (token, application) = team_with_draft(&app).await;
    let mut ids = vec![];
    for i in 0..3 {
        let (s, v) = app
            .upload(&token, application, "photo", &format!("{i}.png"), evidence::png())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    let r = app
        .upload(&token, application, "photo", "4.png", evidence::jpeg())
        .await;
    assert_error(&r, 422, "too_many_attachments");
    let (s, _) = app
        .delete(&format!("/api/v1/attachments/{}", ids[0]), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Room for one more file, but not for one that passes the bytes limit.
    let mut big = evidence::pdf();
    big.extend(std::iter::repeat_n(b' ', 12_000));
    let r = app.upload(&token, application, "summary", "big.pdf", big).await;
    assert_error(&r, 422, "too_many_attachments");
    let (s, v) = app
        .upload(&token, application, "photo", "4.jpg", evidence::jpeg())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
