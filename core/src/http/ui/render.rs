//! Templates and translations. Both are embedded in the binary; a deployment may put
//! its own `*.hbs` files in an override folder (same names, e.g. `cases/list.hbs`).
//! Templates run in strict mode, so a field missing from a context is an error (a
//! test renders every template with real context). Every string a user reads comes
//! from `core/i18n/<lang>/*.ftl` through the `t` helper; none is written in a template.

use std::collections::HashMap;
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
};
use include_dir::{Dir, include_dir};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::workflow::model::I18n;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static STRINGS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// A language of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// From a locale tag (`zh-CN`, `en`, `en-GB` …); Chinese unless it is English.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// The tag used in `lang` attributes and files.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The text of a `{zh, en}` pair in this language.
    pub fn pick(self, text: &I18n) -> String {
        match self {
            Lang::Zh => text.zh.clone(),
            Lang::En => text.en.clone(),
        }
    }

    /// Like [`Lang::pick`] for a plugin's text.
    pub fn pick_sdk(self, text: &anjuan_plugin_sdk::form::Text) -> String {
        match self {
            Lang::Zh => text.zh.clone(),
            Lang::En => text.en.clone(),
        }
    }
}

/// The translation bundles, one per language.
pub struct Strings {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl Strings {
    /// Load the embedded `.ftl` files; a syntax error is logged and its messages skipped.
    pub fn load() -> Strings {
        let mut bundles = HashMap::new();
        for lang in [Lang::Zh, Lang::En] {
            let Ok(id) = lang.code().parse::<unic_langid::LanguageIdentifier>() else {
                continue;
            };
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            if let Some(dir) = STRINGS.get_dir(lang.code()) {
                for file in dir.files() {
                    let text = file.contents_utf8().unwrap_or_default().to_owned();
                    let resource = match FluentResource::try_new(text) {
                        Ok(r) => r,
                        Err((r, errors)) => {
                            tracing::error!(file = %file.path().display(), ?errors, "translation file has errors");
                            r
                        }
                    };
                    if let Err(errors) = bundle.add_resource(resource) {
                        tracing::error!(file = %file.path().display(), ?errors, "duplicate translation keys");
                    }
                }
            }
            bundles.insert(lang.code(), bundle);
        }
        Strings { bundles }
    }

    /// The message `key` in `lang` with arguments; the key itself when it is missing.
    pub fn get(&self, lang: Lang, key: &str, args: &[(&str, Value)]) -> String {
        let Some(bundle) = self.bundles.get(lang.code()) else {
            return key.to_owned();
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = lang.code(), "missing translation");
            return key.to_owned();
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            fargs.set(*name, fluent_value(value));
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        text.into_owned()
    }

    /// Whether `key` exists in every language (for tests).
    pub fn has(&self, key: &str) -> bool {
        [Lang::Zh, Lang::En].iter().all(|l| {
            self.bundles
                .get(l.code())
                .is_some_and(|b| b.has_message(key))
        })
    }
}

fn fluent_value(v: &Value) -> FluentValue<'static> {
    match v {
        Value::Number(n) => FluentValue::from(n.as_f64().unwrap_or_default()),
        Value::String(s) => FluentValue::from(s.clone()),
        Value::Bool(b) => FluentValue::from(b.to_string()),
        Value::Null => FluentValue::from(""),
        other => FluentValue::from(other.to_string()),
    }
}

/// Templates and strings, shared by every page.
pub struct Ui {
    hb: Handlebars<'static>,
    /// Translations.
    pub strings: std::sync::Arc<Strings>,
}

impl Ui {
    /// Load the embedded templates, then any `*.hbs` under `overrides`.
    pub fn load(overrides: Option<&Path>) -> Ui {
        let strings = std::sync::Arc::new(Strings::load());
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_helper("t", Box::new(Translate(strings.clone())));
        register_embedded(&mut hb, &TEMPLATES);
        if let Some(dir) = overrides.filter(|d| d.is_dir()) {
            register_dir(&mut hb, dir, dir);
        }
        Ui { hb, strings }
    }

    /// Render template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        self.hb
            .render(name, context)
            .map_err(|e| Error::Internal(format!("template {name}: {e}")))
    }

    /// The names of every template (for the test that renders them all).
    pub fn template_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.hb.get_templates().keys().cloned().collect();
        names.sort();
        names
    }

    /// The message `key` in `lang`.
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.strings.get(lang, key, &[])
    }

    /// The message `key` in `lang` with arguments.
    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, Value)]) -> String {
        self.strings.get(lang, key, args)
    }
}

fn register_embedded(hb: &mut Handlebars<'static>, dir: &Dir<'_>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let Some(name) = path.strip_suffix(".hbs") else {
            continue;
        };
        let text = file.contents_utf8().unwrap_or_default();
        if let Err(e) = hb.register_template_string(name, text) {
            tracing::error!(template = name, error = %e, "embedded template does not parse");
        }
    }
    for sub in dir.dirs() {
        register_embedded(hb, sub);
    }
}

fn register_dir(hb: &mut Handlebars<'static>, root: &Path, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            register_dir(hb, root, &path);
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let Some(name) = rel.strip_suffix(".hbs") else {
            continue;
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => match hb.register_template_string(name, text) {
                Ok(()) => tracing::info!(template = name, "template overridden"),
                Err(e) => {
                    tracing::error!(template = name, error = %e, "override does not parse; the built-in one stays")
                }
            },
            Err(e) => tracing::error!(file = %path.display(), error = %e, "override unreadable"),
        }
    }
}

/// `{{t "key" name=value …}}`: a message in the page's language (`nav.lang`).
struct Translate(std::sync::Arc<Strings>);

impl HelperDef for Translate {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let key = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let lang = ctx
            .data()
            .pointer("/nav/lang")
            .and_then(Value::as_str)
            .map(Lang::from_tag)
            .unwrap_or_default();
        let args: Vec<(&str, Value)> = h
            .hash()
            .iter()
            .map(|(k, v)| (*k, v.value().clone()))
            .collect();
        out.write(&handlebars::html_escape(&self.0.get(lang, key, &args)))?;
        Ok(())
    }
}
