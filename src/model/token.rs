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
        match self {
            LintIssue::UnusualLength { .. } => false,
            LintIssue::NotForGit(kind) => *kind != TokenKind::Installation,
            _ => true,
        }
    }
    /// One line for the user, never containing the value itself.
    pub fn message(&self) -> String {
        match self {
            LintIssue::Empty => "the token is empty".into(),
            LintIssue::Whitespace => "the token contains a space or tab — copy it again without spaces".into(),
            LintIssue::LineBreak => "the token contains a line break — paste a single line".into(),
            LintIssue::ControlChar => "the token contains invisible control characters — copy it again".into(),
            LintIssue::NoKnownPrefix => {
                "this looks like a password, not a token: GitHub tokens start with ghp_ or github_pat_".into()
            }
            LintIssue::BadCharacters => "the token contains characters GitHub tokens never have \
                 (only letters, digits and _) — copy it again"
                .into(),
            LintIssue::TooLong(len) => {
                format!("the token is {len} characters long; GitHub tokens are at most {MAX_LEN}")
            }
            LintIssue::UnusualLength { kind, len } => match kind.standard_len() {
                Some(std) => format!(
                    "this {} is {len} characters long, usually it is {std} — check it was copied completely",
                    kind.describe()
                ),
                None => format!("the token is {len} characters long, which is unusual"),
            },
            LintIssue::NotForGit(TokenKind::Refresh) => "this is a refresh token (ghr_); it cannot \
                 authenticate — use a classic (ghp_) or fine-grained (github_pat_) token"
                .into(),
            LintIssue::NotForGit(TokenKind::Installation) => "this is a GitHub App installation \
                 token (ghs_); it expires within an hour — a personal access token is better for git"
                .into(),
            LintIssue::NotForGit(kind) => {
                format!("this {} is not meant for git — use a personal access token", kind.describe())
            }
        }
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
    let mut issues = Vec::new();
    // Prefix checks look past surrounding blanks, which get their own issue.
    let trimmed = value.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    let kind = TokenKind::of(trimmed);
    if trimmed.is_empty() {
        issues.push(LintIssue::Empty);
    }
    if value.contains([' ', '\t']) {
        issues.push(LintIssue::Whitespace);
    }
    if value.contains(['\n', '\r']) {
        issues.push(LintIssue::LineBreak);
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        issues.push(LintIssue::ControlChar);
    }
    if trimmed.is_empty() {
        return Lint { kind, issues };
    }
    let len = value.chars().count();
    if len > MAX_LEN {
        issues.push(LintIssue::TooLong(len));
    }
    if kind == TokenKind::Unknown {
        issues.push(LintIssue::NoKnownPrefix);
        return Lint { kind, issues };
    }
    let body = trimmed.get(kind.prefix().len()..).unwrap_or("");
    if body.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c.is_whitespace() || c.is_control())) {
        issues.push(LintIssue::BadCharacters);
    }
    if matches!(kind, TokenKind::Refresh | TokenKind::Installation) {
        issues.push(LintIssue::NotForGit(kind));
    }
    let trimmed_len = trimmed.chars().count();
    if kind.standard_len().is_some_and(|std| std != trimmed_len) {
        issues.push(LintIssue::UnusualLength { kind, len: trimmed_len });
    }
    Lint { kind, issues }
}

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

    const BODY36: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

    fn classic() -> String {
        format!("ghp_{BODY36}")
    }
    fn fine_grained() -> String {
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
    fn lint_table() {
        use LintIssue as L;
        let long = format!("ghp_{}", "a".repeat(296));
        let table: Vec<(String, TokenKind, Vec<LintIssue>)> = vec![
            (classic(), TokenKind::Classic, vec![]),
            (fine_grained(), TokenKind::FineGrained, vec![]),
            (format!("gho_{BODY36}"), TokenKind::OAuth, vec![]),
            (format!("ghu_{BODY36}"), TokenKind::UserToServer, vec![]),
            ("".into(), TokenKind::Unknown, vec![L::Empty]),
            ("  \n".into(), TokenKind::Unknown, vec![L::Empty, L::Whitespace, L::LineBreak]),
            (format!(" {}", classic()), TokenKind::Classic, vec![L::Whitespace]),
            (format!("{} ", classic()), TokenKind::Classic, vec![L::Whitespace]),
            (format!("{}\t", classic()), TokenKind::Classic, vec![L::Whitespace]),
            (format!("ghp_abc def{}", &BODY36[..29]), TokenKind::Classic, vec![L::Whitespace]),
            (format!("{}\n", classic()), TokenKind::Classic, vec![L::LineBreak]),
            (format!("{}\r\n", classic()), TokenKind::Classic, vec![L::LineBreak]),
            (format!("ghp_{}\nabc", &BODY36[..32]), TokenKind::Classic, vec![L::LineBreak]),
            (format!("ghp_{BODY36}\0"), TokenKind::Classic, vec![L::ControlChar]),
            (format!("ghp_{}\u{1b}{}", &BODY36[..10], &BODY36[11..]), TokenKind::Classic, vec![L::ControlChar]),
            ("hunter2".into(), TokenKind::Unknown, vec![L::NoKnownPrefix]),
            ("correct horse".into(), TokenKind::Unknown, vec![L::Whitespace, L::NoKnownPrefix]),
            (format!("ghp_{}-", &BODY36[..35]), TokenKind::Classic, vec![L::BadCharacters]),
            (format!("ghp_{}é", &BODY36[..35]), TokenKind::Classic, vec![L::BadCharacters]),
            (
                long.clone(),
                TokenKind::Classic,
                vec![L::TooLong(300), L::UnusualLength { kind: TokenKind::Classic, len: 300 }],
            ),
            ("x".repeat(256), TokenKind::Unknown, vec![L::TooLong(256), L::NoKnownPrefix]),
            ("ghp_short".into(), TokenKind::Classic, vec![L::UnusualLength { kind: TokenKind::Classic, len: 9 }]),
            (
                "github_pat_abc".into(),
                TokenKind::FineGrained,
                vec![L::UnusualLength { kind: TokenKind::FineGrained, len: 14 }],
            ),
            (format!("ghr_{BODY36}"), TokenKind::Refresh, vec![L::NotForGit(TokenKind::Refresh)]),
            (format!("ghs_{BODY36}"), TokenKind::Installation, vec![L::NotForGit(TokenKind::Installation)]),
        ];
        for (value, kind, issues) in table {
            let l = lint(&value);
            assert_eq!(l.kind, kind, "{value:?}");
            assert_eq!(l.issues, issues, "{value:?}");
        }
    }

    #[test]
    fn fatality() {
        use LintIssue as L;
        let fatal = [
            L::Empty,
            L::Whitespace,
            L::LineBreak,
            L::ControlChar,
            L::NoKnownPrefix,
            L::BadCharacters,
            L::TooLong(300),
            L::NotForGit(TokenKind::Refresh),
        ];
        for i in fatal {
            assert!(i.is_fatal(), "{i:?}");
        }
        let warn = [L::UnusualLength { kind: TokenKind::Classic, len: 41 }, L::NotForGit(TokenKind::Installation)];
        for i in warn {
            assert!(!i.is_fatal(), "{i:?}");
        }
        assert_eq!(lint(&format!("ghs_{BODY36}")).fatal(), None);
        assert_eq!(lint("ghp_short").fatal(), None);
        assert_eq!(lint(&format!(" ghr_{BODY36}")).fatal(), Some(&L::Whitespace));
        assert_eq!(lint(&format!("ghr_{BODY36}")).fatal(), Some(&L::NotForGit(TokenKind::Refresh)));
        assert_eq!(lint("hunter2").fatal(), Some(&L::NoKnownPrefix));
    }

    #[test]
    fn messages() {
        use LintIssue as L;
        assert_eq!(L::Empty.message(), "the token is empty");
        assert_eq!(L::Whitespace.message(), "the token contains a space or tab — copy it again without spaces");
        assert_eq!(L::LineBreak.message(), "the token contains a line break — paste a single line");
        assert_eq!(
            L::NoKnownPrefix.message(),
            "this looks like a password, not a token: GitHub tokens start with ghp_ or github_pat_"
        );
        assert_eq!(L::TooLong(300).message(), "the token is 300 characters long; GitHub tokens are at most 255");
        assert!(L::UnusualLength { kind: TokenKind::Classic, len: 41 }.message().contains("41"));
        assert!(L::NotForGit(TokenKind::Refresh).message().contains("refresh token"));
        assert!(L::NotForGit(TokenKind::Installation).message().contains("installation token"));
        assert!(!L::ControlChar.message().is_empty());
        assert!(!L::BadCharacters.message().is_empty());
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
        fn lint_never_panics_and_messages_hide_value(v in ".{0,300}") {
            let l = lint(&v);
            prop_assert_eq!(l.kind, TokenKind::of(v.trim_matches(|c: char| c.is_whitespace() || c.is_control())));
            if v.is_empty() {
                prop_assert_eq!(l.issues.clone(), vec![LintIssue::Empty]);
            }
            for i in &l.issues {
                let m = i.message();
                if v.chars().count() >= 8 {
                    prop_assert!(!m.contains(v.as_str()), "{}", m);
                }
            }
        }

        #[test]
        fn valid_shapes_lint_clean(
            prefix in "(ghp_|gho_|ghu_)",
            body in "[A-Za-z0-9]{36}",
            fg in "[A-Za-z0-9_]{82}",
        ) {
            let l = lint(&format!("{prefix}{body}"));
            prop_assert!(l.issues.is_empty(), "{:?}", l.issues);
            let l = lint(&format!("github_pat_{fg}"));
            prop_assert!(l.issues.is_empty(), "{:?}", l.issues);
        }

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
