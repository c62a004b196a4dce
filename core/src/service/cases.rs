//! Opening cases, taking actions, reading and listing cases.
//!
//! # Layout
//! - this file: open a case, take an action, the checks around them;
//! - `derived`: the plugin's derived fields, written into the case data;
//! - `forms`: the generic constraints of the plugin form an opening or an action fills.

mod derived;
mod field_time;
mod forms;
mod work;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::commit::{self, NewCaseRow};

use super::views::{self, CaseView};
use super::{actor, org_unit, refusal_error};
use crate::auth::Caller;
use crate::engine::{self, ActionRequest, Actor, CaseSnapshot, Decision, NewCase, Outcome};
use crate::error::{Error, Result, bad_request};
use crate::metrics::Metrics;
use crate::state::{AppState, Version};
use crate::store::{self, entities::cases};
use derived::{DeriveAt, derive};
use forms::{CheckAsk, refused_with_checks, validate_form, validate_new};
use work::{ActionWork, CreateWork, Idempotent};

pub use field_time::{MAX_AGE_DAYS, MAX_SKEW_MINUTES};

/// A request to open a case.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CreateCase {
    /// Programme id.
    pub programme: String,
    /// Case type id.
    pub case_type: String,
    /// Owning org unit id (defaults to the parent's for a child case).
    #[serde(default)]
    pub org_unit: Option<String>,
    /// Initial data.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub data: Value,
    /// Parent case id, for a child case type.
    #[serde(default)]
    pub parent: Option<String>,
    /// Assignee user id.
    #[serde(default)]
    pub assignee: Option<String>,
    /// When the case was opened in the field, for a case captured without a network
    /// and sent later (RFC 3339). Recorded in the case's first event; the case's
    /// clocks run from when the server received it. At most 5 minutes ahead of the
    /// server's clock and 7 days behind it.
    #[serde(default)]
    pub taken_at: Option<DateTime<Utc>>,
    /// Makes a retry open the case once (the API's `Idempotency-Key` header, the new
    /// case form's `_key`): a request repeated with the same key and the same content
    /// answers with the case the first one opened.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
    /// The request as the client sent it, when it is not `data` (see
    /// [`ActionInput::sent`]): the key's fingerprint is taken from it.
    #[serde(skip)]
    pub sent: Option<String>,
}

/// A request to take an action.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionInput {
    /// Field values submitted with the action.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub data: Value,
    /// The actor's comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The case version the caller read; a stale version is refused with 409.
    #[serde(default)]
    pub expected_version: Option<i64>,
    /// When the action was taken in the field, for an action captured without a
    /// network and sent later (RFC 3339). Recorded in the event next to the time the
    /// server received it, which is the time deadlines count from. At most 5 minutes
    /// ahead of the server's clock and 7 days behind it.
    #[serde(default)]
    pub taken_at: Option<DateTime<Utc>>,
    /// The request as the client sent it, when `data` is not that: a web form is read
    /// against the stored data (a field left blank becomes `null` once something set
    /// it), so the same form sent again after its action set fields reads differently.
    /// The idempotency key's fingerprint is taken from this when given, so a retry of
    /// the same form gets the first answer.
    #[serde(skip)]
    pub sent: Option<String>,
}

/// Open a case.
pub async fn create(state: &AppState, caller: &Caller, req: CreateCase) -> Result<CaseView> {
    create_as_of(state, caller, req, Utc::now()).await
}

