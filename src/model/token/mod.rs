//! Tokens: a secret wrapper, what kind a value looks like, masking; the offline lint
//! of a pasted value is in [`lint()`].

mod lint;
mod paste;

pub use lint::{Lint, LintIssue, lint};
pub use paste::{accept, check as check_pasted, clean};

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
    /// Wrap a value; from here on it is a secret.
    pub fn new(value: impl Into<String>) -> Token {
        Token(SecretString::from(value.into()))
    }
    /// The raw value. Call only at the boundary where it is sent.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    /// The value as a [`SecretString`], for the edges that take one (octocrab, helpers).
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
    /// See [`mask`].
    pub fn mask(&self) -> String {
        mask(self.expose())
    }
    /// See [`TokenKind::of`].
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
        PREFIXES.iter().find(|(p, _)| value.starts_with(p)).map_or(TokenKind::Unknown, |&(_, k)| k)
    }
    /// "classic token", "fine-grained token", …, "not a GitHub token".
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Classic => "classic token",
            TokenKind::FineGrained => "fine-grained token",
            TokenKind::OAuth => "OAuth token",
            TokenKind::UserToServer => "GitHub App user token",
            TokenKind::Installation => "GitHub App installation token",
            TokenKind::Refresh => "refresh token",
            TokenKind::Unknown => "not a GitHub token",
        }
    }
    /// The prefix (`ghp_`, `github_pat_`, …); empty for `Unknown`.
    pub fn prefix(self) -> &'static str {
        PREFIXES.iter().find(|(_, k)| *k == self).map_or("", |(p, _)| p)
    }
    /// The usual total length (40, or 93 for fine-grained); `None` for `Unknown`.
    pub fn standard_len(self) -> Option<usize> {
        match self {
            TokenKind::Unknown => None,
            TokenKind::FineGrained => Some(93),
            _ => Some(40),
        }
    }
}

/// GitHub's maximum token length.
pub const MAX_LEN: usize = 255;

/// Known prefixes. `ghp_` etc. never start `github_pat_`, so order does not matter.
const PREFIXES: [(&str, TokenKind); 6] = [
    ("github_pat_", TokenKind::FineGrained),
    ("ghp_", TokenKind::Classic),
    ("gho_", TokenKind::OAuth),
    ("ghu_", TokenKind::UserToServer),
    ("ghs_", TokenKind::Installation),
    ("ghr_", TokenKind::Refresh),
];

/// Show a token safely: the known prefix, `…`, and the last 4 characters
/// (`ghp_…a1B2`); values without a known prefix or shorter than 16 characters
/// become `****`. Never reveals more than 4 characters of the secret part.
pub fn mask(value: &str) -> String {
    let kind = TokenKind::of(value);
    let n = value.chars().count();
    if kind == TokenKind::Unknown || n < 16 {
        return "****".into();
    }
    let tail: String = value.chars().skip(n.saturating_sub(4)).map(|c| if c.is_control() { '?' } else { c }).collect();
    format!("{}…{tail}", kind.prefix())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(super) const BODY36: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

    pub(super) fn classic() -> String {
        format!("ghp_{BODY36}")
    }
    pub(super) fn fine_grained() -> String {
        format!("github_pat_{}", "A1_b".repeat(19) + "xyZz99")
    }

    #[test]
    fn kinds() {
        let table = [
            ("ghp_x", TokenKind::Classic, "classic token"),
            ("github_pat_x", TokenKind::FineGrained, "fine-grained token"),
            ("gho_x", TokenKind::OAuth, "OAuth token"),
            ("ghu_x", TokenKind::UserToServer, "GitHub App user token"),
            ("ghs_x", TokenKind::Installation, "GitHub App installation token"),
            ("ghr_x", TokenKind::Refresh, "refresh token"),
            ("hunter2", TokenKind::Unknown, "not a GitHub token"),
            ("GHP_x", TokenKind::Unknown, "not a GitHub token"),
            ("", TokenKind::Unknown, "not a GitHub token"),
            ("github_x", TokenKind::Unknown, "not a GitHub token"),
        ];
        for (v, kind, desc) in table {
            assert_eq!(TokenKind::of(v), kind, "{v}");
            assert_eq!(kind.describe(), desc);
            assert_eq!(Token::new(v).kind(), kind);
        }
        assert_eq!(fine_grained().len(), 93);
        assert_eq!(classic().len(), 40);
    }

    #[test]
    fn mask_table() {
        let table = [
            (classic(), "ghp_…6789".to_string()),
            (fine_grained(), "github_pat_…Zz99".to_string()),
            (format!("ghp_{}a1B2", "x".repeat(32)), "ghp_…a1B2".to_string()),
            ("ghp_123456789012".into(), "ghp_…9012".into()),
            ("ghp_12345678901".into(), "****".into()),
            ("hunter2hunter2hunter2".into(), "****".into()),
            ("".into(), "****".into()),
            ("ghp_".into(), "****".into()),
        ];
        for (v, m) in table {
            assert_eq!(mask(&v), m, "{v}");
        }
    }

    #[test]
    fn debug_is_masked() {
        let t = Token::new(classic());
        let dbg = format!("{t:?}");
        assert_eq!(dbg, "Token(ghp_…6789)");
        assert!(!dbg.contains(BODY36));
        assert_eq!(t.expose(), classic());
        assert_eq!(t.mask(), "ghp_…6789");
    }

    proptest! {
        #[test]
        fn mask_reveals_at_most_four(
            prefix in "(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|)",
            body in ".{0,100}",
        ) {
            let v = format!("{prefix}{body}");
            let m = mask(&v);
            if m != "****" {
                let kind = TokenKind::of(&v);
                let shown = m.strip_prefix(kind.prefix()).and_then(|r| r.strip_prefix('…'));
                prop_assert!(shown.is_some(), "{}", m);
                prop_assert!(shown.unwrap().chars().count() <= 4);
                prop_assert!(v.chars().count() >= 16);
            }
            // The secret part never appears in full when it is longer than 4 characters.
            let secret = &v[TokenKind::of(&v).prefix().len()..];
            if secret.chars().count() > 4 {
                prop_assert!(!m.contains(secret));
            }
        }
    }
}
