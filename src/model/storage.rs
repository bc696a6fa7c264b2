//! Where git keeps the token: the user's own helpers, or one git-reauth configures
//! for the host. One type for every face (the command line wraps it for clap, the
//! wizard lists it).

/// Where git will keep the token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoreChoice {
    /// The user's configured helper chain.
    #[default]
    Helper,
    /// The OS keyring, through `git-reauth credential`, configured for this host only.
    Keyring,
    /// git's own `cache` helper for this host: memory only, forgotten after a day.
    Cache,
    /// git's own `store` helper for this host: a plaintext file (`~/.git-credentials`, 0600).
    File,
}

/// How long git's cache keeps the token with [`StoreChoice::Cache`].
pub const CACHE_SECONDS: u32 = 86_400;

impl StoreChoice {
    /// Every choice, in the order they are offered.
    pub const ALL: [StoreChoice; 4] =
        [StoreChoice::Helper, StoreChoice::Keyring, StoreChoice::Cache, StoreChoice::File];

    /// The name on the command line (`--store NAME`).
    pub fn name(self) -> &'static str {
        match self {
            StoreChoice::Helper => "helper",
            StoreChoice::Keyring => "keyring",
            StoreChoice::Cache => "cache",
            StoreChoice::File => "file",
        }
    }

    /// How the plan names the place.
    pub fn describe(self) -> &'static str {
        match self {
            StoreChoice::Helper => "your credential helper",
            StoreChoice::Keyring => "the OS keyring (git-reauth credential)",
            StoreChoice::Cache => "git's cache helper (memory only, forgotten after a day)",
            StoreChoice::File => "git's store helper (plaintext file ~/.git-credentials, mode 0600)",
        }
    }

    /// The helper command configured for the host, for the choices that configure one;
    /// `program` is git-reauth's own path (for the keyring). `None`: the user's chain,
    /// or no program to point at.
    pub fn helper_value(self, program: Option<&std::path::Path>) -> Option<String> {
        match self {
            StoreChoice::Helper => None,
            StoreChoice::Keyring => program.map(helper_command),
            StoreChoice::Cache => Some(format!("cache --timeout={CACHE_SECONDS}")),
            StoreChoice::File => Some("store".into()),
        }
    }
}

/// `!'<path>' credential`, quoted for the shell git runs `!` helpers with.
pub fn helper_command(exe: &std::path::Path) -> String {
    let path = exe.to_string_lossy().replace('\'', r"'\''");
    format!("!'{path}' credential")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_helper_values_match_git() {
        let names: std::collections::BTreeSet<_> = StoreChoice::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), StoreChoice::ALL.len());
        let exe = std::path::Path::new("/home/o'brien/bin/git-reauth");
        assert_eq!(StoreChoice::Helper.helper_value(Some(exe)), None);
        assert_eq!(StoreChoice::Keyring.helper_value(None), None, "no program, no keyring helper");
        assert_eq!(
            StoreChoice::Keyring.helper_value(Some(exe)).as_deref(),
            Some(r"!'/home/o'\''brien/bin/git-reauth' credential")
        );
        assert_eq!(StoreChoice::Cache.helper_value(None).as_deref(), Some("cache --timeout=86400"));
        assert_eq!(StoreChoice::File.helper_value(None).as_deref(), Some("store"));
    }
}