/// Open a case as if at `now` (the demo seed backdates cases so some are overdue).
pub async fn create_as_of(
    state: &AppState,
    caller: &Caller,
    req: CreateCase,
    now: DateTime<Utc>,
) -> Result<CaseView> {
    let once = match &req.idempotency_key {
        Some(key) => Some(Idempotent {
            key: key.clone(),
            fingerprint: store::idempotency::fingerprint(&[
                "create",
                &req.programme,
                &req.case_type,
                req.org_unit.as_deref().unwrap_or(""),
                req.parent.as_deref().unwrap_or(""),
                &req.sent.clone().unwrap_or_else(|| req.data.to_string()),
            ]),
        }),
        None => None,
    };
    // Two tries with one key take turns, so the second finds what the first opened.
    let _turn = match &once {
        Some(i) => Some(
            state
                .case_locks
                .lock(&format!("create:{}:{}", caller.id, i.key))
                .await,
        ),
        None => None,
    };
    if let Some(i) = &once
        && let Some((_, id)) =
            store::idempotency::lookup(&state.db, &caller.id, &i.key, &i.fingerprint).await?
    {
        let row = readable(state, caller, &id).await?;
        return views::case(state, caller, row, "api").await;
    }
    field_time::check(req.taken_at, now)?;
    let version = current(state, &req.programme)?;
    available(state, &version)?;
    if version.def.programme.case_type(&req.case_type).is_none() {
        return Err(bad_request(
            "case_type",
            format!(
                "programme `{}` has no case type `{}`",
                req.programme, req.case_type
            ),
        ));
    }
    let parent = match &req.parent {
        Some(id) => Some(readable(state, caller, id).await?),
        None => None,
    };
    let unit_id = req
        .org_unit
        .clone()
        .or_else(|| parent.as_ref().map(|p| p.org_unit_id.clone()))
        .ok_or_else(|| bad_request("org_unit", "name the org unit the case belongs to"))?;
    let org = org_unit(&state.db, &unit_id).await?;
    if let Some(p) = &parent
        && !org.path.starts_with(&p.org_path)
    {
        // A child belongs where its parent is: a hazard to its building's unit.
        return Err(bad_request(
            "org_unit",
            format!(
                "a child case belongs to its parent's unit `{}` or a unit below it",
                p.org_unit_id
            ),
        ));
    }
    check_parent(&version, &req.case_type, parent.as_ref())?;
    let who = actor(caller, &req.programme, &org.path);
    let refused = validate_new(state, &version, &req.case_type, &who, &req.data).await?;
    if !refused.is_empty() {
        let ask = CheckAsk {
            version: &version,
            case_type: &req.case_type,
            case: None,
            parent_id: req.parent.as_deref(),
            action: "create",
            actor: &who,
            data: &req.data,
            now,
        };
        return Err(refused_with_checks(state, ask, refused).await);
    }
    let parent_data = parent.as_ref().map(|p| parse(&p.data));
    // The decision and the derived fields in one hand-off to the blocking pool.
    let mut outcome = {
        let (version, calendar, plugins) =
            (version.clone(), state.calendar(), state.plugins.clone());
        let metrics = state.metrics.clone();
        let (case_type, data, who) = (req.case_type.clone(), req.data.clone(), who.clone());
        let (programme, parent_id, org_id) =
            (req.programme.clone(), req.parent.clone(), org.id.clone());
        blocking(move || {
            let new = NewCase {
                case_type: &case_type,
                input: &data,
                parent: parent_data.as_ref(),
                parent_id: parent_id.as_deref(),
                actor: &who,
                now,
            };
            let decided = engine::create(&version.def, &calendar, &new, plugins.as_ref())?;
            let mut outcome = accepted(&metrics, &programme, decided)?;
            let at = DeriveAt {
                case_type: &case_type,
                case: None,
                parent_id: parent_id.as_deref(),
                org_unit: &org_id,
                actor: &who,
                now,
            };
            derive(plugins.as_ref(), &version, &at, &mut outcome)?;
            Ok::<_, Error>(outcome)
        })
        .await?
    };
    outcome.taken_at = req.taken_at;
    let row = state
        .writer
        .write(CreateWork {
            state: state.clone(),
            version: version.clone(),
            case_type: req.case_type.clone(),
            org,
            parent: parent.as_ref().map(|p| p.id.clone()),
            assignee: req.assignee.clone(),
            outcome,
            data: req.data.clone(),
            caller: caller.id.clone(),
            now,
            idempotent: once,
        })
        .await?;
    views::case(state, caller, row, "api").await
}

/// Take `action` on case `id`. With an idempotency key, a retry returns the first
/// answer without applying the action twice.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: &str,
    input: ActionInput,
    idempotency_key: Option<&str>,
) -> Result<CaseView> {
    act_as_of(
        state,
        caller,
        id,
        action,
        input,
        idempotency_key,
        Utc::now(),
    )
    .await
}

