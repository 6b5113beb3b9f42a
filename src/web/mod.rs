//! Server-rendered pages (zh-CN) beside the API: one module per area. Handlers parse the form,
//! call the same `services` with the same `Caller` as the API, and render an askama template;
//! no SQL and no rules here or in the templates.

pub mod account;
pub mod activities;
pub mod activity_files;
pub mod admin;
pub mod application;
pub mod assets;
pub mod audit;
pub mod award_history;
pub mod backfill;
pub mod backfill_form;
pub mod evidence;
pub mod experts;
pub mod format;
pub mod forms;
pub mod page;
pub mod paging;
pub mod payout_actions;
pub mod payout_batches;
pub mod payout_summary;
pub mod payouts;
pub mod public;
pub mod publicity;
pub mod ranking;
pub mod recommendations;
pub mod review;
pub mod session;
pub mod statistics;
pub mod team;

use crate::state::AppState;
use poem::{Endpoint, EndpointExt, Route, get, post};

/// Every page route, behind the session/CSRF guard.
pub fn routes(state: &AppState) -> impl Endpoint + use<> {
    Route::new()
        .at("/", get(public::landing))
        .at("/login", get(public::login_form).post(public::login))
        .at("/logout", post(public::logout))
        .at("/home", get(public::home))
        .at("/results", get(public::results_index))
        .at("/results/:id", get(public::results))
        .at("/results/:id/objections", post(public::lodge_objection))
        .at("/assets/:name", get(assets::serve))
        // Team: activities.
        .at("/activities", get(activities::list))
        .at(
            "/activities/new",
            get(activities::new_form).post(activities::create),
        )
        .at("/activities/:id", get(activities::detail))
        .at(
            "/activities/:id/edit",
            get(activities::edit_form).post(activities::update),
        )
        .at("/activities/:id/cancel", post(activities::cancel))
        .at("/activities/:id/files", post(activity_files::upload))
        .at("/activity-files/:id", get(activity_files::content))
        .at("/activity-files/:id/delete", post(activity_files::delete))
        .at("/applications/:id/activities", get(activity_files::counted))
        .at("/activities/:id/form.docx", get(forms::activity))
        .at(
            "/activities/:id/report",
            get(activities::report_form).post(activities::report),
        )
        // Team: the application, its evidence, submission.
        .at("/application", get(application::current))
        .at("/cycles/:id/application", post(application::create))
        .at("/applications/:id", get(application::show))
        .at(
            "/applications/:id/edit",
            get(application::edit_form).post(application::update),
        )
        .at("/applications/:id/submit", post(application::submit))
        .at("/applications/:id/form.docx", get(forms::application))
        .at("/applications/:id/attachments", post(evidence::upload))
        .at("/attachments/:id", get(evidence::content))
        .at("/attachments/:id/delete", post(evidence::delete))
        // Unit and district.
        .at("/review", get(review::pending))
        .at("/applications/:id/opinion", post(review::opinion))
        .at("/teams", get(review::teams))
        // The association: organisations and cycles (受理 is /review).
        .at("/admin/units", get(admin::units_list).post(admin::create_unit))
        .at("/admin/teams", get(admin::teams_list).post(admin::create_team))
        .at("/admin/users", get(admin::users_list).post(admin::create_user))
        .at(
            "/admin/users/:id/:action",
            get(account::user_action_confirm).post(account::user_action),
        )
        .at(
            "/account/password",
            get(account::password_form).post(account::change_password),
        )
        .at("/account/email", post(account::set_email))
        .at("/admin/cycles", get(admin::cycles_list))
        .at(
            "/admin/cycles/new",
            get(admin::new_cycle).post(admin::create_cycle),
        )
        .at(
            "/admin/cycles/:id",
            get(admin::cycle_show).post(admin::update_cycle),
        )
        .at(
            "/admin/cycles/:id/step",
            get(admin::step_confirm).post(admin::step),
        )
        .at("/admin/cycles/:id/assign", get(experts::assign))
        .at("/admin/cycles/:id/assign/auto", post(experts::auto))
        .at("/admin/cycles/:id/assign/add", post(experts::add))
        .at("/admin/cycles/:id/assign/remove", post(experts::remove))
        .at("/admin/cycles/:id/ranking", get(ranking::show))
        .at("/admin/cycles/:id/rank", post(ranking::rank))
        .at("/admin/cycles/:id/results.xlsx", get(ranking::sheet))
        .at("/admin/cycles/:id/publicity", get(publicity::show))
        .at("/admin/cycles/:id/publish", post(publicity::publish))
        .at(
            "/admin/cycles/:cycle/objections/:id/resolve",
            post(publicity::resolve),
        )
        .at("/admin/cycles/:id/finalize", post(publicity::finalize))
        .at("/admin/backfill", get(backfill::show).post(backfill::record))
        .at("/admin/backfill/template.xlsx", get(backfill::template))
        .at("/admin/backfill/import", post(backfill::import))
        .at("/admin/award-history", get(award_history::list))
        .at("/admin/award-history/preview", post(award_history::preview))
        .at("/admin/award-history/import", post(award_history::import))
        .at("/admin/audit", get(audit::list))
        // 先进典型推荐 (issue 13): the admin's rounds, units' and districts' nominations.
        .at(
            "/recommendations",
            get(recommendations::list).post(recommendations::create),
        )
        .at("/recommendations/:id", get(recommendations::show))
        .at("/recommendations/:id/step", post(recommendations::step))
        .at("/recommendations/:id/waivers", post(recommendations::waive))
        .at("/recommendations/:id/candidates", post(recommendations::nominate))
        .at(
            "/recommendations/:id/candidates/:cid/edit",
            post(recommendations::edit),
        )
        .at(
            "/recommendations/:id/candidates/:cid/decision",
            post(recommendations::decide),
        )
        .at(
            "/recommendations/:id/candidates/:cid/photos",
            post(recommendations::upload_photo),
        )
        .at(
            "/recommendations/:id/candidates/:cid/photos/:pid",
            get(recommendations::photo_file),
        )
        .at(
            "/recommendations/:id/candidates/:cid/materials",
            post(recommendations::upload_material),
        )
        .at(
            "/recommendations/:id/candidates/:cid/materials/:mid",
            get(recommendations::material_file),
        )
        .at(
            "/recommendations/:id/candidates/:cid/outcome",
            post(recommendations::outcome),
        )
        .at(
            "/recommendations/:id/candidates/:cid/form.docx",
            get(recommendations::form),
        )
        .at("/recommendations/:id/summary.xlsx", get(recommendations::summary))
        .at(
            "/recommendations/:id/materials.zip",
            get(recommendations::materials),
        )
        .at("/statistics", get(statistics::show))
        .at("/notifications", get(statistics::inbox))
        .at("/notifications/read-all", post(statistics::read_all))
        .at("/notifications/:id/read", post(statistics::read_one))
        // Finance: payouts, batches and their sheet, recording payments, the summary.
        .at("/finance/payouts", get(payouts::list))
        .at("/finance/payouts/:id", get(payout_actions::show))
        .at("/finance/payouts/:id/paid", post(payout_actions::paid))
        .at("/finance/payouts/:id/failed", post(payout_actions::failed))
        .at("/finance/payouts/:id/reissue", post(payout_actions::reissue))
        .at(
            "/finance/batches",
            get(payout_batches::list).post(payouts::create_batch),
        )
        .at("/finance/batches/:id", get(payout_batches::show))
        .at("/finance/batches/:id/sheet.xlsx", get(payout_batches::sheet))
        .at("/finance/summary", get(payout_summary::summary))
        // Experts.
        .at("/my-reviews", get(experts::reviews))
        .at(
            "/my-reviews/:id",
            get(experts::score_form).post(experts::save_score),
        )
        .around(session::guard)
        .data(state.clone())
}
