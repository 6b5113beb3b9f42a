//! R-AUDIT: the append-only audit log. Every change writes one row in the same transaction
//! as the change itself: who, what, when, before/after. Secrets never enter it and personal
//! numbers are masked (R-PII).

use crate::{
    authz::Caller,
    domain::{bank::mask_account, mobile::mask_phone},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;
use serde_json::Value;

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i32>,
    pub name: String,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            id: None,
            name: "system".into(),
        }
    }
    pub fn public() -> Self {
        Self {
            id: None,
            name: "public".into(),
        }
    }
}

impl From<&Caller> for Actor {
    fn from(c: &Caller) -> Self {
        Self {
            id: Some(c.user_id),
            name: c.username.clone(),
        }
    }
}

const SECRET_KEYS: [&str; 5] = [
    "password",
    "password_hash",
    "token",
    "token_hash",
    "response_body",
];
const PHONE_KEYS: [&str; 4] = ["mobile", "leader_mobile", "phone", "contact_phone"];

/// Removes secrets and masks personal numbers, at any depth.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !SECRET_KEYS.contains(&k.as_str()));
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if PHONE_KEYS.contains(&k.as_str()) => *s = mask_phone(s),
                    Value::String(s) if k == "account_no" => *s = mask_account(s),
                    _ => redact(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn snapshot(v: &impl Serialize) -> Option<String> {
    let mut value = serde_json::to_value(v).ok()?;
    redact(&mut value);
    Some(value.to_string())
}

/// One change: `Change::new("update", "team", id).before(&old).after(&new)`.
#[derive(Debug, Clone)]
pub struct Change {
    action: String,
    entity: &'static str,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
}

impl Change {
    pub fn new(action: &str, entity: &'static str, entity_id: impl ToString) -> Self {
        Self {
            action: action.to_owned(),
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
        }
    }
    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.before = snapshot(v);
        self
    }
    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.after = snapshot(v);
        self
    }

    /// Writes the audit row, inside the caller's transaction.
    pub async fn record(self, db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> AppResult<()> {
        audit_log::ActiveModel {
            at: Set(now),
            actor_id: Set(actor.id),
            actor: Set(actor.name.clone()),
            action: Set(self.action),
            entity: Set(self.entity.to_owned()),
            entity_id: Set(self.entity_id),
            before: Set(self.before),
            after: Set(self.after),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// R-AUDIT, R-PII
    #[test]
    fn secrets_are_dropped_and_numbers_masked() {
        let mut v = json!({
            "username": "t1", "password_hash": "$argon2id$...",
            "leader_mobile": "13812345678",
            "bank": {"account_no": "6222020200010123", "bank_name": "工行"},
            "items": [{"contact_phone": "13900001111"}]
        });
        redact(&mut v);
        assert!(v.get("password_hash").is_none());
        assert_eq!(v["leader_mobile"], "138****5678");
        assert_eq!(v["bank"]["account_no"], "6222 **** **** 0123");
        assert_eq!(v["items"][0]["contact_phone"], "139****1111");
    }
}
