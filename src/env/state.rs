//! The state folder (`$XDG_STATE_HOME/git-reauth`, …) and the folder that holds it (the
//! state home, where the locks live): what `undo` trusts and applies, so only its user
//! may write there, as ssh insists for `~/.ssh`. Folders we make are 0700 (every missing
//! parent too), files 0600 whatever the umask; a file is never opened through a
//! symlink; a folder or file of another user, or one others may write to, is refused.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Why a state folder or file is not trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Untrusted {
    #[error("it belongs to another user (uid {owner})")]
    NotOwned { owner: u32 },
    #[error("other users can write to it (mode {mode:04o})")]
    WritableByOthers { mode: u32 },
    #[error("it is a symbolic link")]
    Symlink,
    #[error("it is not a regular file")]
    NotAFile,
}

/// A state folder or file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: {why}", path.display())]
    Untrusted { path: PathBuf, why: Untrusted },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl StateError {
    fn io(path: &Path, source: std::io::Error) -> StateError {
        StateError::Io { path: path.to_path_buf(), source }
    }
}

/// The state folder `dir` and its state home exist and are private (made 0700 where
/// missing, checked where they exist).
pub fn ensure_state_dir(dir: &Path) -> Result<(), StateError> {
    if let Some(home) = dir.parent() {
        ensure_dir(home)?;
    }
    ensure_dir(dir)
}

/// The state home of `dir` (where the locks live) exists and is private, and `dir`, if
/// it exists, is too; `dir` itself is not made.
pub fn ensure_state_home(dir: &Path) -> Result<(), StateError> {
    if let Some(home) = dir.parent() {
        ensure_dir(home)?;
    }
    check_dir(dir).map(|_| ())
}

/// The state folder `dir` and its state home, checked without making anything:
/// `Ok(false)` when `dir` does not exist.
pub fn check_state_dir(dir: &Path) -> Result<bool, StateError> {
    if let Some(home) = dir.parent()
        && !check_dir(home)?
    {
        return Ok(false);
    }
    check_dir(dir)
}

/// `dir` exists and is private: made 0700 with every missing parent, or checked.
pub fn ensure_dir(dir: &Path) -> Result<(), StateError> {
    if !check_dir(dir)? {
        make_private(dir)?;
        check_dir(dir)?;
    }
    Ok(())
}

/// `Ok(false)` when `dir` does not exist; an error when it is not a folder of ours that
/// only we may write to. A symlink to such a folder is fine: only we could have made it
/// in a folder of ours.
pub fn check_dir(dir: &Path) -> Result<bool, StateError> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StateError::io(dir, e)),
    };
    if !meta.is_dir() {
        return Err(StateError::io(dir, std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder")));
    }
    trusted(&meta).map_err(|why| StateError::Untrusted { path: dir.to_path_buf(), why })?;
    Ok(true)
}

/// Make `dir` and every missing parent, each 0700 whatever the umask.
fn make_private(dir: &Path) -> Result<(), StateError> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_err()) {
        missing.push(p);
        at = p.parent();
    }
    for p in missing.into_iter().rev() {
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        match b.create(p) {
            Ok(()) => set_mode(p, 0o700).map_err(|e| StateError::io(p, e))?,
            // Another run made it at the same moment: it is checked like any other.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(StateError::io(p, e)),
        }
    }
    Ok(())
}

/// Open a file of the state folder (a lock, a log), creating it 0600 when `options`
/// say so, never through a symlink: a regular file of ours, made 0600 if an older
/// version (or a umask) left it open to others. What such a file holds is never
/// trusted (a lock's process id is only shown).
pub fn open_file(path: &Path, options: &mut OpenOptions) -> Result<File, StateError> {
    let (file, meta) = open_nofollow(path, options)?;
    if !meta.is_file() {
        return Err(StateError::Untrusted { path: path.to_path_buf(), why: Untrusted::NotAFile });
    }
    owned(&meta).map_err(|why| StateError::Untrusted { path: path.to_path_buf(), why })?;
    if mode(&meta) & 0o777 != 0o600 {
        set_file_mode(&file, 0o600).map_err(|e| StateError::io(path, e))?;
    }
    Ok(file)
}

