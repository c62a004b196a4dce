//! YAML text → [`Programme`], reporting every unknown key at once.
//!
//! serde stops at the first unknown key. To report them all, each unknown key found
//! is recorded (with a suggestion from the keys serde expected), removed from the
//! parsed tree, and deserialisation is tried again, until only other mistakes or
//! none remain.

use std::path::Path;

use marked_yaml::{LoadError, LoaderOptions, Node, Span};

use super::diagnostic::{Diagnostic, did_you_mean};
use super::model::Programme;

/// The most unknown keys reported for one file before giving up.
const MAX_UNKNOWN_KEYS: usize = 200;

/// Parse one workflow file. On failure every mistake found is returned.
pub fn parse(file: &Path, text: &str) -> Result<Programme, Vec<Diagnostic>> {
    let options = LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .toplevel_mapping();
    let mut node = marked_yaml::parse_yaml_with_options(0, text, options)
        .map_err(|e| vec![load_error(file, &e)])?;
    let mut diagnostics = Vec::new();
    loop {
        match marked_yaml::from_node::<Programme>(&node) {
            Ok(programme) if diagnostics.is_empty() => return Ok(programme),
            Ok(_) => return Err(diagnostics),
            Err(e) => {
                if let marked_yaml::Error::UnknownFieldError(field, expected, _) = &*e
                    && diagnostics.len() < MAX_UNKNOWN_KEYS
                    && let Some(span) = remove_unknown(&mut node, field, expected)
                {
                    let hint = did_you_mean(field, expected.iter().copied());
                    let message = format!(
                        "unknown key `{field}`{hint}; expected one of: {}",
                        expected.join(", ")
                    );
                    diagnostics.push(Diagnostic::at(file, &span, message));
                    continue;
                }
                let span = e
                    .path()
                    .map(|path| *locate(&node, &segments(path)).1.span())
                    .filter(|s| s.start().is_some())
                    .or_else(|| e.start_mark().map(Span::new_start))
                    .unwrap_or_else(Span::new_blank);
                let place = e.path().map(|p| format!(" (at {p})")).unwrap_or_default();
                let message = format!("{}{place}", plain(&(*e).to_string()));
                diagnostics.push(Diagnostic::at(file, &span, message));
                return Err(diagnostics);
            }
        }
    }
}

/// Remove the first mapping key `field` (in document order) whose mapping otherwise
/// holds only `expected` keys, which is the one serde stopped at; return its span.
pub(super) fn remove_unknown(node: &mut Node, field: &str, expected: &[&str]) -> Option<Span> {
    match node {
        Node::Mapping(map) => {
            let fits = map.keys().any(|k| k.as_str() == field)
                && map
                    .keys()
                    .all(|k| k.as_str() == field || expected.contains(&k.as_str()));
            if fits {
                let key = map.keys().find(|k| k.as_str() == field).cloned()?;
                map.remove(&key);
                return Some(*key.span());
            }
            map.values_mut()
                .find_map(|v| remove_unknown(v, field, expected))
        }
        Node::Sequence(seq) => seq
            .iter_mut()
            .find_map(|v| remove_unknown(v, field, expected)),
        Node::Scalar(_) => None,
    }
}

/// A serde path (`case_types.?.deadlines[0].within`) as segments.
fn segments(path: &str) -> Vec<String> {
    path.split('.')
        .flat_map(|part| {
            let mut out = Vec::new();
            let (name, rest) = part
                .split_once('[')
                .map(|(n, r)| (n, Some(r)))
                .unwrap_or((part, None));
            if !name.is_empty() {
                out.push(name.to_owned());
            }
            if let Some(rest) = rest {
                out.extend(
                    rest.split('[')
                        .map(|i| format!("[{}", i.trim_end_matches(']'))),
                );
            }
            out
        })
        .collect()
}

