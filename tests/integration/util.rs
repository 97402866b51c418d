//! Test helpers: a temporary work directory and a builder for `moderato` commands.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Path of a file in the repository (samples, fixtures).
pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A fresh temporary directory holding the files a test writes.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The directory (the service tests use it; they need the `serve` feature).
    #[cfg_attr(not(feature = "serve"), allow(dead_code))]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).expect("write fixture");
        p
    }
}

/// `moderato ARGS…` with a fixed environment (UTC, no colour, not a terminal).
pub fn moderato(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("moderato").expect("binary built");
    cmd.env("TZ", "UTC").env("NO_COLOR", "1").env_remove("COLUMNS").args(args);
    cmd
}

/// Runs and parses stdout as JSON, asserting the exit code.
pub fn json_output(args: &[&str], code: i32) -> serde_json::Value {
    let out = moderato(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit code; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
