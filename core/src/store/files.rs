//! Uploaded files: stored whole with their bytes, read back without them wherever only
//! the name and size are shown, and attached to a case once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::files;
use crate::error::Result;

/// A file without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct FileMeta {
    /// Id (UUID v7).
    pub id: String,
    /// Original file name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// The case it is attached to.
    pub case_id: Option<String>,
    /// The field it was attached through, as a JSON Pointer (see
    /// [`files::Model::field`]).
    pub field: Option<String>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

fn meta_query() -> sea_orm::Select<files::Entity> {
    files::Entity::find().select_only().columns([
        files::Column::Id,
        files::Column::Name,
        files::Column::MediaType,
        files::Column::Size,
        files::Column::Sha256,
        files::Column::UploadedBy,
        files::Column::CaseId,
        files::Column::Field,
        files::Column::CreatedAt,
    ])
}

/// Store a new file.
pub async fn insert(db: &impl ConnectionTrait, row: files::Model) -> Result<()> {
    row.into_active_model().insert(db).await?;
    Ok(())
}

/// A file's metadata.
pub async fn meta(db: &impl ConnectionTrait, id: &str) -> Result<Option<FileMeta>> {
    Ok(meta_query()
        .filter(files::Column::Id.eq(id))
        .into_model::<FileMeta>()
        .one(db)
        .await?)
}

/// The metadata of each of these files that exists.
pub async fn metas(db: &impl ConnectionTrait, ids: &[String]) -> Result<Vec<FileMeta>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(meta_query()
        .filter(files::Column::Id.is_in(ids.iter().cloned()))
        .into_model::<FileMeta>()
        .all(db)
        .await?)
}

/// The files attached to a case, oldest first.
pub async fn of_case(db: &impl ConnectionTrait, case_id: &str) -> Result<Vec<FileMeta>> {
    Ok(meta_query()
        .filter(files::Column::CaseId.eq(case_id))
        .order_by_asc(files::Column::CreatedAt)
        .order_by_asc(files::Column::Id)
        .into_model::<FileMeta>()
        .all(db)
        .await?)
}

/// A file with its bytes.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<files::Model>> {
    Ok(files::Entity::find_by_id(id.to_owned()).one(db).await?)
}

/// Attach a file that is attached to nothing yet to `case_id`, through `field` (a JSON
/// Pointer). Whether it was: a file is attached once, so two actions racing for one
/// upload cannot both take it, and naming it again later (in the same field or
/// another) never changes the field recorded here.
pub async fn attach(
    db: &impl ConnectionTrait,
    id: &str,
    case_id: &str,
    field: &str,
) -> Result<bool> {
    let done = files::Entity::update_many()
        .col_expr(files::Column::CaseId, Expr::value(case_id.to_owned()))
        .col_expr(files::Column::Field, Expr::value(field.to_owned()))
        .filter(files::Column::Id.eq(id))
        .filter(files::Column::CaseId.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// File names by id, of every file attached to one of `case_ids` (for showing a file
/// field's value as its name).
pub async fn names_of_cases(
    db: &impl ConnectionTrait,
    case_ids: &[String],
) -> Result<std::collections::HashMap<String, String>> {
    if case_ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(meta_query()
        .filter(files::Column::CaseId.is_in(case_ids.iter().cloned()))
        .into_model::<FileMeta>()
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect())
}

/// Delete the files attached to no case that were uploaded before `before` (an upload
/// nobody named in a form, or one a refused form kept and nobody sent again); how many.
pub async fn purge_unattached(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64> {
    let done = files::Entity::delete_many()
        .filter(files::Column::CaseId.is_null())
        .filter(files::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Delete these files if they are still attached to no case (the uploads of a form
/// that was refused before it reached its handler).
pub async fn delete_unattached(db: &impl ConnectionTrait, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    files::Entity::delete_many()
        .filter(files::Column::Id.is_in(ids.iter().cloned()))
        .filter(files::Column::CaseId.is_null())
        .exec(db)
        .await?;
    Ok(())
}
