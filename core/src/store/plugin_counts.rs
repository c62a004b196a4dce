//! The counts plugins declare in their manifests, answered along indexes.
//!
//! A plugin may ask "how many cases of this type hold these values at these pointers"
//! (`[counts.*]` in its `plugin.toml`; special-family-care asks for the families with
//! one ID number, across the whole county). Reading every case of the type and
//! parsing its data would cost a province's every family on each registration, so:
//!
//! - for every pointer a loaded plugin counts by, the server keeps a partial
//!   expression index on `cases`, for that programme and case type only, over the
//!   JSON text of the value at the pointer ([`ensure`], at start and after each
//!   reload; SQLite `data -> '$."a"."b"'`, PostgreSQL `((data::json -> 'a' -> 'b')::text)`,
//!   built `CONCURRENTLY` so writes go on meanwhile);
//! - a count compares that text with the JSON text of the value asked for, so a
//!   string never equals a number (`"5"` is not `5`), `1` is not `1.0`, a missing
//!   field never matches, and a quote or a backslash in a value is compared as
//!   written: exactly the equality of the JSON values the plugin host used to test
//!   case by case. Case data is written as JSON text by the server, one canonical
//!   spelling per value, which is what makes the texts comparable;
//! - a pointer the index cannot hold (a token of digits only, which may name an array
//!   element, or one with quotes, dots or brackets) is tested on the candidates the
//!   rest of the query leaves, case by case, as before.
//!
//! Every case of the type counts, whatever its state or unit: a closed family is still
//! registered, a family moved to another village still has its ID number. Who may know
//! what a count reveals is decided by the caller ([`crate::service::probes`]).
//!
//! An index is a help, never a condition: a count is right without it, only slower.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use sha2::Digest;

use crate::error::Result;

/// What a parameter's target may be besides a pointer: the counted case's parent id.
pub const PARENT: &str = "@parent";

/// Names of the indexes kept here start with this.
const PREFIX: &str = "idx_plugin_count_";

/// One pointer a programme's plugin counts a case type by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Declared {
    /// Programme id.
    pub programme: String,
    /// Case type counted.
    pub case_type: String,
    /// JSON Pointer into the counted cases' data.
    pub pointer: String,
}

/// A count to answer: the cases of `case_type` in `programme` that hold every filter.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    /// Programme id.
    pub programme: &'a str,
    /// Case type counted.
    pub case_type: &'a str,
    /// (pointer or [`PARENT`], value), as the plugin host resolved them.
    pub filters: &'a [(&'a str, Value)],
}

/// A counted case, as much of it as deciding who may learn of it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// Case id.
    pub id: String,
    /// Its programme.
    pub programme: String,
    /// Its unit's place in the tree.
    pub org_path: String,
}

/// The tokens of `pointer` when an index can hold the value there: object keys of
/// letters, digits, `_` and `-`, not digits only (which may name an array element).
fn plain_tokens(pointer: &str) -> Option<Vec<&str>> {
    let tokens: Vec<&str> = pointer.strip_prefix('/')?.split('/').collect();
    let plain = |t: &&str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            && !t.chars().all(|c| c.is_ascii_digit())
    };
    tokens.iter().all(plain).then_some(tokens)
}

/// An SQL string literal of `s`.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQL expression for the JSON text at `pointer` in a case's data, as the index
/// holds it; `None` when the pointer is not one an index can hold.
pub fn expression(postgres: bool, pointer: &str) -> Option<String> {
    let tokens = plain_tokens(pointer)?;
    Some(if postgres {
        let path: String = tokens
            .iter()
            .map(|t| format!(" -> {}", literal(t)))
            .collect();
        format!("(((data::json){path})::text)")
    } else {
        let path: String = tokens.iter().map(|t| format!(".\"{t}\"")).collect();
        format!("(data -> {})", literal(&format!("${path}")))
    })
}