/// [`act`] as if at `now` (the demo seed).
#[allow(clippy::too_many_arguments)] // the seven parts of an action; a struct would only rename them
pub async fn act_as_of(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: &str,
    input: ActionInput,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<CaseView> {
    let sent = input.sent.clone().unwrap_or_else(|| input.data.to_string());
    let fingerprint = store::idempotency::fingerprint(&[
        id,
        action,
        &sent,
        input.comment.as_deref().unwrap_or(""),
    ]);
    let started = std::time::Instant::now();
    // Requests on one case take turns in this server, from reading the case to the
    // durable commit.
    let _turn = state.case_locks.lock(id).await;
    // Without `expected_version`, a case another server moved between our read and our
    // write is read and decided again (a few times, then 409); with it, a stale version
    // is the caller's to resolve.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let case = readable(state, caller, id).await?;
        if let Some(key) = idempotency_key
            && let Some((_, body)) =
                store::idempotency::lookup(&state.db, &caller.id, key, &fingerprint).await?
        {
            let view: CaseView = serde_json::from_str(&body)?;
            return Ok(view);
        }
        let expected = input.expected_version.unwrap_or(case.version);
        if expected != case.version {
            return Err(Error::Conflict {
                expected,
                current: case.version,
            });
        }
        // After the key's first answer: a retry of an applied entry is answered, not
        // refused for a field time that has grown old meanwhile.
        field_time::check(input.taken_at, now)?;
        let version = case_version(state, &case)?;
        available(state, &version)?;
        let refused = validate_form(state, &version, &case, action, &input.data).await?;
        let who = actor(caller, &case.programme, &case.org_path);
        if !refused.is_empty() {
            let ask = CheckAsk {
                version: &version,
                case_type: &case.case_type,
                case: Some(&case),
                parent_id: case.parent_id.as_deref(),
                action,
                actor: &who,
                data: &input.data,
                now,
            };
            return Err(refused_with_checks(state, ask, refused).await);
        }
        let (snapshot, deadlines) = read_for_action(state, &case).await?;
        let parent = snapshot.parent.clone();
        let mut outcome =
            decide(state, &version, &case, snapshot, action, &input, &who, now).await?;
        outcome.taken_at = input.taken_at;
        let children = spawn_children(state, &version, &case, &outcome, now).await?;
        let (data, deadlines_unchanged) = (outcome.data.clone(), outcome.deadlines.is_empty());
        let programme = case.programme.clone();
        let written = state
            .writer
            .write(ActionWork {
                state: state.clone(),
                version: version.clone(),
                case,
                action: action.to_owned(),
                outcome,
                children,
                input: input.data.clone(),
                comment: input.comment.clone(),
                caller: caller.clone(),
                now,
                idempotent: idempotency_key.map(|key| Idempotent {
                    key: key.to_owned(),
                    fingerprint: fingerprint.clone(),
                }),
            })
            .await;
        match written {
            Ok(w) => {
                state
                    .metrics
                    .action_time(&programme, action, started.elapsed());
                // The answer is built from what this request read and wrote; only
                // deadline rows the action changed are read again.
                let known = views::Known {
                    data: Some(data),
                    parent: Some(parent),
                    deadlines: deadlines_unchanged.then_some(deadlines),
                };
                return match w.view {
                    Some(view) => Ok(view),
                    None => views::case_known(&state.db, state, caller, w.row, "api", known).await,
                };
            }
            Err(Error::Conflict { .. })
                if input.expected_version.is_none() && attempt < MAX_ATTEMPTS =>
            {
                state.metrics.redecided();
                continue;
            }
            Err(e) => return Err(e),
        }
    }
}

/// How often an action without `expected_version` is decided again when its case
/// moves under it, before the caller is told 409.
const MAX_ATTEMPTS: u32 = 8;

