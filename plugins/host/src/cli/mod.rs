//! `anjuan plugin ...` commands.
