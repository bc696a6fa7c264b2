//! The undo journal: one JSON file per applied change set in the state directory,
//! written atomically (temp file + rename) with mode 0600. Holds no secrets: every plan
//! is recorded scrubbed.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Error;
use crate::env::Env;
use crate::model::plan::Plan;

/// Where a change set stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryState {
    /// Written before the first change; if it stays so, the run was killed mid-way.
    Applying,
    Applied,
    RolledBack,
    Undone,
}

/// One change set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub version: u32,
    pub id: String,
    pub created: String,
    pub state: EntryState,
    pub host: String,
    pub repository: Option<PathBuf>,
    pub plan: Plan,
}

impl Entry {
    /// A new change set (`applying`); the plan is kept scrubbed of secrets.
    pub fn new(host: &str, repository: Option<PathBuf>, plan: Plan) -> Entry {
        let now = chrono::Utc::now();
        Entry {
            version: 1,
            id: format!("{}-{}", now.format("%Y%m%dT%H%M%S%.3fZ"), std::process::id()),
            created: now.to_rfc3339(),
            state: EntryState::Applying,
            host: host.into(),
            repository,
            plan: plan.scrubbed(),
        }
    }
}

/// The journal directory.
#[derive(Clone, Debug)]
pub struct Journal {
    pub dir: PathBuf,
}

impl Journal {
    pub fn new(dir: &Path) -> Journal {
        Journal { dir: dir.to_path_buf() }
    }

    /// The journal of `env`: refused when there is nowhere to keep it (no home).
    pub fn of(env: &Env) -> Result<Journal, Error> {
        env.state_dir.as_deref().map(Journal::new).ok_or(Error::NoStateDir)
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Write (or rewrite) an entry atomically, scrubbed of secrets.
    pub fn write(&self, entry: &Entry) -> std::io::Result<PathBuf> {
        create_private_dir(&self.dir)?;
        let entry = Entry { plan: entry.plan.scrubbed(), ..entry.clone() };
        let mut tmp = tempfile::Builder::new().prefix(".journal-").tempfile_in(&self.dir)?;
        serde_json::to_writer_pretty(&mut tmp, &entry)?;
        tmp.write_all(b"\n")?;
        tmp.as_file().sync_all()?;
        let path = self.path(&entry.id);
        // tempfile creates files 0600 on Unix already.
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }

    /// Remove an entry (a rolled-back change set leaves nothing to undo).
    pub fn remove(&self, entry: &Entry) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(&entry.id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The newest entry that `undo` can revert (applied, or left half-applied).
    pub fn latest_undoable(&self) -> std::io::Result<Option<Entry>> {
        let mut entries = self.all()?;
        entries.retain(|e| matches!(e.state, EntryState::Applied | EntryState::Applying));
        Ok(entries.pop())
    }

    /// All readable entries, oldest first.
    pub fn all(&self) -> std::io::Result<Vec<Entry>> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        names.sort();
        Ok(names
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .filter_map(|b| serde_json::from_slice::<Entry>(&b).ok())
            .collect())
    }
}

/// How long a second run waits for the first to finish before it refuses.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Why the journal lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it (with its process id when it wrote one).
    #[error("another git-reauth run{} is changing this setup", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Busy { pid: Option<u32> },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// An exclusive lock held while a run plans and applies changes; released on drop
/// (also when the process dies: the kernel drops `flock` locks with the file).
#[derive(Debug)]
pub struct JournalLock {
    file: std::fs::File,
}

impl Drop for JournalLock {
    /// Forget our process id while still holding the lock, so a later wait never names
    /// a run that has ended.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

impl Journal {
    /// The lock file: next to the journal directory (`git-reauth.lock`), so the
    /// directory holds only entries.
    fn lock_path(&self) -> PathBuf {
        let name = self.dir.file_name().map_or_else(|| "git-reauth".into(), |n| n.to_string_lossy().into_owned());
        self.dir.with_file_name(format!("{name}.lock"))
    }

    /// Take the lock, waiting up to `wait` for another run to release it.
    pub async fn lock(&self, wait: std::time::Duration) -> Result<JournalLock, LockError> {
        let path = self.lock_path();
        if let Some(parent) = path.parent() {
            create_private_dir(parent)?;
        }
        let mut file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
        let start = std::time::Instant::now();
        while !try_lock(&file)? {
            if start.elapsed() >= wait {
                let pid = std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse().ok());
                return Err(LockError::Busy { pid });
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        // Who holds it, for the message of a run that has to wait.
        use std::io::Seek;
        file.set_len(0)?;
        file.seek(std::io::SeekFrom::Start(0))?;
        write!(file, "{}", std::process::id())?;
        Ok(JournalLock { file })
    }
}

/// An exclusive lock without waiting (`flock` on Unix, `LockFileEx` on Windows):
/// `Ok(false)` when another process holds it.
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::Change;

    #[test]
    fn writes_private_files_and_finds_the_latest() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(&dir.path().join("state"));
        assert_eq!(j.latest_undoable().unwrap(), None);
        let plan = Plan {
            changes: vec![Change::ConfigKey {
                file: "/x".into(),
                key: "a.b".into(),
                from: vec![],
                to: vec!["1".into()],
            }],
        };
        let mut first = Entry::new("github.com", None, plan.clone());
        first.id = "20260101T000000.000Z-1".into();
        first.state = EntryState::Applied;
        let path = j.write(&first).unwrap();
        assert!(path.exists());
        let mut second = Entry::new("github.com", None, plan);
        second.id = "20260102T000000.000Z-1".into();
        second.state = EntryState::RolledBack;
        j.write(&second).unwrap();
        assert_eq!(j.latest_undoable().unwrap().unwrap().id, first.id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(&j.dir).unwrap().permissions().mode() & 0o777, 0o700);
        }
        // No temp files (nor the lock) are left in the directory.
        assert_eq!(std::fs::read_dir(&j.dir).unwrap().count(), 2);
    }

    #[tokio::test]
    async fn a_second_lock_waits_then_refuses_and_succeeds_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(&dir.path().join("state").join("git-reauth"));
        let first = j.lock(LOCK_WAIT).await.unwrap();
        // The lock belongs to the open file: a second open in this process conflicts too.
        let err = j.lock(std::time::Duration::from_millis(100)).await.unwrap_err();
        // (Windows locks the file's bytes too, so there the holder's pid cannot be read.)
        let holder = if cfg!(windows) { None } else { Some(std::process::id()) };
        assert!(matches!(err, LockError::Busy { pid } if pid == holder), "{err:?}");
        drop(first);
        let _again = j.lock(std::time::Duration::ZERO).await.unwrap();
        assert!(dir.path().join("state/git-reauth.lock").exists());
        assert!(!j.dir.exists(), "the journal directory itself is not created by locking");
    }
}
