//! Runs anjuan's WASM plugins under wasmtime.
//!
//! A plugin is a `wasm32-wasip2` component exporting the `anjuan:plugin` interface
//! (`plugins/wit/`), with a TOML manifest beside it. [`PluginHost`] loads a directory of
//! them, compiles each once (cached on disk by sha256 and engine compatibility hash),
//! and calls them on a fresh instance per call from a pre-linked template, under fuel,
//! memory, wall-clock and size [`Limits`]. Every failure is a [`PluginError`] naming the
//! plugin, the call and the reason; the host stays usable afterwards.
//!
//! The host does not depend on the server: what it needs from it (calendar, counts) is
//! the [`HostServices`] trait, which the core implements; [`MemoryServices`] is the
//! stand-in for tests and `anjuan plugin run`.
//!
//! # Layout
//! - [`host`]: [`PluginHost`], the public API (load, reload, describe, form, check, derive).
//! - [`manifest`]: the `<id>.toml` format. [`config`]: [`HostConfig`], [`Limits`].
//! - [`error`]: [`PluginError`], [`ErrorKind`]. [`report`]: [`CheckReport`] and friends.
//! - [`services`]: [`HostServices`], [`CountRequest`], [`MemoryServices`].
//! - [`version`]: interface-version policy and the custom-section reader.
//! - [`cli`]: `anjuan plugin new|run`, for the `anjuan` binary to mount.
//! - internal: `engine` (wasmtime config, epoch ticker), `cache` (compiled artefacts),
//!   `loader` (load and cross-check), `store` (per-call state, host imports), `world`
//!   (bindings of every interface version this host runs, envelope conversion), `call`
//!   (run one export, classify failures), `pointers` (declared-reads filter).
#![deny(missing_docs)]
// `PluginError` is ~140 bytes: it names the plugin, version and call. It is only built when
// a call fails, next to a wasm call costing tens of microseconds; boxing it would cost
// callers the plain `match e.kind` for nothing measurable.
#![allow(clippy::result_large_err)]

mod cache;
mod call;
pub mod cli;
pub mod config;
mod engine;
pub mod error;
mod gate;
pub mod host;
mod loader;
pub mod manifest;
mod pointers;
pub mod report;
pub mod services;
mod store;
pub mod version;
mod world;

pub use anjuan_plugin_sdk::form::validate as validate_form_data;
pub use anjuan_plugin_sdk::{Envelope, Finding, FormDef, Severity};
pub use config::{HostConfig, LimitOverrides, Limits};
pub use error::{ErrorKind, PluginError};
pub use host::{HostStats, PluginHost};
pub use manifest::{CheckSpec, CountQuery, Manifest, OnFailure};
pub use pointers::select as select_reads;
pub use report::{CheckReport, DeriveReport, LoadReport, PluginInfo, PluginRef, Usage};
pub use services::{CountRequest, HostServices, MemoryServices};
pub use world::{DEFAULT_TIME_ZONE, fill_clock, local_now};
