//! Accounts, split by concern: [`sessions`](super::sessions) (login, the bearer token's
//! caller, logout), [`users`](super::users) (create, list, the first admin),
//! [`passwords`](super::passwords) (argon2), [`account_life`](super::account_life) (password
//! change, disable, reset), [`maintenance`](super::maintenance) (purging) and the throttle
//! (`crate::throttle`). Re-exported
//! here under their former paths.

pub use super::{
    account_life::{change_password, reset_password, set_disabled},
    maintenance::{Purged, purge_expired, spawn_purging},
    sessions::{LoginOutcome, authenticate, hash_token, login, logout, logout_all, require_password_current},
    users::{NewUser, bootstrap_admin, create_user, list_users, search_users},
};