/// The index's predicate: its programme and case type, as literals (so the planner
/// can match a query that names them the same way).
fn scope(programme: &str, case_type: &str) -> String {
    format!(
        "programme = {} AND case_type = {}",
        literal(programme),
        literal(case_type)
    )
}

/// The name of the index for `d`.
fn index_name(d: &Declared) -> String {
    let digest =
        sha2::Sha256::digest(format!("{}\0{}\0{}", d.programme, d.case_type, d.pointer).as_bytes());
    format!("{PREFIX}{}", &hex::encode(digest)[..16])
}

/// What [`ensure`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ensured {
    /// Indexes built now.
    pub built: Vec<String>,
    /// Indexes no loaded plugin counts by any more, dropped.
    pub dropped: Vec<String>,
}

/// Keep an index for each of `wanted` (those an index can hold) and none for a
/// pointer no plugin counts by any more. Building one reads every case once: slow the
/// first time on a large database (logged), nothing after.
pub async fn ensure(db: &impl ConnectionTrait, wanted: &[Declared]) -> Result<Ensured> {
    let postgres = super::is_postgres(db);
    let mut done = Ensured::default();
    let mut keep = std::collections::BTreeSet::new();
    let existing = existing(db, postgres).await?;
    for d in wanted {
        let Some(expr) = expression(postgres, &d.pointer) else {
            tracing::info!(programme = %d.programme, case_type = %d.case_type, pointer = %d.pointer,
                "a count by this pointer is tested case by case: an index cannot hold it");
            continue;
        };
        let name = index_name(d);
        keep.insert(name.clone());
        if existing.contains(&name) {
            continue;
        }
        let started = std::time::Instant::now();
        let sql = format!(
            "CREATE INDEX {}IF NOT EXISTS {name} ON cases ({expr}) WHERE {}",
            if postgres { "CONCURRENTLY " } else { "" },
            scope(&d.programme, &d.case_type)
        );
        db.execute_unprepared(&sql).await?;
        tracing::info!(programme = %d.programme, case_type = %d.case_type, pointer = %d.pointer,
            index = %name, ms = started.elapsed().as_millis() as u64, "index for a plugin's counts built");
        done.built.push(name);
    }
    for name in existing.difference(&keep) {
        let sql = format!(
            "DROP INDEX {}IF EXISTS {name}",
            if postgres { "CONCURRENTLY " } else { "" }
        );
        db.execute_unprepared(&sql).await?;
        tracing::info!(index = %name, "index for counts no plugin declares any more dropped");
        done.dropped.push(name.clone());
    }
    Ok(done)
}

/// The count indexes the database holds now. On PostgreSQL an index whose concurrent
/// build was interrupted is left invalid: it is dropped here, so it is built again.
async fn existing(
    db: &impl ConnectionTrait,
    postgres: bool,
) -> Result<std::collections::BTreeSet<String>> {
    let like = format!("{PREFIX}%");
    let sql = if postgres {
        "SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE $1"
    } else {
        "SELECT name, 1 AS valid FROM sqlite_master WHERE type = 'index' AND name LIKE ?1"
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [like.into()],
        ))
        .await?;
    let mut out = std::collections::BTreeSet::new();
    for r in rows {
        let name: String = r.try_get("", "name")?;
        let valid = if postgres {
            r.try_get::<bool>("", "valid")?
        } else {
            true
        };
        if valid {
            out.insert(name);
        } else {
            db.execute_unprepared(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))
                .await?;
        }
    }
    Ok(out)
}

/// The query's SQL after `SELECT … FROM cases`, its parameters, and the filters it
/// leaves to be tested on each row's data.
fn predicate<'q>(
    postgres: bool,
    q: &'q Query<'q>,
) -> (String, Vec<sea_orm::Value>, Vec<(&'q str, &'q Value)>) {
    let mut sql = format!(" WHERE {}", scope(q.programme, q.case_type));
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut rest = Vec::new();
    for (pointer, value) in q.filters {
        if *pointer == PARENT {
            // A parent given as anything but a string names no case.
            values.push(value.as_str().unwrap_or_default().into());
            sql.push_str(&format!(" AND parent_id = ?{}", values.len()));
        } else if let Some(expr) = expression(postgres, pointer) {
            values.push(value.to_string().into());
            sql.push_str(&format!(" AND {expr} = ?{}", values.len()));
        } else {
            rest.push((*pointer, value));
        }
    }
    (sql, values, rest)
}

