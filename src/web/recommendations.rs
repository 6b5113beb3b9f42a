//! 先进典型推荐 (issue 13): the admin runs a round (creates it, opens it, waives conditions,
//! ranks and recommends, decides, downloads the materials); units and districts nominate their
//! candidates of every category the round takes, complete or correct them while it collects
//! (主要事迹, confirmations, the forms' extra figures), and see their checklists. The same
//! services as the API.

use super::{
    format,
    page::{
        Layout, PageError, PageResult, all, field, form_error, html_status, layout_for, pairs, see_other,
    },
    session::Session,
};
use crate::{
    domain::{
        pii::mask_phone,
        recommendation::{
            Condition, FormExtras, MaterialKind, Quotas, RecommendationCategory, RoundAction, RoundStatus,
            ServicePointDetails, VolunteerDetails, confirm_items,
        },
        roles::Role,
    },
    error::DomainError,
    services::{
        activities, orgs,
        recommendations::{
            self as recs, NewRound,
            candidates::{self, CandidatePatch, NewCandidate},
            exports::{self, Produced},
            photos,
            record::CandidateView,
        },
    },
    state::AppState,
};
use askama::Template;
use chrono::NaiveDate;
use poem::{
    Response, handler,
    http::{StatusCode, header},
    web::{Data, Path, Query},
};

pub struct RoundRow {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub deadline: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "recommend/rounds.html")]
struct RoundsTpl {
    l: Layout,
    rows: Vec<RoundRow>,
    is_admin: bool,
    error: Option<String>,
}

pub fn status_label(s: RoundStatus) -> &'static str {
    match s {
        RoundStatus::Draft => "草稿",
        RoundStatus::Collecting => "征集中",
        RoundStatus::Decided => "已确定推荐名单",
        RoundStatus::Exported => "已导出材料",
    }
}

async fn rounds_page(state: &AppState, s: &Session, error: Option<String>, status: StatusCode) -> PageResult {
    let rows = recs::list(state, &s.caller)
        .await?
        .into_iter()
        .map(|r| RoundRow {
            id: r.id,
            year: r.year,
            deadline: r.deadline.to_string(),
            status: status_label(r.status),
            title: r.title,
        })
        .collect();
    Ok(html_status(
        &RoundsTpl {
            l: layout_for(state, s, "先进典型推荐", "/recommendations").await?,
            rows,
            is_admin: s.caller.is(Role::Admin),
            error,
        },
        status,
    ))
}

/// `GET /recommendations`: the rounds (and, for the admin, the form for a new one).
#[handler]
pub async fn list(state: Data<&AppState>, s: Session) -> PageResult {
    rounds_page(&state, &s, None, StatusCode::OK).await
}

fn number(pairs: &[(String, String)], key: &str) -> Result<Option<i32>, DomainError> {
    let v = field(pairs, key);
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| DomainError::invalid(key, "请填写整数", "a whole number is required"))
}

