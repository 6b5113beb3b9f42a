//! R-PII: personal data in one place — how mobile and account numbers are masked, which
//! reader sees them in full, and how audit snapshots lose secrets and personal numbers. Every
//! response, log line and audit row goes through here.

use crate::domain::roles::Role;
use serde_json::Value;

/// Masks a mobile or phone number: `138****5678`.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Masks an account number for roles that do not need it in full (R-PII): `6222 **** **** 0123`.
pub fn mask_account(s: &str) -> String {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head} **** **** {tail}")
}

/// Who reads: a signed-in role, or `None` for the public.
pub type Reader = Option<Role>;

/// Mobiles (a team's leader, an application's contacts, an objection's contact) in full for
/// the admin and the parties of the record (team, unit, district); masked for experts, finance
/// and the public.
pub fn mobile_in_full(reader: Reader) -> bool {
    matches!(
        reader,
        Some(Role::Admin | Role::Team | Role::Unit | Role::District)
    )
}

/// Account numbers in full only for finance and the owning team (scope decides which team
/// reads a record); masked for everyone else.
pub fn account_in_full(reader: Reader) -> bool {
    matches!(reader, Some(Role::Finance | Role::Team))
}

/// Issue 18.6: on the application itself (not in lists), the account number in full also for
/// the team's unit and district, who stamp the 申报书 that names it; the admin, experts and
/// the public keep it masked (or absent).
pub fn account_in_full_on_application(reader: Reader) -> bool {
    account_in_full(reader) || matches!(reader, Some(Role::Unit | Role::District))
}

/// Experts never see the bank account at all (SPEC "Review and ranking").
pub fn bank_visible(reader: Reader) -> bool {
    reader != Some(Role::Expert)
}

/// A mobile as `reader` may see it.
pub fn mobile_for(reader: Reader, mobile: String) -> String {
    if mobile_in_full(reader) {
        mobile
    } else {
        mask_phone(&mobile)
    }
}

/// An account number as `reader` may see it.
pub fn account_for(reader: Reader, account_no: String) -> String {
    if account_in_full(reader) {
        account_no
    } else {
        mask_account(&account_no)
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

/// An audit snapshot without secrets and with personal numbers and e-mail addresses masked, at
/// any depth (R-AUDIT).
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !SECRET_KEYS.contains(&k.as_str()));
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if PHONE_KEYS.contains(&k.as_str()) => *s = mask_phone(s),
                    Value::String(s) if k == "account_no" => *s = mask_account(s),
                    Value::String(s) if k == "email" => *s = crate::domain::email::mask(s),
                    _ => redact(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roles::Role;
    use serde_json::json;

    /// R-AUDIT, R-PII
    #[test]
    fn secrets_are_dropped_and_numbers_masked() {
        let mut v = json!({
            "username": "t1", "password_hash": "$argon2id$...",
            "leader_mobile": "13812345678",
            "bank": {"account_no": "6222020200010123", "bank_name": "工行"},
            "items": [{"contact_phone": "13900001111"}],
            "email": "zhang.san@example.cn"
        });
        redact(&mut v);
        assert!(v.get("password_hash").is_none());
        assert_eq!(v["leader_mobile"], "138****5678");
        assert_eq!(v["bank"]["account_no"], "6222 **** **** 0123");
        assert_eq!(v["items"][0]["contact_phone"], "139****1111");
        assert_eq!(v["email"], "z***@example.cn");
    }

    /// R-PII: who sees what in full.
    #[test]
    fn readers_see_what_their_role_needs() {
        let m = || "13812345678".to_owned();
        let a = || "6222020200010123".to_owned();
        assert_eq!(mobile_for(Some(Role::Unit), m()), "13812345678");
        assert_eq!(mobile_for(Some(Role::Expert), m()), "138****5678");
        assert_eq!(mobile_for(None, m()), "138****5678");
        assert_eq!(account_for(Some(Role::Finance), a()), "6222020200010123");
        assert_eq!(account_for(Some(Role::Admin), a()), "6222 **** **** 0123");
        assert!(!bank_visible(Some(Role::Expert)) && bank_visible(Some(Role::Admin)));
    }
}
