//! The stable kind of a failure: what scripts and tests match on instead of the prose
//! (`doctor --json`'s `kind`, `engine::Error::kind`). A kind is part of the contract:
//! add freely, never rename. The README's table says what each means and what to do.

use serde::Serialize;

/// Defines [`Kind`] and [`Kind::ALL`] from one list, so no kind can be left out of ALL
/// (the README's table is checked against it).
macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// What went wrong, in one stable snake_case word.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind {
            $($(#[$doc])* $name,)*
        }

        impl Kind {
            /// Every kind, in the order of the README's table.
            pub const ALL: &'static [Kind] = &[$(Kind::$name,)*];
        }
    };
}

kinds! {
    // --- the input and the repository ---
    /// The value given cannot be a token.
    BadToken,
    /// Not inside a git repository.
    NotInRepo,
    /// No remote of that name.
    RemoteMissing,
    /// The repository has no remotes.
    NoRemotes,
    /// The remote is not a repository on the host.
    NotGithubRemote,
    /// The remote's URL carries a password or token.
    SecretInUrl,
    // --- which account ---
    /// git sends another login for this repository than the token's.
    AccountMismatch,
    /// Binding the repository to the token's login would not change what git sends.
    BindWouldNotHold,
    /// A `credential.*` setting stops git from asking its helpers.
    CredentialConfig,
    // --- git ---
    GitMissing,
    GitTooOld,
    GitBroken,
    /// A git command or config edit failed (a lock, a file).
    GitFailed,
    /// A credential helper did not answer in time.
    HelperTimeout,
    /// Asking git's helpers for the credential failed.
    HelperFailed,
    /// No home, or no git-reauth program, to configure.
    NoGlobalConfig,
    NoProgram,
    // --- GitHub's answer about the credential ---
    /// GitHub refuses the account password (password authentication was removed).
    PasswordRejected,
    /// "Bad credentials": a revoked, expired or mistyped token.
    TokenRejected,
    /// git has no saved credential for the host.
    NoCredential,
    /// A classic token without the scope pushing needs.
    MissingScope,
    /// A fine-grained token that grants Contents: read only.
    ReadOnlyToken,
    /// The account has no write role on the repository.
    NoWriteRole,
    /// GitHub refuses the push for another reason (its own words follow).
    PushRefused,
    /// The repository is not visible with this token (private, or not granted).
    RepoNotVisible,
    /// The organization requires SAML SSO authorization of the token.
    SsoRequired,
    /// The organization forbids personal access tokens (classic).
    ClassicTokenForbidden,
    /// "Resource not accessible by personal access token": a fine-grained permission is missing.
    PermissionMissing,
    // --- GitHub did not answer about the token ---
    /// The primary rate limit is exhausted.
    RateLimited,
    /// A secondary rate limit: slow down and wait.
    SecondaryRateLimit,
    /// The host cannot be reached.
    Network,
    /// The host answered with server errors.
    ServerError,
    /// An answer git-reauth does not understand (a proxy, a captive portal).
    UnexpectedAnswer,
    // --- where the token goes ---
    /// No credential helper is configured.
    NoHelper,
    /// The OS keyring cannot be used.
    KeyringUnavailable,
    // --- the proof after applying ---
    /// Another helper hands out a different credential before the new token.
    OtherCredentialFirst,
    /// After the fix, a helper hands out another account's login first (bind the repository).
    OtherLoginFirst,
    /// No helper kept the token.
    TokenNotKept,
    /// git's store helper cannot write its file's folder: the old credential stays.
    StoreNotWritable,
    /// git could not use the repository with the new token.
    LiveCheckFailed,
    // --- the state folder and the journal ---
    NoStateDir,
    /// The state folder could be changed by someone else.
    StateNotPrivate,
    /// The state folder (the undo journal) cannot be written.
    StateNotWritable,
    /// Another git-reauth run holds the lock.
    Busy,
    NothingToUndo,
    /// A setting no longer holds the value the plan expects.
    Conflict,
    /// Settings changed after git-reauth set them (undo refuses).
    ChangedSince,
    /// The setup changed between the plan shown and the moment to apply it.
    PlanChanged,
    /// Ctrl-C or a signal.
    Interrupted,
}

impl Kind {
    /// The kind as it appears in JSON.
    pub fn as_str(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// GitHub's `x-accepted-github-permissions` value (`contents=write`; `name=level` pairs
/// joined by `,`, alternatives by `;`) as the token page reads it: `Contents: write`.
pub fn describe_permissions(v: &str) -> String {
    let one = |p: &str| {
        let (name, level) = p.trim().split_once('=').unwrap_or((p.trim(), ""));
        let name = name.replace('_', " ");
        let mut chars = name.chars();
        let name = match chars.next() {
            Some(c) => format!("{}{}", c.to_ascii_uppercase(), chars.as_str()),
            None => name,
        };
        format!("{name}: {level}")
    };
    v.split(';').map(|alt| alt.split(',').map(one).collect::<Vec<_>>().join(" and ")).collect::<Vec<_>>().join(", or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_snake_case_words() {
        for k in [Kind::BadToken, Kind::NotGithubRemote, Kind::ClassicTokenForbidden, Kind::SecondaryRateLimit] {
            let s = k.as_str();
            assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s}");
        }
        assert_eq!(Kind::ClassicTokenForbidden.to_string(), "classic_token_forbidden");
        assert_eq!(Kind::PasswordRejected.as_str(), "password_rejected");
    }

    #[test]
    fn permissions_read_like_the_token_page() {
        assert_eq!(describe_permissions("contents=write"), "Contents: write");
        assert_eq!(
            describe_permissions("pull_requests=write,contents=read; issues=write"),
            "Pull requests: write and Contents: read, or Issues: write"
        );
    }
}
