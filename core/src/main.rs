//! The `anjuan` command: validate workflow files (and, as the server grows, serve them).

use std::path::PathBuf;
use std::process::ExitCode;

use anjuan::workflow::{self, Summary};
use clap::{Parser, Subcommand};

/// anjuan (案卷): case-workflow server for government programmes.
#[derive(Debug, Parser)]
#[command(name = "anjuan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check workflow files and report every mistake with file, line and column.
    Validate {
        /// A workflows folder (`<dir>/<programme>/workflow.yaml`) or one file.
        #[arg(default_value = "workflows")]
        path: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { path } => validate(&path),
    }
}

fn validate(path: &std::path::Path) -> ExitCode {
    let (defs, errors) = workflow::load_dir(path);
    for e in &errors {
        eprintln!("{e}");
    }
    let s = Summary::of(&defs);
    let files = defs.len()
        + errors
            .iter()
            .map(|e| &e.file)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
    if errors.is_empty() && !defs.is_empty() {
        println!(
            "ok: {} programmes, {} case types, {} states, {} transitions",
            s.programmes, s.case_types, s.states, s.transitions
        );
        ExitCode::SUCCESS
    } else {
        if defs.is_empty() && errors.is_empty() {
            eprintln!(
                "{}: no workflow files found (expected <dir>/<programme>/workflow.yaml)",
                path.display()
            );
        }
        eprintln!(
            "{} mistakes in {} of {files} files; valid: {} programmes, {} case types, {} states, {} transitions",
            errors.len(),
            files - defs.len(),
            s.programmes,
            s.case_types,
            s.states,
            s.transitions
        );
        ExitCode::FAILURE
    }
}
