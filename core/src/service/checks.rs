//! One plugin check run as the engine runs it, without taking the action: the
//! server's answer to "what would this check say about this data now". The page runs
//! the same checks itself as the user types (`http/ui/checks.rs`); this is the
//! server's side of that, for a page to ask what it cannot (counts) and for the test
//! that proves page and server give the same findings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cases::{available, case_version, current, readable, snapshot};
use crate::auth::Caller;
use crate::engine::{CheckRequest, Finding};
use crate::error::{Error, Result, bad_request};
use crate::state::AppState;

/// What to check.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CheckRun {
    /// Case type (of the case, when `case` is given).
    pub case_type: String,
    /// The case an action would be taken on; none for a case being opened.
    #[serde(default)]
    pub case: Option<String>,
    /// The parent of a case being opened.
    #[serde(default)]
    pub parent: Option<String>,
    /// The action (default `create`).
    #[serde(default)]
    pub action: Option<String>,
    /// The submitted data; with `case`, laid over the stored data as the action would.
    #[serde(default)]
    pub data: Value,
    /// The clock the check sees (default: now). Nothing is written, so any time will do.
    #[serde(default)]
    pub now: Option<DateTime<Utc>>,
}

/// What the check said.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckAnswer {
    /// Check id.
    pub check: String,
    /// Its findings (errors refuse the action, warnings let it pass).
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Finding>,
    /// Why the plugin could not answer, if it could not.
    pub failed: Option<String>,
    /// Whether that failure would refuse the action.
    pub blocking: bool,
}

/// Run check `check` of `programme`'s plugin for the caller, as taking the action would.
pub async fn run(
    state: &AppState,
    caller: &Caller,
    programme: &str,
    check: &str,
    req: CheckRun,
) -> Result<CheckAnswer> {
    let (case, version) = match &req.case {
        Some(id) => {
            let row = readable(state, caller, id).await?;
            if row.programme != programme || row.case_type != req.case_type {
                return Err(bad_request(
                    "case",
                    "the case is not of this programme and case type",
                ));
            }
            let version = case_version(state, &row)?;
            (Some(row), version)
        }
        None => (None, current(state, programme)?),
    };
    available(state, &version)?;
    let org_path = match (&case, &req.parent) {
        (Some(c), _) => Some(c.org_path.clone()),
        (None, Some(p)) => Some(readable(state, caller, p).await?.org_path),
        (None, None) => None,
    };
    let who = match &org_path {
        Some(path) => super::actor(caller, programme, path),
        None => crate::engine::Actor {
            id: caller.id.clone(),
            roles: caller
                .grants
                .iter()
                .filter(|g| g.programme == "*" || g.programme == programme)
                .map(|g| g.role.clone())
                .collect(),
        },
    };
    if !caller.is_admin && who.roles.is_empty() {
        return Err(Error::Forbidden(format!(
            "you hold no role in `{programme}`"
        )));
    }
    let snap = match &case {
        Some(c) => Some(snapshot(state, c).await?),
        None => None,
    };
    let mut data = snap.as_ref().map(|s| s.data.clone()).unwrap_or(Value::Null);
    match (data.as_object_mut(), req.data.as_object()) {
        (Some(stored), Some(input)) => stored.extend(input.clone()),
        _ => data = req.data.clone(),
    }
    let plugin = version
        .def
        .programme
        .plugin
        .as_ref()
        .map(|p| p.to_string())
        .ok_or_else(|| bad_request("programme", "this programme has no plugin"))?;
    let (plugins, programme, check) = (
        state.plugins.clone(),
        programme.to_owned(),
        check.to_owned(),
    );
    let action = req.action.unwrap_or_else(|| "create".to_owned());
    let (case_type, parent) = (
        req.case_type,
        snap.as_ref()
            .and_then(|s| s.parent_id.clone())
            .or(req.parent),
    );
    let now = req.now.unwrap_or_else(Utc::now);
    let answer = tokio::task::spawn_blocking(move || {
        let r = CheckRequest {
            programme: &programme,
            plugin: &plugin,
            check: &check,
            case_type: &case_type,
            case: snap.as_ref(),
            parent_id: parent.as_deref(),
            action: &action,
            to: "",
            actor: &who,
            data: &data,
            now,
        };
        match plugins.check(&r) {
            Ok(result) => CheckAnswer {
                check: check.clone(),
                findings: result.findings,
                failed: None,
                blocking: false,
            },
            Err(f) => CheckAnswer {
                check: check.clone(),
                findings: Vec::new(),
                failed: Some(f.reason),
                blocking: f.blocking,
            },
        }
    })
    .await
    .map_err(|e| Error::Internal(format!("the check task failed: {e}")))?;
    Ok(answer)
}
