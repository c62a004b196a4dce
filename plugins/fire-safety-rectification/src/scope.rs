//! 整治范围: 已建成投入使用的高层建筑（10层以上或建筑高度大于27米的住宅建筑以及建筑高度
//! 大于24米的公共建筑）. "10层以上" includes the tenth floor, as 以上 does in Chinese
//! regulations; "大于" is strict.

use anjuan_plugin_sdk::{DataExt, Value};

/// Residential buildings of this many floors or more are in scope.
pub const RESIDENTIAL_MIN_FLOORS: i64 = 10;
/// Residential buildings taller than this (metres) are in scope.
pub const RESIDENTIAL_OVER_M: f64 = 27.0;
/// Public buildings taller than this (metres) are in scope.
pub const PUBLIC_OVER_M: f64 = 24.0;

/// Whether a building is in scope, and why, with the field the reason turns on.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// In scope; `None` when the record lacks what decides it.
    pub in_scope: Option<bool>,
    /// The field the verdict turns on (a JSON Pointer).
    pub field: &'static str,
    /// Finding code when not in scope: `out-of-scope`, `not-in-use`, `scope-unknown`.
    pub code: &'static str,
    /// Why, in Chinese.
    pub reason_zh: String,
    /// Why, in English.
    pub reason_en: String,
}

fn verdict(
    in_scope: Option<bool>,
    field: &'static str,
    code: &'static str,
    zh: String,
    en: String,
) -> Verdict {
    Verdict {
        in_scope,
        field,
        code,
        reason_zh: zh,
        reason_en: en,
    }
}

fn unknown(field: &'static str, zh: &str, en: &str) -> Verdict {
    verdict(
        None,
        field,
        "scope-unknown",
        format!("未填写{zh}，无法判定是否属于整治范围"),
        format!("The {en} is not given, so whether the building is in scope cannot be decided"),
    )
}

/// Judges the building from `building_use`, `floors`, `height_m` and `in_use`.
pub fn judge(data: &Value) -> Verdict {
    let floors = data.i64_at("/floors");
    let height = data.f64_at("/height_m");
    let by_size = match data.str_at("/building_use") {
        Some("residential") => residential(floors, height),
        Some("public") => public(height),
        _ => return unknown("/building_use", "建筑类别", "building's use"),
    };
    if by_size.in_scope != Some(true) {
        return by_size;
    }
    match data.bool_at("/in_use") {
        Some(true) => by_size,
        Some(false) => verdict(
            Some(false),
            "/in_use",
            "not-in-use",
            format!(
                "{}，但尚未建成投入使用：整治范围为已建成投入使用的高层建筑",
                by_size.reason_zh
            ),
            format!(
                "{}, but it is not built and in use: the campaign covers buildings in use",
                by_size.reason_en
            ),
        ),
        None => unknown("/in_use", "是否已建成投入使用", "whether it is in use"),
    }
}

fn residential(floors: Option<i64>, height: Option<f64>) -> Verdict {
    if let Some(f) = floors.filter(|f| *f >= RESIDENTIAL_MIN_FLOORS) {
        return verdict(
            Some(true),
            "/floors",
            "",
            format!("住宅建筑 {f} 层（10层以上），属整治范围"),
            format!("Residential, {f} floors (10 or more): in scope"),
        );
    }
    if let Some(h) = height.filter(|h| *h > RESIDENTIAL_OVER_M) {
        return verdict(
            Some(true),
            "/height_m",
            "",
            format!("住宅建筑高度 {h} 米（大于27米），属整治范围"),
            format!("Residential, {h} m tall (over 27 m): in scope"),
        );
    }
    match (floors, height) {
        (Some(f), Some(h)) => verdict(
            Some(false),
            "/floors",
            "out-of-scope",
            format!("住宅建筑 {f} 层、高度 {h} 米，未达10层以上且不高于27米，不属整治范围"),
            format!(
                "Residential, {f} floors and {h} m: under 10 floors and not over 27 m, so out of scope"
            ),
        ),
        (None, _) => unknown("/floors", "层数", "number of floors"),
        (_, None) => unknown("/height_m", "建筑高度", "height"),
    }
}

fn public(height: Option<f64>) -> Verdict {
    match height {
        Some(h) if h > PUBLIC_OVER_M => verdict(
            Some(true),
            "/height_m",
            "",
            format!("公共建筑高度 {h} 米（大于24米），属整治范围"),
            format!("Public building, {h} m tall (over 24 m): in scope"),
        ),
        Some(h) => verdict(
            Some(false),
            "/height_m",
            "out-of-scope",
            format!("公共建筑高度 {h} 米，不高于24米，不属整治范围"),
            format!("Public building, {h} m tall: not over 24 m, so out of scope"),
        ),
        None => unknown("/height_m", "建筑高度", "height"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjuan_plugin_sdk::json;

    fn building(usage: &str, floors: i64, height: f64) -> Value {
        json!({"building_use": usage, "floors": floors, "height_m": height, "in_use": true})
    }

    #[test]
    fn a_residential_building_of_ten_floors_is_in_scope() {
        assert_eq!(
            judge(&building("residential", 10, 26.0)).in_scope,
            Some(true)
        );
        assert_eq!(
            judge(&building("residential", 9, 26.0)).in_scope,
            Some(false)
        );
    }

    #[test]
    fn a_residential_building_over_27_metres_is_in_scope() {
        assert_eq!(
            judge(&building("residential", 9, 27.5)).in_scope,
            Some(true)
        );
        let at_27 = judge(&building("residential", 9, 27.0));
        assert_eq!((at_27.in_scope, at_27.code), (Some(false), "out-of-scope"));
        assert!(at_27.reason_zh.contains("9 层") && at_27.reason_zh.contains("27 米"));
    }

    #[test]
    fn a_public_building_over_24_metres_is_in_scope_whatever_its_floors() {
        assert_eq!(judge(&building("public", 6, 24.1)).in_scope, Some(true));
        let at_24 = judge(&building("public", 12, 24.0));
        assert_eq!((at_24.in_scope, at_24.field), (Some(false), "/height_m"));
    }

    #[test]
    fn a_building_not_in_use_is_out_of_scope() {
        let mut b = building("public", 20, 80.0);
        b["in_use"] = json!(false);
        let v = judge(&b);
        assert_eq!(
            (v.in_scope, v.code, v.field),
            (Some(false), "not-in-use", "/in_use")
        );
    }

    #[test]
    fn a_building_missing_what_decides_is_undecided() {
        assert_eq!(judge(&json!({})).code, "scope-unknown");
        let v = judge(&json!({"building_use": "public", "floors": 30, "in_use": true}));
        assert_eq!((v.in_scope, v.field), (None, "/height_m"));
        // Ten floors decide a residential building without its height.
        let v = judge(&json!({"building_use": "residential", "floors": 12, "in_use": true}));
        assert_eq!(v.in_scope, Some(true));
    }
}
