//! The interface versions this host runs, side by side: bindings for each released
//! `anjuan:plugin` world, and [`PluginPre`] / [`Plugin`], which pick the bindings a
//! component was built against and speak the newest version's types to the rest of the
//! crate. An older plugin gets the envelope it knows (0.1.0 has no `time-zone` or
//! `local-now`) and its answers are converted up.

use crate::store::StoreData;
use anjuan_plugin_sdk::Envelope;
use wasmtime::Store;
use wasmtime::component::InstancePre;

/// Bindings of interface 0.1.0.
pub(crate) mod v0_1 {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "../wit/0.1.0",
        imports: { "anjuan:plugin/host.count": trappable },
    });
}

/// Bindings of interface 0.2.0, the newest: the rest of the crate uses its types.
pub(crate) mod v0_2 {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "../wit/0.2.0",
        imports: { "anjuan:plugin/host.count": trappable },
    });
}

use v0_1::anjuan::plugin::types as old;
pub(crate) use v0_2::anjuan::plugin::host::LogLevel;
use v0_2::anjuan::plugin::types as new;
pub(crate) use v0_2::anjuan::plugin::types::{CallError, Description, Finding, Severity};

/// The time zone an envelope is read in when it names none: the zone of every
/// deployment so far.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Adds the host imports of every version to `linker`.
pub(crate) fn add_to_linker(
    linker: &mut wasmtime::component::Linker<StoreData>,
) -> wasmtime::Result<()> {
    type Data = wasmtime::component::HasSelf<StoreData>;
    v0_1::Plugin::add_to_linker::<_, Data>(linker, |d| d)?;
    v0_2::Plugin::add_to_linker::<_, Data>(linker, |d| d)
}

/// A component linked and ready to instantiate, with the version it was built against.
#[derive(Clone)]
pub(crate) enum PluginPre {
    V0_1(v0_1::PluginPre<StoreData>),
    V0_2(v0_2::PluginPre<StoreData>),
}

impl PluginPre {
    /// Type-checks `pre` against the world of `interface` (an implemented version).
    pub(crate) fn new(interface: &str, pre: InstancePre<StoreData>) -> wasmtime::Result<Self> {
        match interface {
            "0.1.0" => Ok(Self::V0_1(v0_1::PluginPre::new(pre)?)),
            "0.2.0" => Ok(Self::V0_2(v0_2::PluginPre::new(pre)?)),
            other => Err(wasmtime::Error::msg(format!(
                "this host has no bindings for interface {other}"
            ))),
        }
    }

    /// A fresh instance in `store`.
    pub(crate) fn instantiate(&self, store: &mut Store<StoreData>) -> wasmtime::Result<Plugin> {
        Ok(match self {
            Self::V0_1(p) => Plugin::V0_1(p.instantiate(store)?),
            Self::V0_2(p) => Plugin::V0_2(p.instantiate(store)?),
        })
    }
}

/// One instance of a plugin, of whichever version.
pub(crate) enum Plugin {
    V0_1(v0_1::Plugin),
    V0_2(v0_2::Plugin),
}

type Answer<T> = wasmtime::Result<Result<T, CallError>>;

impl Plugin {
    /// `describe`.
    pub(crate) fn describe(&self, s: &mut Store<StoreData>) -> wasmtime::Result<Description> {
        match self {
            Self::V0_1(p) => p.anjuan_plugin_guest().call_describe(s).map(description),
            Self::V0_2(p) => p.anjuan_plugin_guest().call_describe(s),
        }
    }

    /// `form`: the form definition as JSON.
    pub(crate) fn form(
        &self,
        s: &mut Store<StoreData>,
        id: &str,
        env: &Envelope,
    ) -> Answer<String> {
        let env = wit_envelope(env);
        match self {
            Self::V0_1(p) => Ok(p
                .anjuan_plugin_guest()
                .call_form(s, id, &old_envelope(env))?
                .map_err(call_error)),
            Self::V0_2(p) => p.anjuan_plugin_guest().call_form(s, id, &env),
        }
    }

    /// `check`: its findings.
    pub(crate) fn check(
        &self,
        s: &mut Store<StoreData>,
        id: &str,
        env: &Envelope,
        input: &str,
    ) -> Answer<Vec<Finding>> {
        let env = wit_envelope(env);
        match self {
            Self::V0_1(p) => Ok(p
                .anjuan_plugin_guest()
                .call_check(s, id, &old_envelope(env), input)?
                .map(|f| f.into_iter().map(finding).collect())
                .map_err(call_error)),
            Self::V0_2(p) => p.anjuan_plugin_guest().call_check(s, id, &env, input),
        }
    }

