//! Checks of a parsed workflow file: every reference resolves, every expression
//! compiles and names only declared fields, every state can be reached and left.
//!
//! All mistakes are collected; none stops the others from being found.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;
use marked_yaml::Span;

use super::diagnostic::{Diagnostic, did_you_mean};
use super::expr::{self, Expression};
use super::graph;
use super::model::{
    CaseType, Deadline, Effect, Field, FieldType, Name, Opens, Programme, Readers, Recurrence,
    Schedule, Target, Transition,
};

/// The role of the deadline worker; never declared, allowed on automatic actions.
pub const SYSTEM_ROLE: &str = "system";

/// Festival keys the calendar data carries.
pub const FESTIVALS: &[&str] = &[
    "new-year",
    "spring-festival",
    "qingming",
    "labour-day",
    "dragon-boat",
    "mid-autumn",
    "national-day",
];

/// Validate `p`; on success return its compiled expressions keyed by source text.
pub fn validate(
    file: &Path,
    text: &str,
    p: &Programme,
) -> Result<HashMap<String, Expression>, Vec<Diagnostic>> {
    let mut v = Validator {
        file,
        text,
        p,
        out: Vec::new(),
        exprs: HashMap::new(),
    };
    v.programme();
    if v.out.is_empty() {
        Ok(v.exprs)
    } else {
        v.out.sort_by_key(|d| (d.line, d.column));
        Err(v.out)
    }
}

/// What an expression may read, besides the always-present names.
struct Scope<'a> {
    data: &'a IndexMap<Name, Field>,
    parent: Option<&'a IndexMap<Name, Field>>,
    item: Option<&'a IndexMap<Name, Field>>,
}

struct Validator<'a> {
    file: &'a Path,
    text: &'a str,
    p: &'a Programme,
    out: Vec<Diagnostic>,
    exprs: HashMap<String, Expression>,
}

impl<'a> Validator<'a> {
    fn err(&mut self, span: &Span, message: impl Into<String>) {
        self.out.push(Diagnostic::at(self.file, span, message));
    }

    fn programme(&mut self) {
        let p = self.p;
        if let Some(folder) = self.file.parent().and_then(|d| d.file_name()) {
            let folder = folder.to_string_lossy();
            if self.file.file_name().is_some_and(|f| f == "workflow.yaml")
                && folder != p.programme.as_str()
            {
                let msg = format!(
                    "programme `{}` is in folder `{folder}`: the id and the folder must match",
                    p.programme.as_str()
                );
                self.err(p.programme.span(), msg);
            }
        }
        self.id(&p.programme, "programme");
        for role in p.roles.keys() {
            self.id(role, "role");
            if role.as_str() == SYSTEM_ROLE {
                self.err(
                    role.span(),
                    "`system` is the deadline worker's role and cannot be declared",
                );
            }
        }
        for (name, ct) in &p.case_types {
            self.id(name, "case type");
            self.case_type(name, ct);
        }
        let mut seen = HashSet::new();
        for s in &p.schedules {
            if !seen.insert(s.id.as_str()) {
                self.err(
                    s.id.span(),
                    format!("duplicate schedule id `{}`", s.id.as_str()),
                );
            }
            self.schedule(s);
        }
    }

