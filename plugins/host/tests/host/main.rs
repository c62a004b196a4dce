//! Integration tests of the plugin host against real components built by
//! `scripts/build-plugins` (run automatically, once per test binary).
#![allow(clippy::result_large_err)] // closures returning PluginError, as the library does

mod bad_plugins;
mod cache_reload;
mod calls;
mod cli;
mod clock;
mod common;
