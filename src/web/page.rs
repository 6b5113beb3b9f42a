//! What every page shares: the layout (menu for the caller's role), rendering, redirects, the
//! Chinese error pages, and the errors a form shows under its fields.

use super::assets::URLS;
use crate::{
    authz::Caller,
    domain::roles::Role,
    error::{AppError, DomainError, Kind},
};
use askama::Template;
use poem::{Response, http::StatusCode};

/// One menu entry.
pub struct MenuItem {
    pub href: &'static str,
    pub label: &'static str,
    /// A count shown beside the label (e.g. applications waiting for my opinion).
    pub badge: Option<u64>,
    pub active: bool,
}

/// The frame around every page: title, the caller, the menu, the CSRF token, asset URLs.
pub struct Layout {
    pub title: String,
    pub csrf: String,
    /// `None` on public pages.
    pub user: Option<String>,
    pub role_label: &'static str,
    pub menu: Vec<MenuItem>,
    pub css: &'static str,
    pub htmx: &'static str,
    pub js: &'static str,
    pub icon: &'static str,
    /// Unread reminders (the bell); `None` on public pages.
    pub unread: Option<u64>,
}

impl Layout {
    pub fn public(title: impl Into<String>, csrf: &str) -> Self {
        Self {
            title: title.into(),
            csrf: csrf.to_owned(),
            user: None,
            role_label: "",
            menu: vec![],
            css: &URLS.css,
            htmx: &URLS.htmx,
            js: &URLS.js,
            icon: &URLS.icon,
            unread: None,
        }
    }

    /// The layout for a logged-in caller; `active` is the menu entry's href to highlight and
    /// `pending` the number of applications waiting for the caller's opinion.
    pub fn user(
        title: impl Into<String>,
        caller: &Caller,
        csrf: &str,
        active: &str,
        pending: Option<u64>,
    ) -> Self {
        let mut l = Self::public(title, csrf);
        l.user = Some(caller.username.clone());
        l.role_label = role_label(caller.role);
        if caller.must_change_password {
            // Nothing else opens until the temporary password is changed.
            return l;
        }
        l.menu = menu_for(caller.role)
            .iter()
            .map(|(href, label)| MenuItem {
                href,
                label,
                badge: if *href == "/review" { pending } else { None },
                active: *href == active,
            })
            .collect();
        l
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "市科协",
        Role::Finance => "财务",
        Role::Expert => "评审专家",
        Role::Team => "服务队",
        Role::Unit => "隶属单位",
        Role::District => "区县科协",
    }
}

/// Each role's menu.
fn menu_for(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Team => &[
            ("/home", "首页"),
            ("/activities", "活动"),
            ("/application", "项目申报"),
            ("/statistics", "统计"),
            ("/results", "评审结果"),
        ],
        Role::Unit | Role::District => &[
            ("/home", "首页"),
            ("/review", "待处理"),
            ("/teams", "服务队与活动"),
            ("/recommendations", "先进典型推荐"),
            ("/statistics", "统计"),
            ("/results", "评审结果"),
        ],
        Role::Admin => &[
            ("/home", "首页"),
            ("/review", "受理"),
            ("/admin/units", "组织管理"),
            ("/admin/cycles", "年度评审"),
            ("/admin/backfill", "活动补录"),
            ("/admin/award-history", "历年获奖"),
            ("/recommendations", "先进典型推荐"),
            ("/admin/audit", "审计日志"),
            ("/statistics", "统计"),
            ("/results", "评审结果"),
        ],
        Role::Expert => &[("/my-reviews", "我的评审"), ("/results", "评审结果")],
        Role::Finance => &[
            ("/home", "首页"),
            ("/finance/payouts", "发放"),
            ("/finance/batches", "批次"),
            ("/finance/summary", "汇总"),
            ("/statistics", "统计"),
            ("/results", "评审结果"),
        ],
    }
}

/// Renders a template as a 200 HTML page.
pub fn html<T: Template>(t: &T) -> Response {
    html_status(t, StatusCode::OK)
}

