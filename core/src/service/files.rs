//! Files for `file` form fields: storing an upload, deciding who may download a file,
//! and the references an action or a new case makes to uploads.
//!
//! A file is uploaded on its own first and belongs to nobody's case: only its
//! uploader may read it. When an action (or a case creation) puts its id in a `file`
//! field of the form, the file is checked (it exists, the caller uploaded it or it is
//! already this case's, its media type is one the field accepts) and attached to the
//! case in the action's own transaction, with the field it was attached through. From
//! then on whoever may read the case may download it, unless that field is masked for
//! them (`access`).
//!
//! Layout: uploads and attaching here; who may download in `access`.

use anjuan_plugin_sdk::form::{Field, FieldKind};
use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod access;

pub use access::{FileAccess, may_download, of_case, readable};

use super::cases::parse;
use crate::auth::Caller;
use crate::error::{Error, Result, Violation, bad_request};
use crate::state::{AppState, Version};
use crate::store::entities::{cases, files};
use crate::store::{self, files::FileMeta};
use crate::workflow::model::I18n;

/// A file as it arrived.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name on the uploader's computer (any folder part is dropped).
    pub name: String,
    /// The media type the browser or client declared.
    pub media_type: Option<String>,
    /// The bytes.
    pub content: Vec<u8>,
}

/// The refusal for an upload past the configured limit.
pub fn too_large(state: &AppState) -> Error {
    let limit = state.config.max_upload_bytes;
    Error::TooLarge(format!(
        "the file is larger than the {} MiB this server accepts (文件超过 {} MiB 上限)",
        limit / (1024 * 1024),
        limit / (1024 * 1024)
    ))
}

/// Store an upload by `caller`; attached to no case yet.
pub async fn store(state: &AppState, caller: &Caller, upload: Upload) -> Result<FileMeta> {
    let size = upload.content.len() as u64;
    if size > state.config.max_upload_bytes {
        return Err(too_large(state));
    }
    if upload.content.is_empty() {
        return Err(bad_request("file", "the file is empty"));
    }
    let row = files::Model {
        id: uuid::Uuid::now_v7().to_string(),
        name: clean_name(&upload.name),
        media_type: clean_type(upload.media_type.as_deref()),
        size: i64::try_from(size).map_err(|_| too_large(state))?,
        sha256: hex::encode(Sha256::digest(&upload.content)),
        uploaded_by: caller.id.clone(),
        case_id: None,
        field: None,
        created_at: Utc::now(),
        content: upload.content,
    };
    let meta = meta_of(&row);
    store::files::insert(&state.db, row).await?;
    tracing::info!(file = %meta.id, size = meta.size, user = %caller.id, "file uploaded");
    Ok(meta)
}

fn meta_of(row: &files::Model) -> FileMeta {
    FileMeta {
        id: row.id.clone(),
        name: row.name.clone(),
        media_type: row.media_type.clone(),
        size: row.size,
        sha256: row.sha256.clone(),
        uploaded_by: row.uploaded_by.clone(),
        case_id: row.case_id.clone(),
        field: row.field.clone(),
        created_at: row.created_at,
    }
}

/// The last part of a path a browser may send (`C:\fakepath\a.pdf`), without control
/// characters, at most 200 characters; `file` when nothing is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".to_owned()
    } else {
        clean.to_owned()
    }
}

/// The media type without parameters, lower case; `application/octet-stream` when the
/// client sent none or something that is not `type/subtype`.
fn clean_type(media: Option<&str>) -> String {
    let essence = media
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let valid = essence.split_once('/').is_some_and(|(a, b)| {
        let token = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        token(a) && token(b)
    });
    if valid {
        essence
    } else {
        "application/octet-stream".to_owned()
    }
}

/// A file id named in a `file` field of submitted data.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// JSON Pointer of the field (`/evidence`, `/samples/0/report`).
    pub field: String,
    /// The file id.
    pub id: String,
    /// Media types (or `.ext` endings) the field accepts; empty accepts any.
    pub accept: Vec<String>,
}