/// Decide an action and compute its derived fields, in one hand-off to the blocking
/// pool (both may call the plugin).
#[allow(clippy::too_many_arguments)] // the parts of an action, as `act_as_of` holds them
async fn decide(
    state: &AppState,
    version: &Arc<Version>,
    case: &cases::Model,
    snapshot: CaseSnapshot,
    action: &str,
    input: &ActionInput,
    who: &Actor,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let (version, calendar, plugins) = (version.clone(), state.calendar(), state.plugins.clone());
    let metrics = state.metrics.clone();
    let (action, data, comment, who) = (
        action.to_owned(),
        input.data.clone(),
        input.comment.clone(),
        who.clone(),
    );
    let case = case.clone();
    blocking(move || {
        let req = ActionRequest {
            action: &action,
            input: &data,
            comment: comment.as_deref(),
            actor: &who,
            now,
        };
        let decided = engine::decide(&version.def, &calendar, &snapshot, &req, plugins.as_ref())?;
        let mut outcome = accepted(&metrics, &case.programme, decided)?;
        let at = DeriveAt {
            case_type: &case.case_type,
            case: Some(&case),
            parent_id: case.parent_id.as_deref(),
            org_unit: &case.org_unit_id,
            actor: &who,
            now,
        };
        derive(plugins.as_ref(), &version, &at, &mut outcome)?;
        Ok::<_, Error>(outcome)
    })
    .await
}

/// Decide the children an outcome spawns (each opened by the system).
async fn spawn_children(
    state: &AppState,
    version: &Arc<Version>,
    parent: &cases::Model,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Outcome)>> {
    if outcome.children.is_empty() {
        return Ok(Vec::new());
    }
    let (calendar, plugins) = (state.calendar(), state.plugins.clone());
    let children = outcome.children.clone();
    let parent_data = outcome.data.clone();
    let parent_id = parent.id.clone();
    let org_id = parent.org_unit_id.clone();
    let version = version.clone();
    let children = blocking(move || {
        let system = Actor::system();
        children
            .iter()
            .map(|c| {
                let new = NewCase {
                    case_type: &c.case_type,
                    input: &c.data,
                    parent: Some(&parent_data),
                    parent_id: Some(&parent_id),
                    actor: &system,
                    now,
                };
                let decided = engine::create(&version.def, &calendar, &new, plugins.as_ref())?;
                let mut outcome = match decided {
                    Decision::Accepted(o) => *o,
                    Decision::Refused { reasons } => {
                        return Err(Error::Invalid(
                            reasons.into_iter().map(Into::into).collect(),
                        ));
                    }
                };
                let at = DeriveAt {
                    case_type: &c.case_type,
                    case: None,
                    parent_id: Some(&parent_id),
                    org_unit: &org_id,
                    actor: &system,
                    now,
                };
                derive(plugins.as_ref(), &version, &at, &mut outcome)?;
                Ok((c.case_type.clone(), outcome))
            })
            .collect::<Result<Vec<_>>>()
    })
    .await
    .map_err(|e| {
        tracing::warn!(case = %parent.id, error = %e, "a spawned child case was refused");
        e
    })?;
    Ok(children)
}

/// The derived fields of a case the system opens on a schedule, as [`derive`] computes
/// them for any new case. It calls the plugin: run it off the async workers.
pub(super) fn derive_scheduled(
    plugins: &dyn crate::state::Plugins,
    version: &Version,
    case_type: &str,
    parent_id: Option<&str>,
    org_unit: &str,
    now: DateTime<Utc>,
    outcome: &mut Outcome,
) -> Result<()> {
    let system = Actor::system();
    let at = DeriveAt {
        case_type,
        case: None,
        parent_id,
        org_unit,
        actor: &system,
        now,
    };
    derive(plugins, version, &at, outcome)
}

