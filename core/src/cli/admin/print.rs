//! Plain-text listings for the identity commands.

use crate::store::entities::{api_tokens, users};
use crate::store::identity::{GrantRow, OrgNode};

/// Users, one a line.
pub(super) fn users(rows: &[users::Model]) {
    println!(
        "{:<20} {:<24} {:<6} {:<6} ID",
        "USERNAME", "NAME", "ADMIN", "ACTIVE"
    );
    for u in rows {
        println!(
            "{:<20} {:<24} {:<6} {:<6} {}",
            u.username,
            u.display_name,
            yes(u.is_admin),
            yes(u.active),
            u.id
        );
    }
}

/// Grants, one a line.
pub(super) fn grants(rows: &[GrantRow]) {
    println!("{:<6} {:<28} {:<20} UNIT", "ID", "PROGRAMME", "ROLE");
    for g in rows {
        println!(
            "{:<6} {:<28} {:<20} {} {}",
            g.id, g.programme, g.role, g.org_path, g.org_name_zh
        );
    }
}

/// The org tree, indented by depth.
pub(super) fn tree(nodes: &[OrgNode], depth: usize) {
    for n in nodes {
        println!(
            "{}{} {} / {} ({})",
            "  ".repeat(depth),
            n.unit.id,
            n.unit.name_zh,
            n.unit.name_en,
            n.unit.kind
        );
        tree(&n.children, depth + 1);
    }
}

/// Tokens, one a line, never their secrets.
pub(super) fn tokens(rows: &[api_tokens::Model]) {
    println!(
        "{:<38} {:<38} {:<8} {:<20} NAME",
        "ID", "USER", "REVOKED", "LAST USED"
    );
    for t in rows {
        let used = t
            .last_used_at
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<38} {:<38} {:<8} {:<20} {}",
            t.id,
            t.user_id,
            yes(t.revoked),
            used,
            t.name
        );
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
