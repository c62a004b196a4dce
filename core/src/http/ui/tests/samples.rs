//! Contexts for every template, shaped as their handlers build them.

use serde::Serialize;
use serde_json::{Value, json};

use super::super::admin::BrokenRow;
use super::super::admin_programmes::{Checked, ProgrammeRow, Report};
use super::super::bulk::{BulkPage, BulkRow, BulkSummary};
use super::super::case_action::{ActionPage, Conflict};
use super::super::case_detail::{Attachment, DeadlineRow, DetailPage, Header, Link};
use super::super::case_new::{NewPage, Openable};
use super::super::cases::{ListPage, ListParams, Row};
use super::super::dashboards::{Chart, DashboardPage, Tile};
use super::super::diagram::{Diagram, diagram};
use super::super::directory::{Choice, Directory};
use super::super::forms::{self, ViewCtx};
use super::super::inbox::{InboxPage, Note, NotesPage, ProgrammeCount, Section};
use super::super::login::LoginPage;
use super::super::page::{ErrorPage, Nav, NavUser};
use super::super::render::{Lang, Ui};
use super::super::svg;
use super::super::timeline::{ChangeRow, EventRow};
use super::super::values::DataRow;
use crate::error::Violation;
use crate::workflow::model::I18n;

pub(super) fn nav(lang: Lang) -> Nav {
    let mut n = Nav::anonymous(lang, "标题".into(), "/cases?q=a&b=c");
    n.user = Some(NavUser {
        id: "0190c6a0-0000-7000-8000-000000000001".into(),
        display_name: "张三".into(),
        username: "zhangsan".into(),
        is_admin: true,
    });
    n.csrf = "token".into();
    n.inbox = 7;
    n.overdue = 3;
    n.unread = 2;
    n.active = "cases";
    n
}

pub(super) fn choice(v: &str) -> Choice {
    Choice {
        value: v.into(),
        label: format!("{v}标签"),
        selected: v == "a",
    }
}

pub(super) fn row(n: usize) -> Row {
    Row {
        id: format!("id-{n}"),
        version: 2,
        number: format!("CJ-2026-{n:06}"),
        programme: "食品安全抽检与核查处置".into(),
        case_type: "不合格样品核查处置".into(),
        state: "核查启动".into(),
        summary: "大米 · 某超市".into(),
        unit: "城关镇".into(),
        next_due: "2026-12-01 10:00".into(),
        overdue: n.is_multiple_of(2),
        closed: n == 3,
        created: "2026-11-01 09:00".into(),
    }
}

pub(super) fn event() -> EventRow {
    EventRow {
        seq: 2,
        at: "2026-11-02 10:00".into(),
        actor: "李四".into(),
        action: "启动核查处置".into(),
        from: "已收到".into(),
        to: "核查启动".into(),
        comment: "立即启动".into(),
        taken_at: "2026-10-01 08:00".into(),
        changes: vec![ChangeRow {
            label: "控制数量".into(),
            before: String::new(),
            after: "20".into(),
        }],
        warnings: vec!["晚于24小时".into()],
    }
}

