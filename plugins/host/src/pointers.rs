//! Declared reads: the host passes a check only the case fields it declares.

use anjuan_plugin_sdk::Value;
use serde_json::Map;

/// The parts of `data` at `pointers`, at the same paths; everything else left out.
///
/// Objects along a pointer are rebuilt with only the selected keys. A pointer that passes
/// through an array selects the whole array from there (rows are not filtered). The empty
/// pointer selects the whole document. Missing fields are simply absent.
pub fn select(data: &Value, pointers: &[String]) -> Value {
    let mut out = Value::Object(Map::new());
    for p in pointers {
        if p.is_empty() {
            return data.clone();
        }
        let tokens: Vec<String> = p[1..]
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        copy_path(data, &tokens, &mut out);
    }
    out
}

fn copy_path(src: &Value, tokens: &[String], dst: &mut Value) {
    let Some((first, rest)) = tokens.split_first() else {
        return;
    };
    let Value::Object(src_obj) = src else { return };
    let Some(child) = src_obj.get(first) else {
        return;
    };
    let Value::Object(dst_obj) = dst else { return };
    if rest.is_empty() || !child.is_object() {
        dst_obj.insert(first.clone(), child.clone());
        return;
    }
    let slot = dst_obj
        .entry(first.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    copy_path(child, rest, slot);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_only_declared_paths() {
        let data = json!({"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "big", "s~/x": 3});
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            select(&data, &p(&["/a/b", "/d/0", "/missing/x"])),
            json!({"a": {"b": 1}, "d": [1, 2]})
        );
        assert_eq!(select(&data, &p(&["/s~0~1x"])), json!({"s~/x": 3}));
        assert_eq!(select(&data, &p(&[""])), data);
        assert_eq!(select(&data, &p(&[])), json!({}));
    }
}
