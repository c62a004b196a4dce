//! [`Finding`]: one problem a check found.

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Refuses the action.
    Error,
    /// Shown to the user; the action goes ahead.
    Warning,
}

/// One problem found in case or form data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// JSON Pointer (RFC 6901) into the case data; empty for the case as a whole.
    pub field: String,
    /// Stable machine-readable code, e.g. `too-many-batches`.
    pub code: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Finding {
    /// An error finding: the action is refused.
    pub fn error(field: &str, code: &str, message_zh: &str, message_en: &str) -> Self {
        Self::new(Severity::Error, field, code, message_zh, message_en)
    }

    /// A warning finding: shown, but the action goes ahead.
    pub fn warning(field: &str, code: &str, message_zh: &str, message_en: &str) -> Self {
        Self::new(Severity::Warning, field, code, message_zh, message_en)
    }

    fn new(severity: Severity, field: &str, code: &str, zh: &str, en: &str) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message_zh: zh.into(),
            message_en: en.into(),
            severity,
        }
    }

    /// Whether this finding refuses the action.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message in the envelope's language (`en*` → English, otherwise Chinese).
    pub fn message(&self, english: bool) -> &str {
        if english {
            &self.message_en
        } else {
            &self.message_zh
        }
    }
}

/// Whether `s` is a syntactically valid JSON Pointer (RFC 6901): empty, or `/`-separated
/// tokens where `~` is only followed by `0` or `1`.
pub fn is_json_pointer(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    if !s.starts_with('/') {
        return false;
    }
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return false;
        }
    }
    true
}

/// Escapes one reference token for use in a JSON Pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_follow_rfc_6901() {
        assert!(is_json_pointer(""));
        assert!(is_json_pointer("/a/0/b~1c~0"));
        assert!(!is_json_pointer("a/b"));
        assert!(!is_json_pointer("/a~2"));
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
    }
}
