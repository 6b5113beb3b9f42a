//! Roles and unit kinds (SPEC "Who uses it", "Organisations"). The types are defined once in
//! the `vocab` crate (they are also the `users.role` and `units.kind` columns).

pub use vocab::{Role, UnitKind};
