//! Taking an action on a case, and opening a new case.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::data::{check_input, merge, with_declared};
use super::deadlines::{self, Moment};
use super::{
    ActionRequest, Actor, CaseSnapshot, CheckRecord, CheckRequest, ChildCase, Decision,
    EngineError, Finding, Notification, Outcome, PluginChecks, Refusal, Severity,
};
use crate::calendar::Calendar;
use crate::workflow::Definition;
use crate::workflow::expr::Vars;
use crate::workflow::model::{CaseType, Effect, I18n, Name, Transition};

/// A case someone asks to open.
#[derive(Debug, Clone, Copy)]
pub struct NewCase<'a> {
    /// Case type id.
    pub case_type: &'a str,
    /// Initial data.
    pub input: &'a Value,
    /// The parent case's data, for a child case.
    pub parent: Option<&'a Value>,
    /// The parent case's id.
    pub parent_id: Option<&'a str>,
    /// Who opens it (the system for spawned and scheduled cases).
    pub actor: &'a Actor,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Decide whether `req` may be taken on `case`, and what it changes.
pub fn decide(
    def: &Definition,
    cal: &Calendar,
    case: &CaseSnapshot,
    req: &ActionRequest<'_>,
    plugins: &dyn PluginChecks,
) -> Result<Decision, EngineError> {
    let ct = def
        .programme
        .case_type(&case.case_type)
        .ok_or_else(|| EngineError::UnknownCaseType(case.case_type.clone()))?;
    if !ct.states.contains_key(case.state.as_str()) {
        return Err(EngineError::UnknownState(case.state.clone()));
    }
    let t = match find_transition(ct, &case.state, req.action) {
        Ok(t) => t,
        Err(refusal) => return Ok(refused(vec![refusal])),
    };
    let mut reasons = Vec::new();
    if !req.actor.holds_any(t.roles.iter().map(|r| r.as_str())) {
        let roles = join(&t.roles);
        reasons.push(Refusal::new(
            "role_missing",
            None,
            format!("需要以下角色之一:{roles}"),
            format!("this action needs one of the roles: {roles}"),
        ));
    }
    if t.comment_required && req.comment.is_none_or(|c| c.trim().is_empty()) {
        reasons.push(Refusal::new(
            "comment_required",
            None,
            "此操作需要填写说明".to_owned(),
            "this action needs a comment".to_owned(),
        ));
    }
    reasons.extend(check_input(&ct.fields, req.input));
    if !reasons.is_empty() {
        return Ok(refused(reasons));
    }
    let updates = req.input.as_object().cloned().unwrap_or_default();
    let (proposed, mut changes) = merge(&case.data, &updates);
    let header = header(case);
    let actor = actor_value(req.actor);
    let parent = case.parent.clone().unwrap_or(Value::Null);
    let seen = with_declared(&ct.fields, &proposed);
    let vars = Vars {
        input: req.input,
        case: &header,
        actor: &actor,
        parent: &parent,
        ..Vars::new(&seen, req.now)
    };
    if let Some(refusal) = guard(def, t.guard.as_ref(), t.guard_message.as_ref(), &vars) {
        return Ok(refused(vec![refusal]));
    }
    let call = CheckCall {
        def,
        ct_id: &case.case_type,
        case: Some(case),
        parent_id: case.parent_id.as_deref(),
        action: req.action,
        to: t.to.as_str(),
        actor: req.actor,
        now: req.now,
    };
    let (checks, warnings) = match run_checks(&call, &t.checks, &proposed, plugins)? {
        Ok(ok) => ok,
        Err(reasons) => return Ok(refused(reasons)),
    };
    let mut outcome = Outcome {
        action: req.action.to_owned(),
        from: Some(case.state.clone()),
        to: t.to.to_string(),
        data: proposed.clone(),
        changes: Vec::new(),
        deadlines: Vec::new(),
        children: Vec::new(),
        notifications: Vec::new(),
        checks,
        warnings,
        taken_at: None,
    };
    apply_effects(def, ct, t, &vars, &mut outcome);
    changes.append(&mut outcome.changes);
    outcome.changes = changes;
    let moment = Moment {
        def,
        cal,
        ct,
        data: &outcome.data,
        parent: &parent,
        created_at: case.created_at,
        now: req.now,
    };
    let (deadline_changes, deadline_warnings) = deadlines::on_transition(&moment, case, t);
    outcome.deadlines = deadline_changes;
    outcome.warnings.extend(deadline_warnings);
    Ok(Decision::Accepted(Box::new(outcome)))
}

