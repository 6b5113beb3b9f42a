//! Issue 12.6: graceful shutdown. SIGTERM stops the binary accepting connections, lets the
//! request in flight finish (bounded at 10 s), and leaves no temporary upload file behind.

use crate::{
    cli::{free_port, zhihui},
    helpers::{TestApp, evidence},
};
use reqwest::StatusCode;
use std::{
    process::Stdio,
    time::{Duration, Instant},
};

/// The multipart body of an evidence upload, in two halves.
fn upload_halves() -> (Vec<u8>, Vec<u8>, &'static str) {
    const BOUNDARY: &str = "shutdown-test-boundary";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nsummary\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"总结.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    let mut pdf = evidence::pdf();
    pdf.extend(std::iter::repeat_n(b' ', 256 * 1024));
    body.extend_from_slice(&pdf);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let tail = body.split_off(body.len() / 2);
    (body, tail, BOUNDARY)
}

/// Issue 12.6: SIGTERM during a slow upload: the upload completes (201), new connections are
/// refused, the process exits with status 0 and no temporary file is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_an_upload_lets_it_finish_and_leaves_no_temporary_file() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    let cycle = app.open_cycle(2026).await;
    let (_, token, application) = app.draft_application(cycle, unit).await;

    let dir = tempfile::tempdir().unwrap();
    let bind = free_port();
    let mut child = zhihui(&app.database_url, dir.path())
        .env("ZHIHUI_STORAGE_DIR", &app.storage_dir)
        .env("ZHIHUI_BIND", &bind)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{bind}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the binary did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (head, tail, boundary) = upload_halves();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let stream = futures_util_stream(head, tail, rx);
    let upload = tokio::spawn({
        let (client, token) = (client.clone(), token.clone());
        let url = format!("{base}/api/v1/applications/{application}/attachments");
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(reqwest::Body::wrap_stream(stream))
                .send()
                .await
                .map(|r| r.status())
        }
    });
    // The first half is on its way (a temporary file exists); then SIGTERM.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let in_progress = std::fs::read_dir(app.storage_dir.join("tmp")).map_or(0, |d| d.count());
    assert_eq!(in_progress, 1, "the upload is being received");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    // No new connection is accepted.
    let fresh = reqwest::Client::new();
    assert!(fresh.get(format!("{base}/healthz")).send().await.is_err());
    // The rest of the upload goes out, and the request finishes.
    tx.send(()).unwrap();
    let status = upload
        .await
        .unwrap()
        .expect("the upload in flight gets its answer");
    assert_eq!(status, StatusCode::CREATED);

    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the binary did not stop within its bound"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(exit.success(), "{exit:?}");
    let leftovers: Vec<_> = std::fs::read_dir(app.storage_dir.join("tmp"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let (_, files) = app
        .get(&format!("/api/v1/applications/{application}/attachments"), &token)
        .await;
    assert_eq!(files["items"].as_array().unwrap().len(), 1, "{files}");
}

/// The upload body: `head` at once, `tail` when told.
fn futures_util_stream(
    head: Vec<u8>,
    tail: Vec<u8>,
    go: tokio::sync::oneshot::Receiver<()>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::unfold(
        (0, Some(head), Some(tail), Some(go)),
        |(step, head, tail, go)| async move {
            match step {
                0 => Some((Ok(head?), (1, None, tail, go))),
                1 => {
                    let _ = go?.await;
                    Some((Ok(tail?), (2, None, None, None)))
                }
                _ => None,
            }
        },
    )
}
