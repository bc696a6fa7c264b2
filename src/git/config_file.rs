//! The one config writer: keys of one config file read and written by git itself
//! (`git config --file`), so every value is escaped exactly as git escapes it and the
//! file is one git can always read back. After each write git reads the file again and
//! must find exactly the values written, or the file is put back as it was. A config
//! file that is a symlink is written through (its target changes, the link stays), and
//! the file keeps its mode and owner.
//!
//! Undo byte for byte: each write also returns the exact line edit it made
//! ([`write_values_edit`]), and [`apply_edit`] applies its reverse where the file still
//! holds what the write left. gitoxide's `gix-config` (lossless: it edits one value and
//! keeps every other byte) was weighed: it would make a second writer beside git, whose
//! escaping and section placement must then match git's own, for a gain git and a line
//! diff already give; git stays the one writer and the one reader that checks a write.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::ConfigFileError;
use crate::model::line_edit::LineEdit;

/// Every value of `key` in `file` (empty when unset or the file is missing), as git
/// reads them.
pub fn read_values(file: &Path, key: &str) -> Result<Vec<String>, ConfigFileError> {
    if !file.exists() {
        return Ok(Vec::new());
    }
    let out = git_config(file, [OsStr::new("-z"), OsStr::new("--get-all"), OsStr::new(key)])
        .map_err(|message| ConfigFileError::Read { path: file.to_path_buf(), message })?;
    match out.status.code() {
        Some(0) => {}
        // rc 1: the key is not set.
        Some(1) => return Ok(Vec::new()),
        _ => return Err(ConfigFileError::Read { path: file.to_path_buf(), message: stderr_line(&out.stderr) }),
    }
    // Each value ends with a NUL: the piece after the last one is empty.
    let mut values: Vec<String> =
        out.stdout.split(|b| *b == 0).map(|v| String::from_utf8_lossy(v).into_owned()).collect();
    values.pop();
    Ok(values)
}

/// Replace every value of `key` in `file` by `values` (none: unset the key). One value
/// for one value is replaced where it stands; otherwise the old values go and the new
/// ones are added, as `git config --unset-all` and `--add` do.
pub fn write_values(file: &Path, key: &str, values: &[String]) -> Result<(), ConfigFileError> {
    write_values_edit(file, key, values).map(|_| ())
}

/// [`write_values`], and the exact line edit it made to the file (`None`: nothing
/// changed, or the file is not UTF-8 text), so that it can be taken back byte for byte
/// ([`apply_edit`] of its reverse).
pub fn write_values_edit(file: &Path, key: &str, values: &[String]) -> Result<Option<LineEdit>, ConfigFileError> {
    let write_err = |message: String| ConfigFileError::Write { path: file.to_path_buf(), message };
    if values.iter().any(|v| v.contains('\0')) {
        return Err(write_err(format!("a value for {key} holds a NUL byte, which git config cannot store")));
    }
    if lock_path(file).exists() {
        return Err(ConfigFileError::Locked { path: file.to_path_buf() });
    }
    let before = Snapshot::take(file).map_err(|e| write_err(e.to_string()))?;
    let current = read_values(file, key)?;
    if current == values {
        return Ok(None);
    }
    let result = change(file, key, &current, values).and_then(|()| {
        before.keep_mode_and_owner().map_err(|e| write_err(e.to_string()))?;
        check(file, key, values)
    });
    if let Err(e) = result {
        // Whatever went wrong, the file is as it was.
        before.restore().map_err(|r| write_err(format!("{e}; putting the file back also failed: {r}")))?;
        return Err(e);
    }
    Ok(before.edit_to_now().ok().flatten())
}