pub(super) fn detail() -> DetailPage {
    DetailPage {
        case: Header {
            id: "id-1".into(),
            number: "CJ-2026-000001".into(),
            programme: "食品安全".into(),
            case_type: "不合格样品".into(),
            summary: "大米".into(),
            state: "核查启动".into(),
            closed: false,
            overdue: true,
            unit: "城关镇".into(),
            assignee: String::new(),
            parent: Some(("p".into(), "CY-2026-000001".into())),
            version: 3,
            definition: "v1 · abcdef".into(),
            created: "2026-11-01 09:00".into(),
            updated: "2026-11-02 09:00".into(),
        },
        deadlines: vec![DeadlineRow {
            title: "90日".into(),
            due: "2027-01-30 09:00".into(),
            status: "计时中".into(),
            tone: "soon",
            left: "剩余 2 个工作日".into(),
        }],
        data: vec![
            DataRow {
                label: "姓名".into(),
                value: "已隐藏".into(),
                sensitive: true,
                masked: true,
                columns: vec![],
                rows: vec![],
            },
            DataRow {
                label: "不合格项目".into(),
                value: String::new(),
                sensitive: false,
                masked: false,
                columns: vec!["项目".into()],
                rows: vec![vec!["铅".into()]],
            },
        ],
        events: vec![event()],
        children: vec![Link {
            href: "/cases/c".into(),
            title: "GB-2026-000001".into(),
            detail: "公布".into(),
            muted: false,
        }],
        actions: vec![Link {
            href: "/cases/id-1/actions/record-product-control".into(),
            title: "产品控制".into(),
            detail: "产品控制".into(),
            muted: false,
        }],
        new_children: vec![Link {
            href: "/cases/new?x".into(),
            title: "走访".into(),
            detail: String::new(),
            muted: false,
        }],
        attachments: vec![Attachment {
            href: "/api/v1/files/f-1".into(),
            name: "承诺书.pdf".into(),
            size: "14.2 KiB".into(),
            media_type: "application/pdf".into(),
            uploaded: "2026-11-02 09:00".into(),
        }],
        done: "已完成：立案".into(),
        diagram: sample_diagram(&Ui::load(None), Lang::Zh, Some("penalty")),
    }
}

pub(super) fn action_page(ui: &Ui, lang: Lang) -> ActionPage {
    let dir = Directory::default();
    let cx = ViewCtx {
        lang,
        ui,
        dir: &dir,
        tz: chrono_tz::Asia::Shanghai,
        add_row: None,
        programme: "sampling-disposal",
        unit: None,
    };
    let v = |f: &str| Violation {
        layer: None,
        field: f.into(),
        code: "required".into(),
        message: I18n {
            zh: "必填".into(),
            en: "required".into(),
        },
    };
    let mut form = forms::view(
        &forms::tests::sample_form(),
        &json!({ "serious": true, "rows": [{ "item": "x" }], "doc": "f-1" }),
        &[v("/name"), v("/rows/0/item"), v("/x")],
        &cx,
    );
    forms::name_files(&mut form, &|id| {
        (id == "f-1").then(|| ("承诺书.pdf".to_owned(), forms::size_text(14_540)))
    });
    ActionPage {
        case_id: "id-1".into(),
        number: "CJ-2026-000001".into(),
        summary: "大米".into(),
        state: "已收到".into(),
        action: "start-disposal".into(),
        title: "启动核查处置".into(),
        to: "核查启动".into(),
        form: Some(form),
        multipart: true,
        max_upload: 20 * 1024 * 1024,
        max_upload_text: "20.0 MiB".into(),
        form_missing: false,
        comment: "意见".into(),
        comment_required: true,
        comment_errors: vec!["必填".into()],
        errors: vec!["插件".into()],
        has_errors: true,
        error_links: vec![("#f-name".into(), "名称：必填".into())],
        version: 4,
        key: "k".into(),
        taken_at: "2026-10-01T08:00:00.000Z".into(),
        conflict: Some(Conflict {
            yours: 3,
            current: 4,
            events: vec![event()],
            still_open: true,
        }),
        checks: Some(r#"{"base":"/plugins/p/0/","checks":[]}"#.into()),
    }
}

pub(super) fn sample_diagram(ui: &Ui, lang: Lang, current: Option<&str>) -> Diagram {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/sampling-disposal/workflow.yaml"
    ))
    .expect("workflow file");
    let def = crate::workflow::Definition::from_text(std::path::Path::new("w.yaml"), &text)
        .expect("valid workflow");
    let ct = def
        .programme
        .case_type("nonconforming-sample")
        .expect("case type");
    diagram(
        ui,
        lang,
        &def.programme,
        "nonconforming-sample",
        ct,
        current,
    )
}

