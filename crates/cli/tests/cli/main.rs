//! The `motcua` binary as other tools use it: exact output lines, exit codes, and
//! clear errors (never a panic) on bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod calendar;
mod crash;
mod demo;
mod pay;
mod server;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `motcua ARGS` with `stdin` and returns its output.
pub fn motcua(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_OFFICE_HOURS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Stdout of a run that must succeed.
pub fn ok(args: &[&str]) -> String {
    let out = motcua(args, "");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Stderr of a run that must fail cleanly with `code`.
pub fn fails(args: &[&str], code: &str) -> String {
    let out = motcua(args, "");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&format!("lỗi [{code}]")),
        "{args:?}: {stderr}"
    );
    assert!(out.stdout.is_empty());
    stderr
}

/// An HTTP client (with the process's TLS provider installed first).
pub fn http() -> reqwest::Client {
    motcua_web::install_tls_provider();
    reqwest::Client::new()
}
