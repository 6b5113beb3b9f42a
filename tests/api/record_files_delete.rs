//! Issue 18.4: an activity's files can be deleted by whoever keeps them — until a submitted
//! application counts the activity — audited, the stored content removed only once nothing
//! refers to it; and (18.7) a .wps keeps its name.

use crate::helpers::{TestApp, assert_error, evidence};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn upload(app: &TestApp, token: &str, activity: i64, kind: &str, name: &str, bytes: Vec<u8>) -> Value {
    let (s, v) = app
        .post_multipart(
            &format!("/api/v1/activities/{activity}/attachments"),
            token,
            &[("kind", kind)],
            Some(("file", name, bytes)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

fn stored(app: &TestApp, bytes: &[u8]) -> bool {
    let sha = evidence::sha256(bytes);
    app.stored_files()
        .iter()
        .any(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == sha))
}

/// Issue 18.4: the owning team deletes a photo (204, audited, gone from the list and from
/// disk); another team gets 404, its unit 403, and a second delete 404.
#[tokio::test]
async fn issue_18_4_the_owner_deletes_an_activity_file() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let act = app.reported_activity(&token, team, 2, 80).await;
    let photo = evidence::png();
    let file = upload(&app, &token, act, "photo", "现场.png", photo.clone()).await["id"]
        .as_i64()
        .unwrap();
    assert!(stored(&app, &photo));
    let path = format!("/api/v1/activity-attachments/{file}");

    let (_, other) = app.team_with_user(unit).await;
    assert_error(&app.delete(&path, &other).await, 404, "not_found");
    let (_, unit_user) = app.user("unit", Some(unit), None).await;
    assert_error(&app.delete(&path, &unit_user).await, 403, "forbidden");
    assert_error(&app.delete(&path, &app.admin).await, 403, "forbidden");

    let (s, _) = app.delete(&path, &token).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = app
        .get(&format!("/api/v1/activities/{act}/attachments"), &token)
        .await;
    assert_eq!(v["total"], 0, "{v}");
    assert!(!stored(&app, &photo), "the content went with its only reference");
    assert_error(&app.delete(&path, &token).await, 404, "not_found");
    let (_, v) = app
        .get(
            &format!("/api/v1/audit?entity=activity_attachment&entity_id={file}"),
            &app.admin,
        )
        .await;
    let actions: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"delete") && actions.contains(&"upload"), "{v}");
}

