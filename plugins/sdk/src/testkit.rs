//! Assertions every plugin's native tests make, written once (feature `validate`).
//!
//! Whether a workflow and its plugin fit together (forms and checks named, field
//! types) is checked by the server with the built plugin: `anjuan validate
//! --plugins`. What is left to a plugin's own tests is the plugin itself: every form it
//! describes exists and is sound, its manifest lists every check, unknown ids are
//! refused, and forms validate the data the programme expects.
//!
//! ```ignore
//! #[test]
//! fn the_plugin_is_sound() {
//!     anjuan_plugin_sdk::testkit::assert_sound::<MyPlugin>(include_str!("../plugin.toml"));
//! }
//! ```

use serde_json::Value;

use crate::form::{FieldKind, FormDef, lint, validate};
use crate::{CallError, Context, Envelope, FakeHost, Field, Plugin};

/// `(pointer, code)` of every finding the server's generic validation gives `input`.
pub fn findings(form: &FormDef, input: &Value) -> Vec<(String, String)> {
    validate(form, input)
        .into_iter()
        .map(|f| (f.field, f.code))
        .collect()
}

/// The plugin `P` against its manifest text: every described form exists, has the
/// described id and passes the form linter; the manifest names the plugin, its crate
/// version and exactly the described checks; unknown form and check ids are refused.
pub fn assert_sound<P: Plugin>(manifest: &str, version: &str) {
    let description = P::describe();
    let env = Envelope::for_test(&description.id, "");
    let host = FakeHost::new();
    let ctx = Context::new(&env, &host);
    for item in &description.forms {
        let form = match P::form(&ctx, &item.id) {
            Ok(f) => f,
            Err(e) => panic!("form `{}` is described but fails: {e:?}", item.id),
        };
        assert_eq!(
            form.id, item.id,
            "form `{}` answers with another id",
            item.id
        );
        assert_eq!(lint(&form), Vec::<String>::new(), "form `{}`", item.id);
    }
    for check in &description.checks {
        assert!(
            manifest.contains(&format!("[checks.{}]", check.id)),
            "check `{}` has no [checks.{}] entry in the manifest",
            check.id,
            check.id
        );
    }
    assert_eq!(
        manifest.matches("[checks.").count(),
        description.checks.len(),
        "the manifest lists checks the plugin does not describe"
    );
    assert!(
        manifest.contains(&format!("id = \"{}\"", description.id)),
        "the manifest's id is not `{}`",
        description.id
    );
    assert!(
        manifest.contains(&format!("version = \"{version}\"")),
        "the manifest's version is not the crate's {version}"
    );
    assert!(matches!(
        P::check(&ctx, "no-such-check", &Value::Null),
        Err(CallError::UnknownId(_))
    ));
    assert!(matches!(
        P::form(&ctx, "no-such-form"),
        Err(CallError::UnknownId(_))
    ));
}

/// A form that fills an object field: a complete input for the whole form, and a
/// required member of the object to leave out.
#[derive(Debug, Clone)]
pub struct ObjectForm {
    /// The form.
    pub form: FormDef,
    /// The object field's id.
    pub object: &'static str,
    /// The members the object must have (usually the plugin's shared builder).
    pub members: Vec<Field>,
    /// A complete, valid input for the form.
    pub input: Value,
    /// A required member whose absence must be refused.
    pub leave_out: &'static str,
}

/// The object field is a required `object` of exactly `members`; the complete input
/// passes; without `leave_out` it is refused at that member; without the object at all
/// it is refused at the object.
pub fn assert_object_form(o: &ObjectForm) {
    let name = &o.form.id;
    let field = o.form.fields.iter().find(|x| x.id == o.object);
    assert_eq!(
        field.map(|x| (&x.kind, x.required)),
        Some((
            &FieldKind::Object {
                fields: o.members.clone()
            },
            true
        )),
        "{name}: `{}` is a required object of the shared members",
        o.object
    );
    assert_eq!(findings(&o.form, &o.input), vec![], "{name}");
    let mut gap = o.input.clone();
    if let Some(m) = gap[o.object].as_object_mut() {
        m.remove(o.leave_out);
    }
    assert_eq!(
        findings(&o.form, &gap),
        vec![(format!("/{}/{}", o.object, o.leave_out), "required".into())],
        "{name}"
    );
    let mut none = o.input.clone();
    if let Some(m) = none.as_object_mut() {
        m.remove(o.object);
    }
    assert_eq!(
        findings(&o.form, &none),
        vec![(format!("/{}", o.object), "required".into())],
        "{name}"
    );
}
