//! The four recommendation forms of the 2024 national call (001), field by field: plain data
//! in, .docx bytes out. Each is a title, a bordered table of the form's fields in the form's
//! order, the 主要事迹 (or 项目概述及亮点成效) box, the photos' row (naming the photo files
//! sent with it, `姓名+序号.jpg` as 002 asks), then `推荐单位：…（盖章）` and `年 月 日` with
//! room for the seal.

use super::docx::{self as d, HEI, SONG, TEXT_WIDTH, XIAOSI, cell, label_cell, para, spacing, value_cell};
use docx_rs::{AlignmentType, HeightRule, Paragraph, TableRow};

/// The fields of one form, already written out as text (blank for what is unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormFields {
    /// “科技志愿者”先进典型推荐表.
    Volunteer {
        name: String,
        gender: String,
        birth_month: String,
        political_status: String,
        address: String,
        contact: String,
        organisation: String,
        main_project: String,
        serving_since: String,
        activity_count: String,
    },
    /// “科技志愿服务组织”先进典型推荐表.
    Team {
        name: String,
        founded: String,
        volunteers: String,
        party_members: String,
        total_hours: String,
        hours_per_capita: String,
        regular_share: String,
        activities: String,
        leader: String,
        contact: String,
        usual_projects: String,
    },
    /// “科技志愿服务项目”先进典型推荐表.
    Project {
        name: String,
        organisation: String,
        period: String,
        volunteers: String,
        party_share: String,
        leader: String,
        contact: String,
    },
    /// “科技志愿服务点（社区或村）”典型事迹推荐表.
    ServicePoint {
        province: String,
        city: String,
        county: String,
        street: String,
        community: String,
        leader: String,
        contact: String,
        volunteers: String,
        party_members: String,
        registered_share: String,
        residents_share: String,
        categories: String,
        activities_per_year: String,
        teams: String,
    },
}

/// One filled form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationForm {
    pub fields: FormFields,
    /// 主要事迹 / 项目概述及亮点成效, as typed.
    pub deeds: String,
    /// The photo files sent with the form (`张三1.jpg`, …).
    pub photo_names: Vec<String>,
    /// 推荐单位, printed before （盖章）.
    pub recommending_body: String,
}

const GRID: [usize; 2] = [3400, TEXT_WIDTH - 3400];

/// The form's title as 001 prints it.
pub fn title(fields: &FormFields) -> &'static str {
    match fields {
        FormFields::Volunteer { .. } => "“科技志愿者”先进典型推荐表",
        FormFields::Team { .. } => "“科技志愿服务组织”先进典型推荐表",
        FormFields::Project { .. } => "“科技志愿服务项目”先进典型推荐表",
        FormFields::ServicePoint { .. } => "“科技志愿服务点（社区或村）”典型事迹推荐表",
    }
}

fn strip<'a>(s: &'a str, suffixes: &[&str]) -> &'a str {
    suffixes
        .iter()
        .find_map(|x| s.strip_suffix(x).filter(|r| !r.is_empty()))
        .unwrap_or(s)
}

/// `辽宁省（区、市）沈阳市和平县（区）南湖街道（乡镇）文体社区（村）`: the form's line with its blanks
/// filled (a name already ending in the form's word does not repeat it).
pub fn point_name(province: &str, city: &str, county: &str, street: &str, community: &str) -> String {
    format!(
        "{}省（区、市）{}市{}县（区）{}街道（乡镇）{}社区（村）",
        strip(province, &["省", "市", "自治区"]),
        strip(city, &["市"]),
        strip(county, &["县", "区"]),
        strip(street, &["街道", "乡", "镇"]),
        strip(community, &["社区", "村"]),
    )
}

/// The form's fields in its order: (label, value).
pub fn rows(fields: &FormFields) -> Vec<(&'static str, String)> {
    match fields.clone() {
        FormFields::Volunteer {
            name,
            gender,
            birth_month,
            political_status,
            address,
            contact,
            organisation,
            main_project,
            serving_since,
            activity_count,
        } => vec![
            ("姓名", name),
            ("性别", gender),
            ("出生年月", birth_month),
            ("政治面貌", political_status),
            ("通讯地址", address),
            ("联系方式", contact),
            ("所在科技志愿服务组织", organisation),
            ("主要服务项目", main_project),
            ("何时起参加科技志愿服务活动", serving_since),
            ("参加科技志愿服务活动次数", activity_count),
        ],
        FormFields::Team {
            name,
            founded,
            volunteers,
            party_members,
            total_hours,
            hours_per_capita,
            regular_share,
            activities,
            leader,
            contact,
            usual_projects,
        } => vec![
            ("组织名称", name),
            ("成立时间", founded),
            ("注册科技志愿者人数", volunteers),
            ("科技志愿者中党员人数", party_members),
            ("累计开展科技志愿服务时数", total_hours),
            ("人均开展科技志愿服务时数", hours_per_capita),
            ("经常参与科技志愿服务志愿者占组织中志愿者人数比例", regular_share),
            ("组织开展科技志愿服务活动场次", activities),
            ("队伍负责人", leader),
            ("联系方式", contact),
            ("经常开展的科技志愿服务项目", usual_projects),
        ],
        FormFields::Project {
            name,
            organisation,
            period,
            volunteers,
            party_share,
            leader,
            contact,
        } => vec![
            ("项目名称", name),
            ("申报单位（组织）", organisation),
            ("开展项目的时间", period),
            ("开展项目的志愿者人数", volunteers),
            ("参与项目的党员比例", party_share),
            ("项目负责人", leader),
            ("联系方式", contact),
        ],
        FormFields::ServicePoint {
            province,
            city,
            county,
            street,
            community,
            leader,
            contact,
            volunteers,
            party_members,
            registered_share,
            residents_share,
            categories,
            activities_per_year,
            teams,
        } => vec![
            (
                "服务点名称",
                point_name(&province, &city, &county, &street, &community),
            ),
            ("负责人姓名", leader),
            ("联系方式", contact),
            ("社区注册科技志愿者人数", volunteers),
            ("科技志愿者中党员人数", party_members),
            ("注册科技志愿者人数占社区常住人口的比例", registered_share),
            ("社区居民参与过志愿服务的比例", residents_share),
            ("经常开展的科技志愿服务活动类别", categories),
            ("每年组织科技志愿服务活动次数", activities_per_year),
            ("组建的科技志愿服务队", teams),
        ],
    }
}

