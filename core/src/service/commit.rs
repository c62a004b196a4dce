//! Writing an accepted outcome: the case row (version-guarded), its event, its
//! deadline ledger, its children and its notifications, all in the caller's
//! transaction, so either everything lands or nothing does.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Utc};
use serde_json::{Value, json};

use super::holders;
use crate::engine::{self, Outcome};
use crate::error::Result;
use crate::state::Version;
use crate::store::entities::{cases, org_units};
use crate::store::{self, events::NewEvent};

use crate::workflow::model::{CaseType, FieldType};

/// A new case to write.
pub struct NewCaseRow<'a> {
    /// Definition version it runs on.
    pub version: &'a Version,
    /// Case type id.
    pub case_type: &'a str,
    /// Owning unit.
    pub org: &'a org_units::Model,
    /// Parent case id.
    pub parent: Option<&'a str>,
    /// Assignee.
    pub assignee: Option<String>,
    /// The engine's outcome of `create`.
    pub outcome: &'a Outcome,
    /// Who opens it.
    pub actor: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
    /// The deployment's time zone (the number's year is the local year).
    pub tz: chrono_tz::Tz,
    /// The audit key the event is hashed with, if the deployment has one.
    pub key: Option<&'a store::chain::ChainKey>,
}

/// Write a new case; returns its row.
pub async fn new_case(
    db: &impl sea_orm::ConnectionTrait,
    n: &NewCaseRow<'_>,
) -> Result<cases::Model> {
    let def = &n.version.def;
    let programme = def.id();
    let ct = def.programme.case_type(n.case_type).ok_or_else(|| {
        crate::error::Error::Internal(format!("case type {} vanished", n.case_type))
    })?;
    let seq =
        store::cases::next_number(db, programme, sequence_year(&ct.number, n.now, n.tz)).await?;
    let number = format_number(&ct.number, n.now.with_timezone(&n.tz).naive_local(), seq);
    let id = uuid::Uuid::now_v7().to_string();
    let data = &n.outcome.data;
    let event = store::events::next(
        0,
        store::events::GENESIS,
        event_of(&id, n.outcome, n.actor, None, n.now),
        n.key,
    );
    // A new case's deadlines are all just opened: its summary needs no read back.
    let next_due = n
        .outcome
        .deadlines
        .iter()
        .filter_map(|d| match d {
            crate::engine::DeadlineChange::Opened { due, .. } => Some(*due),
            _ => None,
        })
        .min();
    let row = cases::Model {
        id: id.clone(),
        number: number.clone(),
        programme: programme.to_owned(),
        case_type: n.case_type.to_owned(),
        def_version: n.version.number,
        def_hash: def.hash.clone(),
        state: n.outcome.to.clone(),
        closed: ct.is_final(&n.outcome.to),
        data: data.to_string(),
        search: search_text(ct, &number, data),
        org_unit_id: n.org.id.clone(),
        org_path: n.org.path.clone(),
        assignee: n.assignee.clone(),
        parent_id: n.parent.map(str::to_owned),
        version: 1,
        created_by: n.actor.to_owned(),
        created_at: n.now,
        updated_at: n.now,
        state_entered_at: n.now,
        overdue: false,
        next_due,
        chain_len: event.seq,
        chain_head: event.hash.clone(),
        actors: None,
        clock: false,
    };
    let mut row = row;
    let roles = decide_actors(db, n.version, &mut row, None, n.now)
        .await?
        .unwrap_or_default();
    let row = store::cases::insert(db, row).await?;
    store::search::index(db, &row.id, &row.search).await?;
    store::events::insert(db, &event).await?;
    finish(db, &row, n.outcome, n.actor, n.now, false).await?;
    store::tasks::replace(db, &row, &roles).await?;
    Ok(row)
}

