//! Database statements per request, pinned for the hot endpoints (issue 19): each count is
//! exact, so a regression (or an improvement) shows up in review, and a list costs the same
//! number of statements for 2 rows as for 12 (no query per row). The server reports the count
//! in `X-Db-Statements` (`ZHIHUI_STATEMENT_HEADER=1`, on in tests).

use crate::helpers::TestApp;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// (status, statements) of one request with a bearer token or a page cookie.
async fn counted(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: Auth<'_>,
    body: Option<Value>,
) -> (StatusCode, u32) {
    let mut req = app.client.request(method, app.url(path));
    req = match auth {
        Auth::Bearer(t) => req.bearer_auth(t),
        Auth::Cookie(t) => req.header("cookie", format!("zhihui_session={t}")),
        Auth::None => req,
    };
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let n = resp
        .headers()
        .get("x-db-statements")
        .expect("X-Db-Statements on every response in tests")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    (resp.status(), n)
}

#[derive(Clone, Copy)]
enum Auth<'a> {
    Bearer(&'a str),
    Cookie(&'a str),
    None,
}

struct Counts {
    get_application: u32,
    list_applications: u32,
    list_activities: u32,
    register: u32,
    login: u32,
    page_activities: u32,
    page_home: u32,
    page_application: u32,
    page_pending: u32,
}

/// A team with `n` reported activities and its draft application, and every count measured.
async fn measure(n: usize) -> Counts {
    let app = TestApp::spawn().await;
    let year: i32 = app.now().format("%Y").to_string().parse().unwrap();
    let cycle = app.open_cycle(year).await;
    let unit = app.create_unit("university", None).await;
    let (team, token, id) = app.draft_application(cycle, unit).await;
    let (_, v) = app.get(&format!("/api/v1/applications/{id}"), &token).await;
    let mut listed: Vec<i64> = v["activity_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect();
    for i in 1..n {
        listed.push(app.reported_activity(&token, team, 1, 10 + i as i64).await);
    }
    let (s, v) = app
        .patch(
            &format!("/api/v1/applications/{id}"),
            &token,
            json!({"activity_ids": listed}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // More applications of other teams in the same unit, so the unit's lists have rows.
    for _ in 1..n {
        app.submitted_application(cycle, unit).await;
    }
    let (_, unit_token) = app.user("unit", Some(unit), None).await;
    let t = Auth::Bearer(&token);
    let c = Auth::Cookie(&token);
    let ok = |r: (StatusCode, u32), what: &str| {
        assert!(r.0.is_success(), "{what}: {}", r.0);
        r.1
    };
    let body = app.activity_body(team, Duration::days(3));
    Counts {
        get_application: ok(
            counted(&app, Method::GET, &format!("/api/v1/applications/{id}"), t, None).await,
            "get",
        ),
        list_applications: ok(
            counted(
                &app,
                Method::GET,
                &format!("/api/v1/applications?cycle_id={cycle}"),
                Auth::Bearer(&unit_token),
                None,
            )
            .await,
            "list applications",
        ),
        list_activities: ok(
            counted(
                &app,
                Method::GET,
                &format!("/api/v1/activities?team_id={team}"),
                t,
                None,
            )
            .await,
            "list activities",
        ),
        register: ok(
            counted(&app, Method::POST, "/api/v1/activities", t, Some(body)).await,
            "register",
        ),
        login: {
            ok(
                counted(
                    &app,
                    Method::POST,
                    "/api/v1/auth/login",
                    Auth::None,
                    Some(json!({"username": crate::helpers::ADMIN.0, "password": crate::helpers::ADMIN.1})),
                )
                .await,
                "login",
            )
        },
        page_activities: ok(
            counted(&app, Method::GET, "/activities", c, None).await,
            "/activities",
        ),
        page_home: ok(counted(&app, Method::GET, "/home", c, None).await, "/home"),
        page_application: ok(
            counted(&app, Method::GET, "/application", c, None).await,
            "/application",
        ),
        page_pending: ok(
            counted(&app, Method::GET, "/review", Auth::Cookie(&unit_token), None).await,
            "/review",
        ),
    }
}

#[tokio::test]
async fn hot_endpoints_issue_a_pinned_number_of_statements_whatever_the_rows() {
    let small = measure(2).await;
    let large = measure(12).await;
    let rows = |f: fn(&Counts) -> u32| (f(&small), f(&large));
    let got = [
        ("GET /api/v1/applications/{id}", rows(|c| c.get_application)),
        ("GET /api/v1/applications (unit)", rows(|c| c.list_applications)),
        ("GET /api/v1/activities", rows(|c| c.list_activities)),
        ("POST /api/v1/activities", rows(|c| c.register)),
        ("POST /api/v1/auth/login", rows(|c| c.login)),
        ("page /activities", rows(|c| c.page_activities)),
        ("page /home", rows(|c| c.page_home)),
        ("page /application", rows(|c| c.page_application)),
        ("page /review (unit)", rows(|c| c.page_pending)),
    ];
    let report: String = got
        .iter()
        .map(|(w, (a, b))| format!("{w}: {a} / {b}\n"))
        .collect();
    println!("{report}");
    let pinned = [7, 9, 4, 8, 10, 7, 13, 16, 13];
    for ((what, (small, large)), pin) in got.iter().zip(pinned) {
        assert_eq!(small, large, "{what} grows with the rows:\n{report}");
        assert_eq!(*small, pin, "{what} changed its statement count:\n{report}");
    }
}
