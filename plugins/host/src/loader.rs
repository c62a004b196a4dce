//! Loading plugins: manifest, sha256, interface version, compile (or cache), link,
//! `describe`, and the cross-checks between what the manifest says and what the component
//! says about itself.

use crate::cache::CompileCache;
use crate::call::Target;
use crate::config::{HostConfig, Limits};
use crate::error::{ErrorKind, PluginError};
use crate::gate::Gate;
use crate::manifest::{CountQuery, Manifest};
use crate::report::{PluginInfo, PluginRef};
use crate::services::HostServices;
use crate::store::StoreData;
use crate::version;
use crate::world::PluginPre;
use anjuan_plugin_sdk::{Description, Item};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::Engine;
use wasmtime::component::Linker;

/// A plugin ready to be called.
pub(crate) struct Loaded {
    pub(crate) manifest: Manifest,
    pub(crate) sha256: String,
    pub(crate) description: Description,
    pub(crate) limits: Limits,
    pub(crate) pre: PluginPre,
    pub(crate) counts: Arc<BTreeMap<String, CountQuery>>,
}

impl Loaded {
    pub(crate) fn info(&self) -> PluginInfo {
        PluginInfo {
            id: self.manifest.id.clone(),
            version: self.manifest.version.clone(),
            sha256: self.sha256.clone(),
            interface_version: self.manifest.interface.clone(),
            title_zh: self.description.title_zh.clone(),
            title_en: self.description.title_en.clone(),
            limits: self.limits,
        }
    }

    pub(crate) fn plugin_ref(&self) -> PluginRef {
        PluginRef {
            id: self.manifest.id.clone(),
            version: self.manifest.version.clone(),
            sha256: self.sha256.clone(),
        }
    }
}

/// What loading needs from the host.
pub(crate) struct Loader<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) linker: &'a Linker<StoreData>,
    pub(crate) cache: &'a CompileCache,
    pub(crate) config: &'a HostConfig,
    pub(crate) services: &'a Arc<dyn HostServices>,
    pub(crate) gate: &'a Gate,
}

/// The manifest path for a `.wasm`: `<stem>.toml` beside it.
pub(crate) fn manifest_path(wasm: &Path) -> PathBuf {
    wasm.with_extension("toml")
}

