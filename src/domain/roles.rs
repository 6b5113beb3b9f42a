//! Roles and unit kinds (SPEC "Who uses it", "Organisations").

use poem_openapi::Enum;

/// Who a user is. Derives the API enum directly: its wire names are the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, serde::Serialize, serde::Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Finance,
    Expert,
    Team,
    Unit,
    District,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Finance => "finance",
            Role::Expert => "expert",
            Role::Team => "team",
            Role::Unit => "unit",
            Role::District => "district",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Role::Admin,
            Role::Finance,
            Role::Expert,
            Role::Team,
            Role::Unit,
            Role::District,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// What kind of organisation a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    District,
    Society,
    University,
    Institute,
    Enterprise,
    Other,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::District => "district",
            UnitKind::Society => "society",
            UnitKind::University => "university",
            UnitKind::Institute => "institute",
            UnitKind::Enterprise => "enterprise",
            UnitKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            UnitKind::District,
            UnitKind::Society,
            UnitKind::University,
            UnitKind::Institute,
            UnitKind::Enterprise,
            UnitKind::Other,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_and_kind_names_round_trip() {
        for r in ["admin", "finance", "expert", "team", "unit", "district"] {
            assert_eq!(Role::parse(r).unwrap().as_str(), r);
        }
        assert!(Role::parse("root").is_none());
        for k in [
            "district",
            "society",
            "university",
            "institute",
            "enterprise",
            "other",
        ] {
            assert_eq!(UnitKind::parse(k).unwrap().as_str(), k);
        }
    }
}
