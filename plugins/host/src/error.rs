//! [`PluginError`]: which plugin, which call, and why it failed.

use crate::manifest::OnFailure;

/// A plugin call or load that failed. Says which plugin (and version, when known), which
/// call, and why; [`PluginError::blocks`] tells the server whether to refuse the action
/// or let it pass with a warning.
#[derive(Debug, thiserror::Error)]
#[error("plugin {plugin}{} {call}: {kind}", version.as_ref().map(|v| format!("@{v}")).unwrap_or_default())]
pub struct PluginError {
    /// Plugin id (or the file name when the id is not known yet).
    pub plugin: String,
    /// Plugin version, when known.
    pub version: Option<String>,
    /// The call: `load`, `describe`, `form start-disposal`, `check max-batches`, `derive`.
    pub call: String,
    /// Why.
    pub kind: ErrorKind,
    /// What the manifest says to do when this call fails (checks only; `Block` otherwise).
    pub on_failure: OnFailure,
}

impl PluginError {
    pub(crate) fn new(plugin: &str, version: Option<&str>, call: &str, kind: ErrorKind) -> Self {
        Self {
            plugin: plugin.to_string(),
            version: version.map(str::to_string),
            call: call.to_string(),
            kind,
            on_failure: OnFailure::Block,
        }
    }

    /// Whether the failure should refuse the action. A plugin fault in a check whose
    /// manifest says `on_failure = "warn"` lets the action pass with a warning; unknown
    /// plugins or checks and load failures always block.
    pub fn blocks(&self) -> bool {
        self.on_failure == OnFailure::Block || !self.kind.is_plugin_fault()
    }
}

/// Why a plugin call or load failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// No plugin with this id is loaded.
    #[error("no such plugin is loaded")]
    UnknownPlugin,
    /// The plugin does not provide this check (per its manifest and description).
    #[error("unknown check `{0}`")]
    UnknownCheck(String),
    /// The plugin does not provide this form.
    #[error("unknown form `{0}`")]
    UnknownForm(String),
    /// The guest trapped (unreachable, out-of-bounds access, ...).
    #[error("trapped: {0}")]
    Trap(String),
    /// The guest panicked; the message is the panic's.
    #[error("panicked: {0}")]
    Panic(String),
    /// Ran out of fuel (instructions).
    #[error("ran out of fuel (limit {limit} units)")]
    OutOfFuel {
        /// The fuel limit.
        limit: u64,
    },
    /// Tried to grow memory past its limit.
    #[error("ran out of memory: tried to grow to {requested} bytes, limit {limit}")]
    OutOfMemory {
        /// Bytes the guest asked for.
        requested: u64,
        /// The memory limit.
        limit: u64,
    },
    /// Passed its wall-clock deadline.
    #[error("passed its wall-clock deadline of {limit_ms} ms")]
    Deadline {
        /// The deadline.
        limit_ms: u64,
    },
    /// Returned output that is not what the interface promises (bad JSON, bad pointer).
    #[error("returned malformed output: {0}")]
    MalformedOutput(String),
    /// Returned more bytes than allowed.
    #[error("output of {size} bytes exceeds the limit of {limit}")]
    OutputTooLarge {
        /// Bytes returned.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The input was larger than the plugin may receive; the plugin was not called.
    #[error("input of {size} bytes exceeds the limit of {limit}")]
    InputTooLarge {
        /// Bytes of input.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Built against an interface version this host does not support.
    #[error("needs anjuan:plugin {needed}, plugin declares {declared}")]
    IncompatibleInterface {
        /// What the host accepts, e.g. `0.1.x (up to 0.1.0)`.
        needed: String,
        /// What the plugin declares.
        declared: String,
    },
    /// The manifest does not match the wasm (sha256, id, version, checks), or is invalid.
    #[error("manifest mismatch: {0}")]
    ManifestMismatch(String),
    /// Called a host capability its manifest does not declare.
    #[error("capability denied: {0}")]
    CapabilityDenied(String),
    /// The plugin refused to answer (its own `call-error`).
    #[error("plugin reported: {0}")]
    Failed(String),
    /// Every plugin instance slot stayed busy while the call waited; the plugin was not
    /// called. Raise `HostConfig::max_concurrent_instances` if this happens under load.
    #[error("all {max} plugin instance slots stayed busy; try again")]
    Busy {
        /// The number of slots.
        max: u32,
    },
    /// Could not read, compile or instantiate the component.
    #[error("could not load: {0}")]
    Load(String),
}

impl ErrorKind {
    /// A stable short code for logs and problem types: `trap`, `out-of-fuel`, ...
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownPlugin => "unknown-plugin",
            Self::UnknownCheck(_) => "unknown-check",
            Self::UnknownForm(_) => "unknown-form",
            Self::Trap(_) => "trap",
            Self::Panic(_) => "panic",
            Self::OutOfFuel { .. } => "out-of-fuel",
            Self::OutOfMemory { .. } => "out-of-memory",
            Self::Deadline { .. } => "deadline",
            Self::MalformedOutput(_) => "malformed-output",
            Self::OutputTooLarge { .. } => "output-too-large",
            Self::InputTooLarge { .. } => "input-too-large",
            Self::IncompatibleInterface { .. } => "incompatible-interface",
            Self::ManifestMismatch(_) => "manifest-mismatch",
            Self::CapabilityDenied(_) => "capability-denied",
            Self::Failed(_) => "plugin-failed",
            Self::Busy { .. } => "busy",
            Self::Load(_) => "load",
        }
    }

    /// True when the plugin misbehaved while running (as opposed to the server asking
    /// for something that does not exist, or a plugin that never loaded). Only these may
    /// be downgraded to a warning by `on_failure = "warn"`.
    pub fn is_plugin_fault(&self) -> bool {
        matches!(
            self,
            Self::Trap(_)
                | Self::Panic(_)
                | Self::OutOfFuel { .. }
                | Self::OutOfMemory { .. }
                | Self::Deadline { .. }
                | Self::MalformedOutput(_)
                | Self::OutputTooLarge { .. }
                | Self::CapabilityDenied(_)
                | Self::Failed(_)
        )
    }
}
