//! The state diagram of a case type, as data for `static/diagram.js`: states with the
//! deadlines that run in them, and one edge per pair of states carrying every action
//! between them (title and roles, in the reader's language). The browser measures the
//! text and lays the graph out with the vendored dagre, so the drawing is exactly as
//! large as what it holds; the transitions table beside it says the same in words
//! when script is off.
//!
//! The diagram shows the workflow definition only, never a case's data: the case page
//! adds which state the case is in.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::json;

use super::render::{Lang, Ui};
use crate::calendar::Span;
use crate::engine::deadline_title;
use crate::workflow::model::{CaseType, Deadline, Opens, Programme};
use crate::workflow::running_states;

/// One case type's diagram: the data the script draws and the table it summarises.
#[derive(Debug, Serialize)]
pub struct Diagram {
    /// Case type id.
    pub id: String,
    /// Case type title.
    pub title: String,
    /// The graph as JSON, for the figure's `data-graph` attribute.
    pub graph: String,
    /// The deadlines, numbered as their marks on the states.
    pub deadlines: Vec<DeadlineKey>,
    /// Transitions: action, title, from, to, roles.
    pub transitions: Vec<[String; 5]>,
}

/// A state in the drawing.
#[derive(Debug, Serialize)]
struct Node {
    id: String,
    title: String,
    initial: bool,
    #[serde(rename = "final")]
    is_final: bool,
    /// Numbers of the deadlines that can be running in this state.
    deadlines: Vec<usize>,
}

/// All the actions from one state to another (or back to itself).
#[derive(Debug, Serialize)]
struct Edge {
    from: String,
    to: String,
    actions: Vec<EdgeAction>,
}

#[derive(Debug, Serialize)]
struct EdgeAction {
    action: String,
    title: String,
    roles: String,
}

/// A deadline's number on the states and its explanation under the drawing.
#[derive(Debug, Serialize)]
pub struct DeadlineKey {
    /// Its mark on the states, counted from 1.
    pub key: usize,
    /// Deadline id.
    pub id: String,
    /// Title, how long and from when, and whether a condition applies.
    pub text: String,
}

/// The diagram of case type `id` of `p`, with `current` highlighted when given.
pub fn diagram(
    ui: &Ui,
    lang: Lang,
    p: &Programme,
    id: &str,
    ct: &CaseType,
    current: Option<&str>,
) -> Diagram {
    let role = |r: &str| {
        p.roles
            .get(r)
            .map(|x| lang.pick(x))
            .unwrap_or_else(|| r.to_owned())
    };
    let state_title = |s: &str| lang.pick(&ct.state_title(s));
    let deadlines: Vec<(usize, Option<&str>, &Deadline)> = ct
        .all_deadlines()
        .enumerate()
        .map(|(i, (owner, d))| (i + 1, owner, d))
        .collect();
    let nodes: Vec<Node> = ct
        .states
        .iter()
        .map(|(name, s)| Node {
            id: name.to_string(),
            title: state_title(name),
            initial: name.as_str() == ct.initial.as_str(),
            is_final: s.is_final,
            deadlines: deadlines
                .iter()
                .filter(|(_, owner, d)| running_states(ct, *owner, d).contains(name.as_str()))
                .map(|(k, _, _)| *k)
                .collect(),
        })
        .collect();
    let mut edges: IndexMap<(String, String), Vec<EdgeAction>> = IndexMap::new();
    let mut transitions = Vec::new();
    for t in &ct.transitions {
        let title = t
            .title
            .as_ref()
            .map(|x| lang.pick(x))
            .unwrap_or_else(|| t.action.to_string());
        let roles = t
            .roles
            .iter()
            .map(|r| role(r))
            .collect::<Vec<_>>()
            .join(list_separator(lang));
        for from in &t.from {
            edges
                .entry((from.to_string(), t.to.to_string()))
                .or_default()
                .push(EdgeAction {
                    action: t.action.to_string(),
                    title: title.clone(),
                    roles: roles.clone(),
                });
        }
        let from = t.from.iter().map(|f| state_title(f));
        transitions.push([
            t.action.to_string(),
            title,
            from.collect::<Vec<_>>().join(list_separator(lang)),
            state_title(&t.to),
            roles,
        ]);
    }
    let edges: Vec<Edge> = edges
        .into_iter()
        .map(|((from, to), actions)| Edge { from, to, actions })
        .collect();
    let title = lang.pick(&ct.title);
    let graph = json!({
        "title": title,
        "states": nodes,
        "edges": edges,
        "current": current,
        "deadline_titles": deadlines.iter().map(|(k, _, d)| (k.to_string(), lang.pick(&deadline_title(d)))).collect::<IndexMap<_, _>>(),
    });
    Diagram {
        id: id.to_owned(),
        title,
        graph: graph.to_string(),
        deadlines: deadlines
            .iter()
            .map(|(key, owner, d)| DeadlineKey {
                key: *key,
                id: d.id.to_string(),
                text: explain(ui, lang, ct, *owner, d),
            })
            .collect(),
        transitions,
    }
}

/// How a list of names is joined in `lang`.
fn list_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    }
}

/// "Title: 90 natural days from the case's opening (only when a condition holds)", or
/// "Title: by the day in <field>" for a deadline of zero days from a date field.
fn explain(ui: &Ui, lang: Lang, ct: &CaseType, owner: Option<&str>, d: &Deadline) -> String {
    let (key, n) = match *d.within {
        Span::Hours(n) => ("diagram-within-hours", n),
        Span::NaturalDays(n) => ("diagram-within-natural-days", n),
        Span::WorkingDays(n) => ("diagram-within-working-days", n),
    };
    let title = lang.pick(&deadline_title(d));
    let field = d
        .from
        .as_ref()
        .and_then(|f| f.as_str().strip_prefix("data."))
        .map(|field| {
            ct.fields
                .get(field)
                .and_then(|x| x.title.as_ref())
                .map(|x| lang.pick(x))
                .unwrap_or_else(|| field.to_owned())
        });
    let mut text = match field {
        Some(field) if n == 0 && !matches!(*d.within, Span::Hours(_)) => ui.t_args(
            lang,
            "diagram-deadline-on",
            &[
                ("title", title.into()),
                (
                    "by",
                    ui.t_args(lang, "diagram-by-field", &[("field", field.into())])
                        .into(),
                ),
            ],
        ),
        _ => {
            let from = match (field, d.from.as_ref().map(|f| f.as_str())) {
                (Some(field), _) => {
                    ui.t_args(lang, "diagram-from-field", &[("field", field.into())])
                }
                (None, Some("entered")) => ui.t(lang, "diagram-from-entered"),
                (None, Some("opened")) => ui.t(lang, "diagram-from-opened"),
                (None, Some("created")) => ui.t(lang, "diagram-from-created"),
                _ if d.opens == Opens::OnEffect => ui.t(lang, "diagram-from-opened"),
                _ if owner.is_some() => ui.t(lang, "diagram-from-entered"),
                _ => ui.t(lang, "diagram-from-created"),
            };
            let within = ui.t_args(lang, key, &[("n", n.into())]);
            ui.t_args(
                lang,
                "diagram-deadline",
                &[
                    ("title", title.into()),
                    ("within", within.into()),
                    ("from", from.into()),
                ],
            )
        }
    };
    if d.when.is_some() {
        text.push_str(&ui.t(lang, "diagram-deadline-conditional"));
    }
    text
}