/// Apply `edit` (the reverse of one [`write_values_edit`] made) when the file still
/// holds, at the edit's places, what that write left there; git must then read the
/// whole file and find `expected` for `key` (compared scrubbed: an undo expects the
/// values it recorded), or the file is put back. `Ok(false)`: not applied, the file is
/// as it was (the caller falls back to [`write_values`]).
pub fn apply_edit(file: &Path, edit: &LineEdit, key: &str, expected: &[String]) -> Result<bool, ConfigFileError> {
    let write_err = |message: String| ConfigFileError::Write { path: file.to_path_buf(), message };
    if lock_path(file).exists() {
        return Err(ConfigFileError::Locked { path: file.to_path_buf() });
    }
    let before = Snapshot::take(file).map_err(|e| write_err(e.to_string()))?;
    let text = match &before.bytes {
        None => None,
        Some(b) => match std::str::from_utf8(b) {
            Ok(t) => Some(t),
            Err(_) => return Ok(false),
        },
    };
    let Some(new) = edit.apply(text) else { return Ok(false) };
    let written = match &new {
        Some(text) => before.write_locked(text.as_bytes()),
        None => before.remove(),
    };
    written.map_err(|e| match e.kind() {
        // git holds the lock: it is writing the file right now.
        std::io::ErrorKind::AlreadyExists => ConfigFileError::Locked { path: file.to_path_buf() },
        _ => write_err(e.to_string()),
    })?;
    let readable = !file.exists() || git_config(file, [OsStr::new("--list")]).map_err(write_err)?.status.success();
    let got = read_values(file, key);
    let as_expected = readable
        && got
            .as_ref()
            .is_ok_and(|got| crate::model::scrub::scrub_all(got) == crate::model::scrub::scrub_all(expected));
    if !as_expected {
        before.restore().map_err(|r| write_err(format!("putting the file back failed: {r}")))?;
        return Ok(false);
    }
    Ok(true)
}

fn change(file: &Path, key: &str, current: &[String], values: &[String]) -> Result<(), ConfigFileError> {
    let run = |args: &[&OsStr]| -> Result<(), ConfigFileError> {
        let out = git_config(file, args.iter().copied())
            .map_err(|message| ConfigFileError::Write { path: file.to_path_buf(), message })?;
        if out.status.success() {
            return Ok(());
        }
        let message = stderr_line(&out.stderr);
        if message.contains("could not lock") {
            return Err(ConfigFileError::Locked { path: file.to_path_buf() });
        }
        Err(ConfigFileError::Write { path: file.to_path_buf(), message })
    };
    let key = OsStr::new(key);
    if let ([_], [value]) = (current, values) {
        return run(&[key, OsStr::new(value)]);
    }
    if !current.is_empty() {
        run(&[OsStr::new("--unset-all"), key])?;
    }
    for v in values {
        run(&[OsStr::new("--add"), key, OsStr::new(v)])?;
    }
    Ok(())
}

/// git must read the whole file, and find exactly `values` for `key`.
fn check(file: &Path, key: &str, values: &[String]) -> Result<(), ConfigFileError> {
    let listed = git_config(file, [OsStr::new("--list")])
        .map_err(|message| ConfigFileError::Write { path: file.to_path_buf(), message })?;
    if !listed.status.success() && file.exists() {
        let message = format!("git cannot read the file back: {}", stderr_line(&listed.stderr));
        return Err(ConfigFileError::Write { path: file.to_path_buf(), message });
    }
    let got = read_values(file, key)?;
    if got != values {
        let message = format!("git reads {} value(s) of {key} back, not the {} written", got.len(), values.len());
        return Err(ConfigFileError::Write { path: file.to_path_buf(), message });
    }
    Ok(())
}

/// `git config --file FILE ARGS`, in a sealed environment (no GIT_DIR, no
/// GIT_CONFIG_* of the caller's can redirect it).
fn git_config<'a>(file: &Path, args: impl IntoIterator<Item = &'a OsStr>) -> Result<std::process::Output, String> {
    let mut c = Command::new("git");
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c.env("LC_ALL", "C").env("GIT_CONFIG_NOSYSTEM", "1").env("GIT_CONFIG_GLOBAL", null_device());
    c.arg("config").arg("--file").arg(file).args(args);
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // A write and its check take milliseconds and must not be cut in half: a Ctrl-C to
    // the terminal's process group reaches us (the transaction stops after this step and
    // rolls back), not this git.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut c, 0);
    c.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "git is not installed or not on PATH".to_string(),
        _ => format!("could not run git: {e}"),
    })
}

fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

fn stderr_line(stderr: &[u8]) -> String {
    crate::git::first_line(&String::from_utf8_lossy(stderr))
}

