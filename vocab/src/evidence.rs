//! Evidence kinds (`attachments.kind`) (R-EVIDENCE). Which file types and sizes each accepts is
//! decided in `src/storage`.

use poem_openapi::Enum;
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use serde::{Deserialize, Serialize};

/// What an attachment is evidence of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum EvidenceKind {
    /// 活动总结 (pdf, docx, jpg, png).
    Summary,
    /// 活动报道 (pdf, docx, jpg, png).
    Report,
    /// 典型案例 (pdf, docx, jpg, png).
    Case,
    /// 活动图片 (jpg, png).
    Photo,
    /// 活动视频 (mp4).
    Video,
}

names!(EvidenceKind {
    Summary => "summary",
    Report => "report",
    Case => "case",
    Photo => "photo",
    Video => "video",
});

/// What an activity's attachment is (issue 18.4): evidence gathered through the year.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Enum, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum ActivityFileKind {
    /// 活动图片 (as application photos).
    Photo,
    /// 活动视频 (as application videos).
    Video,
    /// 活动报道 (as application reports).
    Report,
    /// 原始登记表或邮件的扫描件 (as a document): what makes a 补录 count.
    Scan,
}

names!(ActivityFileKind {
    Photo => "photo",
    Video => "video",
    Report => "report",
    Scan => "scan",
});

impl ActivityFileKind {
    /// The application evidence kind whose file types and size limit it shares.
    pub fn evidence_kind(self) -> EvidenceKind {
        match self {
            ActivityFileKind::Photo => EvidenceKind::Photo,
            ActivityFileKind::Video => EvidenceKind::Video,
            ActivityFileKind::Report | ActivityFileKind::Scan => EvidenceKind::Report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::check_names;

    #[test]
    fn stored_api_and_json_names_agree() {
        check_names(&EvidenceKind::ALL, |k| k.as_str());
    }
}