/// Decide whether a case may be opened, and with what.
pub fn create(
    def: &Definition,
    cal: &Calendar,
    new: &NewCase<'_>,
    plugins: &dyn PluginChecks,
) -> Result<Decision, EngineError> {
    let ct = def
        .programme
        .case_type(new.case_type)
        .ok_or_else(|| EngineError::UnknownCaseType(new.case_type.to_owned()))?;
    let system = new.actor.roles.contains(crate::workflow::SYSTEM_ROLE);
    let mut reasons = Vec::new();
    match &ct.create {
        Some(rule) if !system && !new.actor.holds_any(rule.roles.iter().map(|r| r.as_str())) => {
            let roles = join(&rule.roles);
            reasons.push(Refusal::new(
                "role_missing",
                None,
                format!("新建此类案件需要以下角色之一:{roles}"),
                format!("opening this kind of case needs one of the roles: {roles}"),
            ));
        }
        None if !system => reasons.push(Refusal::new(
            "not_creatable",
            None,
            "此类案件由系统自动创建".to_owned(),
            "cases of this kind are opened by the system only".to_owned(),
        )),
        _ => {}
    }
    reasons.extend(check_input(&ct.fields, new.input));
    if !reasons.is_empty() {
        return Ok(refused(reasons));
    }
    let data = Value::Object(new.input.as_object().cloned().unwrap_or_default());
    let seen = with_declared(&ct.fields, &data);
    let actor = actor_value(new.actor);
    let parent = new.parent.cloned().unwrap_or(Value::Null);
    let vars = Vars {
        input: new.input,
        actor: &actor,
        parent: &parent,
        ..Vars::new(&seen, new.now)
    };
    let rule = ct.create.as_ref();
    let (rule_guard, message) = match rule {
        Some(r) => (r.guard.as_ref(), r.guard_message.as_ref()),
        None => (None, None),
    };
    if let Some(refusal) = guard(def, rule_guard, message, &vars) {
        return Ok(refused(vec![refusal]));
    }
    let call = CheckCall {
        def,
        ct_id: new.case_type,
        case: None,
        parent_id: new.parent_id,
        action: "create",
        to: ct.initial.as_str(),
        actor: new.actor,
        now: new.now,
    };
    let no_checks = Vec::new();
    let check_ids = rule.map(|r| &r.checks).unwrap_or(&no_checks);
    let (checks, warnings) = match run_checks(&call, check_ids, &data, plugins)? {
        Ok(ok) => ok,
        Err(reasons) => return Ok(refused(reasons)),
    };
    let moment = Moment {
        def,
        cal,
        ct,
        data: &data,
        parent: &parent,
        created_at: new.now,
        now: new.now,
    };
    let (deadline_changes, deadline_warnings) = deadlines::on_create(&moment);
    let changes = data
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| super::Change {
                    field: k.clone(),
                    before: Value::Null,
                    after: v.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut warnings = warnings;
    warnings.extend(deadline_warnings);
    Ok(Decision::Accepted(Box::new(Outcome {
        action: "create".to_owned(),
        from: None,
        to: ct.initial.to_string(),
        data,
        changes,
        deadlines: deadline_changes,
        children: Vec::new(),
        notifications: Vec::new(),
        checks,
        warnings,
        taken_at: None,
    })))
}

fn refused(reasons: Vec<Refusal>) -> Decision {
    Decision::Refused { reasons }
}

fn join(names: &[Name]) -> String {
    names
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The transition `action` takes from `state`, or why there is none.
pub(super) fn find_transition<'a>(
    ct: &'a CaseType,
    state: &str,
    action: &'a str,
) -> Result<&'a Transition, Refusal> {
    if let Some(t) = ct
        .transitions_for(action)
        .find(|t| t.from.iter().any(|f| f.as_str() == state))
    {
        return Ok(t);
    }
    if ct.transitions_for(action).next().is_none() {
        return Err(Refusal::new(
            "unknown_action",
            None,
            format!("没有名为“{action}”的操作"),
            format!("there is no action `{action}`"),
        ));
    }
    let title = ct.state_title(state);
    if ct.is_final(state) {
        return Err(Refusal::new(
            "final_state",
            None,
            format!("案件已处于终结状态“{}”", title.zh),
            format!("the case is in the final state `{}`", title.en),
        ));
    }
    Err(Refusal::new(
        "wrong_state",
        None,
        format!("当前状态“{}”下不能执行此操作", title.zh),
        format!("action `{action}` cannot be taken in state `{}`", title.en),
    ))
}

