//! The kit an anjuan plugin author depends on.
//!
//! A plugin is a plain Rust type implementing [`Plugin`]: it describes itself, returns
//! form definitions in the [form language](form), runs checks that return [`Finding`]s,
//! and derives computed fields. [`export_plugin!`] turns it into a `wasm32-wasip2`
//! component exporting the `anjuan:plugin` interface and stamps the interface version
//! into a custom section the host reads before it compiles anything.
//!
//! The same code compiles natively, so plugin logic is tested with ordinary `#[test]`s
//! against [`FakeHost`], which stands in for the server's working-day calendar and
//! count queries.
//!
//! # Layout
//! - [`plugin`]: the [`Plugin`] trait, [`Context`], [`Description`], [`CallError`].
//! - [`envelope`]: [`Envelope`], what the host says about the call (case, actor, now).
//! - [`finding`]: [`Finding`] and [`Severity`], what a check returns.
//! - [`form`]: the declarative form language ([`FormDef`]); with the `validate` feature,
//!   [`form::validate`] checks submitted data against every generic constraint.
//! - [`data`]: [`DataExt`], typed access to case data by JSON Pointer.
//! - [`host`]: the [`Host`] services a plugin may call, and [`FakeHost`] for tests.
//! - [`time`]: today and the day of a date field in the county's zone; the date checks.
//! - `testkit` (feature `validate`): the assertions every plugin's tests make.
//! - `wasm` (only on `wasm32`): the wit-bindgen glue behind [`export_plugin!`].
#![deny(missing_docs)]

// The wit-bindgen export macro expands in the plugin crate and names this crate by its
// path; this alias makes the same path work inside the SDK itself.
extern crate self as anjuan_plugin_sdk;

pub mod data;
pub mod envelope;
pub mod finding;
pub mod form;
pub mod host;
pub mod plugin;
#[cfg(feature = "validate")]
pub mod testkit;
pub mod time;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

/// Dates and times, the version the SDK uses (`NaiveDate` in the host API).
pub use chrono;
pub use data::DataExt;
pub use envelope::Envelope;
pub use finding::{Finding, Severity};
pub use form::{Choice, Condition, Field, FieldKind, FormDef, Text};
pub use host::{FakeHost, Host, LogLevel};
pub use plugin::{CallError, Context, Description, Item, Plugin};
pub use serde_json::{Value, json};

/// The version of the `anjuan:plugin` WIT interface this SDK implements
/// (`plugins/wit/0.2.0/`).
pub const INTERFACE_VERSION: &str = "0.2.0";

/// Name of the wasm custom section holding the interface version, as UTF-8 text.
pub const INTERFACE_SECTION: &str = "anjuan:interface-version";

/// Copies a version string into a fixed-size array, so [`export_plugin!`] can place it
/// in a `static` custom section.
#[doc(hidden)]
pub const fn __version_bytes<const N: usize>(version: &str) -> [u8; N] {
    let bytes = version.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N && i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// Exports a [`Plugin`] implementation as the component's `anjuan:plugin/guest` interface
/// and stamps [`INTERFACE_VERSION`] into the `anjuan:interface-version` custom section.
///
/// ```ignore
/// struct MyPlugin;
/// impl anjuan_plugin_sdk::Plugin for MyPlugin { /* ... */ }
/// anjuan_plugin_sdk::export_plugin!(MyPlugin);
/// ```
///
/// On native targets it expands to nothing, so the crate's unit tests build as usual.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        $crate::export_plugin!(@interface $crate::INTERFACE_VERSION, $plugin);
    };
    // Hidden arm: declare another interface version. Only the host's tests use it, to
    // build a plugin the host must refuse.
    (@interface $iface:expr, $plugin:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            $crate::__interface_section!($iface);

            struct __AnjuanGuest;

            impl $crate::wasm::bindings::exports::anjuan::plugin::guest::Guest for __AnjuanGuest {
                fn describe() -> $crate::wasm::bindings::anjuan::plugin::types::Description {
                    $crate::wasm::describe::<$plugin>($iface)
                }
                fn form(
                    form_id: ::std::string::String,
                    env: $crate::wasm::bindings::anjuan::plugin::types::Envelope,
                ) -> ::std::result::Result<
                    ::std::string::String,
                    $crate::wasm::bindings::anjuan::plugin::types::CallError,
                > {
                    $crate::wasm::form::<$plugin>(form_id, env)
                }
                fn check(
                    check_id: ::std::string::String,
                    env: $crate::wasm::bindings::anjuan::plugin::types::Envelope,
                    input: ::std::string::String,
                ) -> ::std::result::Result<
                    ::std::vec::Vec<$crate::wasm::bindings::anjuan::plugin::types::Finding>,
                    $crate::wasm::bindings::anjuan::plugin::types::CallError,
                > {
                    $crate::wasm::check::<$plugin>(check_id, env, input)
                }
                fn derive(
                    env: $crate::wasm::bindings::anjuan::plugin::types::Envelope,
                    data: ::std::string::String,
                ) -> ::std::result::Result<
                    ::std::string::String,
                    $crate::wasm::bindings::anjuan::plugin::types::CallError,
                > {
                    $crate::wasm::derive::<$plugin>(env, data)
                }
            }

            $crate::__export_plugin_impl!(__AnjuanGuest with_types_in $crate::wasm::bindings);
        };
    };
    // Hidden arm: export a type implementing the raw WIT `Guest` trait
    // (`$crate::wasm::bindings::exports::anjuan::plugin::guest::Guest`) directly, bypassing
    // the SDK's JSON handling. Only the host's tests use it, to return malformed output.
    (@raw_guest $iface:expr, $guest:ident) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            $crate::__interface_section!($iface);
            $crate::__export_plugin_impl!($guest with_types_in $crate::wasm::bindings);
        };
    };
}

/// Emits the `anjuan:interface-version` custom section. Used by [`export_plugin!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __interface_section {
    ($iface:expr) => {
        // The host reads this section before compiling the component and refuses a
        // version it does not support. `link_section` is an unsafe attribute (it can
        // clash with sections the linker relies on); this name is ours alone.
        #[used]
        #[unsafe(link_section = "anjuan:interface-version")]
        static __ANJUAN_INTERFACE_VERSION: [u8; $iface.len()] =
            $crate::__version_bytes::<{ $iface.len() }>($iface);
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_bytes_copy_the_whole_version() {
        const V: [u8; 5] = super::__version_bytes::<5>(super::INTERFACE_VERSION);
        assert_eq!(&V, b"0.2.0");
    }
}