/// The deepest node the path reaches, with its depth; `?` (a key serde could not
/// name) tries each entry in document order.
fn locate<'a>(node: &'a Node, path: &[String]) -> (usize, &'a Node) {
    let Some((first, rest)) = path.split_first() else {
        return (0, node);
    };
    let next: Vec<&Node> = match (node, first.as_str()) {
        (Node::Mapping(map), "?") => map.values().collect(),
        (Node::Mapping(map), key) => map.get_node(key).into_iter().collect(),
        (Node::Sequence(seq), index) => index
            .strip_prefix('[')
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| seq.get(i))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    next.into_iter()
        .map(|n| {
            let (depth, found) = locate(n, rest);
            (depth + 1, found)
        })
        .fold(None, |best: Option<(usize, &Node)>, x| match best {
            Some(b) if b.0 >= x.0 => Some(b),
            _ => Some(x),
        })
        .unwrap_or((0, node))
}

pub(super) fn load_error(file: &Path, e: &LoadError) -> Diagnostic {
    let (marker, message) = match e {
        LoadError::TopLevelMustBeMapping(m) => (*m, "the file must be a mapping of keys".into()),
        LoadError::TopLevelMustBeSequence(m) => (*m, "the file must be a list".into()),
        LoadError::UnexpectedAnchor(m) => (*m, "YAML anchors and aliases are not supported".into()),
        LoadError::MappingKeyMustBeScalar(m) => (*m, "keys must be plain names".into()),
        LoadError::UnexpectedTag(m) => (*m, "YAML tags are not supported".into()),
        LoadError::ScanError(m, se) => (*m, format!("YAML syntax: {}", se.info())),
        LoadError::DuplicateKey(inner) => {
            let first = inner.prev_key.span().start().map(|m| m.line()).unwrap_or(0);
            let marker = inner
                .key
                .span()
                .start()
                .copied()
                .unwrap_or_else(|| marked_yaml::Marker::new(0, 0, 1, 1));
            (
                marker,
                format!(
                    "duplicate id `{}` (first written on line {first})",
                    inner.key.as_str()
                ),
            )
        }
    };
    Diagnostic::at_line(file, marker.line(), marker.column(), message)
}

/// serde's messages name the path inside the file ("case_types.x.within: ...");
/// keep them but say "expected" plainly.
fn plain(message: &str) -> String {
    message.replace(
        "Expected map with one value",
        "expected a map with exactly one key",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "\
programme: demo
version: 1
title: { zh: 演示, en: Demo }
roles: { clerk: { zh: 办事员, en: Clerk } }
case_types:
  item:
    title: { zh: 事项, en: Item }
    number: \"D-{year}-{seq:4}\"
    initial: open
    states:
      open: {}
      done: { final: true }
    transitions:
      - { action: finish, from: [open], to: done, roles: [clerk] }
";

    #[test]
    fn parses_a_minimal_file() {
        let p = parse(Path::new("w.yaml"), MINIMAL).expect("valid");
        assert_eq!(p.programme.as_str(), "demo");
        assert_eq!(p.case_types["item"].transitions.len(), 1);
    }

    #[test]
    fn reports_every_unknown_key_with_a_suggestion() {
        let text = MINIMAL
            .replace("initial: open", "initial: open\n    stats: {}")
            .replace("roles: [clerk] }", "roles: [clerk], gaurd: \"true\" }");
        let errors = parse(Path::new("w.yaml"), &text).expect_err("invalid");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].message.contains("did you mean `states`"),
            "{errors:?}"
        );
        assert_eq!((errors[0].line, errors[0].column), (10, 5));
        assert!(
            errors[1].message.contains("did you mean `guard`"),
            "{errors:?}"
        );
    }

    #[test]
    fn reports_yaml_syntax_with_a_place() {
        let errors = parse(Path::new("w.yaml"), "programme: [demo\n").expect_err("invalid");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.starts_with("YAML syntax"), "{errors:?}");
        assert!(errors[0].line >= 1);
    }

    #[test]
    fn reports_a_bad_duration() {
        let text = MINIMAL.replace(
            "number:",
            "deadlines: [{ id: d, within: { hourz: 3 } }]\n    number:",
        );
        let errors = parse(Path::new("w.yaml"), &text).expect_err("invalid");
        assert!(errors[0].message.contains("hourz"), "{errors:?}");
        assert_eq!(errors[0].line, 8);
    }
}
