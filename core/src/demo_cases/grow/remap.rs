//! How one copy differs from its template: new ids and numbers, other units of the
//! same kind, and every moment moved back by a whole number of weeks (dates and
//! times inside case data, event payloads and deadline details included).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde_json::Value;

/// The changes of one copy of a group of cases.
pub(super) struct Remap {
    /// Old id → new id (cases, deadline rows, files).
    pub ids: HashMap<String, String>,
    /// Old number → new number.
    pub numbers: Vec<(String, String)>,
    /// How far back every moment moves.
    pub shift: Duration,
}

impl Remap {
    /// A moment moved back.
    pub fn at(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        t - self.shift
    }

    /// An id mapped, or kept when it is not one of the group's.
    pub fn id(&self, id: &str) -> String {
        self.ids.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// A text with the group's numbers replaced by the copy's.
    pub fn text(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for (old, new) in &self.numbers {
            if out.contains(old.as_str()) {
                out = out.replace(old.as_str(), new);
            }
        }
        out
    }

    /// A JSON value with ids, numbers, dates and moments moved.
    pub fn json(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.string(s)),
            Value::Array(items) => Value::Array(items.iter().map(|i| self.json(i)).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), self.json(v))).collect())
            }
            other => other.clone(),
        }
    }

    /// JSON text through [`Remap::json`]; text that is not JSON is kept.
    pub fn json_text(&self, s: &str) -> String {
        match serde_json::from_str::<Value>(s) {
            Ok(v) => self.json(&v).to_string(),
            Err(_) => s.to_owned(),
        }
    }

    fn string(&self, s: &str) -> String {
        if let Some(id) = self.ids.get(s) {
            return id.clone();
        }
        if s.len() == 10
            && s.as_bytes()[4] == b'-'
            && let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        {
            return (d - self.shift).to_string();
        }
        if s.len() >= 20
            && s.as_bytes()[4] == b'-'
            && let Ok(t) = DateTime::parse_from_rfc3339(s)
        {
            let moved = t - self.shift;
            return moved.to_rfc3339_opts(SecondsFormat::AutoSi, s.ends_with('Z'));
        }
        self.text(s)
    }
}

/// A small deterministic generator (SplitMix64), so the same command grows the same
/// county.
pub(super) struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_copy_moves_dates_moments_ids_and_numbers() {
        let r = Remap {
            ids: [("a".to_owned(), "b".to_owned())].into(),
            numbers: vec![("CJ-2026-000001".into(), "CJ-2024-000042".into())],
            shift: Duration::weeks(2),
        };
        let v = json!({
            "day": "2026-12-04",
            "at": "2026-12-04T10:00:00+08:00",
            "z": "2026-12-04T02:00:00.123456Z",
            "ref": "a",
            "note": "案件 CJ-2026-000001 已逾期",
            "n": 3,
            "period": "2026-11",
        });
        assert_eq!(
            r.json(&v),
            json!({
                "day": "2026-11-20",
                "at": "2026-11-20T10:00:00+08:00",
                "z": "2026-11-20T02:00:00.123456Z",
                "ref": "b",
                "note": "案件 CJ-2024-000042 已逾期",
                "n": 3,
                "period": "2026-11",
            })
        );
    }
}
