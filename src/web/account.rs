//! Account pages (R-ACCOUNT): 账号设置 for every logged-in user — 修改密码 (forced after a
//! reset) and the 提醒邮箱 reminders are e-mailed to (R-REMIND) — and the admin's 停用 / 启用 /
//! 重置密码 on a user, each behind a confirmation page.

use super::{
    page::{
        FieldErrors, Layout, PageError, PageResult, field, form_error, html, html_status, layout_for, pairs,
        see_other,
    },
    session::Session,
};
use crate::{
    domain::roles::Role,
    error::DomainError,
    services::{accounts, notifications},
    state::AppState,
};
use askama::Template;
use entity::users;
use poem::{
    handler,
    http::StatusCode,
    web::{Data, Path, Query},
};
use sea_orm::EntityTrait;

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordTpl {
    l: Layout,
    forced: bool,
    errors: FieldErrors,
    /// The 提醒邮箱 section (not while a reset password must be changed).
    email: EmailSection,
}

#[derive(Default)]
struct EmailSection {
    /// What the field shows: the stored address, or what was typed and refused.
    value: String,
    /// Whether an address is stored (offers 不再发邮件).
    stored: bool,
    errors: FieldErrors,
    /// After a save: 已保存 or 已清除.
    saved: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "account/password_done.html")]
struct PasswordDoneTpl {
    l: Layout,
}

fn title(s: &Session) -> &'static str {
    if s.caller.must_change_password {
        "修改密码"
    } else {
        "账号设置"
    }
}

async fn stored_email(state: &AppState, s: &Session) -> Result<Option<String>, PageError> {
    Ok(users::Entity::find_by_id(s.caller.user_id)
        .one(&state.db)
        .await?
        .and_then(|u| u.email))
}

async fn account_page(
    state: &AppState,
    s: &Session,
    errors: FieldErrors,
    mut email: EmailSection,
    status: StatusCode,
) -> PageResult {
    if !email.errors.any() {
        let stored = stored_email(state, s).await?;
        email.stored = stored.is_some();
        email.value = stored.unwrap_or_default();
    }
    Ok(html_status(
        &PasswordTpl {
            l: layout_for(state, s, title(s), "").await?,
            forced: s.caller.must_change_password,
            errors,
            email,
        },
        status,
    ))
}

#[derive(serde::Deserialize)]
pub struct AccountQuery {
    saved: Option<String>,
}

/// `GET /account/password`: 账号设置 — 修改密码, and 提醒邮箱 (R-REMIND).
#[handler]
pub async fn password_form(state: Data<&AppState>, s: Session, Query(q): Query<AccountQuery>) -> PageResult {
    let saved = match q.saved.as_deref() {
        Some("email") => Some("提醒邮箱已保存。"),
        Some("email-cleared") => Some("提醒邮箱已清除，提醒只在站内显示。"),
        _ => None,
    };
    account_page(
        &state,
        &s,
        FieldErrors::default(),
        EmailSection {
            saved,
            ..Default::default()
        },
        StatusCode::OK,
    )
    .await
}

