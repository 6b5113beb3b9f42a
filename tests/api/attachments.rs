//! Evidence attachments (R-EVIDENCE, R-AUTHZ).

use crate::helpers::{TestApp, assert_error, evidence};
use reqwest::StatusCode;
use zhihui::config::UploadLimits;

/// A team with a draft application: (team id, team token, application id, unit id).
async fn team_with_draft(app: &TestApp) -> (i64, String, i64, i64) {
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let application = app.seed_draft_application(team).await;
    (team, token, application, unit)
}

async fn download(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/attachments/{id}/content")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// R-EVIDENCE: a PDF and a JPEG are accepted, stored under their sha256 and downloaded
/// byte for byte, with their content type and the Chinese file name.
#[tokio::test]
async fn a_pdf_and_a_jpeg_are_stored_and_downloaded_intact() {
    let app = TestApp::spawn().await;
    let (_, token, application, _) = team_with_draft(&app).await;

    let pdf = evidence::pdf();
    let (s, v) = app
        .upload(
            &token,
            application,
            "summary",
            "活动总结（2024）.pdf",
            pdf.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["kind"], "summary");
    assert_eq!(v["filename"], "活动总结（2024）.pdf");
    assert_eq!(v["size"], pdf.len());
    assert_eq!(v["sha256"], evidence::sha256(&pdf));
    assert_eq!(v["content_type"], "application/pdf");
    assert!(v["created_at"].as_str().unwrap().ends_with("+08:00"));
    let pdf_id = v["id"].as_i64().unwrap();
    let sha = evidence::sha256(&pdf);
    let stored = app.storage_dir.join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(&stored).unwrap(), pdf);

    let jpeg = evidence::jpeg();
    let (s, v) = app
        .upload(
            &token,
            application,
            "photo",
            r"C:\fakepath\活动 照片.jpg",
            jpeg.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["filename"], "活动 照片.jpg");
    assert_eq!(v["content_type"], "image/jpeg");
    let jpeg_id = v["id"].as_i64().unwrap();

    let resp = download(&app, &token, pdf_id).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-type"), "application/pdf");
    let disposition = header(&resp, "content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
    let name = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap();
    assert_eq!(name, "活动总结（2024）.pdf");
    assert_eq!(resp.content_length(), Some(pdf.len() as u64));
    let body = resp.bytes().await.unwrap();
    assert_eq!(evidence::sha256(&body), sha);

    let resp = download(&app, &token, jpeg_id).await;
    assert_eq!(header(&resp, "content-type"), "image/jpeg");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), jpeg);

    let (s, v) = app
        .get(&format!("/api/v1/applications/{application}/attachments"), &token)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 2);
    assert_eq!(v["items"][1]["kind"], "photo");
}

/// R-EVIDENCE: the content decides, not the name.
#[tokio::test]
async fn a_file_named_png_that_is_not_an_image_is_refused() {
    let app = TestApp::spawn().await;
    let (_, token, application, _) = team_with_draft(&app).await;
    let r = app
        .upload(
            &token,
            application,
            "photo",
            "活动图片.png",
            b"<html>not an image</html>".to_vec(),
        )
        .await;
    assert_error(&r, 415, "unsupported_file_type");
    assert_eq!(r.1["field"], "file");
    // A real PDF is not a photo either.
    let r = app
        .upload(&token, application, "photo", "scan.jpg", evidence::pdf())
        .await;
    assert_error(&r, 415, "unsupported_file_type");
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
}

