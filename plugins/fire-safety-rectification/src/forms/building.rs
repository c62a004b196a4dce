//! The high-rise register (高层建筑) and opening a building's rectification.

use super::{choices, objects};
use anjuan_plugin_sdk::{Field, FormDef};

/// 高层建筑信息: what decides the scope (use, floors, height, in use) and who is
/// responsible (产权单位、使用单位、委托管理单位; 消防安全责任人、管理人).
pub fn building() -> FormDef {
    let uses = [
        ("residential", "住宅建筑", "Residential"),
        ("public", "公共建筑", "Public building"),
    ];
    FormDef::new("building", "高层建筑信息", "High-rise building")
        .help(
            "整治范围：已建成投入使用的高层建筑（10层以上或建筑高度大于27米的住宅建筑，以及建筑高度大于24米的公共建筑）。",
            "In scope: buildings in use that are residential with 10 floors or more or taller than 27 m, or public buildings taller than 24 m.",
        )
        .field(Field::text("name", "建筑名称", "Building").required())
        .field(Field::text("address", "地址", "Address").required())
        .field(Field::org_unit("facility", "医疗机构", "Medical institution").required())
        .field(Field::text("property_unit", "产权单位", "Owner").required())
        .field(Field::text("user_unit", "使用单位", "User").required())
        .field(Field::text("managing_unit", "委托管理单位", "Managing agent"))
        .field(Field::select("building_use", "建筑类别", "Use", choices(&uses)).required())
        .field(
            Field::integer("floors", "层数", "Floors")
                .unit("层", "floors")
                .range(Some(1.0), Some(200.0))
                .required(),
        )
        .field(
            Field::number("height_m", "建筑高度", "Height")
                .unit("米", "m")
                .range(Some(0.0), Some(1000.0))
                .required(),
        )
        .field(Field::boolean("in_use", "已建成投入使用", "Built and in use").required())
        .field(Field::boolean("fire_control_room", "设有消防控制室", "Fire control room"))
        .field(Field::boolean("micro_fire_station", "建有微型消防站", "Micro fire station"))
        .field(Field::text("safety_responsible", "消防安全责任人", "Fire-safety responsible person").required())
        .field(Field::text("safety_manager", "消防安全管理人", "Fire-safety manager").required())
        .field(
            Field::file("responsibility_agreement", "消防安全责任分工协议", "Responsibility agreement")
                .help(
                    "高层公共建筑各产权单位、使用单位、经营主体以及委托管理单位依法签订消防安全责任分工协议。",
                    "The owner, user and managing agent of a public high-rise sign an agreement dividing fire-safety duties.",
                ),
        )
}

/// 启动专项整治: the campaign's stage dates are the workflow's `campaign` object (members
/// in [`objects::campaign`]); the action opens the building's rectification from them,
/// and is refused for a building out of scope.
pub fn open_rectification() -> FormDef {
    FormDef::new("open-rectification", "启动专项整治", "Open the rectification")
        .help(
            "填写本栋建筑的整治阶段时限：全面排查（11月）、重点督办严重问题（6月底）、突出问题整改（12月底）、全部整改完毕、总结验收（10月至12月）。",
            "Give the building's stage dates: investigation (November), serious problems supervised (end of June), key problems rectified (end of December), everything rectified, acceptance (October to December).",
        )
        .field(
            Field::object("campaign", "专项整治阶段时限", "Campaign stage dates", objects::campaign())
                .required(),
        )
}