/// Decide who can move `row` on now (its state and data as written) and put it on the
/// row; `Some(roles)` when that differs from what the row had. The parent's data is
/// read only when a guard out of the state looks at it.
async fn decide_actors(
    db: &impl sea_orm::ConnectionTrait,
    version: &Version,
    row: &mut cases::Model,
    parent: Option<&Value>,
    now: DateTime<Utc>,
) -> Result<Option<BTreeSet<String>>> {
    let def = &version.def;
    let loaded;
    let parent = match (parent, &row.parent_id) {
        (Some(p), _) => Some(p),
        (None, Some(id)) if engine::actions::reads_parent(def, &row.case_type, &row.state) => {
            loaded = store::cases::get(db, id)
                .await?
                .map(|p| super::cases::parse(&p.data));
            loaded.as_ref()
        }
        _ => None,
    };
    let snapshot = engine::CaseSnapshot {
        id: row.id.clone(),
        number: row.number.clone(),
        case_type: row.case_type.clone(),
        state: row.state.clone(),
        data: super::cases::parse(&row.data),
        org_unit: row.org_unit_id.clone(),
        created_at: row.created_at,
        state_entered_at: row.state_entered_at,
        deadlines: Vec::new(),
        parent: parent.cloned(),
        parent_id: row.parent_id.clone(),
    };
    let roles = if row.closed {
        BTreeSet::new()
    } else {
        engine::actions::acting_roles(def, &snapshot, now)
    };
    let encoded = store::tasks::encode(&roles);
    row.clock = !row.closed && engine::actions::reads_clock(def, &row.case_type, &row.state);
    if row.actors.as_deref() == Some(encoded.as_str()) {
        return Ok(None);
    }
    row.actors = Some(encoded);
    Ok(Some(roles))
}

/// Decide again who acts on the open children of `parent` whose guards read it, after
/// the parent's data changed.
async fn refresh_children(
    db: &impl sea_orm::ConnectionTrait,
    version: &Version,
    parent: &cases::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    if !engine::actions::children_read_parent(&version.def, &parent.case_type) {
        return Ok(());
    }
    let data = super::cases::parse(&parent.data);
    for mut child in store::cases::children(db, &parent.id).await? {
        if child.closed || child.def_version != version.number {
            continue;
        }
        store_actors(db, version, &mut child, Some(&data), now).await?;
    }
    Ok(())
}

/// Decide who acts on a stored case again and write it when it changed (cases written
/// before who-acts was kept, and cases whose guards read the clock). Returns whether
/// it changed.
pub async fn redecide_actors(
    db: &impl sea_orm::ConnectionTrait,
    version: &Version,
    row: &mut cases::Model,
    now: DateTime<Utc>,
) -> Result<bool> {
    store_actors(db, version, row, None, now).await
}

/// Decide who acts on a stored case (its parent's data given or read as needed) and
/// write it, unless the case moved meanwhile. Returns whether it changed.
async fn store_actors(
    db: &impl sea_orm::ConnectionTrait,
    version: &Version,
    row: &mut cases::Model,
    parent: Option<&Value>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(roles) = decide_actors(db, version, row, parent, now).await? else {
        return Ok(false);
    };
    if !store::tasks::set_actors(db, &row.id, row.version, &roles, row.clock).await? {
        return Ok(false);
    }
    store::tasks::replace(db, row, &roles).await?;
    Ok(true)
}

