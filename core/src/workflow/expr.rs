//! CEL expressions in workflow files: guards, `when` conditions, computed values.
//!
//! An expression sees these names:
//! - `data`: the case data (every declared field present, `null` when unset);
//! - `input`: what the actor submitted with the action;
//! - `case`: `{ id, number, state, org_unit, created_at }`;
//! - `actor`: `{ id, roles }`;
//! - `now`: the current time, a CEL timestamp;
//! - `parent`: the parent case's data (or `null`);
//! - `item`: the current row in a `spawn` with `for_each`;
//! - `period`, `due`: the occurrence of a schedule.

use std::collections::BTreeSet;

use cel::common::ast::{EntryExpr, Expr};
use cel::{Context, IdedExpr, Program, Value};
use chrono::{DateTime, Utc};

/// Every name an expression may use.
pub const NAMES: &[&str] = &[
    "data", "input", "case", "actor", "now", "parent", "item", "period", "due",
];

/// A compiled expression.
#[derive(Debug)]
pub struct Expression {
    source: String,
    program: Program,
}

/// A compile error: what is wrong and where in the expression (1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Column within the expression text, 1-based.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Expression {
    /// Compile `source`.
    pub fn compile(source: &str) -> Result<Expression, ExprError> {
        match Program::compile(source) {
            Ok(program) => Ok(Expression {
                source: source.to_owned(),
                program,
            }),
            Err(errors) => {
                let first = errors.errors.first();
                // The parser's column is already 1-based.
                let column = first.map(|e| e.pos.1.max(1) as usize).unwrap_or(1);
                let message = first
                    .map(|e| e.msg.clone())
                    .unwrap_or_else(|| "does not parse".to_owned());
                Err(ExprError { column, message })
            }
        }
    }

    /// The expression's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The names the expression uses at the top level (bound loop variables excluded).
    pub fn free_names(&self) -> BTreeSet<String> {
        let mut walk = Walk::default();
        walk.visit(self.program.expression(), &mut Vec::new());
        walk.names
    }

    /// The fields read as `<root>.<field>` (or `has(<root>.<field>)`), e.g. root `data`.
    pub fn fields_of(&self, root: &str) -> BTreeSet<String> {
        let mut walk = Walk::default();
        walk.visit(self.program.expression(), &mut Vec::new());
        walk.selects
            .into_iter()
            .filter(|(r, _)| r == root)
            .map(|(_, f)| f)
            .collect()
    }

    /// Evaluate to JSON.
    pub fn eval(&self, vars: &Vars<'_>) -> Result<serde_json::Value, String> {
        let value = self.eval_value(vars)?;
        value
            .json()
            .map_err(|e| format!("result cannot be stored: {e:?}"))
    }

    /// Evaluate as a condition; anything but `true` or `false` is an error.
    pub fn eval_bool(&self, vars: &Vars<'_>) -> Result<bool, String> {
        match self.eval_value(vars)? {
            Value::Bool(b) => Ok(b),
            other => Err(format!(
                "`{}` gave {other:?}, not true or false",
                self.source
            )),
        }
    }

    fn eval_value(&self, vars: &Vars<'_>) -> Result<Value, String> {
        let mut context = Context::default();
        context.add_variable_from_value("data", to_cel(vars.data));
        context.add_variable_from_value("input", to_cel(vars.input));
        context.add_variable_from_value("case", to_cel(vars.case));
        context.add_variable_from_value("actor", to_cel(vars.actor));
        context.add_variable_from_value("parent", to_cel(vars.parent));
        context.add_variable_from_value("item", to_cel(vars.item));
        context.add_variable_from_value("period", to_cel(vars.period));
        context.add_variable_from_value("due", to_cel(vars.due));
        context.add_variable_from_value("now", Value::Timestamp(vars.now.fixed_offset()));
        self.program
            .execute(&context)
            .map_err(|e| format!("`{}` could not be evaluated: {e}", self.source))
    }
}

/// JSON as CEL sees it. Whole numbers become `int` (not `uint`), so `data.n * 2`
/// works as a person expects.
fn to_cel(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(s.clone().into()),
        serde_json::Value::Array(items) => {
            Value::List(items.iter().map(to_cel).collect::<Vec<_>>().into())
        }
        serde_json::Value::Object(map) => {
            let entries: std::collections::HashMap<String, Value> =
                map.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            Value::Map(entries.into())
        }
    }
}

