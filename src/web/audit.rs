//! 审计日志 (the association): the audit log (R-AUDIT) filtered by entity, actor and date,
//! paged, each entry's before/after shown as the fields that changed (`field: old → new`).
//! The snapshots are those the service stored: secrets left out, personal numbers masked.

use super::{
    format,
    page::{Layout, PageResult, html, layout_for},
    paging::pager,
    ranking::admin,
    session::Session,
};
use crate::{
    domain::cst,
    services::audit::{self, AuditFilter},
    state::AppState,
};
use askama::Template;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use poem::{
    handler,
    web::{Data, Query},
};
use serde::Deserialize;
use serde_json::Value;

const PER_PAGE: u64 = 30;
/// A changed value longer than this is cut (a whole ranking, say), with an ellipsis.
const MAX_VALUE_CHARS: usize = 160;

/// One changed field of an entry: `field: old → new` (`None`: absent before or after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn shown(v: &Value) -> String {
    let s = match v {
        Value::Null => "（空）".to_owned(),
        Value::String(s) if s.is_empty() => "（空）".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > MAX_VALUE_CHARS {
        let cut: String = s.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match (old, new) {
        // Objects on both sides (or on the one side there is): field by field.
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(&join(k), a.get(k), b.get(k), out);
            }
        }
        (None, Some(Value::Object(b))) => {
            for (k, v) in b {
                walk(&join(k), None, Some(v), out);
            }
        }
        (Some(Value::Object(a)), None) => {
            for (k, v) in a {
                walk(&join(k), Some(v), None, out);
            }
        }
        _ => out.push(FieldChange {
            field: if path.is_empty() {
                "值".to_owned()
            } else {
                path.to_owned()
            },
            old: old.map(shown),
            new: new.map(shown),
        }),
    }
}

/// The fields that differ between two snapshots, nested objects as dotted paths, in field
/// order; a created entity lists every field it has, a removed one every field it had.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let mut out = vec![];
    walk("", before, after, &mut out);
    out
}

pub struct AuditRow {
    pub id: i32,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub actor: Option<String>,
    /// `YYYY-MM-DD` (China Standard Time), inclusive.
    pub from: Option<String>,
    /// `YYYY-MM-DD` (China Standard Time), inclusive.
    pub to: Option<String>,
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditTpl {
    l: Layout,
    entities: Vec<String>,
    entity: String,
    actor: String,
    from: String,
    to: String,
    date_error: Option<&'static str>,
    rows: Vec<AuditRow>,
    pager: super::admin::Pager,
}

/// The start of a CST day.
fn day_start(d: NaiveDate) -> Option<DateTime<Utc>> {
    cst()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn date_of(raw: &str) -> Result<Option<NaiveDate>, ()> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| ())
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `GET /admin/audit?entity=…&actor=…&from=…&to=…&page=…`.
#[handler]
pub async fn list(state: Data<&AppState>, s: Session, Query(q): Query<AuditQuery>) -> PageResult {
    admin(&s)?;
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let (entity, actor) = (q.entity.unwrap_or_default(), q.actor.unwrap_or_default());
    let (from, to) = (q.from.unwrap_or_default(), q.to.unwrap_or_default());
    let (from_day, to_day) = (date_of(&from), date_of(&to));
    let date_error = (from_day.is_err() || to_day.is_err()).then_some("日期格式应为 年-月-日");
    let filter = AuditFilter {
        entity: non_empty(&entity),
        entity_id: None,
        actor: non_empty(&actor),
        from: from_day.ok().flatten().and_then(day_start),
        until: to_day
            .ok()
            .flatten()
            .and_then(|d| day_start(d + Duration::days(1))),
    };
    let (entries, total) = audit::search(&state, &s.caller, &filter, (page - 1) * PER_PAGE, PER_PAGE).await?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            id: e.row.id,
            at: format::time(e.row.at),
            changes: diff(e.before.as_ref(), e.after.as_ref()),
            actor: e.row.actor,
            action: e.row.action,
            entity: e.row.entity,
            entity_id: e.row.entity_id,
        })
        .collect();
    let pager = pager(
        "/admin/audit",
        &[
            ("entity", entity.as_str()),
            ("actor", actor.as_str()),
            ("from", from.as_str()),
            ("to", to.as_str()),
        ],
        page,
        PER_PAGE,
        total,
    );
    Ok(html(&AuditTpl {
        l: layout_for(&state, &s, "审计日志", "/admin/audit").await?,
        entities: audit::entities(&state, &s.caller).await?,
        entity,
        actor,
        from,
        to,
        date_error,
        rows,
        pager,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(field: &str, old: Option<&str>, new: Option<&str>) -> FieldChange {
        FieldChange {
            field: field.into(),
            old: old.map(Into::into),
            new: new.map(Into::into),
        }
    }

    /// R-AUDIT: only what changed is shown, nested fields by their path.
    #[test]
    fn a_diff_lists_the_changed_fields_with_old_and_new() {
        let before = json!({"status": "ranked", "title": "年度评审", "tiers": {"first": 1, "second": 2}, "note": null});
        let after = json!({"status": "published", "title": "年度评审", "tiers": {"first": 1, "second": 3}, "note": "好"});
        assert_eq!(
            diff(Some(&before), Some(&after)),
            vec![
                change("note", Some("（空）"), Some("好")),
                change("status", Some("ranked"), Some("published")),
                change("tiers.second", Some("2"), Some("3")),
            ]
        );
    }

    #[test]
    fn a_creation_lists_every_field_and_long_values_are_cut() {
        let after = json!({"name": "和平区科协", "ids": (0..100).collect::<Vec<_>>()});
        let d = diff(None, Some(&after));
        assert_eq!(d[0].field, "ids");
        assert_eq!(d[0].old, None);
        assert!(d[0].new.as_ref().unwrap().ends_with('…'));
        assert_eq!(d[1], change("name", None, Some("和平区科协")));
        assert!(diff(Some(&after), Some(&after)).is_empty());
        assert_eq!(diff(None, Some(&json!(5))), vec![change("值", None, Some("5"))]);
    }
}
