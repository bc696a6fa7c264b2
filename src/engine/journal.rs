//! The undo journal: one JSON file per applied change set in the state directory,
//! written atomically (temp file + rename) with mode 0600. Holds no secrets.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    pub fn new(host: &str, repository: Option<PathBuf>, plan: Plan) -> Entry {
        let now = chrono::Utc::now();
        Entry {
            version: 1,
            id: format!("{}-{}", now.format("%Y%m%dT%H%M%S%.3fZ"), std::process::id()),
            created: now.to_rfc3339(),
            state: EntryState::Applying,
            host: host.into(),
            repository,
            plan,
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

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Write (or rewrite) an entry atomically.
    pub fn write(&self, entry: &Entry) -> std::io::Result<PathBuf> {
        create_private_dir(&self.dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".journal-").tempfile_in(&self.dir)?;
        serde_json::to_writer_pretty(&mut tmp, entry)?;
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
        // No temp files are left behind.
        assert_eq!(std::fs::read_dir(&j.dir).unwrap().count(), 2);
    }
}