/// A refusal when the guard is false or cannot be evaluated. A false guard says the
/// workflow's `guard_message` when it has one, else the expression itself.
pub(super) fn guard(
    def: &Definition,
    guard: Option<&Name>,
    message: Option<&I18n>,
    vars: &Vars<'_>,
) -> Option<Refusal> {
    let source = guard?;
    let result = match def.expr(source) {
        Some(e) => e.eval_bool(vars),
        None => Err(format!("`{}` was not compiled", source.as_str())),
    };
    match result {
        Ok(true) => None,
        Ok(false) => Some(match message {
            Some(m) => Refusal::new("guard_false", None, m.zh.clone(), m.en.clone()),
            None => Refusal::new(
                "guard_false",
                None,
                format!("不满足条件:{}", source.as_str()),
                format!("the condition does not hold: {}", source.as_str()),
            ),
        }),
        Err(e) => Some(Refusal::new(
            "guard_error",
            None,
            format!("条件无法计算:{e}"),
            e,
        )),
    }
}

struct CheckCall<'a> {
    def: &'a Definition,
    ct_id: &'a str,
    case: Option<&'a CaseSnapshot>,
    parent_id: Option<&'a str>,
    action: &'a str,
    to: &'a str,
    actor: &'a Actor,
    now: DateTime<Utc>,
}

type Checked = (Vec<CheckRecord>, Vec<Finding>);

/// Run the plugin checks: `Err` for a blocking plugin failure, `Ok(Err)` for refusals.
fn run_checks(
    call: &CheckCall<'_>,
    checks: &[Name],
    data: &Value,
    plugins: &dyn PluginChecks,
) -> Result<Result<Checked, Vec<Refusal>>, EngineError> {
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    let mut reasons = Vec::new();
    let plugin = call
        .def
        .programme
        .plugin
        .as_ref()
        .map(|p| p.as_str())
        .unwrap_or_default();
    for check in checks {
        let request = CheckRequest {
            programme: call.def.id(),
            plugin,
            check: check.as_str(),
            case_type: call.ct_id,
            case: call.case,
            parent_id: call.parent_id,
            action: call.action,
            to: call.to,
            actor: call.actor,
            data,
            now: call.now,
        };
        match plugins.check(&request) {
            Ok(result) => {
                for f in result.findings {
                    match f.severity {
                        Severity::Error => reasons.push(Refusal {
                            code: f.code,
                            field: Some(f.field),
                            message: f.message,
                        }),
                        Severity::Warning => warnings.push(f),
                    }
                }
                records.push(CheckRecord {
                    check: check.to_string(),
                    plugin: result.provenance,
                });
            }
            Err(failure) if failure.blocking => return Err(EngineError::Plugin(failure)),
            Err(failure) => warnings.push(Finding {
                field: String::new(),
                code: "plugin_failed".to_owned(),
                message: crate::workflow::model::I18n {
                    zh: format!("插件检查未能完成,已放行:{failure}"),
                    en: format!("the plugin check could not run and was let pass: {failure}"),
                },
                severity: Severity::Warning,
            }),
        }
    }
    if reasons.is_empty() {
        Ok(Ok((records, warnings)))
    } else {
        Ok(Err(reasons))
    }
}