/// Issue 18.4: the same content kept elsewhere (another activity's file, an application's
/// evidence) stays on disk when one of its references is deleted.
#[tokio::test]
async fn issue_18_4_a_deleted_file_keeps_content_referenced_elsewhere() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (team, token, application) = app.draft_application(cycle, unit).await;
    let first = app.reported_activity(&token, team, 1, 10).await;
    let second = app.reported_activity(&token, team, 1, 10).await;
    let jpeg = evidence::jpeg();
    let a = upload(&app, &token, first, "photo", "a.jpg", jpeg.clone()).await["id"]
        .as_i64()
        .unwrap();
    let b = upload(&app, &token, second, "photo", "b.jpg", jpeg.clone()).await["id"]
        .as_i64()
        .unwrap();
    let (s, v) = app
        .upload(&token, application, "photo", "c.jpg", jpeg.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let evidence_id = v["id"].as_i64().unwrap();

    let (s, _) = app
        .delete(&format!("/api/v1/activity-attachments/{a}"), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(stored(&app, &jpeg), "still the second activity's photo");
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/activity-attachments/{b}/content")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), jpeg);

    let (s, _) = app
        .delete(&format!("/api/v1/activity-attachments/{b}"), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(stored(&app, &jpeg), "still the application's evidence");
    let (s, _) = app
        .delete(&format!("/api/v1/attachments/{evidence_id}"), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(!stored(&app, &jpeg), "no reference left");
}

/// Issue 18.4: a draft (or returned) application listing the activity does not hold its
/// files; once the application is submitted its reviewers rely on them: 409
/// `activity_files_relied_on`, for the team and for the admin on a 补录 alike.
#[tokio::test]
async fn issue_18_4_files_of_an_activity_a_submitted_application_counts_stay() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let cycle = app.open_cycle(2026).await;
    let act = app.reported_activity(&token, team, 2, 80).await;
    let (_, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[act]),
        )
        .await;
    let application = v["id"].as_i64().unwrap();
    let photo = upload(&app, &token, act, "photo", "1.jpg", evidence::jpeg()).await["id"]
        .as_i64()
        .unwrap();
    let report = upload(&app, &token, act, "report", "报道.pdf", evidence::pdf()).await["id"]
        .as_i64()
        .unwrap();
    let (s, _) = app
        .delete(&format!("/api/v1/activity-attachments/{photo}"), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "a draft does not hold them");

    app.seed_attachment(application, "summary").await;
    app.seed_attachment(application, "photo").await;
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/submit"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let refused = app
        .delete(&format!("/api/v1/activity-attachments/{report}"), &token)
        .await;
    assert_error(&refused, 409, "activity_files_relied_on");
    assert!(
        refused.1["message"].as_str().unwrap().contains("不能再删除"),
        "{}",
        refused.1
    );
    let (_, v) = app
        .get(&format!("/api/v1/activities/{act}/attachments"), &token)
        .await;
    assert_eq!(v["total"], 1);

    // Returned for revision, the team may change them again.
    app.set_application_status(application, "returned").await;
    let (s, _) = app
        .delete(&format!("/api/v1/activity-attachments/{report}"), &token)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

/// Issue 18.4: the admin deletes a 补录's scan (the 补录 stops counting until another scan
/// comes), not once a submitted application counts it.
#[tokio::test]
async fn issue_18_4_the_admin_deletes_a_backfill_scan_under_the_same_rule() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let (team, token) = app.team_with_user(unit).await;
    let (s, v) = app
        .post(
            "/api/v1/activities/backfill",
            &app.admin,
            json!({
                "team_id": team,
                "name": "科普讲座",
                "category": "lecture",
                "planned_start": app.at(chrono::Duration::days(-30)),
                "planned_end": app.at(chrono::Duration::days(-30) + chrono::Duration::hours(2)),
                "location": "社区",
                "leader_name": "李四",
                "leader_mobile": "13912345678",
                "tasks": [{"content": "讲座", "target": "100人"}],
                "actual_start": app.at(chrono::Duration::days(-30)),
                "actual_end": app.at(chrono::Duration::days(-30) + chrono::Duration::hours(1)),
                "sessions": 1, "people_served": 50, "volunteers": 3,
                "summary": "完成",
                "registered_on": zhihui::domain::cst_date(app.now() - chrono::Duration::days(40)).to_string(),
                "reason": "系统上线前已邮件登记"
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let act = v["id"].as_i64().unwrap();
    let scan = upload(&app, &app.admin, act, "scan", "scan.pdf", evidence::pdf()).await["id"]
        .as_i64()
        .unwrap();
    let (_, v) = app.get(&format!("/api/v1/activities/{act}"), &token).await;
    assert_eq!(v["backfill"]["scan_attached"], true);
    let (s, _) = app
        .delete(&format!("/api/v1/activity-attachments/{scan}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = app.get(&format!("/api/v1/activities/{act}"), &token).await;
    assert_eq!(v["backfill"]["scan_attached"], false, "uncounted again: {v}");

    let scan = upload(&app, &app.admin, act, "scan", "scan2.pdf", evidence::pdf()).await["id"]
        .as_i64()
        .unwrap();
    let cycle = app.open_cycle(2026).await;
    let (_, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[act]),
        )
        .await;
    let application = v["id"].as_i64().unwrap();
    app.seed_attachment(application, "summary").await;
    app.seed_attachment(application, "photo").await;
    let (s, v) = app
        .post(
            &format!("/api/v1/applications/{application}/submit"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_error(
        &app.delete(&format!("/api/v1/activity-attachments/{scan}"), &app.admin)
            .await,
        409,
        "activity_files_relied_on",
    );
}

/// Issue 18.4 in pages: the activity page offers 删除 (with a confirmation) while the files
/// may change; the POST removes the file; once a submitted application counts the activity
/// the buttons go and the page says why.
#[tokio::test]
async fn issue_18_4_the_activity_page_deletes_a_file() {
    use crate::web_pages::{logged_in, user};
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let team = app.create_team(unit).await;
    user(&app, "team_delete", "team", None, Some(team)).await;
    let mut w = logged_in(&app, "team_delete").await;
    let token = app.login("team_delete", crate::helpers::PASSWORD).await;
    let act = app.reported_activity(&token, team, 2, 90).await;
    let file = upload(&app, &token, act, "photo", "现场.jpg", evidence::jpeg()).await["id"]
        .as_i64()
        .unwrap();
    let keep = upload(&app, &token, act, "report", "报道.pdf", evidence::pdf()).await["id"]
        .as_i64()
        .unwrap();
    let p = w.get(&format!("/activities/{act}")).await;
    assert!(
        p.body.contains(&format!("data-testid=\"delete-file-{file}\"")),
        "{}",
        p.body
    );
    assert!(p.body.contains("hx-confirm="), "{}", p.body);
    let p = w.post(&format!("/activity-files/{file}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = w.get(&format!("/activities/{act}")).await;
    assert!(
        !p.body.contains("现场.jpg") && p.body.contains("报道.pdf"),
        "{}",
        p.body
    );

    let cycle = app.open_cycle(2026).await;
    let (_, v) = app
        .post(
            &format!("/api/v1/cycles/{cycle}/applications"),
            &token,
            app.application_body(team, &[act]),
        )
        .await;
    let application = v["id"].as_i64().unwrap();
    app.set_application_status(application, "submitted").await;
    let p = w.get(&format!("/activities/{act}")).await;
    assert!(!p.body.contains("delete-file-"), "{}", p.body);
    assert!(p.body.contains("data-testid=\"files-locked\""), "{}", p.body);
    let p = w.post(&format!("/activity-files/{keep}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    assert!(p.body.contains("不能再删除"), "{}", p.body);
}

/// Issue 18.7: a WPS document (an OLE file like a .doc, which its bytes cannot tell apart)
/// keeps its .wps name when stored and downloaded; a Word-type OLE file declared as anything
/// else is named .doc.
#[tokio::test]
async fn issue_18_7_a_wps_document_keeps_its_extension() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (team, token, application) = app.draft_application(cycle, unit).await;
    let wps = crate::record_files::ole("WordDocument");
    let (s, v) = app
        .upload(&token, application, "summary", "活动总结.WPS", wps.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["filename"], "活动总结.wps");
    assert_eq!(v["content_type"], "application/msword");
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{}/content", v["id"])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.contains(".wps") && !disposition.contains(".doc"),
        "{disposition}"
    );
    let (_, v) = app
        .upload(&token, application, "report", "报道.pdf", wps.clone())
        .await;
    assert_eq!(v["filename"], "报道.doc", "{v}");

    let act = app.reported_activity(&token, team, 1, 10).await;
    let v = upload(&app, &token, act, "report", "活动报道.wps", wps).await;
    assert_eq!(v["filename"], "活动报道.wps");
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/activity-attachments/{}/content", v["id"])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains(".wps"), "{disposition}");
}
