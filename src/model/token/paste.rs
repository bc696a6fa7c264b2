//! A token as people paste it: from a web page, a chat, a password manager or a Windows
//! terminal, a token arrives with blanks, a line end, a byte-order mark or quotes
//! around it. Those are taken off (never anything inside); what is left must pass the
//! lint. The wizard and `setup --token-stdin` accept exactly what [`accept`] accepts.

use super::{Lint, LintIssue, Token, lint};

/// Invisible characters a copy can add around a value: the byte-order mark and the
/// zero-width spaces and joiners.
const INVISIBLE: [char; 5] = ['\u{feff}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}'];

/// Quote pairs a chat or a document puts around a value.
const QUOTES: [(char, char); 7] =
    [('"', '"'), ('\'', '\''), ('`', '`'), ('“', '”'), ('‘', '’'), ('«', '»'), ('„', '“')];

/// `pasted` without what copying adds around it: surrounding whitespace (spaces, tabs,
/// CR, LF), invisible marks, and matching quotes, as often as they nest. The inside is
/// never touched.
pub fn clean(pasted: &str) -> &str {
    let mut v = pasted;
    loop {
        let trimmed = v.trim_matches(|c: char| c.is_whitespace() || INVISIBLE.contains(&c));
        let unquoted = QUOTES
            .iter()
            .find_map(|(open, close)| trimmed.strip_prefix(*open).and_then(|rest| rest.strip_suffix(*close)))
            .unwrap_or(trimmed);
        if unquoted.len() == v.len() {
            return v;
        }
        v = unquoted;
    }
}

/// The lint of what would be accepted: [`lint`] of the [`clean`] value.
pub fn check(pasted: &str) -> Lint {
    lint(clean(pasted))
}

/// The token in `pasted`, or the first reason it cannot be one (before any request).
pub fn accept(pasted: &str) -> Result<Token, LintIssue> {
    let value = clean(pasted);
    match lint(value).fatal() {
        Some(issue) => Err(issue.clone()),
        None => Ok(Token::new(value)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::token::tests::{classic, fine_grained};

    #[test]
    fn what_copying_adds_around_a_token_is_taken_off() {
        let t = classic();
        for pasted in [
            format!("{t}\n"),
            format!("{t}\r\n"),
            format!("  {t}\t"),
            format!("\u{feff}{t}"),
            format!("\"{t}\""),
            format!("'{t}'\n"),
            format!("`{t}`"),
            format!("“{t}”"),
            format!(" \"\u{200b}{t}\" "),
            format!("\u{feff}\"  {t}  \"\r\n"),
        ] {
            assert_eq!(accept(&pasted).map(|t| t.expose().to_string()), Ok(t.clone()), "{pasted:?}");
        }
        assert_eq!(accept(&fine_grained()).unwrap().expose(), fine_grained());
    }

    #[test]
    fn the_inside_is_never_touched() {
        let t = classic();
        let (a, b) = t.split_at(20);
        assert_eq!(accept(&format!("{a} {b}")).err(), Some(LintIssue::Whitespace));
        assert_eq!(accept(&format!("{a}\n{b}")).err(), Some(LintIssue::LineBreak));
        let mismatched = format!("\"{t}'");
        assert_eq!(clean(&mismatched), mismatched, "quotes that do not match stay");
        assert!(accept(&mismatched).is_err());
        assert_eq!(clean("\"a\"b\""), "a\"b", "one pair from the outside only");
    }

    #[test]
    fn a_url_a_token_pasted_twice_and_a_password_get_their_own_message() {
        let t = classic();
        assert_eq!(accept(&format!("{t}{t}")).err(), Some(LintIssue::PastedTwice));
        assert_eq!(accept(&format!("{t} {t}")).err(), Some(LintIssue::PastedTwice));
        assert_eq!(accept(&format!("{t}\n{t}")).err(), Some(LintIssue::PastedTwice));
        assert_eq!(accept("https://github.com/settings/tokens/new?scopes=repo").err(), Some(LintIssue::Url));
        assert_eq!(accept(&format!("https://octo:{t}@github.com/o/r.git")).err(), Some(LintIssue::Url));
        assert_eq!(accept("correct-horse-battery-staple").err(), Some(LintIssue::NoKnownPrefix));
        for issue in [LintIssue::PastedTwice, LintIssue::Url] {
            assert!(!issue.message().is_empty() && !issue.message().contains('\n'));
        }
    }
}
