//! Issue 12.4 and 12.7: the spec declares every text field's maximum length (and the server
//! refuses one character more); the spec's types hold (a text field sent as a number is
//! refused); every 429 carries `Retry-After`.

use crate::helpers::{TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn spec(app: &TestApp) -> Value {
    app.client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn resolve<'a>(spec: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => &spec["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => match s.get("allOf").and_then(Value::as_array) {
            Some(all) if all.len() == 1 => resolve(spec, &all[0]),
            _ => s,
        },
    }
}

fn unbounded(spec: &Value, s: &Value, at: &str, out: &mut Vec<String>) {
    let s = resolve(spec, s);
    let format = s.get("format").and_then(Value::as_str).unwrap_or_default();
    if s["type"] == "string"
        && s.get("enum").is_none()
        && !["date", "date-time", "binary"].contains(&format)
        && s.get("maxLength").is_none()
    {
        out.push(at.to_owned());
    }
    if let Some(items) = s.get("items") {
        unbounded(spec, items, &format!("{at}[]"), out);
    }
    for (k, v) in s["properties"].as_object().into_iter().flatten() {
        unbounded(spec, v, &format!("{at}.{k}"), out);
    }
}

fn max_length(spec: &Value, schema: &str, field: &str) -> usize {
    spec["components"]["schemas"][schema]["properties"][field]["maxLength"]
        .as_u64()
        .unwrap_or_else(|| panic!("{schema}.{field} declares maxLength")) as usize
}

/// Issue 12.4: every text a request carries (body fields, parameters) has a maximum length in
/// the spec; dates are `format: date`.
#[tokio::test]
async fn every_request_text_field_declares_a_maximum_length() {
    let app = TestApp::spawn().await;
    let spec = spec(&app).await;
    let mut missing = vec![];
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                unbounded(
                    &spec,
                    &p["schema"],
                    &format!("{method} {path} {}", p["name"]),
                    &mut missing,
                );
            }
            for (_, media) in op["requestBody"]["content"].as_object().into_iter().flatten() {
                unbounded(
                    &spec,
                    &media["schema"],
                    &format!("{method} {path} body"),
                    &mut missing,
                );
            }
        }
    }
    assert!(missing.is_empty(), "no maxLength: {missing:#?}");
    assert!(!spec.to_string().contains("naive-date"));
    assert_eq!(
        spec["components"]["schemas"]["ObjectionIn"]["properties"]["reason"]["minLength"],
        1
    );
}

/// Issue 12.4: at the declared maximum a text is taken; one character more is refused (422,
/// naming the field).
#[tokio::test]
async fn one_character_over_the_declared_maximum_is_refused() {
    let app = TestApp::spawn().await;
    let spec = spec(&app).await;
    let unit = app.create_unit("university", None).await;

    let max = max_length(&spec, "UnitIn", "name");
    let (s, v) = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "科".repeat(max + 1), "kind": "society"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "name");
    let (s, v) = app
        .post(
            "/api/v1/units",
            &app.admin,
            json!({"name": "科".repeat(max), "kind": "society"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    for (field, schema) in [
        ("leader_name", "TeamIn"),
        ("platform_id", "TeamIn"),
        ("leader_mobile", "TeamIn"),
    ] {
        let mut body = app.team_body(unit);
        body[field] = json!("1".repeat(max_length(&spec, schema, field) + 1));
        let (s, v) = app.post("/api/v1/teams", &app.admin, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        assert_eq!(v["field"], field, "{v}");
    }

    let (team, token) = app.team_with_user(unit).await;
    let mut body = app.activity_body(team, chrono::Duration::days(2));
    body["location"] = json!("区".repeat(max_length(&spec, "ActivityIn", "location") + 1));
    let (s, v) = app.post("/api/v1/activities", &token, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "location");

    let cycle = app.open_cycle(2026).await;
    let mut body = app.application_body(team, &[]);
    body["bank"]["account_no"] = json!(format!(
        "{}6222020200010123",
        " ".repeat(max_length(&spec, "BankIn", "account_no"))
    ));
    let (s, v) = app
        .post(&format!("/api/v1/cycles/{cycle}/applications"), &token, body)
        .await;
    assert_error(&(s, v), 422, "invalid_bank_account");

    let long = "e".repeat(65);
    let (s, v) = app.get(&format!("/api/v1/audit?entity={long}"), &app.admin).await;
    assert!(s.is_client_error(), "{s} {v}");
}

/// Issue 12.7: poem-openapi would read `false` as the text "false"; the spec says string.
#[tokio::test]
async fn a_text_field_sent_as_a_number_or_boolean_is_refused() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("university", None).await;
    for bad in [json!(false), json!(12345)] {
        let mut body = app.team_body(unit);
        body["platform_id"] = bad;
        let r = app.post("/api/v1/teams", &app.admin, body).await;
        assert_error(&r, 400, "invalid_body");
        assert_eq!(r.1["field"], "platform_id");
    }
}