/// Write an action's outcome onto `case` (read at its version): the version-guarded
/// update comes first, so a case that moved is refused before anything is written.
/// The event is hashed with the deployment's audit `key`, if any.
#[allow(clippy::too_many_arguments)]
pub async fn action(
    db: &impl sea_orm::ConnectionTrait,
    version: &Version,
    case: &cases::Model,
    outcome: &Outcome,
    actor: &str,
    comment: Option<&str>,
    now: DateTime<Utc>,
    key: Option<&store::chain::ChainKey>,
) -> Result<cases::Model> {
    let ct = version
        .def
        .programme
        .case_type(&case.case_type)
        .ok_or_else(|| {
            crate::error::Error::Internal(format!("case type {} vanished", case.case_type))
        })?;
    let event = store::events::next(
        case.chain_len,
        &case.chain_head,
        event_of(&case.id, outcome, actor, comment, now),
        key,
    );
    let mut row = case.clone();
    row.state = outcome.to.clone();
    row.closed = ct.is_final(&outcome.to);
    row.data = outcome.data.to_string();
    row.search = search_text(ct, &case.number, &outcome.data);
    row.updated_at = now;
    if outcome.from.as_deref() != Some(outcome.to.as_str()) {
        row.state_entered_at = now;
    }
    row.chain_len = event.seq;
    row.chain_head = event.hash.clone();
    let new_roles = decide_actors(db, version, &mut row, None, now).await?;
    store::cases::update(db, case, &row).await?;
    row.version = case.version + 1;
    if row.search != case.search {
        store::search::index(db, &row.id, &row.search).await?;
    }
    store::events::insert(db, &event).await?;
    if let Some(summary) = finish(db, &row, outcome, actor, now, true).await? {
        summary.put_on(&mut row);
    }
    // With the same roles, a new deadline summary reached the task rows in `finish`.
    if let Some(roles) = new_roles {
        store::tasks::replace(db, &row, &roles).await?;
    }
    if !outcome.changes.is_empty() {
        refresh_children(db, version, &row, now).await?;
    }
    Ok(row)
}

/// The event an outcome writes.
fn event_of<'a>(
    case_id: &'a str,
    outcome: &'a Outcome,
    actor: &'a str,
    comment: Option<&'a str>,
    now: DateTime<Utc>,
) -> NewEvent<'a> {
    let mut payload = json!({
        "changes": outcome.changes,
        "deadlines": outcome.deadlines,
        "children": outcome.children.iter().map(|c| &c.case_type).collect::<Vec<_>>(),
        "checks": outcome.checks,
        "warnings": outcome.warnings,
        "notifications": outcome.notifications,
    });
    // Field time: kept in the hashed payload next to the event's own time (receipt).
    if let (Some(t), Some(p)) = (outcome.taken_at, payload.as_object_mut()) {
        p.insert(
            "taken_at".to_owned(),
            Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        );
    }
    NewEvent {
        case_id,
        at: now,
        actor,
        action: &outcome.action,
        from: outcome.from.as_deref(),
        to: &outcome.to,
        comment,
        payload,
    }
}

/// Deadlines and notifications of a written case; with `refresh`, the case's deadline
/// summary is recomputed when its deadlines changed, and returned.
async fn finish(
    db: &impl sea_orm::ConnectionTrait,
    row: &cases::Model,
    outcome: &Outcome,
    actor: &str,
    now: DateTime<Utc>,
    refresh: bool,
) -> Result<Option<DeadlineSummary>> {
    let mut summary = None;
    if !outcome.deadlines.is_empty() {
        store::deadlines::apply(db, &row.id, &outcome.deadlines, actor, now).await?;
        if refresh {
            summary = Some(refresh_deadline_summary(db, &row.id).await?);
        }
    }
    for n in &outcome.notifications {
        let mut users = holders(db, &row.programme, &n.roles, &row.org_path).await?;
        for u in &n.users {
            if !users.contains(u) {
                users.push(u.clone());
            }
        }
        store::notifications::send(db, &users, Some(&row.id), "action", &n.message, now).await?;
    }
    Ok(summary)
}

/// A case's overdue flag and next due time, as its open deadlines make them.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineSummary {
    /// Whether a running deadline has passed.
    pub overdue: bool,
    /// The earliest due time of a running deadline.
    pub next_due: Option<DateTime<Utc>>,
}

impl DeadlineSummary {
    /// Carry the summary onto a case row held in memory.
    pub fn put_on(self, row: &mut cases::Model) {
        row.overdue = self.overdue;
        row.next_due = self.next_due;
    }
}

/// Recompute a case's overdue flag and next due time from its open deadlines and
/// write them on the case and its task rows; returns them, for the row in hand.
pub async fn refresh_deadline_summary(
    db: &impl sea_orm::ConnectionTrait,
    case_id: &str,
) -> Result<DeadlineSummary> {
    let open = store::deadlines::open_rows(db, case_id).await?;
    let overdue = open.iter().any(|d| d.breached);
    let next_due = store::deadlines::next_due(&open);
    store::cases::set_deadline_summary(db, case_id, overdue, next_due).await?;
    store::tasks::set_deadline_summary(db, case_id, overdue, next_due).await?;
    Ok(DeadlineSummary { overdue, next_due })
}

