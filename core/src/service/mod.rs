//! The case service: what the HTTP handlers, the CLI and the worker call. It loads
//! what the engine needs, asks the engine, and commits the decision in one
//! transaction.
//!
//! # Layout
//! - [`cases`]: open a case, take an action, read and list cases.
//! - [`checks`]: one plugin check run as an action would run it, taking nothing.
//! - `commit`: writing an accepted outcome (case row, event, deadlines, children,
//!   notifications) inside a transaction.
//! - [`migration`]: plan and move open cases to a new definition version.
//! - [`files`]: uploads for `file` fields, who may read them, attaching them to cases.
//! - [`probes`]: lookups by sensitive fields are not an oracle (limit, alert).
//! - [`views`]: the case as the API returns it, masked for the caller.
//! - [`worker`]: deadlines that pass and schedules that fall due.
//! - [`writer`]: the one writer that commits decided work in groups (SQLite).

pub mod audit;
pub mod cases;
pub mod checks;
mod commit;
pub mod files;
pub mod locks;
pub mod migration;
pub mod probes;
pub mod views;
pub mod worker;
pub mod writer;

/// For the demo generator, which writes copies of decided cases as the writer would.
pub(crate) use commit::{format_number, search_text, sequence_year};

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::auth::Caller;
use crate::engine::Actor;
use crate::error::{Error, Result};
use crate::store::entities::org_units;

/// The engine's view of a caller at an org unit.
pub fn actor(caller: &Caller, programme: &str, org_path: &str) -> Actor {
    if matches!(caller.via, crate::auth::Via::System) {
        return Actor::system();
    }
    Actor {
        id: caller.id.clone(),
        roles: caller.roles_at(programme, org_path),
    }
}

/// An org unit by id, or 422 naming the field.
pub async fn org_unit(db: &impl ConnectionTrait, id: &str) -> Result<org_units::Model> {
    org_units::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| {
            crate::error::bad_request("org_unit", format!("org unit `{id}` does not exist"))
        })
}

/// Users holding any of `roles` for `programme` at the unit with `org_path` or above
/// (the people a notification is for).
pub async fn holders(
    db: &impl ConnectionTrait,
    programme: &str,
    roles: &[String],
    org_path: &str,
) -> Result<Vec<String>> {
    let mut out = BTreeSet::new();
    for role in roles {
        out.extend(crate::store::identity::holders(db, programme, role, org_path).await?);
    }
    Ok(out.into_iter().collect())
}

/// Refusals as an error: a missing role is 403, anything else 422.
pub fn refusal_error(reasons: Vec<crate::engine::Refusal>) -> Error {
    if reasons
        .iter()
        .any(|r| r.code == "role_missing" || r.code == "not_creatable")
    {
        let detail = reasons
            .iter()
            .map(|r| r.message.en.clone())
            .collect::<Vec<_>>()
            .join("; ");
        return Error::Forbidden(detail);
    }
    Error::Invalid(reasons.into_iter().map(Into::into).collect())
}
