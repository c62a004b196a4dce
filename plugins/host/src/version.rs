//! Interface versions: which plugins this host accepts, and reading the version a
//! component declares in its `anjuan:interface-version` custom section.
//!
//! Policy (docs/plugins.md): before 1.0 the minor number acts as the major one. This host
//! implements [`HOST_INTERFACE`] and the earlier lines in [`IMPLEMENTED`]; it accepts
//! plugins built against one of those `0.MINOR` lines with a patch up to the one it
//! implements (older patches only add nothing a plugin could miss), and from 1.0 on the
//! same major with a minor up to its own.

use anjuan_plugin_sdk::{INTERFACE_SECTION, INTERFACE_VERSION};
use wasmparser::{Parser, Payload};

/// The newest interface version this host implements (`plugins/wit/<version>/`).
pub const HOST_INTERFACE: &str = INTERFACE_VERSION;

/// Every interface version this host implements, oldest first: the newest patch of each
/// line it accepts. Plugins built against 0.1.0 keep running after 0.2.0.
pub const IMPLEMENTED: &[&str] = &["0.1.0", HOST_INTERFACE];

/// A `MAJOR.MINOR.PATCH` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Parses `MAJOR.MINOR.PATCH` (no pre-release or build suffix).
    pub fn parse(s: &str) -> Option<Version> {
        let mut it = s.trim().split('.').map(|p| p.parse::<u64>().ok());
        let v = Version {
            major: it.next()??,
            minor: it.next()??,
            patch: it.next()??,
        };
        it.next().is_none().then_some(v)
    }
}

/// What this host accepts, for messages: `0.1.x (up to 0.1.0) or 0.2.x (up to 0.2.0)`.
pub fn accepted_range() -> String {
    let lines: Vec<String> = IMPLEMENTED
        .iter()
        .map(|v| match Version::parse(v) {
            Some(h) if h.major == 0 => format!("0.{}.x (up to {v})", h.minor),
            Some(h) => format!("{}.x (up to {v})", h.major),
            None => (*v).to_string(),
        })
        .collect();
    lines.join(" or ")
}

/// Whether `declared` belongs to the line of the implemented version `implemented`.
fn in_line(implemented: &str, declared: &str) -> bool {
    let (Some(h), Some(p)) = (Version::parse(implemented), Version::parse(declared)) else {
        return false;
    };
    if h.major == 0 {
        p.major == 0 && p.minor == h.minor && p.patch <= h.patch
    } else {
        p.major == h.major && (p.minor, p.patch) <= (h.minor, h.patch)
    }
}

/// The implemented version a plugin declaring `declared` runs against, if any.
pub fn implemented_for(declared: &str) -> Option<&'static str> {
    IMPLEMENTED.iter().copied().find(|v| in_line(v, declared))
}

/// Whether a plugin declaring `declared` can run on this host.
pub fn is_supported(declared: &str) -> bool {
    implemented_for(declared).is_some()
}

/// The interface version stamped into a component's custom section (searched in nested
/// core modules too), or `None` when there is none.
pub fn read_section(wasm: &[u8]) -> Result<Option<String>, String> {
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CustomSection(reader) = payload.map_err(|e| e.to_string())?
            && reader.name() == INTERFACE_SECTION
        {
            let text = std::str::from_utf8(reader.data())
                .map_err(|_| "interface-version section is not UTF-8".to_string())?;
            return Ok(Some(text.trim_end_matches('\0').trim().to_string()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_each_implemented_line_up_to_its_patch() {
        assert_eq!(implemented_for("0.1.0"), Some("0.1.0"));
        assert_eq!(implemented_for("0.2.0"), Some("0.2.0"));
        assert!(!is_supported("0.3.0"));
        assert!(!is_supported("0.1.1"), "newer than the host's 0.1 line");
        assert!(!is_supported("0.2.1"), "newer than the host");
        assert!(!is_supported("1.0.0"));
        assert!(!is_supported("zero"));
        assert_eq!(
            accepted_range(),
            "0.1.x (up to 0.1.0) or 0.2.x (up to 0.2.0)"
        );
    }
}