/// Which of the programme's sequences numbers a case opened at `now`: the local year's
/// when the pattern shows the year, otherwise the lifetime one (year 0), so a number
/// without a year never comes round again.
pub fn sequence_year(pattern: &str, now: DateTime<Utc>, tz: chrono_tz::Tz) -> i32 {
    if pattern.contains("{year}") {
        now.with_timezone(&tz).year()
    } else {
        0
    }
}

/// A case number from a pattern: `{year}`, `{month}`, `{seq}` and `{seq:N}` (zero-padded).
pub fn format_number(pattern: &str, local: chrono::NaiveDateTime, seq: i64) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let token = &rest[start + 1..start + len];
        match token.split_once(':') {
            Some(("seq", w)) => {
                let width = w.parse::<usize>().unwrap_or(1);
                out.push_str(&format!("{seq:0width$}"));
            }
            _ if token == "seq" => out.push_str(&seq.to_string()),
            _ if token == "year" => out.push_str(&local.year().to_string()),
            _ if token == "month" => out.push_str(&format!("{:02}", local.month())),
            _ => out.push_str(&rest[start..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A case's one-line summary from its type's pattern.
pub fn summary(ct: &CaseType, data: &Value) -> String {
    let Some(pattern) = &ct.summary else {
        return String::new();
    };
    let mut out = pattern.to_string();
    for (name, field) in &ct.fields {
        let key = format!("{{{}}}", name.as_str());
        if out.contains(&key) {
            let value = match data.get(name.as_str()) {
                // A moment reads as minutes in its own offset, not RFC 3339 to the
                // nanosecond.
                Some(Value::String(s)) if *field.kind == FieldType::Datetime => {
                    chrono::DateTime::parse_from_rfc3339(s)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|_| s.clone())
                }
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            };
            out = out.replace(&key, &value);
        }
    }
    out
}

/// What free-text search looks in: number, summary and non-sensitive text values.
pub fn search_text(ct: &CaseType, number: &str, data: &Value) -> String {
    let mut parts = vec![number.to_owned(), summary(ct, data)];
    for (name, field) in &ct.fields {
        if field.sensitive {
            continue;
        }
        match data.get(name.as_str()) {
            Some(Value::String(s)) => parts.push(s.clone()),
            Some(Value::Number(n)) => parts.push(n.to_string()),
            _ => {}
        }
    }
    parts.join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_follow_the_pattern_in_local_time() {
        let t = Utc
            .with_ymd_and_hms(2026, 12, 31, 17, 0, 0)
            .single()
            .expect("valid")
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .naive_local();
        assert_eq!(format_number("CJ-{year}-{seq:6}", t, 123), "CJ-2027-000123");
        assert_eq!(format_number("{year}{month}-{seq}", t, 7), "202701-7");
    }

    #[test]
    fn a_summary_shows_a_moment_to_the_minute() {
        let yaml = r#"
programme: demo
version: 1
title: { zh: 演示, en: Demo }
roles: { clerk: { zh: 办事员, en: Clerk } }
case_types:
  report:
    title: { zh: 报告, en: Report }
    number: "R-{seq}"
    summary: "{kind} · {happened_at}"
    initial: open
    create: { roles: [clerk] }
    fields:
      kind: { type: text }
      happened_at: { type: datetime }
    states:
      open: {}
      done: { final: true }
    transitions:
      - { action: finish, from: [open], to: done, roles: [clerk] }
"#;
        let def = crate::workflow::Definition::from_text(
            std::path::Path::new("demo/workflow.yaml"),
            yaml,
        )
        .expect("valid");
        let ct = def.programme.case_type("report").expect("declared");
        let data = json!({ "kind": "fall", "happened_at": "2026-11-28T15:25:28.021573984+08:00" });
        assert_eq!(summary(ct, &data), "fall · 2026-11-28 15:25");
    }
}
