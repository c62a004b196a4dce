//! Stored versions of workflow files. Loading a changed file stores a new version;
//! cases keep the version they were opened on until an administrator migrates them.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::entities::definition_versions as dv;
use crate::error::Result;
use crate::state::{Programmes, Version};
use crate::workflow::{Definition, Diagnostic};

/// Store each definition as a new version when its content changed, then load every
/// stored version. Returns the registry the server runs with. `keep` names
/// programmes whose file failed to load: their latest stored version stays live.
pub async fn sync(
    db: &impl ConnectionTrait,
    defs: Vec<Definition>,
    errors: Vec<Diagnostic>,
    keep: Vec<String>,
) -> Result<Programmes> {
    let mut current = keep;
    for def in defs {
        let id = def.id().to_owned();
        let latest = dv::Entity::find()
            .filter(dv::Column::Programme.eq(&id))
            .order_by_desc(dv::Column::Version)
            .one(db)
            .await?;
        let changed = latest.as_ref().is_none_or(|l| l.hash != def.hash);
        if changed {
            let number = latest.map(|l| l.version + 1).unwrap_or(1);
            dv::ActiveModel {
                programme: Set(id.clone()),
                version: Set(number),
                hash: Set(def.hash.clone()),
                source: Set(def.source.clone()),
                loaded_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
            tracing::info!(programme = %id, version = number, hash = %def.hash, "stored a new definition version");
        }
        current.push(id);
    }
    let mut versions = Vec::new();
    let mut errors = errors;
    for row in dv::Entity::find().all(db).await? {
        let path = std::path::PathBuf::from(format!("{}@v{}", row.programme, row.version));
        match Definition::from_text(&path, &row.source) {
            Ok(def) => versions.push((
                row.programme,
                Arc::new(Version {
                    number: row.version,
                    def,
                }),
            )),
            Err(mut e) => errors.append(&mut e),
        }
    }
    Ok(Programmes::new(versions, current, errors))
}