async fn write_children(
    db: &impl sea_orm::ConnectionTrait,
    state: &AppState,
    version: &Version,
    parent: &cases::Model,
    children: &[(String, Outcome)],
    now: DateTime<Utc>,
) -> Result<()> {
    if children.is_empty() {
        return Ok(());
    }
    let org = org_unit(db, &parent.org_unit_id).await?;
    for (case_type, outcome) in children {
        commit::new_case(
            db,
            &NewCaseRow {
                version,
                case_type,
                org: &org,
                parent: Some(&parent.id),
                assignee: None,
                outcome,
                actor: "system",
                now,
                tz: state.config.timezone,
                key: state.config.audit_key(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The engine's snapshot of a stored case.
pub async fn snapshot(state: &AppState, case: &cases::Model) -> Result<CaseSnapshot> {
    Ok(read_for_action(state, case).await?.0)
}

/// The engine's snapshot of a stored case, and all its deadline rows (open and
/// closed: the answer to the action lists them, so they are read once).
async fn read_for_action(
    state: &AppState,
    case: &cases::Model,
) -> Result<(CaseSnapshot, Vec<store::entities::deadlines::Model>)> {
    let all = store::deadlines::all_rows(&state.db, &case.id).await?;
    let open = store::deadlines::open_of(&all);
    let parent = match &case.parent_id {
        Some(p) => store::cases::get(&state.db, p)
            .await?
            .map(|p| parse(&p.data)),
        None => None,
    };
    let snapshot = CaseSnapshot {
        id: case.id.clone(),
        number: case.number.clone(),
        case_type: case.case_type.clone(),
        state: case.state.clone(),
        data: parse(&case.data),
        org_unit: case.org_unit_id.clone(),
        created_at: case.created_at,
        state_entered_at: case.state_entered_at,
        deadlines: store::deadlines::to_engine(&open),
        parent,
        parent_id: case.parent_id.clone(),
    };
    Ok((snapshot, all))
}

/// A case the caller may read; 404 otherwise (its existence is not revealed).
pub async fn readable(state: &AppState, caller: &Caller, id: &str) -> Result<cases::Model> {
    let case = store::cases::get(&state.db, id).await?;
    match case {
        Some(c) if caller.can_read(&c.programme, &c.org_path) => Ok(c),
        _ => Err(Error::NotFound(format!("case {id}"))),
    }
}

/// The current definition version of a programme.
pub fn current(state: &AppState, programme: &str) -> Result<Arc<Version>> {
    state
        .programmes()
        .current(programme)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("programme {programme}")))
}

/// The definition version a case runs on.
pub fn case_version(state: &AppState, case: &cases::Model) -> Result<Arc<Version>> {
    state
        .programmes()
        .version(&case.programme, case.def_version)
        .cloned()
        .ok_or_else(|| {
            Error::Internal(format!(
                "definition {} v{} is not loaded",
                case.programme, case.def_version
            ))
        })
}

/// Refuse work on a programme whose plugin is missing or broken: without its forms
/// and checks nothing may be written.
pub fn available(state: &AppState, version: &Version) -> Result<()> {
    let Some(plugin) = version.def.programme.plugin.as_ref() else {
        return Ok(());
    };
    state
        .plugins
        .availability(plugin)
        .map_err(|reason| Error::Degraded {
            programme: version.def.id().to_owned(),
            plugin: plugin.to_string(),
            reason,
        })
}

fn check_parent(version: &Version, case_type: &str, parent: Option<&cases::Model>) -> Result<()> {
    let ct = version.def.programme.case_type(case_type);
    let wanted = ct.and_then(|c| c.parent.as_ref()).map(|p| p.as_str());
    let required = ct.is_some_and(|c| c.requires_parent());
    match (wanted, parent) {
        (None, None) => Ok(()),
        // The workflow lets this type stand alone (`parent_required: false`).
        (Some(_), None) if !required => Ok(()),
        (Some(w), Some(p)) if p.case_type == w && p.programme == version.def.id() => Ok(()),
        (Some(w), _) => Err(bad_request(
            "parent",
            format!("a `{case_type}` case belongs to a `{w}` case: name it in `parent`"),
        )),
        (None, Some(_)) => Err(bad_request(
            "parent",
            format!("a `{case_type}` case has no parent"),
        )),
    }
}

fn accepted(metrics: &Metrics, programme: &str, d: Decision) -> Result<Outcome> {
    match d {
        Decision::Accepted(o) => {
            metrics.action(programme, "accepted");
            Ok(*o)
        }
        Decision::Refused { reasons } => {
            metrics.action(programme, "refused");
            Err(refusal_error(reasons))
        }
    }
}

/// Stored JSON text as a value (an empty object if it does not parse).
pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::Object(Default::default()))
}

/// Run engine work (which may call wasm plugins) off the async workers.
pub(super) async fn blocking<T: Send + 'static, E: Into<Error> + Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, E> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(Into::into),
        Err(e) => Err(Error::Internal(format!("the decision task failed: {e}"))),
    }
}