/// The file references in `data` that differ from what `before` holds at the same
/// place: a value the case already had (a file attached earlier, or a reference
/// written before uploads existed) is not checked again.
pub fn references(fields: &[Field], data: &Value, before: &Value) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(fields, data, before, "", &mut out);
    out
}

fn walk(fields: &[Field], data: &Value, before: &Value, at: &str, out: &mut Vec<Reference>) {
    for f in fields {
        let Some(v) = data.get(&f.id) else { continue };
        let prior = before.get(&f.id).unwrap_or(&Value::Null);
        let here = format!("{at}/{}", f.id.replace('~', "~0").replace('/', "~1"));
        match &f.kind {
            FieldKind::File { accept } => {
                if let Some(id) = v.as_str().filter(|s| !s.is_empty())
                    && v != prior
                {
                    out.push(Reference {
                        field: here,
                        id: id.to_owned(),
                        accept: accept.clone(),
                    });
                }
            }
            FieldKind::Object { fields } => walk(fields, v, prior, &here, out),
            FieldKind::Group { fields, .. } => {
                for (i, row) in v.as_array().into_iter().flatten().enumerate() {
                    let prior_row = prior.get(i).unwrap_or(&Value::Null);
                    walk(fields, row, prior_row, &format!("{here}/{i}"), out);
                }
            }
            _ => {}
        }
    }
}

/// Whether a file of `media_type` named `name` is one the `accept` list allows: an
/// exact type (`application/pdf`), a family (`image/*`) or an ending (`.pdf`).
pub fn accepts(accept: &[String], media_type: &str, name: &str) -> bool {
    if accept.is_empty() {
        return true;
    }
    let name = name.to_lowercase();
    accept.iter().any(|a| {
        let a = a.trim().to_ascii_lowercase();
        if let Some(ext) = a.strip_prefix('.') {
            name.ends_with(&format!(".{ext}"))
        } else if let Some(family) = a.strip_suffix("/*") {
            media_type
                .split_once('/')
                .is_some_and(|(top, _)| top == family)
        } else {
            a == media_type || a == "*/*"
        }
    })
}

/// Check and attach the files an action's data names, inside the action's
/// transaction `db`. A bad reference is a 422 violation naming its field.
pub async fn attach_for_action(
    db: &impl ConnectionTrait,
    state: &AppState,
    version: &Version,
    case: &cases::Model,
    action: &str,
    data: &Value,
    caller: &str,
) -> Result<()> {
    let form = version
        .def
        .programme
        .case_type(&case.case_type)
        .and_then(|ct| {
            ct.transitions_for(action)
                .find(|t| t.from.iter().any(|f| f.as_str() == case.state))
        })
        .and_then(|t| t.form.as_ref().map(|f| f.to_string()));
    let before = parse(&case.data);
    attach(db, state, version, form, data, &before, caller, &case.id).await
}

/// Check and attach the files a new case's data names, inside the transaction that
/// opens case `case_id`.
pub async fn attach_for_new(
    db: &impl ConnectionTrait,
    state: &AppState,
    version: &Version,
    case_type: &str,
    data: &Value,
    caller: &str,
    case_id: &str,
) -> Result<()> {
    let form = version
        .def
        .programme
        .case_type(case_type)
        .and_then(|ct| ct.create.as_ref()?.form.as_ref().map(|f| f.to_string()));
    attach(
        db,
        state,
        version,
        form,
        data,
        &Value::Null,
        caller,
        case_id,
    )
    .await
}

