//! Accounts, split by concern: [`sessions`](super::sessions) (login, the bearer token's
//! caller, logout), [`users`](super::users) (create, list, the first admin),
//! [`passwords`](super::passwords) (argon2) and the throttle (`crate::throttle`). Re-exported
//! here under their former paths.

pub use super::{
    sessions::{LoginOutcome, authenticate, hash_token, login, logout},
    users::{NewUser, bootstrap_admin, create_user, list_users, search_users},
};
pub use crate::throttle::LoginLimiter;