    /// `derive`: the derived fields as JSON.
    pub(crate) fn derive(
        &self,
        s: &mut Store<StoreData>,
        env: &Envelope,
        data: &str,
    ) -> Answer<String> {
        let env = wit_envelope(env);
        match self {
            Self::V0_1(p) => Ok(p
                .anjuan_plugin_guest()
                .call_derive(s, &old_envelope(env), data)?
                .map_err(call_error)),
            Self::V0_2(p) => p.anjuan_plugin_guest().call_derive(s, &env, data),
        }
    }
}

/// `now` in the IANA zone `zone`, RFC 3339 with that zone's offset; `None` when either
/// does not parse.
pub fn local_now(now: &str, zone: &str) -> Option<String> {
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    let t = chrono::DateTime::parse_from_rfc3339(now).ok()?;
    Some(t.with_timezone(&tz).to_rfc3339())
}

/// Completes an envelope's clock: the time zone when empty ([`DEFAULT_TIME_ZONE`]), and
/// `local_now` from `now` in that zone when empty (left empty when `now` or the zone does
/// not parse; the SDK then reads `now` at UTC+8). The server sets both; this is for
/// envelopes written by hand (`anjuan plugin run --envelope`) and tests.
pub fn fill_clock(e: &mut Envelope) {
    if e.time_zone.is_empty() {
        e.time_zone = DEFAULT_TIME_ZONE.to_string();
    }
    if e.local_now.is_empty() {
        e.local_now = local_now(&e.now, &e.time_zone).unwrap_or_default();
    }
}

/// The newest interface's envelope, its clock completed by [`fill_clock`].
fn wit_envelope(e: &Envelope) -> new::Envelope {
    let mut e = e.clone();
    fill_clock(&mut e);
    new::Envelope {
        case_id: e.case_id,
        programme: e.programme,
        case_type: e.case_type,
        case_number: e.case_number,
        parent_id: e.parent_id,
        state: e.state,
        action: e.action,
        actor_id: e.actor_id,
        actor_roles: e.actor_roles,
        org_unit: e.org_unit,
        now: e.now,
        time_zone: e.time_zone,
        local_now: e.local_now,
        locale: e.locale,
    }
}

/// The 0.1.0 envelope: the newest one without the time zone and local time.
fn old_envelope(e: new::Envelope) -> old::Envelope {
    old::Envelope {
        case_id: e.case_id,
        programme: e.programme,
        case_type: e.case_type,
        case_number: e.case_number,
        parent_id: e.parent_id,
        state: e.state,
        action: e.action,
        actor_id: e.actor_id,
        actor_roles: e.actor_roles,
        org_unit: e.org_unit,
        now: e.now,
        locale: e.locale,
    }
}

fn item(i: old::Item) -> new::Item {
    new::Item {
        id: i.id,
        title_zh: i.title_zh,
        title_en: i.title_en,
    }
}

fn description(d: old::Description) -> Description {
    Description {
        id: d.id,
        version: d.version,
        interface_version: d.interface_version,
        title_zh: d.title_zh,
        title_en: d.title_en,
        forms: d.forms.into_iter().map(item).collect(),
        checks: d.checks.into_iter().map(item).collect(),
        derived_fields: d.derived_fields,
    }
}

fn finding(f: old::Finding) -> Finding {
    Finding {
        field: f.field,
        code: f.code,
        message_zh: f.message_zh,
        message_en: f.message_en,
        severity: match f.severity {
            old::Severity::Error => Severity::Error,
            old::Severity::Warning => Severity::Warning,
        },
    }
}

fn call_error(e: old::CallError) -> CallError {
    match e {
        old::CallError::UnknownId(m) => CallError::UnknownId(m),
        old::CallError::BadInput(m) => CallError::BadInput(m),
        old::CallError::Failed(m) => CallError::Failed(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_gets_the_zone_and_local_time_filled_in() {
        let env = Envelope::for_test("p", "t").at("2026-09-30T17:30:00Z");
        let w = wit_envelope(&env);
        assert_eq!(w.time_zone, "Asia/Shanghai");
        assert_eq!(w.local_now, "2026-10-01T01:30:00+08:00");
        let mut env = env;
        env.time_zone = "Europe/Berlin".into();
        assert_eq!(wit_envelope(&env).local_now, "2026-09-30T19:30:00+02:00");
        env.time_zone = "Mars/Olympus".into();
        assert_eq!(wit_envelope(&env).local_now, "");
        let old = old_envelope(wit_envelope(&Envelope::for_test("p", "t")));
        assert_eq!(old.now, "2026-10-01T10:00:00+08:00");
    }
}