#[allow(clippy::too_many_arguments)] // the two entry points above name every part once
async fn attach(
    db: &impl ConnectionTrait,
    state: &AppState,
    version: &Version,
    form: Option<String>,
    data: &Value,
    before: &Value,
    caller: &str,
    case_id: &str,
) -> Result<()> {
    let (Some(form), Some(plugin)) = (form, version.def.programme.plugin.as_ref()) else {
        return Ok(());
    };
    if data.as_object().is_none_or(|m| m.is_empty()) {
        return Ok(());
    }
    let Some(def) = crate::state::plugin_form_def(&state.plugins, plugin, &form, "zh-CN")
        .await
        .map_err(Error::Internal)?
    else {
        return Ok(());
    };
    let refs = references(&def.fields, data, before);
    if refs.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = refs.iter().map(|r| r.id.clone()).collect();
    let found = store::files::metas(db, &ids).await?;
    let mut violations = Vec::new();
    let mut to_attach = Vec::new();
    for r in &refs {
        let meta = found.iter().find(|m| m.id == r.id);
        match problem(r, meta, caller, case_id) {
            Some(v) => violations.push(v),
            None if meta.is_some_and(|m| m.case_id.is_none()) => to_attach.push(r),
            None => {}
        }
    }
    // A file already this case's keeps the field it was first attached through, even
    // when it is named again in another: its readers never change.
    for r in to_attach {
        if violations.is_empty() && !store::files::attach(db, &r.id, case_id, &r.field).await? {
            violations.push(violation(
                r,
                "file-taken",
                "该文件刚被附到另一案卷，请重新上传",
                "this file was just attached to another case; upload it again",
            ));
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(violations))
    }
}

/// Why reference `r` may not be attached to `case_id` by `caller`, if it may not.
fn problem(
    r: &Reference,
    meta: Option<&FileMeta>,
    caller: &str,
    case_id: &str,
) -> Option<Violation> {
    let Some(meta) = meta else {
        return Some(violation(
            r,
            "file-not-found",
            "没有这个文件，请重新上传",
            "there is no such file; upload it again",
        ));
    };
    let ours = meta.case_id.as_deref() == Some(case_id);
    if !ours && meta.case_id.is_some() {
        return Some(violation(
            r,
            "file-taken",
            "该文件属于另一案卷，请重新上传",
            "this file belongs to another case; upload it again",
        ));
    }
    if !ours && meta.uploaded_by != caller {
        return Some(violation(
            r,
            "file-not-yours",
            "只能附上自己上传的文件",
            "you can only attach files you uploaded",
        ));
    }
    if !accepts(&r.accept, &meta.media_type, &meta.name) {
        let list = r.accept.join(", ");
        return Some(Violation {
            layer: None,
            field: r.field.clone(),
            code: "file-type".into(),
            message: I18n {
                zh: format!("文件类型 {} 不符合要求（可接受：{list}）", meta.media_type),
                en: format!(
                    "a file of type {} is not accepted here (accepted: {list})",
                    meta.media_type
                ),
            },
        });
    }
    None
}

fn violation(r: &Reference, code: &str, zh: &str, en: &str) -> Violation {
    Violation {
        layer: None,
        field: r.field.clone(),
        code: code.into(),
        message: I18n {
            zh: zh.into(),
            en: en.into(),
        },
    }
}

/// For the demo seed and the programme tests, whose stories name their papers as
/// `files/<name>`: store a small stand-in file of that name uploaded by `caller` for
/// each such text in `data`, and put its id in its place.
pub async fn stand_ins(state: &AppState, caller: &Caller, data: &mut Value) -> Result<()> {
    let mut names = Vec::new();
    collect_stand_ins(data, &mut names);
    for name in names {
        let media_type = match name.rsplit('.').next().unwrap_or_default() {
            "pdf" => "application/pdf",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "zip" => "application/zip",
            "jpg" | "jpeg" => "image/jpeg",
            "png" => "image/png",
            _ => "text/plain",
        };
        let upload = Upload {
            name: name.clone(),
            media_type: Some(media_type.to_owned()),
            content: format!("anjuan stand-in for {name}\n").into_bytes(),
        };
        let meta = store(state, caller, upload).await?;
        replace_stand_in(data, &format!("files/{name}"), &meta.id);
    }
    Ok(())
}

fn collect_stand_ins(data: &Value, out: &mut Vec<String>) {
    match data {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("files/")
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_owned());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_stand_ins(v, out)),
        Value::Object(m) => m.values().for_each(|v| collect_stand_ins(v, out)),
        _ => {}
    }
}