/// How many cases the query matches.
pub async fn count(db: &impl ConnectionTrait, q: &Query<'_>) -> Result<u64> {
    let postgres = super::is_postgres(db);
    let (sql, values, rest) = predicate(postgres, q);
    if !rest.is_empty() {
        return Ok(matching(db, q).await?.len() as u64);
    }
    let sql = super::numbered_for(postgres, &format!("SELECT COUNT(*) AS n FROM cases{sql}"));
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    super::count_n(db, stmt).await
}

/// The cases the query matches.
pub async fn matching(db: &impl ConnectionTrait, q: &Query<'_>) -> Result<Vec<Matched>> {
    let postgres = super::is_postgres(db);
    let (sql, values, rest) = predicate(postgres, q);
    let columns = if rest.is_empty() {
        "id, programme, org_path"
    } else {
        "id, programme, org_path, data"
    };
    let sql = super::numbered_for(postgres, &format!("SELECT {columns} FROM cases{sql}"));
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        if !rest.is_empty() {
            let data: String = r.try_get("", "data")?;
            if !holds(&data, &rest) {
                continue;
            }
        }
        out.push(Matched {
            id: r.try_get("", "id")?,
            programme: r.try_get("", "programme")?,
            org_path: r.try_get("", "org_path")?,
        });
    }
    Ok(out)
}

/// Whether case data `data` holds each value at its pointer (unreadable data holds
/// nothing).
fn holds(data: &str, filters: &[(&str, &Value)]) -> bool {
    let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    filters.iter().all(|(p, v)| data.pointer(p) == Some(*v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_pointers_become_index_expressions_and_others_do_not() {
        assert_eq!(
            expression(false, "/id_number").as_deref(),
            Some("(data -> '$.\"id_number\"')")
        );
        assert_eq!(
            expression(true, "/a/b-c").as_deref(),
            Some("(((data::json) -> 'a' -> 'b-c')::text)")
        );
        assert_eq!(
            expression(false, "/户主/身份证").as_deref(),
            Some("(data -> '$.\"户主\".\"身份证\"')")
        );
        for odd in [
            "/list/0", "/a.b", "/a\"b", "/it's", "/a~1b", "", "/", "/a//b",
        ] {
            assert_eq!(expression(false, odd), None, "{odd}");
            assert_eq!(expression(true, odd), None, "{odd}");
        }
    }

    #[test]
    fn names_are_stable_and_differ_by_every_part() {
        let d = |p: &str, t: &str, f: &str| Declared {
            programme: p.into(),
            case_type: t.into(),
            pointer: f.into(),
        };
        let a = index_name(&d("p", "t", "/x"));
        assert_eq!(a, index_name(&d("p", "t", "/x")));
        assert!(a.starts_with(PREFIX) && a.len() < 63);
        assert_ne!(a, index_name(&d("p", "u", "/x")));
        assert_ne!(a, index_name(&d("q", "t", "/x")));
        assert_ne!(a, index_name(&d("p", "t", "/y")));
    }

    #[test]
    fn rows_hold_values_by_json_equality() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        let (five, text, yes) = (v("5"), v("\"5\""), v("true"));
        assert!(holds(r#"{"a":5}"#, &[("/a", &five)]));
        assert!(!holds(r#"{"a":"5"}"#, &[("/a", &five)]));
        assert!(holds(r#"{"a":"5"}"#, &[("/a", &text)]));
        assert!(!holds(r#"{"a":5.0}"#, &[("/a", &five)]));
        assert!(holds(r#"{"l":[true]}"#, &[("/l/0", &yes)]));
        assert!(!holds("not json", &[("/a", &five)]));
    }
}