    fn id(&mut self, id: &Name, what: &str) {
        let ok = !id.is_empty()
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            let msg = format!(
                "{what} id `{}` must start with a lowercase letter and use only a-z, 0-9, - and _",
                id.as_str()
            );
            self.err(id.span(), msg);
        }
    }

    fn role(&mut self, role: &Name, allow_system: bool) {
        if allow_system && role.as_str() == SYSTEM_ROLE {
            return;
        }
        if !self.p.roles.contains_key(role.as_str()) {
            let hint = did_you_mean(role, self.p.roles.keys().map(|k| k.as_str()));
            self.err(
                role.span(),
                format!("role `{}` is not declared in `roles`{hint}", role.as_str()),
            );
        }
    }

    fn plugin_ref(&mut self, name: &Name, what: &str) {
        if self.p.plugin.is_none() {
            let msg = format!(
                "{what} `{}` comes from a plugin, but the programme declares no `plugin`",
                name.as_str()
            );
            self.err(name.span(), msg);
        }
    }

    fn state(&mut self, ct: &CaseType, state: &Name) -> bool {
        if ct.states.contains_key(state.as_str()) {
            return true;
        }
        let hint = did_you_mean(state, ct.states.keys().map(|k| k.as_str()));
        self.err(
            state.span(),
            format!("state `{}` is not declared{hint}", state.as_str()),
        );
        false
    }

    fn case_type(&mut self, name: &Name, ct: &CaseType) {
        let p = self.p;
        let parent_fields = self.parent(name, ct);
        self.number_pattern(&ct.number);
        if let Some(summary) = &ct.summary {
            self.summary_pattern(summary, ct);
        }
        self.state(ct, &ct.initial);
        if let Some(create) = &ct.create {
            for r in &create.roles {
                self.role(r, false);
            }
            if create.roles.is_empty() {
                self.err(
                    name.span(),
                    "`create.roles` is empty: name who may open a case",
                );
            }
            if let Some(form) = &create.form {
                self.plugin_ref(form, "form");
            }
            for c in &create.checks {
                self.plugin_ref(c, "check");
            }
            if let Some(guard) = &create.guard {
                let scope = Scope {
                    data: &ct.fields,
                    parent: parent_fields,
                    item: None,
                };
                self.expression(guard, &scope);
            }
        }
        self.fields(&ct.fields, ct, parent_fields);
        self.nested_not_sensitive(&ct.fields, false);
        if let Some(readers) = &ct.readers {
            self.readers(readers, ct, parent_fields);
        }
        for (state, s) in &ct.states {
            self.id(state, "state");
            if s.is_final && !s.deadlines.is_empty() {
                self.err(
                    state.span(),
                    format!("final state `{}` cannot have deadlines", state.as_str()),
                );
            }
        }
        self.transitions(ct, parent_fields);
        self.deadlines(ct, parent_fields);
        graph::check(self.file, ct, &mut self.out);
        let _ = p;
    }

    fn parent(&mut self, name: &Name, ct: &CaseType) -> Option<&'a IndexMap<Name, Field>> {
        if let (None, Some(required)) = (&ct.parent, &ct.parent_required) {
            self.err(
                required.span(),
                format!(
                    "`parent_required` is set but case type `{}` has no `parent`",
                    name.as_str()
                ),
            );
        }
        let parent = ct.parent.as_ref()?;
        let Some(pt) = self.p.case_types.get(parent.as_str()) else {
            let hint = did_you_mean(parent, self.p.case_types.keys().map(|k| k.as_str()));
            self.err(
                parent.span(),
                format!(
                    "parent case type `{}` is not declared{hint}",
                    parent.as_str()
                ),
            );
            return None;
        };
        // Follow the chain: a case type may not (indirectly) own itself.
        let mut seen = BTreeSet::from([name.as_str()]);
        let mut cur = Some(parent);
        while let Some(c) = cur {
            if !seen.insert(c.as_str()) {
                self.err(
                    parent.span(),
                    format!("case type `{}` is its own ancestor", name.as_str()),
                );
                break;
            }
            cur = self
                .p
                .case_types
                .get(c.as_str())
                .and_then(|t| t.parent.as_ref());
        }
        Some(&pt.fields)
    }

    fn number_pattern(&mut self, pattern: &Name) {
        let mut has_seq = false;
        for token in tokens(pattern) {
            match token.split_once(':') {
                Some(("seq", width)) if width.parse::<u8>().is_ok_and(|w| (1..=12).contains(&w)) => {
                    has_seq = true
                }
                None if token == "seq" => has_seq = true,
                None if token == "year" || token == "month" => {}
                _ => self.err(
                    pattern.span(),
                    format!("unknown `{{{token}}}` in the number pattern; use {{year}}, {{month}}, {{seq}} or {{seq:N}}"),
                ),
            }
        }
        if !has_seq {
            self.err(
                pattern.span(),
                "the number pattern needs `{seq}` or `{seq:N}` so numbers never repeat",
            );
        }
    }

    /// A summary is shown unmasked in every list and feeds the search text, so it may
    /// name only fields that are not sensitive.
    fn summary_pattern(&mut self, summary: &Name, ct: &CaseType) {
        for token in tokens(summary) {
            if ct.fields.get(token.as_str()).is_some_and(|f| f.sensitive) {
                self.err(
                    summary.span(),
                    format!(
                        "summary names sensitive field `{token}`: a summary is shown unmasked to everyone who can list the case and feeds the search text; leave it out"
                    ),
                );
            }
            if !ct.fields.contains_key(token.as_str()) {
                let hint = did_you_mean(&token, ct.fields.keys().map(|k| k.as_str()));
                self.err(
                    summary.span(),
                    format!("summary names field `{token}`, which is not declared{hint}"),
                );
            }
        }
    }

    fn fields(
        &mut self,
        fields: &IndexMap<Name, Field>,
        ct: &CaseType,
        parent: Option<&IndexMap<Name, Field>>,
    ) {
        for (name, f) in fields {
            self.id(name, "field");
            let kind = *f.kind;
            let is_select = matches!(kind, FieldType::Select | FieldType::MultiSelect);
            if is_select && f.options.is_empty() {
                self.err(
                    name.span(),
                    format!(
                        "field `{}` is a {} and needs `options`",
                        name.as_str(),
                        kind.name()
                    ),
                );
            }
            if !is_select && !f.options.is_empty() {
                self.err(
                    name.span(),
                    format!(
                        "field `{}` has `options` but is not a select",
                        name.as_str()
                    ),
                );
            }
            let nested = matches!(kind, FieldType::List | FieldType::Object);
            if nested && f.fields.is_empty() {
                self.err(
                    name.span(),
                    format!(
                        "field `{}` is a {} and needs `fields`",
                        name.as_str(),
                        kind.name()
                    ),
                );
            }
            if !nested && !f.fields.is_empty() {
                self.err(
                    name.span(),
                    format!(
                        "field `{}` has `fields` but is not a list or object",
                        name.as_str()
                    ),
                );
            }
            if f.sensitive && f.readers.is_none() && ct.readers.is_none() {
                let msg = format!(
                    "sensitive field `{}` has no `readers`, here or on the case type: nobody could read it",
                    name.as_str()
                );
                self.err(name.span(), msg);
            }
            if let Some(readers) = &f.readers {
                self.readers(readers, ct, parent);
            }
            self.fields(&f.fields, ct, parent);
        }
    }

    /// Masking works on a case's own fields; a sensitive column inside a list or an
    /// object would be shown, so it is refused rather than silently ignored.
    fn nested_not_sensitive(&mut self, fields: &IndexMap<Name, Field>, nested: bool) {
        for (name, f) in fields {
            if nested && f.sensitive {
                let msg = format!(
                    "`sensitive` is supported on a case type's own fields, not inside a list or object (`{}`): make the whole list or object sensitive",
                    name.as_str()
                );
                self.err(name.span(), msg);
            }
            self.nested_not_sensitive(&f.fields, true);
        }
    }

    fn readers(
        &mut self,
        readers: &Readers,
        ct: &CaseType,
        parent: Option<&IndexMap<Name, Field>>,
    ) {
        for r in &readers.roles {
            self.role(r, false);
        }
        for uf in &readers.user_fields {
            self.user_field(uf, ct, parent);
        }
    }

    /// `field` or `parent.field` names a declared field of type user.
    fn user_field(&mut self, uf: &Name, ct: &CaseType, parent: Option<&IndexMap<Name, Field>>) {
        let (fields, field) = match uf.strip_prefix("parent.") {
            Some(f) => (parent, f),
            None => (Some(&ct.fields), uf.as_str()),
        };
        let ok = fields
            .and_then(|fs| fs.get(field))
            .is_some_and(|f| *f.kind == FieldType::User);
        if !ok {
            self.err(
                uf.span(),
                format!("`{}` must name a declared field of type user", uf.as_str()),
            );
        }
    }

    fn transitions(&mut self, ct: &CaseType, parent: Option<&IndexMap<Name, Field>>) {
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for t in &ct.transitions {
            self.id(&t.action, "action");
            if t.from.is_empty() {
                self.err(
                    t.action.span(),
                    format!("action `{}` has an empty `from`", t.action.as_str()),
                );
            }
            for f in &t.from {
                if self.state(ct, f) && !seen.insert((t.action.as_str(), f.as_str())) {
                    let msg = format!(
                        "duplicate action `{}` from state `{}`",
                        t.action.as_str(),
                        f.as_str()
                    );
                    self.err(t.action.span(), msg);
                }
                if ct.is_final(f) {
                    self.err(
                        f.span(),
                        format!("state `{}` is final: no action may leave it", f.as_str()),
                    );
                }
            }
            self.state(ct, &t.to);
            if t.roles.is_empty() {
                self.err(
                    t.action.span(),
                    format!("action `{}` has no `roles`", t.action.as_str()),
                );
            }
            for r in &t.roles {
                self.role(r, true);
            }
            if let Some(form) = &t.form {
                self.plugin_ref(form, "form");
            }
            for c in &t.checks {
                self.plugin_ref(c, "check");
            }
            let scope = Scope {
                data: &ct.fields,
                parent,
                item: None,
            };
            if let Some(guard) = &t.guard {
                self.expression(guard, &scope);
            }
            self.effects(ct, t, &scope);
        }
    }

    fn effects(&mut self, ct: &CaseType, t: &Transition, scope: &Scope<'_>) {
        for effect in &t.effects {
            match effect {
                Effect::Set(map) => self.assignments(map, scope.data, scope),
                Effect::OpenDeadline(id) | Effect::CloseDeadline(id) => {
                    if ct.deadline(id).is_none() {
                        let ids = ct.all_deadlines().map(|(_, d)| d.id.as_str());
                        let hint = did_you_mean(id, ids);
                        self.err(
                            id.span(),
                            format!("deadline `{}` is not declared{hint}", id.as_str()),
                        );
                    }
                }
                Effect::Spawn(spawn) => {
                    let Some(child) = self.p.case_types.get(spawn.case_type.as_str()) else {
                        let hint = did_you_mean(
                            &spawn.case_type,
                            self.p.case_types.keys().map(|k| k.as_str()),
                        );
                        self.err(
                            spawn.case_type.span(),
                            format!(
                                "case type `{}` is not declared{hint}",
                                spawn.case_type.as_str()
                            ),
                        );
                        continue;
                    };
                    let own = self
                        .p
                        .case_types
                        .iter()
                        .find(|(_, c)| std::ptr::eq(*c, ct))
                        .map(|(n, _)| n.as_str());
                    if child.parent.as_deref().map(String::as_str) != own {
                        let msg = format!(
                            "case type `{}` is spawned here but its `parent` is not this case type",
                            spawn.case_type.as_str()
                        );
                        self.err(spawn.case_type.span(), msg);
                    }
                    let item = match &spawn.for_each {
                        Some(list) => match ct.fields.get(list.as_str()) {
                            Some(f) if *f.kind == FieldType::List => Some(&f.fields),
                            _ => {
                                self.err(
                                    list.span(),
                                    format!(
                                        "`for_each` must name a list field; `{}` is not one",
                                        list.as_str()
                                    ),
                                );
                                None
                            }
                        },
                        None => None,
                    };
                    let child_scope = Scope {
                        data: scope.data,
                        parent: scope.parent,
                        item,
                    };
                    self.assignments(&spawn.data, &child.fields, &child_scope);
                    let list_sensitive = spawn
                        .for_each
                        .as_ref()
                        .and_then(|l| ct.fields.get(l.as_str()))
                        .is_some_and(|f| f.sensitive);
                    self.spawn_keeps_masked(spawn, child, &child_scope, list_sensitive);
                }
                Effect::Notify(n) => {
                    for r in &n.roles {
                        self.role(r, false);
                    }
                    for uf in &n.users {
                        self.user_field(uf, ct, scope.parent);
                    }
                }
            }
        }
    }

    /// A spawned child must not carry a sensitive value of this case (or its parent, or a
    /// row of a sensitive list) in a field that is not sensitive: the child would show
    /// unmasked what the spawning case masks.
    fn spawn_keeps_masked(
        &mut self,
        spawn: &crate::workflow::model::Spawn,
        child: &CaseType,
        scope: &Scope<'_>,
        list_sensitive: bool,
    ) {
        let sensitive = |fields: Option<&IndexMap<Name, Field>>, name: &str| {
            fields
                .and_then(|fs| fs.get(name))
                .is_some_and(|f| f.sensitive)
        };
        for (field, value) in &spawn.data {
            if child.fields.get(field.as_str()).is_none_or(|f| f.sensitive) {
                continue;
            }
            let Ok(compiled) = Expression::compile(value) else {
                continue;
            };
            let mut leaks: Vec<String> = Vec::new();
            for (root, fields) in [("data", Some(scope.data)), ("parent", scope.parent)] {
                for read in compiled.fields_of(root) {
                    if sensitive(fields, &read) {
                        leaks.push(format!("{root}.{read}"));
                    }
                }
            }
            if list_sensitive {
                leaks.extend(
                    compiled
                        .fields_of("item")
                        .into_iter()
                        .map(|f| format!("item.{f}")),
                );
            }
            if let Some(first) = leaks.first() {
                self.err(
                    field.span(),
                    format!(
                        "spawn copies sensitive `{first}` into `{}` of case type `{}`, which is not sensitive: mark `{}` sensitive there or copy something else",
                        field.as_str(),
                        spawn.case_type.as_str(),
                        field.as_str()
                    ),
                );
            }
        }
    }

    /// `field: expression` maps: each field declared in `target`, each expression valid.
    fn assignments(
        &mut self,
        map: &IndexMap<Name, Name>,
        target: &IndexMap<Name, Field>,
        scope: &Scope<'_>,
    ) {
        for (field, value) in map {
            if !target.contains_key(field.as_str()) {
                let hint = did_you_mean(field, target.keys().map(|k| k.as_str()));
                self.err(
                    field.span(),
                    format!("field `{}` is not declared{hint}", field.as_str()),
                );
            }
            self.expression(value, scope);
        }
    }

    fn deadlines(&mut self, ct: &CaseType, parent: Option<&IndexMap<Name, Field>>) {
        let mut seen = HashSet::new();
        let all: Vec<_> = ct.all_deadlines().collect();
        for (owner, d) in all {
            if !seen.insert(d.id.as_str()) {
                self.err(
                    d.id.span(),
                    format!("duplicate deadline id `{}`", d.id.as_str()),
                );
            }
            self.id(&d.id, "deadline");
            self.deadline(ct, owner, d, parent);
        }
    }

    fn deadline(
        &mut self,
        ct: &CaseType,
        owner: Option<&str>,
        d: &Deadline,
        parent: Option<&IndexMap<Name, Field>>,
    ) {
        if let Some(from) = &d.from {
            match from.as_str() {
                "created" | "opened" => {}
                "entered" if owner.is_none() => self.err(
                    from.span(),
                    "`from: entered` counts from entering a state; use it on a state's deadline",
                ),
                "entered" => {}
                other => match other.strip_prefix("data.") {
                    Some(field) if ct.fields.get(field).is_some_and(|f| f.kind.is_temporal()) => {}
                    _ => self.err(
                        from.span(),
                        format!("`from` must be created, entered, opened or data.<a date or datetime field>; `{other}` is none of them"),
                    ),
                },
            }
            if from.as_str() == "opened" && d.opens != Opens::OnEffect {
                self.err(from.span(), "`from: opened` needs `opens: on_effect`");
            }
        }
        if let Some(when) = &d.when {
            self.expression(
                when,
                &Scope {
                    data: &ct.fields,
                    parent,
                    item: None,
                },
            );
        }
        for s in &d.until {
            self.state(ct, s);
        }
        let actions: Vec<&Name> = d
            .suspend_on
            .iter()
            .chain(&d.resume_on)
            .chain(d.extend_on.iter().map(|e| &e.action))
            .collect();
        for a in actions {
            if ct.transitions_for(a).next().is_none() {
                let hint = did_you_mean(a, ct.transitions.iter().map(|t| t.action.as_str()));
                self.err(
                    a.span(),
                    format!(
                        "action `{}` is not declared in this case type{hint}",
                        a.as_str()
                    ),
                );
            }
        }
        if let Some(breach) = &d.on_breach {
            for r in &breach.notify {
                self.role(r, false);
            }
            if let Some(action) = &breach.transition {
                let mut ts = ct.transitions_for(action).peekable();
                if ts.peek().is_none() {
                    self.err(
                        action.span(),
                        format!(
                            "action `{}` is not declared in this case type",
                            action.as_str()
                        ),
                    );
                } else if !ts.any(|t| t.roles.iter().any(|r| r.as_str() == SYSTEM_ROLE)) {
                    let msg = format!(
                        "action `{}` fires on breach, so it needs the role `system`",
                        action.as_str()
                    );
                    self.err(action.span(), msg);
                }
            }
        }
        graph::check_deadline_reachable(self.file, ct, owner, d, &mut self.out);
    }

    fn schedule(&mut self, s: &Schedule) {
        self.id(&s.id, "schedule");
        let Some(ct) = self.p.case_types.get(s.case_type.as_str()) else {
            let hint = did_you_mean(&s.case_type, self.p.case_types.keys().map(|k| k.as_str()));
            self.err(
                s.case_type.span(),
                format!("case type `{}` is not declared{hint}", s.case_type.as_str()),
            );
            return;
        };
        match ct.fields.get(s.due_field.as_str()) {
            Some(f) if *f.kind == FieldType::Date => {}
            _ => {
                let span = if s.due_field.span().start().is_some() {
                    s.due_field.span()
                } else {
                    s.case_type.span()
                };
                let msg = format!(
                    "case type `{}` needs a date field `{}` to receive the due date",
                    s.case_type.as_str(),
                    s.due_field.as_str()
                );
                self.err(span, msg);
            }
        }
        self.recurrence(s);
        let parent = match &s.target {
            Target::UnitKind(kind) => {
                if kind.is_empty() {
                    self.err(kind.span(), "`unit_kind` is empty");
                }
                None
            }
            Target::Cases(target) => {
                let Some(pt) = self.p.case_types.get(target.case_type.as_str()) else {
                    self.err(
                        target.case_type.span(),
                        format!("case type `{}` is not declared", target.case_type.as_str()),
                    );
                    return;
                };
                if ct.parent.as_deref().map(String::as_str) != Some(target.case_type.as_str()) {
                    let msg = format!(
                        "`{}` cases are created under `{}` cases, so its `parent` must be `{}`",
                        s.case_type.as_str(),
                        target.case_type.as_str(),
                        target.case_type.as_str()
                    );
                    self.err(s.case_type.span(), msg);
                }
                for st in &target.states {
                    self.state(pt, st);
                }
                Some(&pt.fields)
            }
        };
        let scope = Scope {
            data: &ct.fields,
            parent,
            item: None,
        };
        self.assignments(&s.data, &ct.fields, &scope);
    }

    fn recurrence(&mut self, s: &Schedule) {
        let span = s.every.span();
        let bad_day = |d: u32| !(1..=31).contains(&d);
        match &*s.every {
            Recurrence::Monthly { day, months } => {
                if bad_day(*day) {
                    self.err(span, format!("day {day} is not 1-31"));
                }
                if months.iter().any(|m| !(1..=12).contains(m)) {
                    self.err(span, "months must be 1-12");
                }
            }
            Recurrence::Quarterly { day, month } => {
                if bad_day(*day) || !(1..=3).contains(month) {
                    self.err(
                        span,
                        "quarterly needs day 1-31 and month 1-3 (of the quarter)",
                    );
                }
            }
            Recurrence::Yearly { month, day } => {
                if chrono::NaiveDate::from_ymd_opt(2024, *month, *day).is_none() {
                    self.err(span, format!("{month}-{day} is not a date"));
                }
            }
            Recurrence::BeforeFestival { festival, .. } => {
                if !FESTIVALS.contains(&festival.as_str()) {
                    let hint = did_you_mean(festival, FESTIVALS.iter().copied());
                    self.err(span, format!("unknown festival `{festival}`{hint}"));
                }
            }
        }
    }

    /// Whether the scalar starting at `span` is written in quotes (its text then
    /// starts one column later).
    fn quoted_at(&self, span: &Span) -> bool {
        let Some(m) = span.start() else { return false };
        self.text
            .lines()
            .nth(m.line().saturating_sub(1))
            .and_then(|l| l.chars().nth(m.column().saturating_sub(1)))
            .is_some_and(|c| c == '"' || c == '\'')
    }

    /// Compile an expression and check the names and fields it reads.
    fn expression(&mut self, source: &Name, scope: &Scope<'_>) {
        if self.exprs.contains_key(source.as_str()) {
            // Compiled before; its names were checked against a scope then. The same
            // text in another scope is checked again below without recompiling twice.
        }
        let compiled = match Expression::compile(source) {
            Ok(e) => e,
            Err(e) => {
                let mut span = *source.span();
                let quoted = self.quoted_at(&span);
                if let Some(m) = span.start_mut() {
                    m.set_column(m.column() + e.column - 1 + usize::from(quoted));
                }
                self.err(&span, format!("expression does not parse: {}", e.message));
                return;
            }
        };
        for name in compiled.free_names() {
            if !expr::NAMES.contains(&name.as_str()) {
                let hint = did_you_mean(&name, expr::NAMES.iter().copied());
                self.err(
                    source.span(),
                    format!(
                        "expression uses `{name}`, which is not defined{hint}; use one of {}",
                        expr::NAMES.join(", ")
                    ),
                );
            }
        }
        let roots: [(&str, Option<&IndexMap<Name, Field>>); 3] = [
            ("data", Some(scope.data)),
            ("parent", scope.parent),
            ("item", scope.item),
        ];
        for (root, fields) in roots {
            for field in compiled.fields_of(root) {
                let declared = fields.is_some_and(|fs| fs.contains_key(field.as_str()));
                if !declared {
                    let hint = fields
                        .map(|fs| did_you_mean(&field, fs.keys().map(|k| k.as_str())))
                        .unwrap_or_default();
                    self.err(
                        source.span(),
                        format!("expression reads `{root}.{field}`, which is not declared{hint}"),
                    );
                }
            }
        }
        self.exprs.insert(source.to_string(), compiled);
    }
}

/// The `{...}` tokens of a pattern.
fn tokens(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}
