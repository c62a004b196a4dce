//! Mistakes found in a workflow file, each with the place it was written.

use std::fmt;
use std::path::{Path, PathBuf};

use marked_yaml::Span;

/// One mistake in a workflow file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file.
    pub file: PathBuf,
    /// 1-based line; 0 when the mistake has no single place (e.g. a missing file).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Diagnostic {
    /// A mistake at the start of `span` (or at the top of the file when the span is blank).
    pub fn at(file: &Path, span: &Span, message: impl Into<String>) -> Diagnostic {
        let (line, column) = span
            .start()
            .map(|m| (m.line(), m.column()))
            .unwrap_or((1, 1));
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A mistake at a known line and column.
    pub fn at_line(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// " (did you mean `x`?)" when one of `candidates` is close to `word`, else "".
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let best = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(
            did_you_mean("transitons", ["states", "transitions", "fields"]),
            " (did you mean `transitions`?)"
        );
        assert_eq!(did_you_mean("zzz", ["states"]), "");
    }
}