fn deeds_label(fields: &FormFields) -> &'static str {
    match fields {
        FormFields::Project { .. } => "项目概述及亮点成效（不超过1000字）",
        _ => "主要事迹（不超过1000字）",
    }
}

fn photos_label(fields: &FormFields) -> &'static str {
    match fields {
        FormFields::Volunteer { .. } => {
            "被推荐人照片（2—3张，半身照、生活照、工作照均可，每张照片大小不低于1M、不超过3M）"
        }
        _ => "开展活动的照片（2张，每张照片大小不低于1M、不超过3M）",
    }
}

fn full_row(label: &str) -> TableRow {
    TableRow::new(vec![label_cell(label, TEXT_WIDTH, 2)]).cant_split()
}

/// The filled form as .docx bytes.
pub fn build(form: &RecommendationForm) -> Result<Vec<u8>, std::io::Error> {
    let mut doc = d::document(false).add_paragraph(
        para(title(&form.fields), HEI, d::SANHAO)
            .align(AlignmentType::Center)
            .line_spacing(spacing(0, 360)),
    );
    let mut rows: Vec<TableRow> = rows(&form.fields)
        .into_iter()
        .map(|(label, value)| {
            TableRow::new(vec![
                label_cell(label, GRID[0], 1),
                value_cell(&value, GRID[1], 1),
            ])
            .row_height(520.0)
            .height_rule(HeightRule::AtLeast)
        })
        .collect();
    let mut deeds = cell(TEXT_WIDTH, 2).vertical_align(docx_rs::VAlignType::Top);
    for p in d::prose(&form.deeds, XIAOSI) {
        deeds = deeds.add_paragraph(p);
    }
    if form.deeds.trim().is_empty() {
        deeds = deeds.add_paragraph(Paragraph::new());
    }
    rows.push(full_row(deeds_label(&form.fields)));
    rows.push(
        TableRow::new(vec![deeds])
            .row_height(3200.0)
            .height_rule(HeightRule::AtLeast),
    );
    rows.push(full_row(photos_label(&form.fields)));
    let photos = if form.photo_names.is_empty() {
        String::new()
    } else {
        format!("随表报送：{}", form.photo_names.join("、"))
    };
    rows.push(
        TableRow::new(vec![value_cell(&photos, TEXT_WIDTH, 2)])
            .row_height(700.0)
            .height_rule(HeightRule::AtLeast),
    );
    doc = doc.add_table(d::table(rows, &GRID));
    doc = doc
        .add_paragraph(
            para(
                &format!("推荐单位：{}（盖章）", form.recommending_body),
                SONG,
                XIAOSI,
            )
            .align(AlignmentType::Right)
            .keep_next(true)
            .line_spacing(spacing(480, 0)),
        )
        .add_paragraph(
            para("年    月    日", SONG, XIAOSI)
                .align(AlignmentType::Right)
                .line_spacing(spacing(240, 0)),
        );
    d::pack(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::docx_text::document_text;

    #[test]
    fn the_service_point_line_does_not_repeat_the_forms_words() {
        assert_eq!(
            point_name("辽宁省", "沈阳市", "和平区", "南湖街道", "文体社区"),
            "辽宁省（区、市）沈阳市和平县（区）南湖街道（乡镇）文体社区（村）"
        );
    }

    #[test]
    fn a_project_form_follows_001_field_by_field() {
        let form = RecommendationForm {
            fields: FormFields::Project {
                name: "社区科普进万家".into(),
                organisation: "沈阳工学院科技志愿服务队".into(),
                period: "2020年3月1日至今".into(),
                volunteers: "35".into(),
                party_share: "".into(),
                leader: "张三".into(),
                contact: "13812345678".into(),
            },
            deeds: "第一段\n第二段".into(),
            photo_names: vec!["社区科普进万家1.jpg".into(), "社区科普进万家2.jpg".into()],
            recommending_body: "沈阳市科学技术协会".into(),
        };
        let text = document_text(&build(&form).unwrap());
        assert_eq!(
            text,
            [
                "“科技志愿服务项目”先进典型推荐表",
                "项目名称",
                "社区科普进万家",
                "申报单位（组织）",
                "沈阳工学院科技志愿服务队",
                "开展项目的时间",
                "2020年3月1日至今",
                "开展项目的志愿者人数",
                "35",
                "参与项目的党员比例",
                "项目负责人",
                "张三",
                "联系方式",
                "13812345678",
                "项目概述及亮点成效（不超过1000字）",
                "第一段",
                "第二段",
                "开展活动的照片（2张，每张照片大小不低于1M、不超过3M）",
                "随表报送：社区科普进万家1.jpg、社区科普进万家2.jpg",
                "推荐单位：沈阳市科学技术协会（盖章）",
                "年    月    日",
            ]
        );
    }
}