pub fn html_status<T: Template>(t: &T, status: StatusCode) -> Response {
    match t.render() {
        Ok(body) => Response::builder()
            .status(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            error_page(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// 303 See Other (after a successful POST). htmx follows it itself.
pub fn see_other(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header("location", to)
        .finish()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl {
    l: Layout,
    code: u16,
    heading: &'static str,
    detail: &'static str,
}

/// The Chinese page for an error status, with a way back; never a stack trace.
pub fn error_page(status: StatusCode) -> Response {
    let (heading, detail) = match status.as_u16() {
        403 => (
            "无权访问",
            "当前账号无权执行此操作，或请求缺少有效的安全令牌（请刷新页面后重试）。",
        ),
        404 => ("页面不存在", "您要找的页面不存在，或不在您的账号可查看的范围内。"),
        405 => ("不支持的请求", "该地址不支持这种请求方式。"),
        413 => ("文件过大", "上传的内容超过了允许的大小。"),
        429 => ("尝试次数过多", "请稍后再试。"),
        _ => ("服务器出错了", "服务器暂时无法完成请求，请稍后再试。问题已记录。"),
    };
    let t = ErrorTpl {
        l: Layout::public(heading, ""),
        code: status.as_u16(),
        heading,
        detail,
    };
    match t.render() {
        Ok(body) => Response::builder()
            .status(status)
            .content_type("text/html; charset=utf-8")
            .header("cache-control", "no-store")
            .body(body),
        Err(_) => Response::builder().status(status).body(heading),
    }
}

/// A page handler's failure: the error page for its status (or a redirect to the login).
#[derive(Debug)]
pub enum PageError {
    Status(StatusCode),
    Login(String),
    /// A 303 elsewhere (the forced password change).
    Redirect(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Domain(d) => d.into(),
            other => {
                tracing::error!(error = %other, "unexpected error");
                PageError::Status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl From<DomainError> for PageError {
    fn from(d: DomainError) -> Self {
        PageError::Status(match d.kind {
            Kind::Unauthorized => return PageError::Login("/home".into()),
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Conflict | Kind::UnsupportedType | Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        })
    }
}

impl From<sea_orm::DbErr> for PageError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::from(e).into()
    }
}

impl From<PageError> for poem::Error {
    fn from(e: PageError) -> Self {
        poem::Error::from_response(match e {
            PageError::Status(s) => error_page(s),
            PageError::Login(next) => login_redirect(&next),
            PageError::Redirect(to) => see_other(&to),
        })
    }
}

/// To the login page, coming back to `next` afterwards (`HX-Redirect` for htmx requests is
/// added by the guard).
pub fn login_redirect(next: &str) -> Response {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    see_other(&format!("/login?{q}"))
}

pub type PageResult = Result<Response, PageError>;

/// Messages under the fields of a form (from a refused [`DomainError`]'s `field`), and the
/// one at the top when the error names no field of this form.
#[derive(Debug, Default)]
pub struct FieldErrors {
    items: Vec<(String, String)>,
    pub general: Option<String>,
}

impl FieldErrors {
    /// Places the error under `field` when the form has it, otherwise at the top.
    pub fn from_error(e: &DomainError, fields: &[&str]) -> Self {
        let mut me = Self::default();
        match &e.field {
            Some(f) if fields.iter().any(|k| k == f) => me.items.push((f.clone(), e.zh.to_string())),
            _ => me.general = Some(e.zh.to_string()),
        }
        me
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn any(&self) -> bool {
        self.general.is_some() || !self.items.is_empty()
    }
}

/// A refused form: keep the domain error for the form, turn anything else into its page.
pub fn form_error(e: AppError) -> Result<DomainError, PageError> {
    match e {
        AppError::Domain(d)
            if matches!(
                d.kind,
                Kind::Unprocessable
                    | Kind::Conflict
                    | Kind::BadRequest
                    | Kind::UnsupportedType
                    | Kind::TooLarge
            ) =>
        {
            Ok(d)
        }
        other => Err(other.into()),
    }
}

/// Reads an urlencoded body into its pairs (repeated keys kept in order).
pub fn pairs(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The first value of `key` (empty when absent).
pub fn field(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value of `key`, in order.
pub fn all(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The layout for a session, with the pending-opinions count in the menu for units and
/// districts.
pub async fn layout_for(
    state: &crate::state::AppState,
    s: &super::session::Session,
    title: impl Into<String>,
    active: &str,
) -> Result<Layout, PageError> {
    let pending = match s.caller.role {
        Role::Unit | Role::District | Role::Admin => {
            Some(crate::services::opinions::pending_count(state, &s.caller).await?)
        }
        _ => None,
    };
    let mut l = Layout::user(title, &s.caller, &s.csrf, active, pending);
    // R-REMIND: the bell's count, one indexed count.
    l.unread = Some(crate::services::notifications::unread_count(state, &s.caller).await?);
    Ok(l)
}

/// The caller's own team (team pages are for team users), or 403.
pub fn own_team(s: &super::session::Session) -> Result<i32, PageError> {
    match (s.caller.role, s.caller.team_id) {
        (Role::Team, Some(t)) => Ok(t),
        _ => Err(PageError::Status(StatusCode::FORBIDDEN)),
    }
}