/// Set fields, spawn children, notify: everything but deadlines.
fn apply_effects(
    def: &Definition,
    ct: &CaseType,
    t: &Transition,
    vars: &Vars<'_>,
    out: &mut Outcome,
) {
    for effect in &t.effects {
        match effect {
            Effect::Set(map) => {
                let updates = evaluate_map(def, map, vars, &mut out.warnings);
                let (data, changes) = merge(&out.data, &updates);
                out.data = data;
                out.changes.extend(changes);
            }
            Effect::Spawn(spawn) => {
                let (rows, columns) = match &spawn.for_each {
                    Some(list) => (
                        out.data
                            .get(list.as_str())
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default(),
                        ct.fields.get(list.as_str()).map(|f| &f.fields),
                    ),
                    None => (vec![Value::Null], None),
                };
                for row in rows {
                    // A row's unset columns read as null, like the case's own fields.
                    let row = match columns {
                        Some(cols) => with_declared(cols, &row),
                        None => row,
                    };
                    let item_vars = Vars {
                        item: &row,
                        ..*vars
                    };
                    let data = evaluate_map(def, &spawn.data, &item_vars, &mut out.warnings);
                    out.children.push(ChildCase {
                        case_type: spawn.case_type.to_string(),
                        data: Value::Object(data),
                    });
                }
            }
            Effect::Notify(n) => {
                let users = n
                    .users
                    .iter()
                    .filter_map(|uf| {
                        let (source, field) = match uf.strip_prefix("parent.") {
                            Some(f) => (vars.parent, f),
                            None => (&out.data, uf.as_str()),
                        };
                        source.get(field)?.as_str().map(str::to_owned)
                    })
                    .collect();
                out.notifications.push(Notification {
                    roles: n.roles.iter().map(|r| r.to_string()).collect(),
                    users,
                    message: n.message.clone(),
                })
            }
            Effect::OpenDeadline(_) | Effect::CloseDeadline(_) => {}
        }
    }
}

fn evaluate_map(
    def: &Definition,
    map: &indexmap::IndexMap<Name, Name>,
    vars: &Vars<'_>,
    warnings: &mut Vec<Finding>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (field, source) in map {
        let value = def
            .expr(source)
            .ok_or_else(|| format!("`{}` was not compiled", source.as_str()))
            .and_then(|e| e.eval(vars));
        match value {
            Ok(v) => {
                out.insert(field.to_string(), v);
            }
            Err(e) => warnings.push(Finding {
                field: format!("/{}", super::data::escape(field)),
                code: "effect_failed".to_owned(),
                message: crate::workflow::model::I18n {
                    zh: format!("字段未能自动设置:{e}"),
                    en: e,
                },
                severity: Severity::Warning,
            }),
        }
    }
    out
}

/// The `case` value expressions see.
pub(super) fn header(case: &CaseSnapshot) -> Value {
    json!({
        "id": case.id,
        "number": case.number,
        "state": case.state,
        "org_unit": case.org_unit,
        "created_at": case.created_at.to_rfc3339(),
    })
}

/// The `actor` value expressions see.
pub(super) fn actor_value(actor: &Actor) -> Value {
    json!({ "id": actor.id, "roles": actor.roles })
}