fn replace_stand_in(data: &mut Value, text: &str, id: &str) {
    match data {
        Value::String(s) if s == text => *s = id.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(|v| replace_stand_in(v, text, id)),
        Value::Object(m) => m.values_mut().for_each(|v| replace_stand_in(v, text, id)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> Vec<Field> {
        serde_json::from_value(json!([
            { "id": "letter", "type": "file", "accept": ["application/pdf"], "label": { "zh": "承诺书", "en": "Letter" } },
            { "id": "note", "type": "text", "label": { "zh": "说明", "en": "Note" } },
            { "id": "rows", "type": "group", "label": { "zh": "行", "en": "Rows" }, "fields": [
                { "id": "photo", "type": "file", "label": { "zh": "照片", "en": "Photo" } }
            ] },
            { "id": "record", "type": "object", "label": { "zh": "记录", "en": "Record" }, "fields": [
                { "id": "scan", "type": "file", "label": { "zh": "扫描件", "en": "Scan" } }
            ] }
        ]))
        .unwrap()
    }

    #[test]
    fn references_are_found_at_every_depth_and_unchanged_ones_are_skipped() {
        let data = json!({
            "letter": "a", "note": "b",
            "rows": [{ "photo": "c" }, { "photo": "d" }],
            "record": { "scan": "e" }
        });
        let before = json!({ "rows": [{ "photo": "c" }] });
        let refs = references(&form(), &data, &before);
        let found: Vec<(&str, &str)> = refs
            .iter()
            .map(|r| (r.field.as_str(), r.id.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("/letter", "a"),
                ("/rows/1/photo", "d"),
                ("/record/scan", "e")
            ]
        );
        assert_eq!(refs[0].accept, ["application/pdf"]);
    }

    #[test]
    fn accept_lists_take_types_families_and_endings() {
        let pdf = ["application/pdf".to_owned()];
        assert!(accepts(&pdf, "application/pdf", "a.pdf"));
        assert!(!accepts(&pdf, "image/png", "a.png"));
        assert!(accepts(&["image/*".into()], "image/jpeg", "x.jpg"));
        assert!(accepts(
            &[".PDF".into()],
            "application/octet-stream",
            "承诺书.pdf"
        ));
        assert!(accepts(&[], "text/html", "x.html"));
    }

    #[test]
    fn names_and_types_are_cleaned() {
        assert_eq!(clean_name("C:\\fakepath\\承诺书.pdf"), "承诺书.pdf");
        assert_eq!(clean_name("../"), "file");
        assert_eq!(
            clean_type(Some("Application/PDF; charset=x")),
            "application/pdf"
        );
        assert_eq!(clean_type(Some("<script>")), "application/octet-stream");
        assert_eq!(clean_type(None), "application/octet-stream");
    }

    #[test]
    fn a_reference_is_refused_for_each_reason() {
        let r = Reference {
            field: "/letter".into(),
            id: "f".into(),
            accept: vec!["application/pdf".into()],
        };
        let meta = |case: Option<&str>, by: &str, ty: &str| FileMeta {
            id: "f".into(),
            name: "a.pdf".into(),
            media_type: ty.into(),
            size: 1,
            sha256: String::new(),
            uploaded_by: by.into(),
            case_id: case.map(str::to_owned),
            field: case.map(|_| "/letter".to_owned()),
            created_at: Utc::now(),
        };
        let code = |m: Option<FileMeta>| problem(&r, m.as_ref(), "me", "c1").map(|v| v.code);
        assert_eq!(code(None).as_deref(), Some("file-not-found"));
        assert_eq!(
            code(Some(meta(Some("c2"), "me", "application/pdf"))).as_deref(),
            Some("file-taken")
        );
        assert_eq!(
            code(Some(meta(None, "you", "application/pdf"))).as_deref(),
            Some("file-not-yours")
        );
        assert_eq!(
            code(Some(meta(None, "me", "image/png"))).as_deref(),
            Some("file-type")
        );
        assert_eq!(code(Some(meta(None, "me", "application/pdf"))), None);
        assert_eq!(
            code(Some(meta(Some("c1"), "you", "application/pdf"))),
            None,
            "a file already attached to this case may be named again by anyone acting on it"
        );
    }
}
