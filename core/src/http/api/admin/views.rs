//! Users, grants, org units and tokens as the API shows them (never a password hash
//! or a token hash).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::entities::{api_tokens, org_units, users};
use crate::store::identity::{GrantRow, OrgNode};

/// A user.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Id (UUID v7).
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Administrator.
    pub is_admin: bool,
    /// May sign in.
    pub active: bool,
    /// `zh-CN` or `en`.
    pub locale: String,
    /// Whether a password is set (else only API tokens work).
    pub has_password: bool,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

impl From<users::Model> for UserView {
    fn from(u: users::Model) -> UserView {
        UserView {
            has_password: u.password_hash.is_some(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            is_admin: u.is_admin,
            active: u.active,
            locale: u.locale,
            created_at: u.created_at,
        }
    }
}

/// A role a user holds at an org unit (and so in its whole subtree).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantView {
    /// Grant id.
    pub id: i32,
    /// The user.
    pub user_id: String,
    /// Programme id, or `*` for every programme.
    pub programme: String,
    /// Role id.
    pub role: String,
    /// Org unit id.
    pub org_unit: String,
    /// The unit's path, e.g. `/qingcheng/anxian/`.
    pub org_path: String,
    /// The unit's Chinese name.
    pub org_name_zh: String,
    /// The unit's English name.
    pub org_name_en: String,
}

impl From<GrantRow> for GrantView {
    fn from(g: GrantRow) -> GrantView {
        GrantView {
            id: g.id,
            user_id: g.user_id,
            programme: g.programme,
            role: g.role,
            org_unit: g.org_unit,
            org_path: g.org_path,
            org_name_zh: g.org_name_zh,
            org_name_en: g.org_name_en,
        }
    }
}

/// A user with their grants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserDetail {
    /// The user.
    #[serde(flatten)]
    pub user: UserView,
    /// Their roles.
    pub grants: Vec<GrantView>,
}

/// An org unit with the units below it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnitView {
    /// Slug id.
    pub id: String,
    /// Parent unit id (none for a root).
    pub parent_id: Option<String>,
    /// Materialised path, e.g. `/qingcheng/anxian/`.
    pub path: String,
    /// Kind, e.g. `county`, `township`, `village`, `hospital`.
    pub kind: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Units below (empty when not asked for the tree).
    #[schema(no_recursion)]
    pub children: Vec<OrgUnitView>,
}

impl From<org_units::Model> for OrgUnitView {
    fn from(u: org_units::Model) -> OrgUnitView {
        OrgUnitView {
            id: u.id,
            parent_id: u.parent_id,
            path: u.path,
            kind: u.kind,
            name_zh: u.name_zh,
            name_en: u.name_en,
            children: Vec::new(),
        }
    }
}

impl From<OrgNode> for OrgUnitView {
    fn from(n: OrgNode) -> OrgUnitView {
        OrgUnitView {
            children: n.children.into_iter().map(OrgUnitView::from).collect(),
            ..OrgUnitView::from(n.unit)
        }
    }
}

/// An API token (its secret is shown only when issued).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenView {
    /// Token id.
    pub id: String,
    /// The user it acts as.
    pub user_id: String,
    /// What it is for.
    pub name: String,
    /// Issued at.
    pub created_at: DateTime<Utc>,
    /// Last used at (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked tokens no longer work.
    pub revoked: bool,
    /// When it stops working (none: never).
    pub expires_at: Option<DateTime<Utc>>,
    /// The user who issued it (none: from the command line).
    pub issued_by: Option<String>,
}

impl From<api_tokens::Model> for TokenView {
    fn from(t: api_tokens::Model) -> TokenView {
        TokenView {
            id: t.id,
            user_id: t.user_id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked,
            expires_at: t.expires_at,
            issued_by: t.issued_by,
        }
    }
}

/// A token just issued, with its secret: store it now, it is not shown again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedTokenView {
    /// The secret (`anj_…`), for `Authorization: Bearer`.
    pub token: String,
    /// The token.
    #[serde(flatten)]
    pub info: TokenView,
}
