//! Workflow definition files: parse, validate, and the in-memory model.
//!
//! An administrator writes one `workflows/<programme>/workflow.yaml` per programme.
//! [`load_file`] and [`load_dir`] read them and report every mistake with file, line
//! and column; a valid file becomes a [`Definition`] the engine runs.
//!
//! # Layout
//! - [`model`]: the file's structure, one Rust type per section.
//! - `parse`: YAML text → model, every unknown key reported at once.
//! - `validate`, `graph`: references, expressions, reachability.
//! - [`expr`]: CEL guards and computed values.
//! - [`diagnostic`]: a mistake with its place.
//! - [`lint`]: warnings about valid files (a guard without a message).
//! - [`mapping`]: how running cases carry over to a new version (renamed states, fields).

pub mod diagnostic;
pub mod expr;
mod graph;
pub mod lint;
pub mod mapping;
pub mod model;
mod parse;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use diagnostic::Diagnostic;
pub use expr::Expression;
pub use graph::{reachable, running_states};
pub use model::Programme;
pub use validate::{FESTIVALS, SYSTEM_ROLE};

/// A valid workflow file, ready for the engine.
#[derive(Debug)]
pub struct Definition {
    /// The file's content.
    pub programme: Programme,
    /// Where it was read from.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex: identifies this version of the definition.
    pub hash: String,
    /// The file's text, kept so a version can be shown and stored as it was written.
    pub source: String,
    exprs: HashMap<String, Expression>,
}

impl Definition {
    /// Parse and validate workflow text read from `path`.
    pub fn from_text(path: &Path, text: &str) -> Result<Definition, Vec<Diagnostic>> {
        let programme = parse::parse(path, text)?;
        let exprs = validate::validate(path, text, &programme)?;
        Ok(Definition {
            programme,
            path: path.to_owned(),
            hash: hex::encode(Sha256::digest(text.as_bytes())),
            source: text.to_owned(),
            exprs,
        })
    }

    /// The programme id.
    pub fn id(&self) -> &str {
        self.programme.programme.as_str()
    }

    /// The compiled form of an expression written in this file.
    pub fn expr(&self, source: &str) -> Option<&Expression> {
        self.exprs.get(source)
    }
}

/// Read and validate one workflow file.
pub fn load_file(path: &Path) -> Result<Definition, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::at_line(
            path,
            0,
            0,
            format!("cannot read the file: {e}"),
        )]
    })?;
    Definition::from_text(path, &text)
}

/// The workflow files under `dir`: `dir/<programme>/workflow.yaml`, sorted by folder.
/// A path to a single file is taken as it is.
pub fn workflow_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.is_file() {
        return Ok(vec![dir.to_owned()]);
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Diagnostic::at_line(dir, 0, 0, format!("cannot read the folder: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("workflow.yaml"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Read and validate every workflow under `dir`. Definitions that are valid are
/// returned even when others are not, with every mistake found.
pub fn load_dir(dir: &Path) -> (Vec<Definition>, Vec<Diagnostic>) {
    let files = match workflow_files(dir) {
        Ok(f) => f,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let mut defs: Vec<Definition> = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match load_file(&file) {
            Ok(def) => {
                if let Some(first) = defs.iter().find(|d| d.id() == def.id()) {
                    let msg = format!(
                        "duplicate programme id `{}` (also in {})",
                        def.id(),
                        first.path.display()
                    );
                    errors.push(Diagnostic::at(&file, def.programme.programme.span(), msg));
                } else {
                    defs.push(def);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    (defs, errors)
}

/// Counts for the validation summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Programmes.
    pub programmes: usize,
    /// Case types.
    pub case_types: usize,
    /// States.
    pub states: usize,
    /// Transitions.
    pub transitions: usize,
}

impl Summary {
    /// Count what `defs` declare.
    pub fn of(defs: &[Definition]) -> Summary {
        let mut s = Summary::default();
        for d in defs {
            s.programmes += 1;
            for ct in d.programme.case_types.values() {
                s.case_types += 1;
                s.states += ct.states.len();
                s.transitions += ct.transitions.len();
            }
        }
        s
    }
}
