//! Who may download a file, by the rules that mask a case's fields.
//!
//! An unattached upload is its uploader's alone. An attached file belongs to the
//! field it was attached through (recorded when it was attached, see
//! [`crate::store::entities::files::Model::field`]): whoever may read the case may
//! download it, unless that field is sensitive and they are not among its readers.
//! Where the file's id stands in today's data decides nothing, so a file a later
//! upload replaced stays as private as its field, and copying an id into another
//! field unlocks nothing.
//!
//! A file attached before the field was recorded has none: it is treated as coming
//! from every sensitive field of the case type that can hold a file, so only a reader
//! of all of them may download it (anyone who may read the case, when there is no such
//! field).
//!
//! A refusal is a 404, as for a file that does not exist, so that an id confirms
//! nothing to someone who may not have it.

use chrono::Utc;
use serde_json::Value;

use super::super::cases::parse;
use crate::auth::Caller;
use crate::engine::{Actor, privacy};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::entities::{cases, files};
use crate::store::{self, files::FileMeta};
use crate::workflow::model::{CaseType, Field, FieldType};

/// What one caller may download of one case's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAccess {
    /// The sensitive fields of the case type, each with whether the caller reads it.
    sensitive: Vec<(String, bool)>,
    /// The sensitive fields that hold a `file` field, at any depth.
    with_files: Vec<String>,
}

impl FileAccess {
    /// The rule for `actor` on a case of type `ct` holding `data` (`parent`: the
    /// parent case's data, for readers named there), as [`privacy::mask`] applies it.
    pub fn new(ct: &CaseType, data: &Value, parent: Option<&Value>, actor: &Actor) -> FileAccess {
        let mut sensitive = Vec::new();
        let mut with_files = Vec::new();
        for (name, field) in ct.fields.iter().filter(|(_, f)| f.sensitive) {
            let readers = field.readers.as_ref().or(ct.readers.as_ref());
            let reads = readers.is_some_and(|r| privacy::may_read(r, data, parent, actor));
            sensitive.push((name.to_string(), reads));
            if holds_file(field) {
                with_files.push(name.to_string());
            }
        }
        FileAccess {
            sensitive,
            with_files,
        }
    }

    /// The sensitive fields a download of a file attached through `field` (a JSON
    /// Pointer) reads, to be logged; `None` when the caller may not download it.
    pub fn fields_read(&self, field: Option<&str>) -> Option<Vec<String>> {
        let wanted = match field {
            Some(pointer) => {
                let top = top_field(pointer);
                self.sensitive
                    .iter()
                    .filter(|(name, _)| *name == top)
                    .map(|(name, _)| name.clone())
                    .collect::<Vec<_>>()
            }
            None => self.with_files.clone(),
        };
        let reads = |name: &String| self.sensitive.iter().any(|(n, r)| n == name && *r);
        wanted.iter().all(reads).then_some(wanted)
    }

    /// Whether the caller may download a file of this case attached through `field`.
    pub fn allows(&self, field: Option<&str>) -> bool {
        self.fields_read(field).is_some()
    }
}

/// Whether a field is a `file`, or an object or list with one inside.
fn holds_file(field: &Field) -> bool {
    *field.kind == FieldType::File || field.fields.values().any(holds_file)
}

/// The case-type field a JSON Pointer starts in: `/samples/0/report` → `samples`.
fn top_field(pointer: &str) -> String {
    let first = pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .next()
        .unwrap_or_default();
    first.replace("~1", "/").replace("~0", "~")
}

/// The download rule of `caller` on `case` (which they may read).
pub async fn of_case(state: &AppState, caller: &Caller, case: &cases::Model) -> Result<FileAccess> {
    let version = super::super::cases::case_version(state, case)?;
    let ct = version
        .def
        .programme
        .case_type(&case.case_type)
        .ok_or_else(|| Error::Internal(format!("case type {} vanished", case.case_type)))?;
    let data = parse(&case.data);
    let parent = match &case.parent_id {
        Some(p) => store::cases::get(&state.db, p)
            .await?
            .map(|p| parse(&p.data)),
        None => None,
    };
    let actor = super::super::actor(caller, &case.programme, &case.org_path);
    Ok(FileAccess::new(ct, &data, parent.as_ref(), &actor))
}

