//! What the served spec says about text (issue 12 points 4 and 7): every text field's maximum
//! length, the required ones' `minLength` and a non-blank pattern, mobile patterns, and dates
//! as `format: date`. The services enforce these limits (their own error codes, e.g.
//! `project_name_too_long`); this table declares them, and `tests/api/limits.rs` checks that
//! one character over each is refused.

use serde_json::{Value, json};

/// A text field's rule: `Some(true)` required (non-blank), `Some(false)` may be empty.
#[derive(Debug, Clone, Copy)]
pub enum Text {
    /// At most this many characters; must hold a non-blank character.
    Required(u32),
    /// At most this many characters; may be empty.
    Optional(u32),
    /// A mainland mobile number (R-MOBILE), surrounding blanks allowed.
    Mobile,
    /// A mobile number or nothing (an application's draft).
    MobileOrEmpty,
}

/// The maximum length of a mobile or bank account field as sent (blanks and separators included).
pub const MOBILE_RAW_MAX: u32 = 32;

/// (schema, property, rule). Maxima are the services' (`text::required(.., max)` and friends).
pub const TEXT_FIELDS: &[(&str, &str, Text)] = &[
    ("UnitIn", "name", Text::Required(100)),
    ("TeamIn", "name", Text::Required(100)),
    ("TeamIn", "platform_id", Text::Optional(64)),
    ("TeamIn", "leader_name", Text::Required(50)),
    ("TeamIn", "leader_mobile", Text::Mobile),
    ("TeamPatch", "name", Text::Required(100)),
    ("TeamPatch", "platform_id", Text::Optional(64)),
    ("TeamPatch", "leader_name", Text::Required(50)),
    ("TeamPatch", "leader_mobile", Text::Mobile),
    ("UserIn", "username", Text::Required(64)),
    ("UserIn", "password", Text::Required(256)),
    ("UserIn", "display_name", Text::Required(64)),
    ("UserIn", "email", Text::Optional(254)),
    ("EmailIn", "email", Text::Optional(254)),
    ("LoginIn", "username", Text::Optional(64)),
    ("LoginIn", "password", Text::Optional(256)),
    ("ActivityIn", "name", Text::Required(100)),
    ("ActivityIn", "location", Text::Required(200)),
    ("ActivityIn", "leader_name", Text::Required(50)),
    ("ActivityIn", "leader_mobile", Text::Mobile),
    ("ActivityPatch", "name", Text::Required(100)),
    ("ActivityPatch", "location", Text::Required(200)),
    ("ActivityPatch", "leader_name", Text::Required(50)),
    ("ActivityPatch", "leader_mobile", Text::Mobile),
    ("TaskDto", "content", Text::Required(1000)),
    ("TaskDto", "target", Text::Optional(500)),
    ("ReportIn", "summary", Text::Required(2000)),
    ("CycleIn", "title", Text::Required(100)),
    ("CycleIn", "form_instructions", Text::Optional(5000)),
    ("CyclePatch", "title", Text::Required(100)),
    ("CyclePatch", "form_instructions", Text::Optional(5000)),
    ("Criterion", "key", Text::Required(50)),
    ("Criterion", "name", Text::Required(50)),
    ("ApplicationIn", "project_name", Text::Required(20)),
    ("ApplicationIn", "leader_name", Text::Optional(50)),
    ("ApplicationIn", "leader_title", Text::Optional(50)),
    ("ApplicationIn", "phone", Text::Optional(30)),
    ("ApplicationIn", "mobile", Text::MobileOrEmpty),
    ("ApplicationIn", "overview", Text::Optional(5000)),
    ("ApplicationIn", "highlights", Text::Optional(5000)),
    ("ApplicationIn", "benefits", Text::Optional(5000)),
    ("ApplicationPatch", "project_name", Text::Required(20)),
    ("ApplicationPatch", "leader_name", Text::Optional(50)),
    ("ApplicationPatch", "leader_title", Text::Optional(50)),
    ("ApplicationPatch", "phone", Text::Optional(30)),
    ("ApplicationPatch", "mobile", Text::MobileOrEmpty),
    ("ApplicationPatch", "overview", Text::Optional(5000)),
    ("ApplicationPatch", "highlights", Text::Optional(5000)),
    ("ApplicationPatch", "benefits", Text::Optional(5000)),
    ("BankIn", "bank_name", Text::Required(100)),
    ("BankIn", "account_no", Text::Required(MOBILE_RAW_MAX * 2)),
    ("BankIn", "account_name", Text::Required(100)),
    ("PayoutBankIn", "bank_name", Text::Required(100)),
    ("PayoutBankIn", "account_no", Text::Required(MOBILE_RAW_MAX * 2)),
    ("PayoutBankIn", "account_name", Text::Required(100)),
    ("AwardHistoryIn", "project_name", Text::Required(20)),
    ("OpinionIn", "comment", Text::Optional(1000)),
    ("ScoresIn", "comment", Text::Optional(2000)),
    ("ObjectionIn", "reason", Text::Required(2000)),
    ("ObjectionIn", "contact_name", Text::Required(50)),
    ("ObjectionIn", "contact_phone", Text::Mobile),
    ("ResolveIn", "note", Text::Required(2000)),
    ("ResolveManyIn", "note", Text::Required(2000)),
    ("FailedIn", "reason", Text::Required(500)),
    ("PaidIn", "bank_reference", Text::Required(100)),
    // 补录 (issue 18.1): the activity's own limits, the report's summary and the reason.
    ("BackfillIn", "name", Text::Required(100)),
    ("BackfillIn", "location", Text::Required(200)),
    ("BackfillIn", "leader_name", Text::Required(50)),
    ("BackfillIn", "leader_mobile", Text::Mobile),
    ("BackfillIn", "summary", Text::Required(2000)),
    ("BackfillIn", "reason", Text::Required(500)),
    // Recommendations (issue 13).
    ("RecommendationRoundIn", "title", Text::Required(100)),
    ("RecommendationRoundIn", "issuing_body", Text::Required(100)),
    ("RecommendationRoundIn", "recommending_body", Text::Required(100)),
    ("RecommendationWaiverIn", "reason", Text::Required(500)),
    ("RecommendationCandidateIn", "deeds", Text::Optional(1000)),
    ("RecommendationCandidatePatch", "deeds", Text::Optional(1000)),
    ("RecommendationFormExtras", "usual_projects", Text::Optional(500)),
    // The volunteer's and the service point's particulars (`domain::recommendation::details`),
    // as the API and the round page take them.
    ("RecommendationVolunteer", "name", Text::Required(50)),
    ("RecommendationVolunteer", "gender", Text::Required(10)),
    ("RecommendationVolunteer", "birth_month", Text::Required(7)),
    ("RecommendationVolunteer", "political_status", Text::Required(20)),
    ("RecommendationVolunteer", "address", Text::Required(200)),
    ("RecommendationVolunteer", "mobile", Text::Mobile),
    ("RecommendationVolunteer", "main_project", Text::Required(100)),
    ("RecommendationServicePoint", "province", Text::Required(50)),
    ("RecommendationServicePoint", "city", Text::Required(50)),
    ("RecommendationServicePoint", "county", Text::Required(50)),
    ("RecommendationServicePoint", "street", Text::Required(50)),
    ("RecommendationServicePoint", "community", Text::Required(50)),
    ("RecommendationServicePoint", "leader_name", Text::Required(50)),
    ("RecommendationServicePoint", "contact", Text::Required(50)),
];

