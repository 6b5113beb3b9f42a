//! The closed vocabularies of zhihui — every status, role, tier and kind a column holds — and
//! the typed JSON columns, each defined once.
//!
//! Why a crate of its own: the same type is the entity's field (`entity` depends on it, so a
//! stored value is read as the enum or fails loudly, never guessed), the API's enum (its wire
//! names are the contract) and the domain's input (`src/domain` re-exports it beside its
//! rules). The `entity` crate cannot see `src/`, and `src/` should not derive database traits
//! in the entity crate's stead, so the one definition sits below both. The rules about these
//! values (transitions, checks, messages) stay in `src/domain`; this crate holds only the names.
//!
//! Stored text equals the wire name (snake_case; the activity categories are the notice's
//! Chinese names), so introducing these types changed no data.

#[macro_use]
mod names;

pub mod activity;
pub mod application;
pub mod award;
pub mod cycle;
pub mod evidence;
pub mod payout;
pub mod publicity;
pub mod recommendation;
pub mod roles;
pub mod scores;

pub use activity::{ActivityStatus, Category};
pub use application::{ApplicationStatus, Decision as OpinionDecision, OpinionStep};
pub use award::{AwardOverride, AwardSource, Tier};
pub use cycle::{Aggregation, Criterion, CycleStatus, Rubric, TierRule, Tiers};
pub use evidence::{ActivityFileKind, EvidenceKind};
pub use payout::PayoutStatus;
pub use publicity::ObjectionStatus;
pub use recommendation::{Condition, MaterialKind, RecommendationCategory, RoundStatus, UpperOutcome};
pub use roles::{Role, UnitKind};
pub use scores::ScoreBreakdown;