async fn password_refused(state: &AppState, s: &Session, errors: FieldErrors) -> PageResult {
    account_page(
        state,
        s,
        errors,
        EmailSection::default(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /account/email`: sets or (blank, or 清除) clears the caller's own address, through the
/// same service as `PUT /api/v1/me/email`; a bad address is shown under the field.
#[handler]
pub async fn set_email(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    let p = pairs(&body);
    let typed = if field(&p, "clear") == "1" {
        String::new()
    } else {
        field(&p, "email")
    };
    match notifications::set_email(&state, &s.caller, Some(&typed)).await {
        Ok(Some(_)) => Ok(see_other("/account/password?saved=email#email")),
        Ok(None) => Ok(see_other("/account/password?saved=email-cleared#email")),
        Err(e) => {
            let e = form_error(e)?;
            let stored = stored_email(&state, &s).await?.is_some();
            account_page(
                &state,
                &s,
                FieldErrors::default(),
                EmailSection {
                    value: typed,
                    stored,
                    errors: FieldErrors::from_error(&e, &["email"]),
                    saved: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /account/password`: the accounts service's change; other sessions end.
#[handler]
pub async fn change_password(state: Data<&AppState>, s: Session, body: String) -> PageResult {
    let p = pairs(&body);
    let (current, new, confirm) = (
        field(&p, "current_password"),
        field(&p, "new_password"),
        field(&p, "confirm_password"),
    );
    if new != confirm {
        let e = DomainError::invalid(
            "confirm_password",
            "两次输入的新密码不一致",
            "the two new passwords differ",
        );
        return password_refused(&state, &s, FieldErrors::from_error(&e, &["confirm_password"])).await;
    }
    match accounts::change_password(&state, &s.caller, &s.token, &current, &new).await {
        Ok(()) => {
            let mut caller = s.caller.clone();
            caller.must_change_password = false;
            Ok(html(&PasswordDoneTpl {
                l: Layout::user("密码已修改", &caller, &s.csrf, "", None),
            }))
        }
        Err(e) => {
            let e = form_error(e)?;
            password_refused(
                &state,
                &s,
                FieldErrors::from_error(&e, &["current_password", "new_password"]),
            )
            .await
        }
    }
}

/// The admin's actions on a user.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UserAction {
    Disable,
    Enable,
    Reset,
}

impl UserAction {
    fn parse(s: &str) -> Result<Self, PageError> {
        match s {
            "disable" => Ok(Self::Disable),
            "enable" => Ok(Self::Enable),
            "reset-password" => Ok(Self::Reset),
            _ => Err(PageError::Status(StatusCode::NOT_FOUND)),
        }
    }
    fn path(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Enable => "enable",
            Self::Reset => "reset-password",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Disable => "停用账号",
            Self::Enable => "启用账号",
            Self::Reset => "重置密码",
        }
    }
    fn explanation(self) -> &'static str {
        match self {
            Self::Disable => "停用后，该用户的所有登录立即失效，也不能再登录；数据保留，可随时重新启用。",
            Self::Enable => "启用后，该用户可以用原密码重新登录。",
            Self::Reset => {
                "将生成一个临时密码（只显示一次），该用户的所有登录立即退出；用临时密码登录后必须先设置新密码。"
            }
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user_action.html")]
struct UserActionTpl {
    l: Layout,
    id: i32,
    action: &'static str,
    label: &'static str,
    explanation: &'static str,
    username: String,
    display_name: String,
    back: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/user_reset_done.html")]
struct ResetDoneTpl {
    l: Layout,
    username: String,
    display_name: String,
    back: String,
    temporary_password: String,
}

fn back_to(username: &str) -> String {
    format!(
        "/admin/users?q={}",
        form_urlencoded::byte_serialize(username.as_bytes()).collect::<String>()
    )
}

async fn user_for_admin(state: &AppState, s: &Session, id: i32) -> Result<users::Model, PageError> {
    s.caller.require(&[Role::Admin])?;
    users::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(PageError::Status(StatusCode::NOT_FOUND))
}

async fn action_page(
    state: &AppState,
    s: &Session,
    u: users::Model,
    action: UserAction,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    Ok(html_status(
        &UserActionTpl {
            l: layout_for(state, s, action.label(), "/admin/units").await?,
            id: u.id,
            action: action.path(),
            label: action.label(),
            explanation: action.explanation(),
            back: back_to(&u.username),
            username: u.username,
            display_name: u.display_name,
            error,
        },
        status,
    ))
}

/// `GET /admin/users/:id/:action`: the confirmation.
#[handler]
pub async fn user_action_confirm(
    state: Data<&AppState>,
    s: Session,
    Path((id, action)): Path<(i32, String)>,
) -> PageResult {
    let action = UserAction::parse(&action)?;
    let u = user_for_admin(&state, &s, id).await?;
    action_page(&state, &s, u, action, None, StatusCode::OK).await
}

/// `POST /admin/users/:id/:action`: disables, enables or resets; a reset shows the temporary
/// password this once.
#[handler]
pub async fn user_action(
    state: Data<&AppState>,
    s: Session,
    Path((id, action)): Path<(i32, String)>,
) -> PageResult {
    let action = UserAction::parse(&action)?;
    let u = user_for_admin(&state, &s, id).await?;
    let done = match action {
        UserAction::Disable | UserAction::Enable => {
            accounts::set_disabled(&state, &s.caller, id, action == UserAction::Disable)
                .await
                .map(|u| see_other(&back_to(&u.username)))
        }
        UserAction::Reset => match accounts::reset_password(&state, &s.caller, id).await {
            Ok((u, temporary_password)) => Ok(html(&ResetDoneTpl {
                l: layout_for(&state, &s, "密码已重置", "/admin/units").await?,
                back: back_to(&u.username),
                username: u.username,
                display_name: u.display_name,
                temporary_password,
            })),
            Err(e) => Err(e),
        },
    };
    match done {
        Ok(r) => Ok(r),
        Err(e) => {
            let e = form_error(e)?;
            action_page(
                &state,
                &s,
                u,
                action,
                Some(e.zh.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