const MOBILE: &str = r"^\s*1[3-9][0-9]{9}\s*$";
const MOBILE_OR_EMPTY: &str = r"^\s*(1[3-9][0-9]{9})?\s*$";
/// Characters refused wherever they stand (`domain::text`): controls that are not blanks (a
/// blank at either end is trimmed away), zero-width and bidirectional controls.
const REFUSED: &str =
    r"\x00-\x08\x0E-\x1F\x7F-\x84\x86-\x9F\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069";

fn free_text() -> String {
    format!("^[^{REFUSED}]*$")
}

/// Free text holding one character that is not blank.
fn non_blank_text() -> String {
    format!("^[^{REFUSED}]*[^\\s{REFUSED}][^{REFUSED}]*$")
}

fn declare(prop: &mut Value, rule: Text) {
    let Some(p) = prop.as_object_mut() else { return };
    match rule {
        Text::Required(max) => {
            p.insert("minLength".into(), json!(1));
            p.insert("maxLength".into(), json!(max));
            p.insert("pattern".into(), json!(non_blank_text()));
        }
        Text::Optional(max) => {
            p.insert("maxLength".into(), json!(max));
            p.insert("pattern".into(), json!(free_text()));
        }
        Text::Mobile | Text::MobileOrEmpty => {
            p.insert("maxLength".into(), json!(MOBILE_RAW_MAX));
            let pattern = if matches!(rule, Text::Mobile) {
                MOBILE
            } else {
                MOBILE_OR_EMPTY
            };
            p.insert("pattern".into(), json!(pattern));
        }
    }
}

/// Dates: poem-openapi writes `naive-date`, which validators do not know (so `""` would look
/// valid); the standard name is `date`.
fn standard_dates(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("format").and_then(Value::as_str) == Some("naive-date") {
                m.insert("format".into(), json!("date"));
            }
            m.values_mut().for_each(standard_dates);
        }
        Value::Array(a) => a.iter_mut().for_each(standard_dates),
        _ => {}
    }
}

/// The `Idempotency-Key` header: 1–200 visible ASCII characters (`domain::idempotency`).
fn header_limits(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    for op in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|m| m.values_mut())
    {
        let params = op.get_mut("parameters").and_then(Value::as_array_mut);
        for param in params.into_iter().flatten() {
            if param["name"] == "Idempotency-Key" {
                param["schema"]["maxLength"] = json!(crate::domain::idempotency::MAX_LEN);
                param["schema"]["minLength"] = json!(1);
                param["schema"]["pattern"] = json!("^[!-~]+$");
            }
        }
    }
}

/// Multipart forms take the parts they name, nothing else (a fuzzer's invented part names,
/// control characters included, are not part of the contract).
fn closed_forms(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    for op in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|m| m.values_mut())
    {
        let form = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(|c| c.get_mut("multipart/form-data"))
            .and_then(|f| f.get_mut("schema"))
            .and_then(Value::as_object_mut);
        if let Some(schema) = form {
            schema.insert("additionalProperties".into(), json!(false));
        }
    }
}

/// The spec as served: poem-openapi's, with the declarations above.
pub fn annotate(spec: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<Value>(spec) else {
        return spec.to_owned();
    };
    for (schema, field, rule) in TEXT_FIELDS {
        if let Some(prop) = v["components"]["schemas"][*schema]["properties"].get_mut(*field) {
            declare(prop, *rule);
        }
    }
    standard_dates(&mut v);
    header_limits(&mut v);
    closed_forms(&mut v);
    serde_json::to_string_pretty(&v).unwrap_or_else(|_| spec.to_owned())
}
