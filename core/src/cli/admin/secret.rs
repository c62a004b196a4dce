//! Reading a password for a command: from an environment variable, from standard
//! input, or asked twice on the terminal without echo. Never a default.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};

use super::PasswordSource;

/// The password from the chosen source; on a terminal, asked twice without echo.
pub(super) fn read_password(source: &PasswordSource) -> anyhow::Result<String> {
    if let Some(var) = &source.password_env {
        return std::env::var(var)
            .with_context(|| format!("environment variable {var} is not set"));
    }
    let stdin = std::io::stdin();
    if source.password_stdin {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !stdin.is_terminal() {
        bail!(
            "no password given: use --password-env VAR or --password-stdin, or run on a terminal"
        );
    }
    let first = prompt("Password / 密码: ")?;
    let second = prompt("Again / 再输入一次: ")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}

/// Ask on the terminal with echo off (through `stty`, so no extra dependency).
fn prompt(label: &str) -> anyhow::Result<String> {
    let stty = |arg: &str| {
        std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success())
    };
    eprint!("{label}");
    std::io::stderr().flush().ok();
    let hidden = stty("-echo");
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if hidden {
        stty("echo");
    }
    eprintln!();
    read.context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