/// Whether `caller` may download `file` (`access`: their rule on the case it is
/// attached to, if it is), by the rules above.
pub fn may_download(caller: &Caller, file: &FileMeta, access: Option<&FileAccess>) -> bool {
    match (&file.case_id, access) {
        (None, _) => file.uploaded_by == caller.id,
        (Some(_), Some(access)) => access.allows(file.field.as_deref()),
        (Some(_), None) => false,
    }
}

/// A file with its bytes, if `caller` may download it; a download through a sensitive
/// field is written to the access log (`via = "file"`, that field). 404 both when there
/// is no such file and when the caller may not have it.
pub async fn readable(state: &AppState, caller: &Caller, id: &str) -> Result<files::Model> {
    let missing = || Error::NotFound(format!("file {id}"));
    let meta = store::files::meta(&state.db, id)
        .await?
        .ok_or_else(missing)?;
    let read = match &meta.case_id {
        None if meta.uploaded_by == caller.id => Vec::new(),
        None => return Err(missing()),
        Some(case_id) => {
            let case = match super::super::cases::readable(state, caller, case_id).await {
                Ok(case) => case,
                Err(Error::NotFound(_)) => return Err(missing()),
                Err(e) => return Err(e),
            };
            of_case(state, caller, &case)
                .await?
                .fields_read(meta.field.as_deref())
                .ok_or_else(missing)?
        }
    };
    let file = store::files::get(&state.db, id)
        .await?
        .ok_or_else(missing)?;
    if let (Some(case_id), false) = (&file.case_id, read.is_empty()) {
        store::access::record(&state.db, &caller.id, case_id, &read, "file", Utc::now()).await?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case_type() -> CaseType {
        let yaml = r#"
title: { zh: 档案, en: Record }
number: "R-{seq:4}"
initial: open
readers: { roles: [admin], user_fields: [contact] }
fields:
  kind: { type: text }
  contact: { type: user }
  photo: { type: file }
  consent: { type: file, sensitive: true }
  health: { type: text, sensitive: true }
  papers:
    type: list
    sensitive: true
    readers: { roles: [clerk] }
    fields:
      scan: { type: file }
states:
  open: { title: { zh: 开, en: Open } }
"#;
        marked_yaml::from_yaml(0, yaml).expect("a case type")
    }

    fn access(who: &str, roles: &[&str]) -> FileAccess {
        let actor = Actor {
            id: who.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        };
        FileAccess::new(&case_type(), &json!({ "contact": "li" }), None, &actor)
    }

    #[test]
    fn a_file_is_as_private_as_the_field_it_was_attached_through() {
        let outsider = access("wang", &["volunteer"]);
        assert_eq!(outsider.fields_read(Some("/photo")), Some(vec![]));
        assert_eq!(outsider.fields_read(Some("/consent")), None);
        assert_eq!(outsider.fields_read(Some("/papers/0/scan")), None);

        let contact = access("li", &[]);
        assert_eq!(
            contact.fields_read(Some("/consent")),
            Some(vec!["consent".to_owned()])
        );
        assert_eq!(
            contact.fields_read(Some("/papers/0/scan")),
            None,
            "the field's own readers, not the case type's"
        );
        let clerk = access("zhao", &["clerk"]);
        assert_eq!(
            clerk.fields_read(Some("/papers/1/scan")),
            Some(vec!["papers".to_owned()])
        );
        assert_eq!(clerk.fields_read(Some("/consent")), None);
    }

    #[test]
    fn a_file_with_no_recorded_field_needs_every_sensitive_field_that_holds_files() {
        assert_eq!(access("wang", &[]).fields_read(None), None);
        assert_eq!(access("li", &[]).fields_read(None), None, "not a clerk");
        assert_eq!(
            access("li", &["clerk"]).fields_read(None),
            Some(vec!["consent".to_owned(), "papers".to_owned()])
        );
    }

    #[test]
    fn the_top_field_of_a_pointer_is_unescaped() {
        assert_eq!(top_field("/papers/0/scan"), "papers");
        assert_eq!(top_field("/a~1b~0c"), "a/b~c");
    }
}
