//! Issue 12 point 1: the command line, run as the built binary.

use crate::helpers::{ADMIN, fresh_database};
use std::{
    io::Write,
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::Duration,
};

const BIN: &str = env!("CARGO_BIN_EXE_zhihui");

/// The binary with a database and storage folder of its own and nothing else configured.
pub fn zhihui(url: &str, dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("ZHIHUI_") {
            c.env_remove(k);
        }
    }
    c.env("ZHIHUI_DATABASE_URL", url)
        .env("ZHIHUI_STORAGE_DIR", dir.join("files"))
        .env("ZHIHUI_ADMIN_USERNAME", ADMIN.0)
        .env("ZHIHUI_ADMIN_PASSWORD", ADMIN.1)
        .env("RUST_LOG", "warn");
    c
}

pub fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

/// A served binary, killed when dropped.
pub struct Served {
    pub child: Child,
    pub base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn serve(mut cmd: Command) -> Served {
    let bind = free_port();
    let child = cmd
        .arg("serve")
        .env("ZHIHUI_BIND", &bind)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served {
        child,
        base: format!("http://{bind}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{}/healthz", served.base)).send().await
            && r.status().is_success()
        {
            return served;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the served binary did not answer /healthz");
}

pub async fn login(base: &str, user: &str, password: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

fn run_with_stdin(mut cmd: Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A start-up failure: status 2, one line on stderr, no panic or backtrace.
#[track_caller]
fn assert_one_line_exit_2(out: &Output, mentions: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains(mentions), "{err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
}

/// Issue 12.1: `--help` names every command in Chinese and English.
#[test]
fn help_is_in_chinese_and_english() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    for word in [
        "serve",
        "migrate",
        "create-admin",
        "backup",
        "audit",
        "demo",
        "迁移",
        "migrations",
        "备份",
        "审计",
    ] {
        assert!(help.contains(word), "{word} in {help}");
    }
    let out = Command::new(BIN).args(["audit", "--help"]).output().unwrap();
    assert!(text(&out.stdout).contains("校验"));
    assert!(text(&out.stdout).contains("Verify"));
    let out = Command::new(BIN).arg("no-such-command").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 12.1: an unparsable database URL, an unwritable storage folder, a port in use.
#[tokio::test]
async fn bad_configuration_prints_one_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/z.db?mode=rwc", dir.path().display());
    for bad in ["mysql://root@localhost/z", "not a url at all"] {
        let out = zhihui(&url, dir.path())
            .env("ZHIHUI_DATABASE_URL", bad)
            .arg("migrate")
            .output()
            .unwrap();
        assert_one_line_exit_2(&out, "ZHIHUI_DATABASE_URL");
    }
    let out = zhihui("postgres://u:secret@127.0.0.1:1/x", dir.path())
        .arg("migrate")
        .output()
        .unwrap();
    assert_one_line_exit_2(&out, "cannot open the database");
    assert!(!text(&out.stderr).contains("secret"));

    // The storage folder lies under a plain file: it can never be created (even by root).
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let out = zhihui(&url, dir.path())
        .env("ZHIHUI_STORAGE_DIR", file.join("files"))
        .arg("migrate")
        .output()
        .unwrap();
    assert_one_line_exit_2(&out, "storage folder");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let out = zhihui(&url, dir.path())
        .env("ZHIHUI_BIND", taken.local_addr().unwrap().to_string())
        .arg("serve")
        .output()
        .unwrap();
    assert_one_line_exit_2(&out, "cannot listen");

    let out = zhihui(&url, dir.path())
        .env("ZHIHUI_TOKEN_TTL_HOURS", "soon")
        .arg("migrate")
        .output()
        .unwrap();
    assert_one_line_exit_2(&out, "ZHIHUI_TOKEN_TTL_HOURS");
}

/// Issue 14 (SMTP over TLS): `ZHIHUI_SMTP_URL` takes `smtp://` (plain), `smtp://…?tls=required`
/// (STARTTLS) and `smtps://` (TLS); another scheme or `tls` value stops the start with one
/// line naming the variable and the forms (never the password), exit 2.
#[test]
fn a_bad_smtp_url_prints_one_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/z.db?mode=rwc", dir.path().display());
    for bad in [
        "http://user:secret@mail.example.cn",
        "smtp://user:secret@mail.example.cn?tls=sometimes",
        "mail.example.cn:25",
    ] {
        let out = zhihui(&url, dir.path())
            .env("ZHIHUI_SMTP_URL", bad)
            .arg("migrate")
            .output()
            .unwrap();
        assert_one_line_exit_2(&out, "ZHIHUI_SMTP_URL");
        let err = text(&out.stderr);
        assert!(err.contains("smtps://") && err.contains("tls=required"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }
    let out = zhihui(&url, dir.path())
        .env("ZHIHUI_SMTP_FROM", "no address here")
        .arg("migrate")
        .output()
        .unwrap();
    assert_one_line_exit_2(&out, "ZHIHUI_SMTP_FROM");
    for good in [
        "smtp://relay.intranet:2525",
        "smtp://user:secret@mail.example.cn:587?tls=required",
        "smtps://user:secret@smtp.example.cn",
    ] {
        let out = zhihui(&url, dir.path())
            .env("ZHIHUI_SMTP_URL", good)
            .arg("migrate")
            .output()
            .unwrap();
        assert!(out.status.success(), "{good}: {}", text(&out.stderr));
    }
}

/// Issue 12.1: `migrate` applies the migrations; `create-admin` reads the password from stdin,
/// applies the password rules, refuses a taken name, and the new admin can log in.
#[tokio::test]
async fn migrate_then_create_admin_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let out = zhihui(&url, dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let weak = run_with_stdin(
        {
            let mut c = zhihui(&url, dir.path());
            c.args(["create-admin", "ops_chief"]);
            c
        },
        "password\n",
    );
    assert_eq!(weak.status.code(), Some(1), "{}", text(&weak.stderr));
    assert!(text(&weak.stderr).contains("weak") || text(&weak.stderr).contains("密码"));

    let strong = "Liaohe-bridge-evening-42";
    let make = || {
        let mut c = zhihui(&url, dir.path());
        c.args(["create-admin", "ops_chief"]);
        c
    };
    let ok = run_with_stdin(make(), &format!("{strong}\n"));
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("ops_chief"));
    let again = run_with_stdin(make(), &format!("{strong}\n"));
    assert_eq!(again.status.code(), Some(1));

    let served = serve(zhihui(&url, dir.path())).await;
    assert_eq!(login(&served.base, "ops_chief", strong).await, 200);
}

/// Issue 12.1 with point 2: `audit verify` exits 0 on an intact chain and 1 on an altered row.
#[tokio::test]
async fn audit_verify_exits_1_on_a_broken_chain() {
    use sea_orm::ConnectionTrait;
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    {
        let served = serve(zhihui(&url, dir.path())).await;
        // A few audited actions: failed logins are not audited, a unit is.
        let client = reqwest::Client::new();
        let token: serde_json::Value = client
            .post(format!("{}/api/v1/auth/login", served.base))
            .json(&serde_json::json!({"username": ADMIN.0, "password": ADMIN.1}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["token"].as_str().unwrap().to_owned();
        for name in ["和平区", "沈河区"] {
            let r = client
                .post(format!("{}/api/v1/units", served.base))
                .bearer_auth(&token)
                .json(&serde_json::json!({"name": name, "kind": "district"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    }
    let out = zhihui(&url, dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ok:"), "{}", text(&out.stdout));

    let db = zhihui::startup::connect(&url).await.unwrap();
    db.execute_unprepared(
        "UPDATE audit_log SET action = 'tampered' WHERE seq = (SELECT MIN(seq) FROM audit_log)",
    )
    .await
    .unwrap();
    db.close().await.ok();
    let out = zhihui(&url, dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("content_changed"),
        "{}",
        text(&out.stdout)
    );
}

/// Issue 12.1: `backup` copies the SQLite database while a server writes to it; the copy
/// opens, verifies and serves. On PostgreSQL it points at pg_dump and exits non-zero.
#[tokio::test]
async fn backup_while_serving_restores_and_opens() {
    let dir = tempfile::tempdir().unwrap();
    let pg = zhihui("postgres://postgres@127.0.0.1:5432/whatever", dir.path())
        .args(["backup", "x.dump"])
        .output()
        .unwrap();
    assert_eq!(pg.status.code(), Some(1));
    assert!(text(&pg.stderr).contains("pg_dump"));

    let url = format!("sqlite://{}/live.db?mode=rwc", dir.path().display());
    let served = serve(zhihui(&url, dir.path())).await;
    assert_eq!(login(&served.base, ADMIN.0, ADMIN.1).await, 200);
    let copy = dir.path().join("backup.db");
    let out = zhihui(&url, dir.path())
        .args(["backup", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A second backup to the same file is refused: nothing is overwritten.
    let out = zhihui(&url, dir.path())
        .args(["backup", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    drop(served);

    // Restore: the copy is the database of a new instance.
    let restored_dir = dir.path().join("restored");
    std::fs::create_dir_all(&restored_dir).unwrap();
    let restored = restored_dir.join("zhihui.db");
    std::fs::copy(&copy, &restored).unwrap();
    let url = format!("sqlite://{}?mode=rwc", restored.display());
    let out = zhihui(&url, &restored_dir)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
    let mut cmd = zhihui(&url, &restored_dir);
    cmd.env_remove("ZHIHUI_ADMIN_PASSWORD");
    let served = serve(cmd).await;
    assert_eq!(login(&served.base, ADMIN.0, ADMIN.1).await, 200);
}

/// Issue 12.8: `demo` fills an empty database (through the services: the audit chain holds)
/// and refuses to run twice.
#[tokio::test]
async fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let out = zhihui(&url, dir.path()).arg("demo").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    for login in [
        "demo_admin",
        "district01",
        "unit01",
        "team01",
        "expert01",
        "finance01",
    ] {
        assert!(printed.contains(login), "{printed}");
    }
    let again = zhihui(&url, dir.path()).arg("demo").output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("not empty"));

    let out = zhihui(&url, dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));

    let served = serve(zhihui(&url, dir.path())).await;
    let client = reqwest::Client::new();
    let token: serde_json::Value = client
        .post(format!("{}/api/v1/auth/login", served.base))
        .json(&serde_json::json!({"username": "demo_admin", "password": "Shenyang-Demo-2026!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap();
    let get = |path: &str| {
        client
            .get(format!("{}{path}", served.base))
            .bearer_auth(token)
            .send()
    };
    let units: serde_json::Value = get("/api/v1/units?per_page=100")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = units["items"].as_array().unwrap();
    assert_eq!(items.iter().filter(|u| u["kind"] == "district").count(), 13);
    assert!(items.iter().any(|u| u["name"] == "新民市"));
    let cycles: serde_json::Value = get("/api/v1/cycles").await.unwrap().json().await.unwrap();
    assert_eq!(cycles["items"][0]["status"], "reviewing", "{cycles}");
    let apps: serde_json::Value = get("/api/v1/applications?per_page=100")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(apps["items"].as_array().unwrap().len(), 40);
}