/// `POST /recommendations`: a new round (admin).
#[handler]
pub async fn create(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    let p = pairs(&body);
    let parsed = (|| -> Result<NewRound, DomainError> {
        Ok(NewRound {
            year: number(&p, "year")?.unwrap_or_default(),
            title: field(&p, "title"),
            issuing_body: field(&p, "issuing_body"),
            recommending_body: field(&p, "recommending_body"),
            deadline: NaiveDate::parse_from_str(field(&p, "deadline").trim(), "%Y-%m-%d")
                .map_err(|_| DomainError::invalid("deadline", "请填写截止日期", "a deadline is required"))?,
            quotas: Quotas {
                volunteer: number(&p, "quota_volunteer")?,
                team: number(&p, "quota_team")?,
                project: number(&p, "quota_project")?,
                service_point: number(&p, "quota_service_point")?,
                total_cap: number(&p, "total_cap")?,
            },
        })
    })();
    let result = match parsed {
        Ok(new) => recs::create(&state, &s.caller, new).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(v) => Ok(see_other(&format!("/recommendations/{}", v.round.id))),
        Err(e) => {
            let e = form_error(e)?;
            rounds_page(
                &state,
                &s,
                Some(e.zh.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub struct CheckRow {
    pub requirement: String,
    pub figure: String,
    pub source: String,
    pub measured: bool,
    pub state: &'static str,
    pub class: &'static str,
}

/// A stored file of a candidate as the page links it.
pub struct FileLink {
    pub href: String,
    pub name: String,
    pub size: String,
}

pub struct CandidateRow {
    pub id: i32,
    pub category: &'static str,
    /// The category's code (`team`, …), sent back by the correction form.
    pub category_code: &'static str,
    pub name: String,
    pub team_name: String,
    pub nominated_by: String,
    pub rank: String,
    pub recommended: bool,
    pub eligible: bool,
    /// Checklist items neither met nor waived nor confirmed.
    pub open_items: usize,
    /// The particulars of a volunteer or a service point (mobiles masked unless the admin).
    pub details: Vec<(&'static str, String)>,
    /// The nominator (or the admin) may still add photos.
    pub can_upload: bool,
    /// The nominator (or the admin) may upload the stamped scan and the video.
    pub can_upload_material: bool,
    pub photos: Vec<FileLink>,
    pub scan: Option<FileLink>,
    pub video: Option<FileLink>,
    pub photo_error: Option<String>,
    pub scan_error: Option<String>,
    pub video_error: Option<String>,
    pub outcome: &'static str,
    pub checks: Vec<CheckRow>,
    /// The form correcting what the nominator wrote (while the round collects).
    pub edit: Option<EditForm>,
}

/// The correction form of one candidate: 主要事迹, the confirmations, the outstanding flag
/// (a team) and the forms' extra figures (a team, a project), filled in from the candidate.
pub struct EditForm {
    /// `edit-<candidate id>`: the form's name in a refusal and the prefix of its fields' ids.
    pub name: String,
    pub inputs: Vec<Input>,
    /// A refusal naming no field of the form.
    pub general: Option<String>,
    /// Opened on the page (the form that was refused).
    pub open: bool,
}

#[derive(Clone)]
pub struct Option2 {
    pub value: String,
    pub label: String,
}

impl NominateForm {
    /// The prefix of the form's field ids (`recommend/_input.html`).
    pub fn prefix(&self) -> &str {
        self.category
    }
}

impl EditForm {
    /// The prefix of the form's field ids (`recommend/_input.html`).
    pub fn prefix(&self) -> &str {
        &self.name
    }
}

/// One field of a nomination form, rendered by `recommend/_input.html`.
pub struct Input {
    /// The form field's name, which is also the `field` a refusal names (`volunteer.mobile`).
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `number`, `date`, `month`, `tel`, `select`, `textarea`, `checkbox`, `checks`.
    pub kind: &'static str,
    pub value: String,
    /// `checks`: the ticked values.
    pub values: Vec<String>,
    pub options: Vec<Option2>,
    pub maxlength: usize,
    pub hint: &'static str,
    pub error: Option<String>,
}

impl Input {
    fn new(name: &'static str, label: &'static str, kind: &'static str, maxlength: usize) -> Self {
        Self {
            name,
            label,
            kind,
            value: String::new(),
            values: vec![],
            options: vec![],
            maxlength,
            hint: "",
            error: None,
        }
    }
    fn options(mut self, options: Vec<Option2>) -> Self {
        self.options = options;
        self
    }
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }
    /// The id of the element (names carry dots, ids keep to letters, digits, `-`).
    pub fn id(&self, which: &str) -> String {
        format!("{which}-{}", self.name.replace(['.', '_'], "-"))
    }
    pub fn is_selected(&self, v: &str) -> bool {
        self.value == v
    }
    pub fn is_ticked(&self, v: &str) -> bool {
        self.values.iter().any(|x| x == v)
    }
}

/// A nomination form of one category.
pub struct NominateForm {
    /// The category's code (`team`, `volunteer`, `project`, `service_point`).
    pub category: &'static str,
    pub heading: String,
    pub inputs: Vec<Input>,
    /// A refusal naming no field of the form.
    pub general: Option<String>,
    /// Opened on the page (the form that was refused).
    pub open: bool,
}

#[derive(Template)]
#[template(path = "recommend/round.html")]
struct RoundTpl {
    l: Layout,
    id: i32,
    title: String,
    issuing_body: String,
    deadline: String,
    status: &'static str,
    quotas: Vec<(String, String)>,
    waivers: Vec<(String, String)>,
    rows: Vec<CandidateRow>,
    is_admin: bool,
    can_open: bool,
    collecting: bool,
    decided: bool,
    forms: Vec<NominateForm>,
    waivable: Vec<Option2>,
    error: Option<String>,
}

fn condition_label(c: Condition) -> String {
    // The requirement's wording, as the checklist prints it.
    crate::domain::recommendation::requirement(c).to_owned()
}

/// What the page shows again after a refusal: which form, the error, what was typed.
pub struct Refused {
    /// `page`, a category's code, or `photo-<id>`, `scan-<id>`, `video-<id>`.
    form: String,
    error: DomainError,
    values: Vec<(String, String)>,
}

impl Refused {
    fn page(error: DomainError) -> Self {
        Self {
            form: "page".into(),
            error,
            values: vec![],
        }
    }
    /// Fills `inputs` (of the refused form) in again as sent, each with its message when the
    /// refusal names it; the message to show above the form when it names none of them.
    fn refill(&self, inputs: &mut [Input]) -> Option<String> {
        for i in inputs.iter_mut() {
            i.error = self.field_error(&self.form, i.name);
            if i.kind == "checks" {
                i.values = all(&self.values, i.name);
            } else {
                i.value = field(&self.values, i.name);
            }
        }
        inputs
            .iter()
            .all(|i| i.error.is_none())
            .then(|| self.error.zh.to_string())
    }
    /// The message for `field` of `form`, when the refusal names it.
    fn field_error(&self, which: &str, field: &str) -> Option<String> {
        let named = self.error.field.as_deref()?;
        let hit = named == field
            || named
                .strip_prefix(field)
                .is_some_and(|rest| rest.starts_with('['));
        (self.form == which && hit).then(|| self.error.zh.to_string())
    }
}

fn size_label(bytes: i64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / MIB;
    if mib >= 1.0 {
        format!("{mib:.1} MB")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn choices(items: &[Condition]) -> Vec<Option2> {
    items
        .iter()
        .map(|c| Option2 {
            value: c.as_str().to_owned(),
            label: condition_label(*c),
        })
        .collect()
}

/// The figures 001's forms ask of a team (组织) or a project that the record does not hold.
fn extras_inputs(category: RecommendationCategory) -> Vec<Input> {
    match category {
        RecommendationCategory::Team => vec![
            Input::new("extras.party_members", "科技志愿者中党员人数", "number", 7),
            Input::new("extras.total_hours", "累计开展科技志愿服务时数", "number", 9),
            Input::new(
                "extras.regular_percent",
                "经常参与服务的志愿者占比（%）",
                "number",
                3,
            ),
            Input::new(
                "extras.usual_projects",
                "经常开展的科技志愿服务项目",
                "textarea",
                500,
            ),
        ],
        RecommendationCategory::Project => {
            vec![Input::new(
                "extras.party_percent",
                "参与项目的党员比例（%）",
                "number",
                3,
            )]
        }
        _ => vec![],
    }
}

/// The extra figures a form sends (a team's or a project's; `None` for the others).
fn extras_of(
    p: &[(String, String)],
    category: RecommendationCategory,
) -> Result<Option<FormExtras>, DomainError> {
    Ok(match category {
        RecommendationCategory::Team => Some(FormExtras {
            party_members: number(p, "extras.party_members")?,
            total_hours: number(p, "extras.total_hours")?,
            regular_percent: number(p, "extras.regular_percent")?,
            usual_projects: Some(field(p, "extras.usual_projects")).filter(|t| !t.trim().is_empty()),
            party_percent: None,
        }),
        RecommendationCategory::Project => Some(FormExtras {
            party_percent: number(p, "extras.party_percent")?,
            ..FormExtras::default()
        }),
        _ => None,
    })
}

/// The correction form of `c`, filled in from the candidate, or from what was sent when
/// `refused` names this form.
fn edit_form(c: &CandidateView, refused: Option<&Refused>) -> EditForm {
    let category = c.candidate.category;
    let which = format!("edit-{}", c.candidate.id);
    let mut inputs = vec![deeds_input()];
    if category == RecommendationCategory::Team {
        inputs.push(Input::new(
            "outstanding",
            "表现特别突出（注册志愿者不少于10人即可）",
            "checkbox",
            0,
        ));
    }
    inputs.extend(extras_inputs(category));
    inputs.push(confirm_input(category));
    let x = &c.details.extras;
    let opt = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    for i in &mut inputs {
        match i.name {
            "deeds" => i.value = c.candidate.deeds.clone(),
            "outstanding" => {
                i.value = if c.candidate.outstanding {
                    "on".into()
                } else {
                    String::new()
                }
            }
            "extras.party_members" => i.value = opt(x.party_members),
            "extras.total_hours" => i.value = opt(x.total_hours),
            "extras.regular_percent" => i.value = opt(x.regular_percent),
            "extras.usual_projects" => i.value = x.usual_projects.clone().unwrap_or_default(),
            "extras.party_percent" => i.value = opt(x.party_percent),
            "confirmed" => i.values = c.confirmed.iter().map(|k| k.as_str().to_owned()).collect(),
            _ => {}
        }
    }
    let refused = refused.filter(|r| r.form == which);
    let open = refused.is_some();
    let general = refused.and_then(|r| r.refill(&mut inputs));
    EditForm {
        name: which,
        inputs,
        general,
        open,
    }
}

fn deeds_input() -> Input {
    Input::new("deeds", "主要事迹（不超过1000字）", "textarea", 1000)
}

fn confirm_input(category: RecommendationCategory) -> Input {
    Input::new("confirmed", "推荐单位确认以下无法由记录核验的条件", "checks", 0)
        .options(choices(confirm_items(category)))
}

/// The nomination forms of the categories the round takes, for whoever may nominate.
async fn nominate_forms(
    state: &AppState,
    s: &Session,
    q: &Quotas,
    refused: Option<&Refused>,
) -> Result<Vec<NominateForm>, PageError> {
    let enabled = |c: RecommendationCategory| q.of(c).is_some();
    let needs_teams = enabled(RecommendationCategory::Team) || enabled(RecommendationCategory::Volunteer);
    let teams: Vec<Option2> = if needs_teams {
        orgs::list_teams(state, &s.caller, None, 0, 10_000)
            .await?
            .0
            .into_iter()
            .map(|t| Option2 {
                value: t.id.to_string(),
                label: t.name,
            })
            .collect()
    } else {
        vec![]
    };
    let team_select = || Input::new("team_id", "服务队", "select", 0).options(teams.clone());
    let mut forms = Vec::new();
    for category in RecommendationCategory::ALL {
        if !enabled(category) {
            continue;
        }
        let mut inputs = Vec::new();
        match category {
            RecommendationCategory::Team => {
                inputs.push(team_select());
                inputs.push(Input::new(
                    "outstanding",
                    "表现特别突出（注册志愿者不少于10人即可）",
                    "checkbox",
                    0,
                ));
                inputs.extend(extras_inputs(category));
            }
            RecommendationCategory::Volunteer => {
                let genders = ["男", "女"]
                    .iter()
                    .map(|g| Option2 {
                        value: (*g).to_owned(),
                        label: (*g).to_owned(),
                    })
                    .collect();
                inputs.extend([
                    Input::new("volunteer.name", "姓名", "text", 50),
                    Input::new("volunteer.gender", "性别", "select", 0).options(genders),
                    Input::new("volunteer.birth_month", "出生年月", "month", 7).hint("如 1985-06"),
                    Input::new("volunteer.political_status", "政治面貌", "text", 20)
                        .hint("如 中共党员、共青团员、群众"),
                    Input::new("volunteer.address", "通讯地址", "text", 200),
                    Input::new("volunteer.mobile", "手机", "tel", 11),
                    Input::new("team_id", "所在科技志愿服务组织", "select", 0).options(teams.clone()),
                    Input::new("volunteer.main_project", "主要服务项目", "text", 100),
                    Input::new("volunteer.serving_since", "何时起参加科技志愿服务", "date", 10),
                    Input::new(
                        "volunteer.activity_count",
                        "参加科技志愿服务活动次数",
                        "number",
                        6,
                    ),
                ]);
            }
            RecommendationCategory::Project => {
                let apps = candidates::project_choices(state, &s.caller)
                    .await?
                    .into_iter()
                    .map(|p| Option2 {
                        value: p.application_id.to_string(),
                        label: format!(
                            "{}（{}{}）",
                            p.project_name,
                            p.team_name,
                            if p.awarded { "，已获奖" } else { "" }
                        ),
                    })
                    .collect();
                inputs.push(
                    Input::new("application_id", "项目（本单位范围内的申报）", "select", 0).options(apps),
                );
                inputs.extend(extras_inputs(category));
            }
            RecommendationCategory::ServicePoint => {
                let categories = activities::categories()
                    .into_iter()
                    .map(|c| Option2 {
                        value: c.name.to_owned(),
                        label: c.name.to_owned(),
                    })
                    .collect();
                inputs.extend([
                    Input::new("service_point.province", "省（区、市）", "text", 50),
                    Input::new("service_point.city", "市", "text", 50),
                    Input::new("service_point.county", "县（区）", "text", 50),
                    Input::new("service_point.street", "街道（乡镇）", "text", 50),
                    Input::new("service_point.community", "社区（村）", "text", 50),
                    Input::new("service_point.leader_name", "负责人姓名", "text", 50),
                    Input::new("service_point.contact", "联系方式", "tel", 50),
                    Input::new(
                        "service_point.registered_volunteers",
                        "注册科技志愿者人数",
                        "number",
                        7,
                    ),
                    Input::new("service_point.party_members", "其中党员人数", "number", 7),
                    Input::new(
                        "service_point.registered_share_percent",
                        "注册科技志愿者占常住人口比例（%）",
                        "number",
                        3,
                    ),
                    Input::new(
                        "service_point.residents_percent",
                        "居民参与过志愿服务的比例（%）",
                        "number",
                        3,
                    ),
                    Input::new(
                        "service_point.activity_categories",
                        "经常开展的科技志愿服务活动类别",
                        "checks",
                        0,
                    )
                    .options(categories),
                    Input::new(
                        "service_point.activities_per_year",
                        "每年组织活动次数",
                        "number",
                        6,
                    ),
                    Input::new(
                        "service_point.teams",
                        "组建的科技志愿服务队（每行一个）",
                        "textarea",
                        2000,
                    ),
                ]);
            }
        }
        inputs.push(deeds_input());
        inputs.push(confirm_input(category));
        let refused = refused.filter(|r| r.form == category.as_str());
        let open = refused.is_some();
        let general = refused.and_then(|r| r.refill(&mut inputs));
        forms.push(NominateForm {
            category: category.as_str(),
            heading: format!("推荐{}", category.label_zh()),
            inputs,
            general,
            open,
        });
    }
    Ok(forms)
}

fn details_of(v: &CandidateView, admin: bool) -> Vec<(&'static str, String)> {
    let phone = |m: &str| if admin { m.to_owned() } else { mask_phone(m) };
    if let Some(d) = &v.details.volunteer {
        return vec![
            ("性别", d.gender.clone()),
            ("出生年月", d.birth_month.clone()),
            ("政治面貌", d.political_status.clone()),
            ("手机", phone(&d.mobile)),
            ("主要服务项目", d.main_project.clone()),
            ("参加志愿服务起始", format::date(d.serving_since)),
            ("参加活动次数", d.activity_count.to_string()),
        ];
    }
    if let Some(p) = &v.details.service_point {
        return vec![
            ("负责人", p.leader_name.clone()),
            ("联系方式", phone(&p.contact)),
            (
                "注册科技志愿者",
                format!("{}人（党员{}人）", p.registered_volunteers, p.party_members),
            ),
            ("居民参与比例", format!("{}%", p.residents_percent)),
            ("活动类别", p.activity_categories.join("、")),
            ("每年活动", format!("{}次", p.activities_per_year)),
            ("组建服务队", p.teams.join("、")),
        ];
    }
    vec![]
}

async fn round_page(
    state: &AppState,
    s: &Session,
    id: i32,
    refused: Option<Refused>,
    status: StatusCode,
) -> PageResult {
    let v = recs::get(state, &s.caller, id).await?;
    let waived = v.waived();
    let (_, found) = candidates::list(state, &s.caller, id).await?;
    let collecting = v.round.status == RoundStatus::Collecting;
    let decided = matches!(v.round.status, RoundStatus::Decided | RoundStatus::Exported);
    let is_admin = s.caller.is(Role::Admin);
    let refused = refused.as_ref();
    let upload_error = |which: String| refused.and_then(|r| r.field_error(&which, "file"));
    let rows = found
        .into_iter()
        .map(|c| {
            let checks: Vec<CheckRow> = c
                .checklist
                .iter()
                .map(|i| {
                    let is_waived = i.measured && !i.met && waived.contains(&i.condition);
                    let (state, class) = match (i.met, is_waived, i.measured) {
                        (true, _, true) => ("符合", "ok"),
                        (true, _, false) => ("已确认", "ok"),
                        (false, true, _) => ("已豁免", "warn"),
                        (false, false, true) => ("不符合", "bad"),
                        (false, false, false) => ("待确认", "warn"),
                    };
                    CheckRow {
                        requirement: i.requirement.to_owned(),
                        figure: i.figure.clone().unwrap_or_default(),
                        source: i.source.clone(),
                        measured: i.measured,
                        state,
                        class,
                    }
                })
                .collect();
            let cid = c.candidate.id;
            let base = format!("/recommendations/{id}/candidates/{cid}");
            let photos = c
                .photos
                .iter()
                .zip(exports::photo_names(&c))
                .map(|(p, name)| FileLink {
                    href: format!("{base}/photos/{}", p.id),
                    name,
                    size: size_label(p.size),
                })
                .collect();
            let material_link = |kind: MaterialKind| {
                c.materials.iter().find(|m| m.kind == kind).map(|m| FileLink {
                    href: format!("{base}/materials/{}", m.id),
                    name: recs::materials::file_name(&c.candidate.name, m),
                    size: size_label(m.size),
                })
            };
            CandidateRow {
                id: cid,
                category: c.candidate.category.label_zh(),
                category_code: c.candidate.category.as_str(),
                eligible: checks.iter().all(|k| k.class != "bad" && k.state != "待确认"),
                open_items: checks
                    .iter()
                    .filter(|k| k.class == "bad" || k.state == "待确认")
                    .count(),
                checks,
                details: details_of(&c, is_admin),
                name: c.candidate.name.clone(),
                team_name: c.team.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                nominated_by: c.nominator_unit_name.clone().unwrap_or_else(|| "市科协".into()),
                rank: c.candidate.rank.map(|r| r.to_string()).unwrap_or_default(),
                recommended: c.candidate.recommended,
                can_upload: collecting && c.photos.len() < crate::domain::recommendation::PHOTOS_MAX,
                can_upload_material: collecting || (decided && is_admin),
                photos,
                scan: material_link(MaterialKind::Scan),
                video: material_link(MaterialKind::Video),
                photo_error: upload_error(format!("photo-{cid}")),
                scan_error: upload_error(format!("scan-{cid}")),
                video_error: upload_error(format!("video-{cid}")),
                edit: collecting.then(|| edit_form(&c, refused)),
                outcome: match c.candidate.outcome {
                    Some(crate::domain::recommendation::UpperOutcome::Selected) => "入选",
                    Some(crate::domain::recommendation::UpperOutcome::NotSelected) => "未入选",
                    None => "",
                },
            }
        })
        .collect();
    let q = v.quotas();
    let quotas = RecommendationCategory::ALL
        .iter()
        .filter_map(|c| {
            q.of(*c)
                .map(|n| (c.label_zh().to_owned(), format!("不超过{n}个")))
        })
        .chain(
            q.total_cap
                .map(|n| ("总推荐数".to_owned(), format!("不超过{n}个"))),
        )
        .collect();
    let r = &v.round;
    let forms = if collecting {
        nominate_forms(state, s, &q, refused).await?
    } else {
        vec![]
    };
    Ok(html_status(
        &RoundTpl {
            l: layout_for(state, s, r.title.clone(), "/recommendations").await?,
            id: r.id,
            title: r.title.clone(),
            issuing_body: r.issuing_body.clone(),
            deadline: format::date(r.deadline),
            status: status_label(r.status),
            quotas,
            waivers: v
                .waivers
                .iter()
                .map(|w| (condition_label(w.condition), w.reason.clone()))
                .collect(),
            rows,
            is_admin,
            can_open: r.status == RoundStatus::Draft,
            collecting,
            decided,
            forms,
            waivable: recs::WAIVABLE
                .iter()
                .map(|c| Option2 {
                    value: c.as_str().to_owned(),
                    label: condition_label(*c),
                })
                .collect(),
            error: refused
                .filter(|r| r.form == "page")
                .map(|r| r.error.zh.to_string()),
        },
        status,
    ))
}

/// `GET /recommendations/:id`: the round, its candidates and their checklists.
#[handler]
pub async fn show(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    round_page(&state, &s, id, None, StatusCode::OK).await
}

async fn after(
    state: &AppState,
    s: &Session,
    id: i32,
    result: Result<(), crate::error::AppError>,
) -> PageResult {
    after_form(state, s, id, result, Refused::page).await
}

/// Back to the round after a form: on a refusal, the page again with the message where the
/// form (and its field) is.
async fn after_form(
    state: &AppState,
    s: &Session,
    id: i32,
    result: Result<(), crate::error::AppError>,
    refused: impl FnOnce(DomainError) -> Refused,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(&format!("/recommendations/{id}"))),
        Err(e) => {
            let e = form_error(e)?;
            round_page(state, s, id, Some(refused(e)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /recommendations/:id/step`: `action` = `open` or `decide` (admin).
#[handler]
pub async fn step(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let action = match field(&pairs(&body), "action").as_str() {
        "open" => RoundAction::Open,
        "decide" => RoundAction::Decide,
        _ => return Err(PageError::Status(StatusCode::BAD_REQUEST)),
    };
    let r = recs::act(&state, &s.caller, id, action).await.map(|_| ());
    after(&state, &s, id, r).await
}

/// `POST /recommendations/:id/waivers`: `condition`, `reason` (admin; audited).
#[handler]
pub async fn waive(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let r = match Condition::parse(&field(&p, "condition")) {
        Some(c) => recs::waive(&state, &s.caller, id, c, &field(&p, "reason"))
            .await
            .map(|_| ()),
        None => Err(DomainError::invalid("condition", "请选择条件", "choose a condition").into()),
    };
    after(&state, &s, id, r).await
}

fn whole(p: &[(String, String)], key: &str) -> Result<i32, DomainError> {
    number(p, key)?.ok_or_else(|| DomainError::invalid(key, "请填写整数", "a whole number is required"))
}

fn day(p: &[(String, String)], key: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(field(p, key).trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(key, "请填写日期", "a date is required"))
}

/// The confirmations a form ticked (unknown values dropped).
fn confirmations(p: &[(String, String)]) -> Vec<Condition> {
    all(p, "confirmed")
        .iter()
        .filter_map(|c| Condition::parse(c))
        .collect()
}

/// The nomination a form describes (its category from the hidden `category`).
fn nomination(p: &[(String, String)]) -> Result<NewCandidate, DomainError> {
    let category = RecommendationCategory::parse(&field(p, "category"))
        .ok_or_else(|| DomainError::invalid("category", "请选择推荐类别", "choose a category"))?;
    let confirmed = confirmations(p);
    let id_of = |key: &str| field(p, key).trim().parse::<i32>().ok();
    let mut new = NewCandidate {
        category,
        team_id: None,
        application_id: None,
        volunteer: None,
        service_point: None,
        extras: extras_of(p, category)?,
        outstanding: field(p, "outstanding") == "on",
        deeds: field(p, "deeds"),
        confirmed,
    };
    match category {
        RecommendationCategory::Team => new.team_id = id_of("team_id"),
        RecommendationCategory::Project => new.application_id = id_of("application_id"),
        RecommendationCategory::Volunteer => {
            new.team_id = id_of("team_id");
            new.volunteer = Some(VolunteerDetails {
                name: field(p, "volunteer.name"),
                gender: field(p, "volunteer.gender"),
                birth_month: field(p, "volunteer.birth_month"),
                political_status: field(p, "volunteer.political_status"),
                address: field(p, "volunteer.address"),
                mobile: field(p, "volunteer.mobile").trim().to_owned(),
                main_project: field(p, "volunteer.main_project"),
                serving_since: day(p, "volunteer.serving_since")?,
                activity_count: whole(p, "volunteer.activity_count")?,
            });
        }
        RecommendationCategory::ServicePoint => {
            let f = |k: &str| field(p, &format!("service_point.{k}"));
            let n = |k: &str| whole(p, &format!("service_point.{k}"));
            new.service_point = Some(ServicePointDetails {
                province: f("province"),
                city: f("city"),
                county: f("county"),
                street: f("street"),
                community: f("community"),
                leader_name: f("leader_name"),
                contact: f("contact"),
                registered_volunteers: n("registered_volunteers")?,
                party_members: n("party_members")?,
                registered_share_percent: n("registered_share_percent")?,
                residents_percent: n("residents_percent")?,
                activity_categories: all(p, "service_point.activity_categories"),
                activities_per_year: n("activities_per_year")?,
                teams: f("teams")
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
    }
    Ok(new)
}

/// `POST /recommendations/:id/candidates`: a team, volunteer, project or service point
/// nominated with its deeds and confirmations (units and districts from their scope; the
/// admin any). A refusal shows under the field it names, the form filled in as sent.
#[handler]
pub async fn nominate(state: Data<&AppState>, s: Session, Path(id): Path<i32>, body: String) -> PageResult {
    let p = pairs(&body);
    let which = field(&p, "category");
    let r = match nomination(&p) {
        Ok(new) => candidates::nominate(&state, &s.caller, id, new).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after_form(&state, &s, id, r, |error| Refused {
        form: which,
        error,
        values: p,
    })
    .await
}

/// `POST /recommendations/:id/candidates/:cid/edit`: the nominator (or the admin) corrects
/// 主要事迹, the confirmations, the outstanding flag and the forms' extra figures while the
/// round collects (`PATCH …/candidates/{id}` of the API). A refusal shows under its field.
#[handler]
pub async fn edit(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    body: String,
) -> PageResult {
    let p = pairs(&body);
    let patch = RecommendationCategory::parse(&field(&p, "category"))
        .ok_or_else(|| DomainError::invalid("category", "请选择推荐类别", "choose a category"))
        .and_then(|category| {
            Ok(CandidatePatch {
                deeds: Some(field(&p, "deeds")),
                confirmed: Some(confirmations(&p)),
                outstanding: (category == RecommendationCategory::Team)
                    .then(|| field(&p, "outstanding") == "on"),
                extras: extras_of(&p, category)?,
            })
        });
    let r = match patch {
        Ok(patch) => candidates::update(&state, &s.caller, id, cid, patch)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after_form(&state, &s, id, r, |error| Refused {
        form: format!("edit-{cid}"),
        error,
        values: p,
    })
    .await
}

/// `POST /recommendations/:id/candidates/:cid/decision`: `rank`, `recommended` (admin).
#[handler]
pub async fn decide(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    body: String,
) -> PageResult {
    let p = pairs(&body);
    let r = match number(&p, "rank") {
        Ok(rank) => candidates::decide(&state, &s.caller, id, cid, rank, field(&p, "recommended") == "on")
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    after(&state, &s, id, r).await
}

fn download(f: Produced, content_type: &str) -> Response {
    Response::builder()
        .content_type(content_type)
        .header(
            header::CONTENT_DISPOSITION,
            crate::api::download::attachment(&f.ascii_file_name, &f.file_name),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(f.bytes)
}

/// `GET /recommendations/:id/summary.xlsx` (admin, once decided).
#[handler]
pub async fn summary(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let f = exports::summary_sheet(&state, &s.caller, id).await?;
    Ok(download(
        f,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ))
}

/// `GET /recommendations/:id/candidates/:cid/form.docx` (admin, once decided).
#[handler]
pub async fn form(state: Data<&AppState>, s: Session, Path((id, cid)): Path<(i32, i32)>) -> PageResult {
    let f = exports::candidate_form(&state, &s.caller, id, cid).await?;
    Ok(download(
        f,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ))
}

/// `GET /recommendations/:id/materials.zip` (admin, once decided): the round becomes exported.
#[handler]
pub async fn materials(state: Data<&AppState>, s: Session, Path(id): Path<i32>) -> PageResult {
    let p = exports::package(&state, &s.caller, id).await?;
    let f = Produced {
        file_name: p.file_name,
        ascii_file_name: p.ascii_file_name,
        bytes: vec![],
    };
    let body = poem::Body::from_async_read(tokio::fs::File::from_std(p.file));
    let mut r = download(f, "application/zip");
    r.set_body(body);
    Ok(r)
}

async fn read_photo(
    state: &AppState,
    s: &Session,
    id: i32,
    cid: i32,
    parts: poem::web::Multipart,
) -> Result<(), crate::error::AppError> {
    let mut parts = crate::api::multipart::Parts::from_multipart(parts);
    let result = async {
        photos::check_upload(state, &s.caller, id, cid).await?;
        let received = parts.receive_file(&state.storage, photos::policy()).await?;
        photos::attach(state, &s.caller, id, cid, received).await
    }
    .await;
    if result.is_err() {
        parts.discard_rest().await;
    }
    result.map(|_| ())
}

/// `POST /recommendations/:id/candidates/:cid/photos?csrf=…`: multipart `file` (JPEG, 1–3 MB).
#[handler]
pub async fn upload_photo(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    parts: poem::web::Multipart,
) -> PageResult {
    let r = read_photo(&state, &s, id, cid, parts).await;
    after_form(&state, &s, id, r, |e| Refused {
        form: format!("photo-{cid}"),
        error: e.field("file"),
        values: vec![],
    })
    .await
}

/// `POST /recommendations/:id/candidates/:cid/materials?kind=scan|video&csrf=…`: multipart
/// `file` — the stamped PDF scan of the form, or the video (mp4, mov).
#[handler]
pub async fn upload_material(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    Query(q): Query<KindQuery>,
    parts: poem::web::Multipart,
) -> PageResult {
    let Some(kind) = MaterialKind::parse(&q.kind) else {
        return Err(PageError::Status(StatusCode::BAD_REQUEST));
    };
    let r = read_material(&state, &s, id, cid, kind, parts).await;
    after_form(&state, &s, id, r, |e| Refused {
        form: format!("{kind}-{cid}"),
        error: e.field("file"),
        values: vec![],
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct KindQuery {
    kind: String,
}

async fn read_material(
    state: &AppState,
    s: &Session,
    id: i32,
    cid: i32,
    kind: MaterialKind,
    parts: poem::web::Multipart,
) -> Result<(), crate::error::AppError> {
    let mut parts = crate::api::multipart::Parts::from_multipart(parts);
    let result = async {
        recs::materials::check_upload(state, &s.caller, id, cid).await?;
        let received = parts
            .receive_file(&state.storage, recs::materials::policy(state, kind))
            .await?;
        recs::materials::attach(state, &s.caller, id, cid, kind, received).await
    }
    .await;
    if result.is_err() {
        parts.discard_rest().await;
    }
    result.map(|_| ())
}

fn stored(file: tokio::fs::File, len: u64, content_type: &str, name: &str) -> Response {
    Response::builder()
        .content_type(content_type)
        .header(header::CONTENT_LENGTH, len)
        .header(header::CONTENT_DISPOSITION, crate::api::download::for_file(name))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(poem::Body::from_async_read(file))
}

/// `GET /recommendations/:id/candidates/:cid/photos/:pid`: the photo (whoever sees the
/// candidate).
#[handler]
pub async fn photo_file(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid, pid)): Path<(i32, i32, i32)>,
) -> PageResult {
    let v = candidates::get(&state, &s.caller, id, cid).await?;
    let (p, file, len) = photos::open(&state, &s.caller, id, cid, pid).await?;
    let seq = v.photos.iter().position(|x| x.id == p.id).unwrap_or_default();
    let name = exports::photo_names(&v).get(seq).cloned().unwrap_or_default();
    let mut r = stored(file, len, "image/jpeg", &name);
    // Shown inline as a thumbnail.
    r.headers_mut().remove(header::CONTENT_DISPOSITION);
    Ok(r)
}

/// `GET /recommendations/:id/candidates/:cid/materials/:mid`: the scan or the video.
#[handler]
pub async fn material_file(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid, mid)): Path<(i32, i32, i32)>,
) -> PageResult {
    let (m, name, file, len) = recs::materials::open(&state, &s.caller, id, cid, mid).await?;
    Ok(stored(file, len, &m.content_type, &name))
}

/// `POST /recommendations/:id/candidates/:cid/outcome`: `outcome` = `selected`,
/// `not_selected` or empty (admin, once decided).
#[handler]
pub async fn outcome(
    state: Data<&AppState>,
    s: Session,
    Path((id, cid)): Path<(i32, i32)>,
    body: String,
) -> PageResult {
    let o = crate::domain::recommendation::UpperOutcome::parse(&field(&pairs(&body), "outcome"));
    let r = candidates::record_outcome(&state, &s.caller, id, cid, o)
        .await
        .map(|_| ());
    after(&state, &s, id, r).await
}
