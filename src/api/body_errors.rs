//! Naming the field behind a malformed JSON body (R-ERR). poem-openapi reports *that* a body
//! failed to parse, not *which* field; the served spec knows the schema, so the offending
//! field is found by checking the body against it: a missing required property, or a value of
//! the wrong type or outside its enum, reported as a path like `bank.account_no` or
//! `tasks[0].content`.

use serde_json::Value;
use std::sync::OnceLock;

static SPEC: OnceLock<Value> = OnceLock::new();

pub fn set_spec(spec_json: &str) {
    if let Ok(v) = serde_json::from_str(spec_json) {
        let _ = SPEC.set(v);
    }
}

/// The first field at fault in `body` for the operation `method path`, if one can be named.
pub fn locate(method: &str, path: &str, body: &[u8]) -> Option<String> {
    let spec = SPEC.get()?;
    let body: Value = serde_json::from_slice(body).ok()?;
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let op = spec["paths"].as_object()?.iter().find_map(|(tpl, ops)| {
        let t: Vec<&str> = tpl.trim_matches('/').split('/').collect();
        let same = t.len() == segs.len() && t.iter().zip(&segs).all(|(t, s)| t.starts_with('{') || t == s);
        same.then(|| ops.get(method.to_lowercase()))?
    })?;
    let schema = op["requestBody"]["content"]
        .as_object()?
        .values()
        .next()?
        .get("schema")?;
    check(spec, schema, &body, "")
}

/// A string field sent as a number or a boolean (poem-openapi would take `false` for `"false"`):
/// the field's path. Checked before the handler runs, so the spec's types hold (issue 12.7).
pub fn string_sent_as_other(method: &str, path: &str, body: &[u8]) -> Option<String> {
    let spec = SPEC.get()?;
    let body: Value = serde_json::from_slice(body).ok()?;
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let op = spec["paths"].as_object()?.iter().find_map(|(tpl, ops)| {
        let t: Vec<&str> = tpl.trim_matches('/').split('/').collect();
        let same = t.len() == segs.len() && t.iter().zip(&segs).all(|(t, s)| t.starts_with('{') || t == s);
        same.then(|| ops.get(method.to_lowercase()))?
    })?;
    let schema = op["requestBody"]["content"]
        .as_object()?
        .values()
        .next()?
        .get("schema")?;
    strings_only(spec, schema, &body, "")
}

fn strings_only(spec: &Value, schema: &Value, value: &Value, at: &str) -> Option<String> {
    let schema = resolve(spec, schema);
    if schema.get("type").and_then(Value::as_str) == Some("string") {
        return (value.is_number() || value.is_boolean()).then(|| at.to_owned());
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
        for (i, v) in values.iter().enumerate() {
            if let Some(f) = strings_only(spec, items, v, &format!("{at}[{i}]")) {
                return Some(f);
            }
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (key, sub) in props {
            if let Some(f) = obj
                .get(key)
                .and_then(|v| strings_only(spec, sub, v, &join(at, key)))
            {
                return Some(f);
            }
        }
    }
    None
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/components/schemas/")
            .and_then(|name| spec["components"]["schemas"].get(name))
            .unwrap_or(schema),
        None => match schema.get("allOf").and_then(Value::as_array) {
            Some(all) if all.len() == 1 => resolve(spec, &all[0]),
            _ => schema,
        },
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Dates and times must parse as what their format says.
fn format_fits(schema: &Value, value: &Value) -> bool {
    let Some(s) = value.as_str() else { return true };
    match schema.get("format").and_then(Value::as_str) {
        Some("naive-date" | "date") => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        _ => true,
    }
}

/// Numbers must lie within their declared `minimum` and `maximum`.
fn bounds_fit(schema: &Value, value: &Value) -> bool {
    let Some(v) = value.as_f64() else { return true };
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
}

fn check(spec: &Value, schema: &Value, value: &Value, at: &str) -> Option<String> {
    let schema = resolve(spec, schema);
    if value.is_null() {
        // Optional values may be null; a required one is caught by its parent.
        return None;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        return (!options.contains(value)).then(|| at.to_owned());
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let fits = match ty {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    if !fits || !format_fits(schema, value) || !bounds_fit(schema, value) {
        return Some(at.to_owned());
    }
    if let Some(items) = schema.get("items") {
        for (i, v) in value.as_array()?.iter().enumerate() {
            if let Some(f) = check(spec, items, v, &format!("{at}[{i}]")) {
                return Some(f);
            }
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let obj = value.as_object()?;
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = req.as_str()?;
            if obj.get(key).is_none_or(Value::is_null) {
                return Some(join(at, key));
            }
        }
        for (key, sub) in props {
            if let Some(f) = obj.get(key).and_then(|v| check(spec, sub, v, &join(at, key))) {
                return Some(f);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {"/api/v1/things/{id}": {"post": {"requestBody": {"content": {"application/json; charset=utf-8":
                {"schema": {"$ref": "#/components/schemas/ThingIn"}}}}}}},
            "components": {"schemas": {
                "ThingIn": {"type": "object", "required": ["name", "kind", "tasks"], "properties": {
                    "name": {"type": "string"}, "count": {"type": "integer"},
                    "on": {"type": "string", "format": "naive-date"},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}}},
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Task": {"type": "object", "required": ["content"], "properties": {"content": {"type": "string"}}}
            }}
        })
    }

    fn at(body: Value) -> Option<String> {
        let _ = SPEC.set(spec());
        locate("POST", "/api/v1/things/7", body.to_string().as_bytes())
    }

    /// R-ERR
    #[test]
    fn the_offending_field_is_named() {
        assert_eq!(at(json!({"kind": "a", "tasks": []})).as_deref(), Some("name"));
        assert_eq!(
            at(json!({"name": 5, "kind": "a", "tasks": []})).as_deref(),
            Some("name")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "z", "tasks": []})).as_deref(),
            Some("kind")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "a", "tasks": [], "count": "3"})).as_deref(),
            Some("count")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "a", "tasks": [{"content": 1}]})).as_deref(),
            Some("tasks[0].content")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "a", "tasks": [{}]})).as_deref(),
            Some("tasks[0].content")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "a", "tasks": [], "on": ""})).as_deref(),
            Some("on")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "a", "tasks": [], "on": "2026-02-30"})).as_deref(),
            Some("on")
        );
        assert_eq!(
            at(json!({"name": "x", "kind": "a", "tasks": [], "on": "2026-02-28"})),
            None
        );
    }
}
