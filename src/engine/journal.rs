//! The undo journal: one JSON file per applied change set in the state directory,
//! written atomically (temp file + rename) with mode 0600. Holds no secrets: every plan
//! is recorded scrubbed. The folder is private (`env::state`): one of another user, or
//! one others may write to, is refused, and only regular entries of ours are read.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Error;
use crate::env::Env;
use crate::env::state::{self, StateError};
use crate::model::line_edit::LineEdit;
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
    /// For each change of the plan (same index), the exact line edit its step made to
    /// its config file, so that `undo` gives the file back byte for byte; `None` for a
    /// change that is not a config write, one whose edit removed or wrote a line with a
    /// secret (the journal holds none: undo writes the value back instead), and every
    /// change of an entry written before edits were recorded (the field is missing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<Option<LineEdit>>,
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
            edits: Vec::new(),
        }
    }

    /// Record the line edit step `index` made (kept only when it holds no secret).
    pub fn record_edit(&mut self, index: usize, edit: Option<LineEdit>) {
        if self.edits.len() <= index {
            self.edits.resize(index + 1, None);
        }
        self.edits[index] = edit.filter(LineEdit::holds_no_secret);
    }

    /// The recorded edit of change `index`, if any.
    pub fn edit(&self, index: usize) -> Option<&LineEdit> {
        self.edits.get(index).and_then(Option::as_ref)
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

    /// A failure of the state folder, in the engine's terms.
    pub fn error(&self, e: StateError) -> Error {
        match e {
            StateError::Untrusted { path, why } => Error::StateNotPrivate { path, why },
            StateError::Io { source, .. } => Error::Journal { dir: self.dir.clone(), message: source.to_string() },
        }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Write (or rewrite) an entry atomically, scrubbed of secrets, 0600.
    pub fn write(&self, entry: &Entry) -> Result<PathBuf, StateError> {
        state::ensure_state_dir(&self.dir)?;
        let io = |e: std::io::Error| StateError::Io { path: self.dir.clone(), source: e };
        let edits = entry.edits.iter().map(|e| e.clone().filter(LineEdit::holds_no_secret)).collect();
        let entry = Entry { plan: entry.plan.scrubbed(), edits, ..entry.clone() };
        let mut tmp = tempfile::Builder::new().prefix(".journal-").tempfile_in(&self.dir).map_err(io)?;
        state::make_file_private(tmp.as_file(), tmp.path())?;
        serde_json::to_writer_pretty(&mut tmp, &entry).map_err(|e| io(e.into()))?;
        tmp.write_all(b"\n").map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        let path = self.path(&entry.id);
        // A rename replaces whatever is at `path` (a symlink too) and never follows it.
        tmp.persist(&path).map_err(|e| io(e.error))?;
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
    pub fn latest_undoable(&self) -> Result<Option<Entry>, StateError> {
        let mut entries = self.all()?;
        entries.retain(|e| matches!(e.state, EntryState::Applied | EntryState::Applying));
        Ok(entries.pop())
    }

    /// All readable entries, oldest first: from a checked folder, and only regular files
    /// of ours that only we may write to (a symlink or a file of another user is skipped).
    pub fn all(&self) -> Result<Vec<Entry>, StateError> {
        if !state::check_state_dir(&self.dir)? {
            return Ok(Vec::new());
        }
        let rd = std::fs::read_dir(&self.dir).map_err(|e| StateError::Io { path: self.dir.clone(), source: e })?;
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
            .filter_map(|p| match state::read_file(p) {
                Ok(bytes) => Some(bytes),
                Err(e) => {
                    tracing::warn!("skipping journal entry {e}");
                    None
                }
            })
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
    /// The state home (or the lock file) cannot be used.
    #[error("{0}")]
    State(#[from] StateError),
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

    /// Take the lock, waiting up to `wait` for another run to release it. The state
    /// home is made (or checked) private, and the state folder checked if it exists, so
    /// an untrusted one is refused before anything is planned.
    pub async fn lock(&self, wait: std::time::Duration) -> Result<JournalLock, LockError> {
        let path = self.lock_path();
        state::ensure_state_home(&self.dir)?;
        let mut options = std::fs::OpenOptions::new();
        let mut file = state::open_file(&path, options.read(true).write(true).create(true).truncate(false))?;
        let io = |e: std::io::Error| LockError::State(StateError::Io { path: path.clone(), source: e });
        let start = std::time::Instant::now();
        while !try_lock(&file).map_err(io)? {
            if start.elapsed() >= wait {
                return Err(LockError::Busy { pid: holder(&mut file) });
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        // Who holds it, for the message of a run that has to wait.
        use std::io::Seek;
        file.set_len(0).map_err(io)?;
        file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        Ok(JournalLock { file })
    }
}

/// The process id the holder of a lock wrote into it (read through our own handle:
/// the path is never opened twice).
fn holder(file: &mut std::fs::File) -> Option<u32> {
    use std::io::{Read, Seek};
    file.seek(std::io::SeekFrom::Start(0)).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
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

    #[test]
    fn entries_are_written_scrubbed_and_only_regular_ones_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(&dir.path().join("state").join("git-reauth"));
        let token = format!("ghp_{}", "k9".repeat(18));
        let change = Change::RemoteUrl {
            config: "/r/.git/config".into(),
            remote: "origin".into(),
            push: false,
            from: Some(format!("https://octo:{token}@github.com/o/r.git")),
            to: Some("https://github.com/o/r.git".into()),
        };
        let mut entry = Entry::new("github.com", None, Plan::default());
        // Even a plan put in by hand after `new` is written scrubbed.
        entry.plan = Plan { changes: vec![change] };
        entry.id = "20260101T000000.000Z-1".into();
        let path = j.write(&entry).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&token) && text.contains("https://octo:***@github.com/o/r.git"), "{text}");
        assert_eq!(j.all().unwrap().len(), 1);
        // A symlink to an entry elsewhere is not read.
        let elsewhere = dir.path().join("elsewhere.json");
        std::fs::copy(&path, &elsewhere).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&elsewhere, j.dir.join("20260102T000000.000Z-1.json")).unwrap();
            let ids: Vec<String> = j.all().unwrap().into_iter().map(|e| e.id).collect();
            assert_eq!(ids, vec![entry.id.clone()]);
        }
    }

    /// An entry as the previous version wrote it (no `edits`) still reads, with no edit;
    /// an edit that removed a line with a token is never recorded nor written.
    #[test]
    fn old_entries_read_and_edits_with_secrets_are_not_recorded() {
        let old = r#"{"version":1,"id":"20260101T000000.000Z-1","created":"2026-01-01T00:00:00+00:00",
            "state":"applied","host":"github.com","repository":null,
            "plan":{"changes":[{"kind":"config-key","file":"/x","key":"a.b","from":["1"],"to":[]}]}}"#;
        let entry: Entry = serde_json::from_str(old).unwrap();
        assert!(entry.edits.is_empty() && entry.edit(0).is_none());
        assert!(!serde_json::to_string(&entry).unwrap().contains("edits"), "no field while there is no edit");

        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(&dir.path().join("state"));
        let mut entry = entry;
        let token = format!("ghp_{}", "m3".repeat(18));
        let with_secret =
            LineEdit::between(Some(&format!("[a]\n\tb = https://octo:{token}@h/\n")), Some("[a]\n\tb = https://h/\n"));
        let plain = LineEdit::between(Some("[a]\n\tb = 1\n"), Some("[a]\n"));
        entry.record_edit(2, Some(with_secret.clone()));
        entry.record_edit(0, Some(plain.clone()));
        assert_eq!(entry.edits, vec![Some(plain.clone()), None, None]);
        // Even one put in by hand is not written.
        entry.edits[1] = Some(with_secret);
        let text = std::fs::read_to_string(j.write(&entry).unwrap()).unwrap();
        assert!(!text.contains(&token), "{text}");
        let back = j.all().unwrap().pop().unwrap();
        assert_eq!(back.edits, vec![Some(plain), None, None]);
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
        // Not `ZERO`: a process another test forks at this moment holds a copy of the
        // lock's file until it execs, so the release may take a moment to show.
        let _again = j.lock(LOCK_WAIT).await.unwrap();
        assert!(dir.path().join("state/git-reauth.lock").exists());
        assert!(!j.dir.exists(), "the journal directory itself is not created by locking");
    }
}
