//! Issue 20 point 3 (R-MOBILE, R-AUDIT): objections that cannot jam the cycle — name and
//! mobile required, one open objection per application and mobile, a per-address rate limit
//! (429 with `Retry-After`, also on the page, in Chinese), and bulk resolution: 3,000 open
//! objections resolved in one request, each audited, in under five seconds.

use crate::{
    helpers::{TestApp, assert_error},
    review_seed::{CycleSpec, Scenario},
    web_pages::Web,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// Two applications, ranked and published for a week.
async fn published(app: &TestApp) -> Scenario {
    let s = Scenario::new(app, CycleSpec::default(), &[(1, 1); 2], 1).await;
    s.score(app, &[&[90.0], &[80.0]]).await;
    app.rank(s.cycle).await;
    let (st, v) = app.publish(s.cycle, Duration::days(7)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    s
}

async fn object(app: &TestApp, cycle: i64, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/public/cycles/{cycle}/objections")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn objection(application: i64, name: &str, phone: &str) -> Value {
    json!({"application_id": application, "reason": "活动场次与实际不符",
           "contact_name": name, "contact_phone": phone})
}

async fn pair(r: reqwest::Response) -> (StatusCode, Value) {
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// R-MOBILE: name and valid mobile required; a second open objection from the same mobile
/// about the same application is 409 `duplicate_objection`; another application, or after the
/// first is resolved, is fine.
#[tokio::test]
async fn an_objection_needs_a_name_and_mobile_and_is_not_repeated_while_open() {
    let app = TestApp::spawn().await;
    let s = published(&app).await;
    let r = pair(object(&app, s.cycle, objection(s.apps[0], "  ", "13912345678")).await).await;
    assert_error(&r, 422, "invalid_value");
    assert_eq!(r.1["field"], "contact_name");
    let r = pair(object(&app, s.cycle, objection(s.apps[0], "赵六", "12345")).await).await;
    assert_error(&r, 422, "invalid_mobile");
    let r = pair(object(&app, s.cycle, json!({"application_id": s.apps[0], "reason": "x"})).await).await;
    assert_eq!(r.0, StatusCode::BAD_REQUEST, "{}", r.1);

    let (st, first) = pair(object(&app, s.cycle, objection(s.apps[0], "赵六", "13912345678")).await).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let r = pair(object(&app, s.cycle, objection(s.apps[0], "赵六六", " 13912345678 ")).await).await;
    assert_error(&r, 409, "duplicate_objection");
    let (st, v) = pair(object(&app, s.cycle, objection(s.apps[1], "赵六", "13912345678")).await).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    let id = first["id"].as_i64().unwrap();
    let (st, v) = app
        .post(
            &format!("/api/v1/objections/{id}/resolve"),
            &app.admin,
            json!({"decision": "dismissed", "note": "经核实，活动记录属实。"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, v) = pair(object(&app, s.cycle, objection(s.apps[0], "赵六", "13912345678")).await).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
}

/// Issue 12.4 / 20.3: five objections a minute per address (configurable); the sixth is 429
/// with `Retry-After`; a minute later objections are accepted again. The page says it in
/// Chinese.
#[tokio::test]
async fn the_public_objection_endpoint_is_rate_limited_per_address() {
    let app = TestApp::spawn_tuned(Default::default(), None, |s| s.objection_rate_per_minute = 5).await;
    let s = published(&app).await;
    for i in 0..5 {
        let phone = format!("1391234567{i}");
        let (st, v) = pair(object(&app, s.cycle, objection(s.apps[0], "赵六", &phone)).await).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let resp = object(&app, s.cycle, objection(s.apps[0], "赵六", "13712345678")).await;
    let wait: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_error(&pair(resp).await, 429, "too_many_objections");

    let mut web = Web::new(&app).await;
    let cycle = s.cycle.to_string();
    let application = s.apps[0].to_string();
    let page = web
        .post(
            &format!("/results/{cycle}/objections"),
            &[
                ("application_id", &application),
                ("reason", "场次存疑"),
                ("contact_name", "钱七"),
                ("contact_phone", "13612345678"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key("retry-after"));
    assert!(page.body.contains("提交异议过于频繁"), "{}", page.body);

    app.advance(Duration::seconds(61));
    let (st, v) = pair(object(&app, s.cycle, objection(s.apps[0], "赵六", "13712345678")).await).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // The page shows the duplicate refusal in Chinese too.
    let page = web
        .post(
            &format!("/results/{cycle}/objections"),
            &[
                ("application_id", &application),
                ("reason", "场次存疑"),
                ("contact_name", "钱七"),
                ("contact_phone", "13712345678"),
            ],
        )
        .await;
    assert!(page.body.contains("请勿重复提交"), "{}", page.body);
}

/// Issue 20.3: 3,000 open objections resolved in one request, each audited (in the chain);
/// `ids` resolves exactly those; both or neither selector is 422; a resolved id is 409; a team
/// gets 403.
#[tokio::test]
async fn three_thousand_open_objections_resolve_in_one_request() {
    use sea_orm::ActiveValue::Set;
    let app = TestApp::spawn().await;
    let s = published(&app).await;
    let now = app.now();
    let rows: Vec<entity::objections::ActiveModel> = (0..3_002)
        .map(|i| entity::objections::ActiveModel {
            cycle_id: Set(s.cycle as i32),
            application_id: Set(s.apps[i % 2] as i32),
            reason: Set("刷屏异议".into()),
            contact_name: Set("某人".into()),
            contact_phone: Set(format!("139{i:08}")),
            status: Set(zhihui::domain::publicity::ObjectionStatus::Open),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        entity::objections::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    let path = format!("/api/v1/cycles/{}/objections/resolve", s.cycle);
    let (_, list) = app
        .get(
            &format!("/api/v1/cycles/{}/objections?per_page=2", s.cycle),
            &app.admin,
        )
        .await;
    let two: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();

    let note = "批量驳回：重复提交的无效异议。";
    let r = app
        .post(&path, &app.admin, json!({"decision": "dismissed", "note": note}))
        .await;
    assert_error(&r, 422, "invalid_value");
    let r = app
        .post(
            &path,
            &app.admin,
            json!({"ids": two, "all_open": true, "decision": "dismissed", "note": note}),
        )
        .await;
    assert_error(&r, 422, "invalid_value");
    let unit = app.create_unit("district", None).await;
    let (_, team) = app.team_with_user(unit).await;
    let r = app
        .post(
            &path,
            &team,
            json!({"all_open": true, "decision": "dismissed", "note": note}),
        )
        .await;
    assert_error(&r, 403, "forbidden");

    let (st, v) = app
        .post(
            &path,
            &app.admin,
            json!({"ids": two, "decision": "dismissed", "note": note}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["resolved"], 2);
    let r = app
        .post(
            &path,
            &app.admin,
            json!({"ids": two, "decision": "dismissed", "note": note}),
        )
        .await;
    assert_error(&r, 409, "objection_resolved");

    // Speed is not asserted here (no timed tests): the README gives the measured figure.
    let (st, v) = app
        .call(
            Method::POST,
            &path,
            Some(&app.admin),
            Some(json!({"all_open": true, "decision": "dismissed", "note": note})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["resolved"], 3_000);

    let open = entity::objections::Entity::find()
        .filter(entity::objections::Column::Status.eq(zhihui::domain::publicity::ObjectionStatus::Open))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(open, 0);
    let audited = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Entity.eq("objection"))
        .filter(entity::audit_log::Column::Action.eq("resolve"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 3_002);
    let one = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::EntityId.eq(v["ids"][0].as_i64().unwrap().to_string()))
        .filter(entity::audit_log::Column::Entity.eq("objection"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let after: Value = serde_json::from_str(one.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["status"], "dismissed");
    assert_eq!(after["note"], note);
    assert_eq!(after["contact_phone"].as_str().unwrap().len(), 11);
    assert!(after["contact_phone"].as_str().unwrap().contains("****"));
    // The 3,002 rows written at once are links of the audit chain like any other (R-AUDIT).
    let (_, chain) = app.get("/api/v1/audit/verify", &app.admin).await;
    assert_eq!(chain["ok"], true, "{chain}");
}
