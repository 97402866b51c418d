//! Where a command's output goes: stdout, or `-o FILE` written through a temporary file in
//! the same directory and renamed into place, so a failed run never leaves a half-written
//! report (the old file, if any, stays as it was).

use anyhow::{Context, Result};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Runs `write` against stdout or, with a path, against a temporary file that replaces the
/// path only when `write` succeeded and everything was flushed.
pub fn write_to(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        write(&mut out)?;
        out.flush()?;
        return Ok(());
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".moderato-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| {
            format!("-o {}: cannot create a file in {}", path.display(), dir.display())
        })?;
    let mut out = BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all().ok();
    // Temporary files are created private (0600); a report replaces the old file with its
    // permissions, or gets the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        std::fs::set_permissions(tmp.path(), perms)
            .with_context(|| format!("-o {}: cannot set permissions", path.display()))?;
    }
    tmp.persist(path).with_context(|| format!("-o {}: cannot replace the file", path.display()))?;
    Ok(())
}