impl Loader<'_> {
    /// Loads `wasm` with `manifest_file`. `require_sha256` is true for server directories
    /// and false for `anjuan plugin run` on a freshly built file. `previous` is the build
    /// currently loaded under the same id, reused when the sha256 is unchanged.
    pub(crate) fn load(
        &self,
        wasm: &Path,
        manifest_file: &Path,
        require_sha256: bool,
        previous: Option<&Arc<Loaded>>,
    ) -> Result<Loaded, PluginError> {
        let name = wasm
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let fail = |version: Option<&str>, kind| PluginError::new(&name, version, "load", kind);
        let text = std::fs::read_to_string(manifest_file).map_err(|e| {
            fail(
                None,
                ErrorKind::Load(format!("{}: {e}", manifest_file.display())),
            )
        })?;
        let manifest = Manifest::parse(&text).map_err(|e| {
            fail(
                None,
                ErrorKind::ManifestMismatch(format!("{}: {e}", manifest_file.display())),
            )
        })?;
        let fail = |kind| PluginError::new(&manifest.id, Some(&manifest.version), "load", kind);
        if require_sha256 && manifest.id != name {
            return Err(fail(ErrorKind::ManifestMismatch(format!(
                "file `{name}.wasm` holds plugin id `{}`; name it `{}.wasm`",
                manifest.id, manifest.id
            ))));
        }
        let bytes = std::fs::read(wasm)
            .map_err(|e| fail(ErrorKind::Load(format!("{}: {e}", wasm.display()))))?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        match &manifest.sha256 {
            Some(s) if !s.eq_ignore_ascii_case(&sha256) => {
                return Err(fail(ErrorKind::ManifestMismatch(format!(
                    "sha256 is {sha256}, manifest says {s}"
                ))));
            }
            None if require_sha256 => {
                return Err(fail(ErrorKind::ManifestMismatch(
                    "no sha256 (build with scripts/build-plugins)".into(),
                )));
            }
            _ => {}
        }
        let incompatible = |declared: &str| {
            fail(ErrorKind::IncompatibleInterface {
                needed: version::accepted_range(),
                declared: declared.into(),
            })
        };
        if !version::is_supported(&manifest.interface) {
            return Err(incompatible(&manifest.interface));
        }
        let stamped = version::read_section(&bytes)
            .map_err(|e| fail(ErrorKind::Load(format!("not a wasm component: {e}"))))?
            .ok_or_else(|| fail(ErrorKind::ManifestMismatch("the component has no anjuan:interface-version section (export it with anjuan_plugin_sdk::export_plugin!)".into())))?;
        if !version::is_supported(&stamped) {
            return Err(incompatible(&stamped));
        }
        if stamped != manifest.interface {
            return Err(fail(ErrorKind::ManifestMismatch(format!(
                "component declares interface {stamped}, manifest {}",
                manifest.interface
            ))));
        }

        // `is_supported` above guarantees an implemented version.
        let interface = version::implemented_for(&stamped).unwrap_or(version::HOST_INTERFACE);
        let pre = match previous.filter(|p| p.sha256 == sha256) {
            Some(p) => p.pre.clone(),
            None => self
                .compile(&manifest, &bytes, &sha256, interface)
                .map_err(|e| fail(ErrorKind::Load(format!("{e:#}"))))?,
        };
        let limits = self
            .config
            .defaults
            .with_overrides(&manifest.limits, &self.config.ceilings);
        let counts = Arc::new(manifest.counts.clone());
        let target = Target {
            engine: self.engine,
            id: &manifest.id,
            version: Some(&manifest.version),
            pre: &pre,
            limits: &limits,
            counts: &counts,
            services: self.services,
            epoch_tick: self.config.epoch_tick,
            gate: self.gate,
            slot_wait: Duration::from_millis(self.config.ceilings.wall_clock_ms),
        };
        let (description, _) = target.invoke("describe", "", "", 0, |p, s| p.describe(s))?;
        let description = native_description(description);
        cross_check(&manifest, &description).map_err(|m| fail(ErrorKind::ManifestMismatch(m)))?;
        Ok(Loaded {
            manifest,
            sha256,
            description,
            limits,
            pre,
            counts,
        })
    }

    fn compile(
        &self,
        manifest: &Manifest,
        bytes: &[u8],
        sha256: &str,
        interface: &str,
    ) -> anyhow::Result<PluginPre> {
        use anyhow::Context as _;
        let ctx = || format!("plugin {}@{}", manifest.id, manifest.version);
        let component = self
            .cache
            .load(self.engine, bytes, sha256)
            .with_context(ctx)?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
            .with_context(ctx)?;
        PluginPre::new(interface, pre)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
            .with_context(ctx)
    }
}

fn native_description(d: crate::world::v0_2::anjuan::plugin::types::Description) -> Description {
    let item = |i: crate::world::v0_2::anjuan::plugin::types::Item| Item {
        id: i.id,
        title_zh: i.title_zh,
        title_en: i.title_en,
    };
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

/// The manifest and the component must agree on who the plugin is and what it checks.
fn cross_check(m: &Manifest, d: &Description) -> Result<(), String> {
    if d.id != m.id {
        return Err(format!("component says id `{}`, manifest `{}`", d.id, m.id));
    }
    if d.version != m.version {
        return Err(format!(
            "component says version {}, manifest {}",
            d.version, m.version
        ));
    }
    if d.interface_version != m.interface {
        return Err(format!(
            "describe says interface {}, manifest {}",
            d.interface_version, m.interface
        ));
    }
    let described: BTreeSet<&str> = d.checks.iter().map(|c| c.id.as_str()).collect();
    let declared: BTreeSet<&str> = m.checks.keys().map(String::as_str).collect();
    if let Some(c) = described.difference(&declared).next() {
        return Err(format!(
            "check `{c}` has no [checks.{c}] entry (with `reads`) in the manifest"
        ));
    }
    if let Some(c) = declared.difference(&described).next() {
        return Err(format!(
            "manifest declares check `{c}`, which the plugin does not describe"
        ));
    }
    if !d.derived_fields.is_empty() && m.derive.is_none() {
        return Err("the plugin derives fields but the manifest has no [derive] reads".into());
    }
    Ok(())
}

/// The `.wasm` files of a directory, sorted.
pub(crate) fn wasm_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    files.sort();
    Ok(files)
}