/// Read a file of the state folder whose content is trusted (a journal entry): a
/// regular file of ours that only we may write to, not a symlink.
pub fn read_file(path: &Path) -> Result<Vec<u8>, StateError> {
    use std::io::Read;
    let (mut file, meta) = open_nofollow(path, OpenOptions::new().read(true))?;
    if !meta.is_file() {
        return Err(StateError::Untrusted { path: path.to_path_buf(), why: Untrusted::NotAFile });
    }
    trusted(&meta).map_err(|why| StateError::Untrusted { path: path.to_path_buf(), why })?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| StateError::io(path, e))?;
    Ok(bytes)
}

/// Make a file we have just written 0600, whatever the umask made it.
pub fn make_file_private(file: &File, path: &Path) -> Result<(), StateError> {
    set_file_mode(file, 0o600).map_err(|e| StateError::io(path, e))
}

/// A symlink where a file was opened without following one is refused, not an error
/// of the file system.
fn open_error(path: &Path, e: std::io::Error) -> StateError {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::EMLINK)) {
        return StateError::Untrusted { path: path.to_path_buf(), why: Untrusted::Symlink };
    }
    StateError::io(path, e)
}

/// `path` opened with `options`, never through a symlink (a new file is made 0600), and
/// what it is.
fn open_nofollow(path: &Path, options: &mut OpenOptions) -> Result<(File, std::fs::Metadata), StateError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(|e| open_error(path, e))?;
    let meta = file.metadata().map_err(|e| StateError::io(path, e))?;
    Ok((file, meta))
}

/// Ours, and only we may write to it.
fn trusted(meta: &std::fs::Metadata) -> Result<(), Untrusted> {
    owned(meta)?;
    let mode = mode(meta);
    if mode & 0o022 != 0 {
        return Err(Untrusted::WritableByOthers { mode: mode & 0o7777 });
    }
    Ok(())
}

#[cfg(unix)]
fn owned(meta: &std::fs::Metadata) -> Result<(), Untrusted> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Untrusted::NotOwned { owner: meta.uid() });
    }
    Ok(())
}

/// Windows: the per-user folders are the user's by their ACLs.
#[cfg(not(unix))]
fn owned(_: &std::fs::Metadata) -> Result<(), Untrusted> {
    Ok(())
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&meta.permissions())
}

#[cfg(not(unix))]
fn mode(_: &std::fs::Metadata) -> u32 {
    0o600
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn set_file_mode(file: &File, mode: u32) -> std::io::Result<()> {
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(mode))
}

#[cfg(not(unix))]
fn set_file_mode(_: &File, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode_of(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn missing_folders_are_made_0700_and_files_0600() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/git-reauth");
        ensure_state_dir(&dir).unwrap();
        for p in [root.path().join("a"), root.path().join("a/b"), dir.clone()] {
            assert_eq!(mode_of(&p), 0o700, "{}", p.display());
        }
        let lock = root.path().join("a/b/git-reauth.lock");
        std::fs::write(&lock, "").unwrap();
        set_mode(&lock, 0o644).unwrap();
        open_file(&lock, OpenOptions::new().read(true).write(true).create(true).truncate(false)).unwrap();
        assert_eq!(mode_of(&lock), 0o600, "an existing lock is made private");
        assert_eq!(read_file(&lock).unwrap(), b"");
    }

    #[test]
    fn folders_others_can_write_to_and_symlinks_are_refused() {
        let root = tempfile::tempdir().unwrap();
        let shared = root.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        set_mode(&shared, 0o1777).unwrap();
        let err = ensure_state_dir(&shared.join("git-reauth")).unwrap_err();
        assert!(
            matches!(&err, StateError::Untrusted { path, why: Untrusted::WritableByOthers { mode: 0o1777 } } if path == &shared),
            "{err:?}"
        );
        assert!(!shared.join("git-reauth").exists(), "nothing is made in an untrusted folder");
        assert!(!check_state_dir(&root.path().join("none/git-reauth")).unwrap());

        let target = root.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_file(&link, OpenOptions::new().write(true).create(true).truncate(true)).unwrap_err();
        assert!(matches!(err, StateError::Untrusted { why: Untrusted::Symlink, .. }), "{err:?}");
        assert!(matches!(read_file(&link), Err(StateError::Untrusted { why: Untrusted::Symlink, .. })));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        // A folder where a file should be, and a file where a folder should be.
        assert!(matches!(read_file(root.path()), Err(StateError::Untrusted { why: Untrusted::NotAFile, .. })));
        assert!(matches!(check_dir(&target), Err(StateError::Io { .. })));
    }
}
