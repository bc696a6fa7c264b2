//! Tokens: a secret wrapper, offline lint, and masking.

use secrecy::{ExposeSecret, SecretString};

/// A GitHub token. `Debug` prints `[REDACTED]`; the value is zeroized on drop.
#[derive(Clone)]
pub struct Token(SecretString);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({})", self.mask())
    }
}

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        Token(SecretString::from(value.into()))
    }
    /// The raw value. Call only at the boundary where it is sent.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
    /// See [`mask`].
    pub fn mask(&self) -> String {
        mask(self.expose())
    }
    pub fn kind(&self) -> TokenKind {
        TokenKind::of(self.expose())
    }
}

/// Which kind of token a value looks like, by prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// `ghp_`
    Classic,
    /// `github_pat_`
    FineGrained,
    /// `gho_`
    OAuth,
    /// `ghu_`
    UserToServer,
    /// `ghs_`
    Installation,
    /// `ghr_`
    Refresh,
    /// No known prefix: probably a password.
    Unknown,
}

impl TokenKind {
    /// Classify by prefix.
    pub fn of(value: &str) -> TokenKind {
        todo!("{value}")
    }
    /// "classic token", "fine-grained token", …, "not a GitHub token".
    pub fn describe(self) -> &'static str {
        todo!()
    }
}

/// A problem found by [`lint`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LintIssue {
    Empty,
    /// A space or tab inside (or around) the value.
    Whitespace,
    /// A line break inside the value (could inject credential-protocol lines).
    LineBreak,
    /// Other control characters.
    ControlChar,
    /// No known prefix: almost certainly the account password.
    NoKnownPrefix,
    /// Characters outside `[A-Za-z0-9_]` after the prefix.
    BadCharacters,
    /// Longer than GitHub's 255-character maximum.
    TooLong(usize),
    /// A known prefix with an unusual length (warning only: GitHub may change lengths).
    UnusualLength {
        kind: TokenKind,
        len: usize,
    },
    /// `ghr_`/`ghs_`: not a token a person uses for git.
    NotForGit(TokenKind),
}

impl LintIssue {
    /// Fatal issues stop setup before any network call; the rest are warnings.
    pub fn is_fatal(&self) -> bool {
        todo!()
    }
    /// One line for the user, never containing the value itself.
    pub fn message(&self) -> String {
        todo!()
    }
}

/// The outcome of [`lint`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lint {
    pub kind: TokenKind,
    pub issues: Vec<LintIssue>,
}

impl Lint {
    /// The first fatal issue, if any.
    pub fn fatal(&self) -> Option<&LintIssue> {
        self.issues.iter().find(|i| i.is_fatal())
    }
}

/// Check a pasted value offline: shape, prefix, characters, length.
pub fn lint(value: &str) -> Lint {
    todo!("{value}")
}

/// Show a token safely: the known prefix, `…`, and the last 4 characters
/// (`ghp_…a1B2`); values without a known prefix or shorter than 16 characters
/// become `****`. Never reveals more than 4 characters of the secret part.
pub fn mask(value: &str) -> String {
    todo!("{value}")
}