/// The values an expression sees. Unused ones are `null`.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    /// Case data.
    pub data: &'a serde_json::Value,
    /// Submitted data.
    pub input: &'a serde_json::Value,
    /// Case header.
    pub case: &'a serde_json::Value,
    /// Actor.
    pub actor: &'a serde_json::Value,
    /// Parent case data.
    pub parent: &'a serde_json::Value,
    /// Current `for_each` row.
    pub item: &'a serde_json::Value,
    /// Schedule period label.
    pub period: &'a serde_json::Value,
    /// Schedule due date.
    pub due: &'a serde_json::Value,
    /// Now.
    pub now: DateTime<Utc>,
}

/// `null`, for the names an evaluation does not use.
pub static NULL: serde_json::Value = serde_json::Value::Null;

impl<'a> Vars<'a> {
    /// Only `data` and `now` set.
    pub fn new(data: &'a serde_json::Value, now: DateTime<Utc>) -> Vars<'a> {
        Vars {
            data,
            input: &NULL,
            case: &NULL,
            actor: &NULL,
            parent: &NULL,
            item: &NULL,
            period: &NULL,
            due: &NULL,
            now,
        }
    }
}

#[derive(Default)]
struct Walk {
    names: BTreeSet<String>,
    selects: BTreeSet<(String, String)>,
}

impl Walk {
    fn visit(&mut self, e: &IdedExpr, bound: &mut Vec<String>) {
        match &e.expr {
            Expr::Ident(name) => {
                if !bound.contains(name) {
                    self.names.insert(name.clone());
                }
            }
            Expr::Select(select) => {
                if let Expr::Ident(root) = &select.operand.expr
                    && !bound.contains(root)
                {
                    self.selects.insert((root.clone(), select.field.clone()));
                }
                self.visit(&select.operand, bound);
            }
            Expr::Call(call) => {
                if let Some(target) = &call.target {
                    self.visit(target, bound);
                }
                for arg in &call.args {
                    self.visit(arg, bound);
                }
            }
            Expr::Comprehension(c) => {
                self.visit(&c.iter_range, bound);
                let before = bound.len();
                bound.push(c.iter_var.clone());
                if let Some(v) = &c.iter_var2 {
                    bound.push(v.clone());
                }
                bound.push(c.accu_var.clone());
                for part in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                    self.visit(part, bound);
                }
                bound.truncate(before);
            }
            Expr::List(list) => {
                for el in &list.elements {
                    self.visit(el, bound);
                }
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(m) => {
                            self.visit(&m.key, bound);
                            self.visit(&m.value, bound);
                        }
                        EntryExpr::StructField(f) => self.visit(&f.value, bound),
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &s.entries {
                    if let EntryExpr::StructField(f) = &entry.expr {
                        self.visit(&f.value, bound);
                    }
                }
            }
            Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-09-30T02:00:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn finds_names_and_data_fields() {
        let e = Expression::compile(
            "data.high_risk == true && has(data.batch) && data.rows.all(r, r.ok) && input.x > 1",
        )
        .expect("compiles");
        let names: Vec<_> = e.free_names().into_iter().collect();
        assert_eq!(names, ["data", "input"]);
        let fields: Vec<_> = e.fields_of("data").into_iter().collect();
        assert_eq!(fields, ["batch", "high_risk", "rows"]);
    }

    #[test]
    fn reports_a_parse_error_with_a_column() {
        let err = Expression::compile("data.x == ").expect_err("bad");
        assert!(err.column >= 1);
        assert!(!err.message.is_empty());
    }

    #[test]
    fn evaluates_conditions_and_values() {
        let data = json!({"high_risk": true, "n": 3, "missing": null});
        let vars = Vars::new(&data, now());
        let cond = Expression::compile("data.high_risk == true").expect("compiles");
        assert!(cond.eval_bool(&vars).expect("evaluates"));
        let unset = Expression::compile("data.missing == true").expect("compiles");
        assert!(!unset.eval_bool(&vars).expect("evaluates"));
        let value = Expression::compile("data.n * 2").expect("compiles");
        assert_eq!(value.eval(&vars).expect("evaluates"), json!(6));
        let not_bool = Expression::compile("data.n").expect("compiles");
        assert!(not_bool.eval_bool(&vars).is_err());
    }
}
