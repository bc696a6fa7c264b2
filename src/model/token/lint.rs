//! The offline lint of a pasted value: shape, prefix, characters, length. Nothing here
//! ever repeats the value.

use super::{MAX_LEN, TokenKind};

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
    /// The same token (or two tokens) in one value: pasted twice.
    PastedTwice,
    /// A web address, not a token (the creation page, or a remote URL).
    Url,
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
            LintIssue::PastedTwice => "this holds two tokens — it was pasted twice; paste it once".into(),
            LintIssue::Url => {
                "this is a web address, not a token — copy the token GitHub shows (ghp_… or github_pat_…)".into()
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
    // First of all: what it is instead of a token says more than what it lacks.
    if trimmed.contains("://") || trimmed.to_ascii_lowercase().starts_with("www.") {
        issues.insert(0, LintIssue::Url);
    } else if kind != TokenKind::Unknown && pasted_twice(trimmed) {
        issues.insert(0, LintIssue::PastedTwice);
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

/// Two tokens in one value: two token-shaped words, or a token of its standard length
/// followed at once by another.
fn pasted_twice(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.len() >= 2 {
        return words.iter().filter(|w| TokenKind::of(w) != TokenKind::Unknown).count() >= 2;
    }
    TokenKind::of(value)
        .standard_len()
        .and_then(|n| value.get(n..))
        .is_some_and(|rest| TokenKind::of(rest) != TokenKind::Unknown)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::token::tests::{BODY36, classic, fine_grained};
    use proptest::prelude::*;

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
    }
}