fn lock_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// A config file as it was before a write: the file git really writes (through a
/// symlink), its bytes, mode and owner. Held in memory only (it may hold secrets).
struct Snapshot {
    target: PathBuf,
    bytes: Option<Vec<u8>>,
    #[cfg(unix)]
    meta: Option<(u32, u32, u32)>,
}

impl Snapshot {
    fn take(file: &Path) -> std::io::Result<Snapshot> {
        let target = resolve(file)?;
        let bytes = match std::fs::read(&target) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        #[cfg(unix)]
        let meta = {
            use std::os::unix::fs::MetadataExt;
            match std::fs::metadata(&target) {
                Ok(m) => Some((m.mode() & 0o7777, m.uid(), m.gid())),
                Err(_) => None,
            }
        };
        Ok(Snapshot {
            target,
            bytes,
            #[cfg(unix)]
            meta,
        })
    }

    /// git writes a new file (its lock file, renamed) with the old mode but owned by us:
    /// give it back its owner (when we may), and its mode in any case. A file that did
    /// not exist gets git's usual 0644, never more than the umask allows.
    fn keep_mode_and_owner(&self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let Ok(now) = std::fs::metadata(&self.target) else { return Ok(()) };
            let mode = match self.meta {
                Some((mode, uid, gid)) => {
                    if (now.uid(), now.gid()) != (uid, gid) {
                        // Only root can give a file away; for anyone else the owner did not change.
                        let _ = std::os::unix::fs::chown(&self.target, Some(uid), Some(gid));
                    }
                    mode
                }
                None => now.mode() & 0o644,
            };
            if now.mode() & 0o7777 != mode {
                std::fs::set_permissions(&self.target, std::fs::Permissions::from_mode(mode))?;
            }
        }
        Ok(())
    }

    /// Put the bytes back (through the same symlink), atomically, with mode and owner.
    fn restore(&self) -> std::io::Result<()> {
        match &self.bytes {
            None => self.remove(),
            Some(bytes) => self.write(bytes),
        }
    }

    /// Remove the file (through the symlink: the link stays, as git leaves it).
    fn remove(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Write `bytes` in place of the file (through the same symlink), atomically, with
    /// the mode and owner it had.
    fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.target.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new().prefix(".git-reauth-").tempfile_in(dir)?;
        std::io::Write::write_all(&mut tmp, bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.target).map_err(|e| e.error)?;
        self.keep_mode_and_owner()
    }

    /// Write `bytes` in place of the file as git does: through its lock file
    /// (`FILE.lock`, created only if no other process holds it, then renamed over the
    /// file), so that a git writing at the same time fails rather than loses either write.
    fn write_locked(&self, bytes: &[u8]) -> std::io::Result<()> {
        let lock = lock_path(&self.target);
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&lock)?;
        let written = std::io::Write::write_all(&mut f, bytes).and_then(|()| f.sync_all());
        let renamed = written.and_then(|()| std::fs::rename(&lock, &self.target));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&lock);
            return Err(e);
        }
        self.keep_mode_and_owner()
    }

    /// The line edit from this snapshot to the file as it is now (`None`: either is not
    /// UTF-8 text).
    fn edit_to_now(&self) -> std::io::Result<Option<LineEdit>> {
        let now = match std::fs::read(&self.target) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        fn text(b: &Option<Vec<u8>>) -> Option<Option<&str>> {
            match b {
                None => Some(None),
                Some(b) => std::str::from_utf8(b).ok().map(Some),
            }
        }
        let (Some(old), Some(new)) = (text(&self.bytes), text(&now)) else { return Ok(None) };
        Ok(Some(LineEdit::between(old, new)))
    }
}

/// The file a write of `file` lands in: symlinks followed (as git's lock file does),
/// relative link targets taken from the link's folder.
fn resolve(file: &Path) -> std::io::Result<PathBuf> {
    let mut path = file.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(to) => path = path.parent().map(|p| p.join(&to)).unwrap_or(to),
            Err(_) => return Ok(path),
        }
    }
    Err(std::io::Error::other(format!("{}: too many levels of symbolic links", file.display())))
}

#[cfg(test)]
#[path = "config_file_tests.rs"]
mod tests;