/// R-EVIDENCE: over the kind's limit is refused while streaming, and nothing is stored.
#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_nothing_is_stored() {
    let limits = UploadLimits {
        photo: 64 * 1024,
        document: 32 * 1024,
        video: 128 * 1024,
    };
    let app = TestApp::spawn_with(limits, None).await;
    let (_, token, application, _) = team_with_draft(&app).await;
    let mut big = evidence::png();
    big.resize(600 * 1024, 0x44);
    let r = app.upload(&token, application, "photo", "big.png", big).await;
    assert_error(&r, 413, "file_too_large");
    assert_eq!(r.1["field"], "file");
    // Documents have their own, smaller limit.
    let mut pdf = evidence::pdf();
    pdf.resize(40 * 1024, b' ');
    let r = app
        .upload(&token, application, "report", "report.pdf", pdf.clone())
        .await;
    assert_error(&r, 413, "file_too_large");
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
    // The same 40 KiB are fine as a photo-sized png.
    let mut png = evidence::png();
    png.resize(40 * 1024, 0);
    let (s, _) = app.upload(&token, application, "photo", "ok.png", png).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = app
        .get(&format!("/api/v1/applications/{application}/attachments"), &token)
        .await;
    assert_eq!(v["total"], 1);
    assert!(!app.storage_dir.join("tmp").read_dir().unwrap().any(|_| true));
}

/// R-EVIDENCE: docx for documents, mp4 for video only.
#[tokio::test]
async fn docx_and_mp4_are_accepted_where_allowed() {
    let app = TestApp::spawn().await;
    let (_, token, application, _) = team_with_draft(&app).await;
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
    assert_eq!(
        v["content_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let r = app
        .upload(
            &token,
            application,
            "case",
            "案例.docx",
            evidence::zip_with("xl/workbook.xml"),
        )
        .await;
    // Issue 20.5: a zip without word/document.xml is not a sound .docx.
    assert_error(&r, 422, "suspicious_archive");
    let (s, v) = app
        .upload(&token, application, "video", "活动视频.mp4", evidence::mp4())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["content_type"], "video/mp4");
    let r = app
        .upload(&token, application, "photo", "still.mp4", evidence::mp4())
        .await;
    assert_error(&r, 415, "unsupported_file_type");
    let r = app
        .upload(&token, application, "video", "clip.png", evidence::png())
        .await;
    assert_error(&r, 415, "unsupported_file_type");
}

/// R-AUTHZ: another team's files answer 404, whatever the call.
#[tokio::test]
async fn a_second_team_cannot_see_or_touch_the_first_teams_files() {
    let app = TestApp::spawn().await;
    let (_, token, application, _) = team_with_draft(&app).await;
    let (_, other, _, _) = team_with_draft(&app).await;
    let (_, v) = app
        .upload(&token, application, "photo", "a.png", evidence::png())
        .await;
    let id = v["id"].as_i64().unwrap();

    let list = format!("/api/v1/applications/{application}/attachments");
    assert_error(&app.get(&list, &other).await, 404, "not_found");
    let resp = download(&app, &other, id).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert_error(
        &app.delete(&format!("/api/v1/attachments/{id}"), &other).await,
        404,
        "not_found",
    );
    let r = app
        .upload(&other, application, "photo", "b.png", evidence::png())
        .await;
    assert_error(&r, 404, "not_found");
    // The file is still there for its owner.
    assert_eq!(download(&app, &token, id).await.status(), StatusCode::OK);
    assert_eq!(app.get(&list, &token).await.1["total"], 1);
}

/// R-AUTHZ: the team's unit reads its evidence, but only the team uploads or deletes.
#[tokio::test]
async fn a_unit_user_can_download_but_not_upload() {
    let app = TestApp::spawn().await;
    let (_, token, application, unit) = team_with_draft(&app).await;
    let (_, unit_token) = app.user("unit", Some(unit), None).await;
    let (_, v) = app
        .upload(&token, application, "photo", "a.png", evidence::png())
        .await;
    let id = v["id"].as_i64().unwrap();

    let (s, v) = app
        .get(
            &format!("/api/v1/applications/{application}/attachments"),
            &unit_token,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1);
    let resp = download(&app, &unit_token, id).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), evidence::png());
    let r = app
        .upload(&unit_token, application, "photo", "b.png", evidence::png())
        .await;
    assert_error(&r, 403, "forbidden");
    assert_error(
        &app.delete(&format!("/api/v1/attachments/{id}"), &unit_token)
            .await,
        403,
        "forbidden",
    );
    // The admin may look, too.
    assert_eq!(download(&app, &app.admin, id).await.status(), StatusCode::OK);
}