/// The context of every template, as its handler builds it.
pub(super) fn contexts(ui: &Ui, lang: Lang) -> Vec<(&'static str, Value)> {
    fn j(v: impl Serialize) -> Value {
        serde_json::to_value(v).expect("context serialises")
    }
    let list = ListPage {
        params: ListParams {
            programme: "a".into(),
            overdue: "true".into(),
            ..ListParams::default()
        },
        programmes: vec![choice("a")],
        case_types: vec![choice("b")],
        states: vec![choice("c")],
        units: vec![choice("a")],
        sorts: vec![choice("due")],
        rows: (1..4).map(row).collect(),
        total: "3".into(),
        page: 1,
        pages: "2".into(),
        prev: String::new(),
        next: "/cases?page=2".into(),
        csv: "/cases/export.csv?".into(),
        xlsx: "/cases/export.xlsx?".into(),
        bulk_actions: vec![choice("t/a")],
        batch: "b".into(),
        sort_number: "/cases?sort=number".into(),
        sort_due: "/cases?sort=due".into(),
        sort_created: "/cases?sort=newest".into(),
    };
    let report = Report {
        source: "workflows".into(),
        valid: vec![Checked {
            id: "p".into(),
            status: "changed",
            status_text: "有修改".into(),
            hash: "ab".into(),
            stranded: vec![("t".into(), "s".into(), 2)],
        }],
        errors: vec!["w.yaml:1:1: bad".into()],
        installable: true,
        text: "programme: p".into(),
        folder: true,
    };
    vec![
        (
            "error",
            j(ErrorPage {
                status: 422,
                message: "错".into(),
                detail: "d".into(),
                violations: vec!["v".into()],
            }),
        ),
        (
            "login/index",
            j(LoginPage {
                username: "u".into(),
                next: "/inbox".into(),
                error: "错误".into(),
                csrf: "t".into(),
            }),
        ),
        (
            "inbox/index",
            j(InboxPage {
                sections: vec![
                    Section {
                        kind: "overdue",
                        title: "已逾期".into(),
                        rows: vec![row(2)],
                    },
                    Section {
                        kind: "soon",
                        title: "即将".into(),
                        rows: vec![],
                    },
                ],
                programmes: vec![ProgrammeCount {
                    id: "p".into(),
                    title: "项目".into(),
                    count: 3,
                    overdue: 1,
                    selected: true,
                }],
                total: 3,
            }),
        ),
        (
            "inbox/notifications",
            j(NotesPage {
                notes: vec![Note {
                    at: "t".into(),
                    message: "m".into(),
                    href: "/cases/x".into(),
                    number: "CJ-2026-0001".into(),
                    summary: "大米".into(),
                    unread: true,
                }],
                any_unread: true,
            }),
        ),
        ("cases/list", j(list)),
        ("cases/detail", j(detail())),
        ("cases/dossier", j(detail())),
        ("cases/action", j(action_page(ui, lang))),
        (
            "cases/new",
            j(NewPage {
                openable: vec![Openable {
                    href: "/cases/new?a".into(),
                    programme: "p".into(),
                    title: "t".into(),
                }],
                programme: String::new(),
                case_type: String::new(),
                title: "新建".into(),
                parent: None,
                units: vec![],
                unit_errors: vec![],
                form: None,
                multipart: false,
                max_upload: 20 * 1024 * 1024,
                max_upload_text: "20.0 MiB".into(),
                errors: vec![],
                has_errors: false,
                error_links: vec![],
                checks: None,
                key: "k".into(),
                taken_at: String::new(),
            }),
        ),
        (
            "offline/sync",
            j(crate::http::ui::offline::SyncPage { max_age_days: 7 }),
        ),
        (
            "bulk/result",
            j(BulkPage {
                action: "公布".into(),
                selected: 3,
                rows_marker: "<!--r-->",
                summary_marker: "<!--s-->",
            }),
        ),
        (
            "bulk/row",
            j(BulkRow {
                n: 1,
                id: "i".into(),
                number: "n".into(),
                ok: false,
                message: "无权".into(),
            }),
        ),
        (
            "bulk/summary",
            j(BulkSummary {
                ok: 2,
                refused: 1,
                seconds: "0.3".into(),
                reasons: vec![("无权".into(), 1)],
            }),
        ),
        (
            "dashboards/index",
            json!({ "tiles": [Tile { href: "/dashboards/p".into(), title: "p".into(), open: 3, overdue: 1, closed: 2 }] }),
        ),
        (
            "dashboards/programme",
            j(DashboardPage {
                title: "项目".into(),
                tile: Tile {
                    href: String::new(),
                    title: String::new(),
                    open: 1,
                    overdue: 1,
                    closed: 0,
                },
                on_time: "80".into(),
                charts: vec![Chart {
                    title: "图".into(),
                    svg: svg::bars(
                        "图",
                        &[svg::Bar {
                            label: "a".into(),
                            value: 2.0,
                            text: "2".into(),
                            tone: "ok",
                        }],
                        None,
                    ),
                }],
                rows: vec![row(1)],
            }),
        ),
        ("admin/index", json!({})),
        (
            "admin/programmes",
            json!({ "programmes": [ProgrammeRow { id: "p".into(), title: "t".into(), version: 2, hash: "h".into(), versions: vec![(1, "g".into())], case_types: vec![("c".into(), "类型".into())] }], "errors": ["e"] }),
        ),
        (
            "admin/programme",
            json!({ "id": "p", "title": "t", "version": 1, "hash": "h", "diagrams": [sample_diagram(ui, lang, None)], "migration": {
                "plan": { "programme": "p", "to_version": 2, "open": 3, "moving": 2, "staying": 1, "unfinished": "r",
                    "groups": [{ "case_type": "c", "from_version": 1, "state": "a", "to_state": "b", "cases": 2, "kept": { "d": 1 }, "recomputed": { "e": 1 }, "dropped": { "f": 1 }, "opened": { "g": 1 }, "renamed": { "x → y": 1 }, "refused": {} },
                               { "case_type": "c", "from_version": 1, "state": "z", "to_state": null, "cases": 1, "kept": {}, "recomputed": {}, "dropped": {}, "opened": {}, "renamed": {}, "refused": { "why": 1 } }],
                    "cannot_move": [{ "id": "i", "number": "N-1", "case_type": "c", "state": "z", "version": 1, "reason": { "reason": "state_gone", "state": "z" }, "why": "why" }],
                    "mapping": {} },
                "mapping": "case_types: {}", "errors": ["m.yaml:1:1: e"],
                "runs": [{ "to_version": 2, "status": "running", "started_by": "admin", "started_at": "2026-12-04 10:00 UTC", "moved": 3 }, { "to_version": 2, "status": "done", "started_by": "admin", "started_at": "2026-12-04 09:00 UTC", "moved": 1 }],
                "report": { "id": "r", "programme": "p", "to_version": 2, "resumed": false, "migrated": 2, "left": [], "staying": 1, "skipped": 0, "finished_at": "2026-12-04T00:00:00Z" } } }),
        ),
        (
            "admin/programme",
            json!({ "id": "p", "title": "t", "version": 1, "hash": "h", "diagrams": [], "migration": { "plan": null, "mapping": "", "errors": ["e"], "report": null, "runs": [] } }),
        ),
        ("admin/report", j(report)),
        (
            "admin/audit",
            json!({ "checked": 10, "ok": false, "broken": [BrokenRow { case_id: "c".into(), seq: 2, reason: "r".into() }], "ms": 3 }),
        ),
    ]
    .into_iter()
    .chain(super::super::admin::samples::contexts())
    .collect()
}
