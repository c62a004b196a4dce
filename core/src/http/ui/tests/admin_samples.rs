//! Contexts for the templates of users, grants, org units and tokens, shaped as their
//! handlers build them, with a refusal on every form so the error markup renders too.

use serde::Serialize;
use serde_json::{Value, json};

use super::super::admin::Field;
use super::super::admin_access::{AccessPage, AccessRow};
use super::super::admin_grants::{GrantForm, GrantItem, RoleGroup};
use super::super::admin_org_units::{UnitForm, UnitPage, UnitRow, UnitsPage};
use super::super::admin_tokens::{Issued, TokenForm, TokenRow, TokensPage};
use super::super::admin_users::{NewUserForm, PasswordForm, ProfileForm, UserPage, UserRow};
use super::super::directory::Choice;

fn j(v: impl Serialize) -> Value {
    serde_json::to_value(v).expect("context serialises")
}

fn choice(v: &str) -> Choice {
    Choice {
        value: v.into(),
        label: format!("{v}标签"),
        selected: v == "a",
    }
}

fn refused(value: &str) -> Field {
    Field {
        value: value.into(),
        error: "必填".into(),
    }
}

fn roles() -> Vec<RoleGroup> {
    vec![RoleGroup {
        label: "食品安全抽检与核查处置".into(),
        roles: vec![choice("sampling-disposal:inspector")],
    }]
}

fn unit_form() -> UnitForm {
    UnitForm {
        id: refused("hexi"),
        parent_id: refused("a"),
        kind: Field::of("township"),
        name_zh: refused(""),
        name_en: Field::of("Hexi"),
        parents: vec![choice("a")],
        kinds: vec!["township", "village"],
        top_allowed: true,
        errors: vec!["错误".into()],
    }
}

/// Every user, grant, org-unit and token template with a context.
pub(crate) fn contexts() -> Vec<(&'static str, Value)> {
    let user = UserPage {
        id: "u-1".into(),
        username: "new.cadre".into(),
        display_name: "新干部".into(),
        is_admin: true,
        active: false,
        is_self: false,
        has_password: false,
        created: "2026-11-01 09:00".into(),
        tokens: 2,
        done: "已保存".into(),
        profile: ProfileForm {
            display_name: refused("新干部"),
            locale: Field::of("zh-CN"),
            locales: vec![choice("zh-CN"), choice("en")],
            is_admin: true,
            is_admin_errors: vec!["不能".into()],
            errors: vec!["错误".into()],
        },
        password: PasswordForm {
            password: refused(""),
            password_confirm: refused(""),
        },
        account_errors: vec!["最后一名管理员".into()],
        grants: vec![GrantItem {
            id: 7,
            role: "村干部".into(),
            unit: "上坪村".into(),
            programme: "暖心行动".into(),
        }],
        grant: GrantForm {
            role: refused("x:y"),
            org_unit: refused(""),
            roles: roles(),
            units: vec![choice("a")],
            errors: vec!["错误".into()],
        },
    };
    let new_user = NewUserForm {
        username: refused("Bad Name"),
        display_name: Field::of("d"),
        password: refused(""),
        password_confirm: refused(""),
        locale: Field::of("en"),
        is_admin: true,
        role: refused("a"),
        org_unit: refused(""),
        locales: vec![choice("zh-CN")],
        roles: roles(),
        units: vec![choice("a")],
        errors: vec!["错误".into()],
    };
    let tokens = TokensPage {
        tokens: vec![
            TokenRow {
                id: "t-1".into(),
                name: "nightly export".into(),
                user: "u".into(),
                created: "c".into(),
                last_used: String::new(),
                expires: "e".into(),
                issued_by: String::new(),
                revoked: true,
            },
            TokenRow {
                id: "t-2".into(),
                name: "n".into(),
                user: "u".into(),
                created: "c".into(),
                last_used: "l".into(),
                expires: "e".into(),
                issued_by: "admin".into(),
                revoked: false,
            },
        ],
        done: "已吊销".into(),
        issued: Some(Issued {
            token: "anj_secret".into(),
            name: "n".into(),
            user: "u".into(),
        }),
        form: TokenForm {
            user: refused("a"),
            name: refused(""),
            users: vec![choice("a")],
            errors: vec!["错误".into()],
        },
    };
    vec![
        (
            "admin/users",
            json!({ "users": [UserRow { id: "u-1".into(), username: "u".into(), display_name: "d".into(), is_admin: true, active: false, locale: "zh-CN".into(), grants: vec!["g".into()] }], "done": "已创建" }),
        ),
        ("admin/user_new", j(new_user)),
        ("admin/user", j(user)),
        (
            "admin/org_units",
            j(UnitsPage {
                units: vec![UnitRow {
                    id: "i".into(),
                    name: "n".into(),
                    kind: "county".into(),
                    depth: 1,
                    path: "/a/".into(),
                }],
                done: "已添加".into(),
                form: unit_form(),
            }),
        ),
        (
            "admin/org_unit",
            j(UnitPage {
                id: "i".into(),
                name: "n".into(),
                path: "/a/i/".into(),
                done: String::new(),
                form: unit_form(),
            }),
        ),
        ("admin/tokens", j(tokens)),
        ("admin/access_log", j(access_page(true))),
        ("admin/access_log", j(access_page(false))),
    ]
}

/// The access log with one entry and both page links, or empty under a filter.
fn access_page(full: bool) -> AccessPage {
    let entries = if full {
        vec![AccessRow {
            at: "2026-11-29 09:00".into(),
            user: "村干部".into(),
            login: "cadre".into(),
            case_id: "c-1".into(),
            case: "TS-2026-000001".into(),
            fields: "住址、联系电话".into(),
            via: "页面查看".into(),
        }]
    } else {
        Vec::new()
    };
    let link = |n: u64| format!("/admin/access-log?user=u-1&page={n}");
    AccessPage {
        entries,
        users: vec![choice("a")],
        case: "TS-2026-000001".into(),
        from: "2026-11-01".into(),
        to: "2026-11-30".into(),
        filtered: !full,
        page: 2,
        prev: if full { link(1) } else { String::new() },
        next: if full { link(3) } else { String::new() },
    }
}
