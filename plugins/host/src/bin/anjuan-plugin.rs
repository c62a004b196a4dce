//! `anjuan-plugin`: the `anjuan plugin …` commands as a stand-alone binary (the same code
//! the `anjuan` binary mounts), so plugin developers and tests can use them without the
//! server.

use anjuan_plugin_host::cli::{PluginCommand, run};
use clap::Parser;

/// anjuan plugin developer tools.
#[derive(Parser)]
#[command(name = "anjuan-plugin", version, about)]
struct Cli {
    #[command(subcommand)]
    command: PluginCommand,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout();
    match run(cli.command, &mut stdout) {
        Ok(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(2)),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