/// R-EVIDENCE: deletion while editable; the file goes with its last reference.
#[tokio::test]
async fn evidence_is_deleted_only_while_the_application_is_editable() {
    let app = TestApp::spawn().await;
    let (_, token, application, _) = team_with_draft(&app).await;
    let png = evidence::png();
    let sha = evidence::sha256(&png);
    let stored = app.storage_dir.join(&sha[..2]).join(&sha);
    let (_, a) = app
        .upload(&token, application, "photo", "a.png", png.clone())
        .await;
    let (_, b) = app
        .upload(&token, application, "summary", "b.png", png.clone())
        .await;
    let (_, c) = app
        .upload(&token, application, "summary", "c.pdf", evidence::pdf())
        .await;
    assert_eq!(a["sha256"], b["sha256"]);
    assert_eq!(app.stored_files().len(), 2, "same content, one file");

    let (s, _) = app
        .delete(&format!("/api/v1/attachments/{}", a["id"]), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(stored.exists(), "still referenced by the second attachment");
    assert_eq!(
        download(&app, &token, b["id"].as_i64().unwrap()).await.status(),
        StatusCode::OK
    );
    let (s, _) = app
        .delete(&format!("/api/v1/attachments/{}", b["id"]), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(!stored.exists(), "the last reference is gone");
    assert_error(
        &app.delete(&format!("/api/v1/attachments/{}", b["id"]), &token)
            .await,
        404,
        "not_found",
    );

    app.set_application_status(application, "submitted").await;
    assert_error(
        &app.delete(&format!("/api/v1/attachments/{}", c["id"]), &token)
            .await,
        409,
        "application_not_editable",
    );
    let r = app
        .upload(&token, application, "photo", "late.png", png.clone())
        .await;
    assert_error(&r, 409, "application_not_editable");
    // Returned for revision: editable again.
    app.set_application_status(application, "returned").await;
    let (s, _) = app
        .delete(&format!("/api/v1/attachments/{}", c["id"]), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // Every change is in the audit log.
    let (_, log) = app
        .get("/api/v1/audit?entity=attachment&per_page=50", &app.admin)
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions.iter().filter(|a| **a == "upload").count(), 3, "{log}");
    assert_eq!(actions.iter().filter(|a| **a == "delete").count(), 3, "{log}");
}

/// R-ERR: a malformed form is a JSON 400; `kind` must come before `file` (issue 20.5: 422
/// `kind_must_come_first`, the file not read, nothing stored).
#[tokio::test]
async fn the_upload_form_is_checked() {
    let app = TestApp::spawn().await;
    let (_, token, application, _) = team_with_draft(&app).await;
    let path = format!("/api/v1/applications/{application}/attachments");
    let r = app
        .post_multipart(&path, &token, &[], Some(("file", "a.png", evidence::png())))
        .await;
    assert_error(&r, 422, "kind_must_come_first");
    assert_eq!(r.1["field"], "kind");
    let r = app
        .post_multipart(&path, &token, &[("kind", "photo")], None)
        .await;
    assert_error(&r, 400, "invalid_multipart");
    assert_eq!(r.1["field"], "file");
    let r = app
        .upload(&token, application, "poster", "a.png", evidence::png())
        .await;
    assert_error(&r, 400, "invalid_multipart");
    assert_eq!(r.1["field"], "kind");
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());

    // File first, kind after: refused before the file is read, whatever it holds.
    let file_first = |kind: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("x.png"))
            .text("kind", kind);
        app.client
            .post(app.url(&path))
            .bearer_auth(&token)
            .multipart(form)
            .send()
    };
    for (kind, bytes) in [("photo", evidence::png()), ("photo", evidence::pdf())] {
        let resp = file_first(kind, bytes).await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(v["code"], "kind_must_come_first");
    }
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());

    let resp = app
        .client
        .post(app.url(&path))
        .bearer_auth(&token)
        .json(&serde_json::json!({"kind": "photo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
