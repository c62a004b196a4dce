//! The programme's own checks in the page: the new-case and action pages run the
//! plugin's checks as the user types, on the very component the server runs,
//! transpiled for the browser (`scripts/transpile-plugins`) and loaded by
//! `static/checks/page.js` into a worker. The server still decides on submit.
//!
//! - `/plugins/{id}/{sha256}/{file}` serves the transpiled files of the build that is
//!   loaded now (and only that one), so a page never runs checks the server no longer
//!   runs; they never change at one hash and are cached for good.
//! - [`PageChecks`] is what a form page embeds: which build, which checks with their
//!   declared reads, the envelope the server would send (its clock is the page's), the
//!   stored case data those checks read, the calendar's arranged days (for the
//!   working-day host functions) and the server's limits.
//!
//! Count queries are database reads, some of them of sensitive fields (logged, probe-
//! limited): the page does not ask them. A check that calls one stops there in the page
//! and shows as "checked when you submit"; see docs/offline.md.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::state::{AppState, Version};

/// The route of the transpiled plugin files.
pub fn router() -> Router<AppState> {
    Router::new().route("/plugins/{id}/{sha256}/{file}", get(plugin_file_get))
}

/// The transpiled files of a plugin build: `plugin.js` and `plugin.core*.wasm`, only
/// for the build loaded now.
async fn plugin_file_get(
    State(state): State<AppState>,
    Path((id, sha256, file)): Path<(String, String, String)>,
) -> Response {
    let loaded = state
        .plugins
        .browser(&id)
        .is_some_and(|b| b.sha256 == sha256);
    if !loaded || !is_plugin_file(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = state
        .config
        .plugins
        .join("browser")
        .join(&id)
        .join(&sha256)
        .join(&file);
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, super::assets::content_type(&file)),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `plugin.js`, `plugin.core.wasm`, `plugin.core2.wasm`, …: what jco writes, and
/// nothing with a path in it.
fn is_plugin_file(file: &str) -> bool {
    if file == "plugin.js" {
        return true;
    }
    file.strip_prefix("plugin.core")
        .and_then(|rest| rest.strip_suffix(".wasm"))
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

/// What a form page needs to run its checks itself.
#[derive(Debug, Serialize)]
pub struct PageChecks {
    /// Where the transpiled build is: `/plugins/<id>/<sha256>/`.
    pub base: String,
    /// The checks the server runs on this submit, in its order.
    pub checks: Vec<PageCheck>,
    /// The envelope the server would send, without `now` (the page's clock).
    pub envelope: Value,
    /// The stored case data the checks read (as this user sees it: a masked value
    /// means the check is decided on submit).
    pub case_data: Value,
    /// The form the user fills in, to read its fields as the server does.
    pub form: Option<Value>,
    /// What the user sees in place of a value they may not read.
    pub mask: &'static str,
    /// The deployment's time zone (a `datetime-local` value is read in it).
    pub timezone: String,
    /// Days the calendar arranges: off (`false`) or make-up working days (`true`).
    pub calendar: Vec<(String, bool)>,
    /// The server's wall-clock limit of one call, milliseconds.
    pub wall_clock_ms: u64,
    /// The server's memory limit of one call, bytes.
    pub memory_bytes: u64,
}

/// One check as the page runs it.
#[derive(Debug, Serialize)]
pub struct PageCheck {
    /// Check id.
    pub id: String,
    /// The case fields it receives.
    pub reads: Vec<String>,
    /// Whether a failed call refuses the action.
    pub blocking: bool,
}

/// Where the checks run: a new case (no `case`) or an action on one.
pub struct At<'a> {
    /// The programme's definition.
    pub version: &'a Version,
    /// Case type.
    pub case_type: &'a str,
    /// The action (`create` when opening).
    pub action: &'a str,
    /// The case, as this user sees it, when acting on one.
    pub case: Option<&'a crate::service::views::CaseView>,
    /// The parent case's id.
    pub parent_id: Option<&'a str>,
    /// The form the user fills in.
    pub form: Option<&'a anjuan_plugin_sdk::FormDef>,
    /// The case's org path, for the actor's roles there. `None` for a new case whose
    /// unit is still being chosen: the roles the user holds in the programme anywhere.
    pub org_path: Option<&'a str>,
}

/// The page's checks as JSON safe to put inside a `<script>` element, or `None` when
/// the programme has no plugin, the plugin is not loaded or the step runs no checks.
pub fn page_checks(state: &AppState, caller: &Caller, at: &At<'_>) -> Option<String> {
    let def = &at.version.def;
    let plugin = def.programme.plugin.as_ref()?;
    let build = state.plugins.browser(plugin.as_str())?;
    let ct = def.programme.case_type(at.case_type)?;
    let ids = match at.case {
        None => &ct.create.as_ref()?.checks,
        Some(case) => {
            &ct.transitions_for(at.action)
                .find(|t| t.from.iter().any(|f| f.as_str() == case.state))?
                .checks
        }
    };
    let checks: Vec<PageCheck> = ids
        .iter()
        .filter_map(|id| {
            let spec = build.checks.get(id.as_str())?;
            Some(PageCheck {
                id: id.to_string(),
                reads: spec.reads.clone(),
                blocking: spec.blocking,
            })
        })
        .collect();
    // A form without checks still has the form language's own rules to run.
    if checks.is_empty() && at.form.is_none() {
        return None;
    }
    let mut case_data = Map::new();
    if let Some(data) = at.case.and_then(|c| c.data.as_object()) {
        let reads = checks.iter().flat_map(|c| &c.reads).map(|read| {
            let top = read.trim_start_matches('/').split('/').next().unwrap_or("");
            top.replace("~1", "/").replace("~0", "~")
        });
        // The fields a form's `visible_when` looks at, the form's own or stored ones.
        let mut shown_when = Vec::new();
        if let Some(form) = at.form {
            conditions(&form.fields, &mut shown_when);
        }
        for key in reads.chain(shown_when) {
            if let Some(v) = data.get(&key) {
                case_data.insert(key, v.clone());
            }
        }
    }
    let roles: std::collections::BTreeSet<String> = match at.org_path {
        Some(path) => caller.roles_at(def.id(), path),
        None => caller
            .grants
            .iter()
            .filter(|g| g.programme == "*" || g.programme == def.id())
            .map(|g| g.role.clone())
            .collect(),
    };
    let envelope = json!({
        "case_id": at.case.map(|c| c.id.clone()).unwrap_or_default(),
        "programme": def.id(),
        "case_type": at.case_type,
        "case_number": at.case.map(|c| c.number.clone()).unwrap_or_default(),
        "parent_id": at.parent_id,
        "state": at.case.map(|c| c.state.clone()).unwrap_or_default(),
        "action": at.action,
        "actor_id": caller.id,
        "actor_roles": roles,
        "org_unit": at.case.map(|c| c.org_unit.clone()).unwrap_or_default(),
        "locale": "zh-CN",
    });
    let calendar = state
        .calendar()
        .arranged_days()
        .map(|(d, work)| (d.format("%Y-%m-%d").to_string(), work))
        .collect();
    let page = PageChecks {
        base: format!("/plugins/{}/{}/", build.id, build.sha256),
        checks,
        envelope,
        case_data: Value::Object(case_data),
        form: at.form.and_then(|f| serde_json::to_value(f).ok()),
        mask: crate::engine::privacy::MASK,
        timezone: state.config.timezone.name().to_owned(),
        calendar,
        wall_clock_ms: build.wall_clock_ms,
        memory_bytes: build.memory_bytes,
    };
    let json = serde_json::to_string(&page).ok()?;
    // Inside <script>: no `</script>` or `<!--` can end it early.
    Some(json.replace('<', "\\u003c"))
}

/// The field names every `visible_when` of `fields` (and of their groups) looks at.
fn conditions(fields: &[anjuan_plugin_sdk::form::Field], out: &mut Vec<String>) {
    use anjuan_plugin_sdk::form::FieldKind;
    for f in fields {
        if let Some(c) = &f.visible_when {
            out.push(c.field.clone());
        }
        if let FieldKind::Group { fields, .. } | FieldKind::Object { fields } = &f.kind {
            conditions(fields, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_plugin_file;

    #[test]
    fn only_transpiled_files_are_served() {
        for ok in ["plugin.js", "plugin.core.wasm", "plugin.core2.wasm"] {
            assert!(is_plugin_file(ok), "{ok}");
        }
        for bad in [
            "../x",
            "plugin.core..wasm/..",
            "plugin.corex.wasm",
            "other.js",
            "",
        ] {
            assert!(!is_plugin_file(bad), "{bad}");
        }
    }
}
