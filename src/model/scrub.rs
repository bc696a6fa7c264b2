//! Secrets out of values that are recorded (the undo journal) or shown: remote URLs,
//! git config values and credential helper commands such as
//! `!GH_TOKEN=ghp_… gh auth git-credential`. What is masked becomes [`MASK`]; the rest
//! stays as it was, so a scrubbed value still says what it was.

use crate::model::remote::redact;
use crate::model::token::TokenKind;

/// What a secret is replaced with (the same as [`redact`]'s).
pub const MASK: &str = "***";

/// `value` with every secret it may hold replaced by [`MASK`]:
/// - in each whitespace-separated word, a URL's password or token-shaped user name
///   ([`redact`]);
/// - every GitHub token: a known prefix (`ghp_`, `github_pat_`, …) where a word or a
///   part of it (after `/`, `=`, `:`…) begins, with the letters and digits after it;
/// - every long random-looking word (32 or more letters, digits, `_` or `-`, with both
///   letters and digits: an old 40-hex token, an API key);
/// - the value of every shell assignment `NAME=VALUE` (`GH_TOKEN=…` before a helper's
///   command), quoted or not, unless it only refers to a variable (`$TOKEN`, `"$(…)"`).
///
/// Idempotent (`scrub(scrub(v)) == scrub(v)`), so a scrubbed record compares equal to
/// the scrubbed current value.
pub fn scrub(value: &str) -> String {
    // One pass can uncover what another pass masks (a masked value that held the `/`
    // ending a URL's authority): repeat until nothing changes. Every pass only replaces
    // text with the mask, so a few suffice.
    let mut now = scrub_once(value);
    for _ in 0..8 {
        let again = scrub_once(&now);
        if again == now {
            break;
        }
        now = again;
    }
    now
}

fn scrub_once(value: &str) -> String {
    let urls = map_words(value, char::is_whitespace, redact);
    let tokens = mask_tokens(&urls);
    let words = map_words(&tokens, is_separator, |w| if looks_random(w) { MASK.into() } else { w.into() });
    mask_assignments(&words)
}

/// Every value of a list scrubbed.
pub fn scrub_all(values: &[String]) -> Vec<String> {
    values.iter().map(|v| scrub(v)).collect()
}

/// True when [`scrub`] would hide something in `value`.
pub fn holds_secret(value: &str) -> bool {
    scrub(value) != value
}

/// True for a value a secret was masked out of.
pub fn is_scrubbed(value: &str) -> bool {
    value.contains(MASK)
}

/// Where shell words end: whitespace, quotes and the shell's operators.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | '`' | ';' | '|' | '&' | '(' | ')' | '{' | '}' | '<' | '>' | '=')
}

/// `text` with every maximal run of non-separator characters replaced by `f(run)`.
fn map_words(text: &str, sep: impl Fn(char) -> bool, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = None;
    for (i, c) in text.char_indices() {
        match (sep(c), word_start) {
            (true, Some(s)) => {
                out.push_str(&f(&text[s..i]));
                out.push(c);
                word_start = None;
            }
            (true, None) => out.push(c),
            (false, None) => word_start = Some(i),
            (false, Some(_)) => {}
        }
    }
    if let Some(s) = word_start {
        out.push_str(&f(&text[s..]));
    }
    out
}

/// Every GitHub token (a known prefix at the start of a word part, and the letters,
/// digits and `_` that follow it) replaced by [`MASK`].
fn mask_tokens(text: &str) -> String {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let rest = &text[i..];
        let kind = TokenKind::of(rest);
        let at_boundary = !text[..i].chars().next_back().is_some_and(is_token_char);
        if at_boundary && kind != TokenKind::Unknown {
            let after = &rest[kind.prefix().len()..];
            let body = after.find(|c: char| !is_token_char(c)).unwrap_or(after.len());
            if body > 0 {
                out.push_str(MASK);
                i += kind.prefix().len() + body;
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A long word of letters and digits: an old 40-hex token, an API key.
fn looks_random(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && word.chars().count() >= 32
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic())
}

/// `NAME=VALUE` → `NAME=***` wherever a shell word starts with an assignment.
fn mask_assignments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        // (`!` starts git's shell helpers: `!GH_TOKEN=… gh auth git-credential`.)
        let at_word_start = text[..i].chars().next_back().is_none_or(|c| (is_separator(c) && c != '=') || c == '!');
        if at_word_start && let Some(name_len) = assignment_name(rest) {
            let value_start = i + name_len + 1;
            let value_end = value_end(text, value_start);
            let value = &text[value_start..value_end];
            out.push_str(&text[i..value_start]);
            out.push_str(if keeps(value) { value } else { MASK });
            i = value_end;
            continue;
        }
        let c = rest.chars().next().map_or(1, char::len_utf8);
        out.push_str(&rest[..c]);
        i += c;
    }
    out
}

/// The length of `NAME` when `text` starts with a shell assignment `NAME=`.
fn assignment_name(text: &str) -> Option<usize> {
    let first = text.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let len = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    text[len..].starts_with('=').then_some(len)
}

/// Where the value starting at `start` ends: at the matching quote of a quoted value,
/// else at the next separator (a quote inside a word continues it, as in the shell).
fn value_end(text: &str, start: usize) -> usize {
    let mut quote = None;
    for (i, c) in text[start..].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')' | '{' | '}' | '<' | '>' | '`') => {
                return start + i;
            }
            None => {}
        }
    }
    text.len()
}

/// A value that needs no mask: empty, already masked, or only a reference to a variable.
fn keeps(value: &str) -> bool {
    let inner = value.trim_matches(['\'', '"']);
    inner.is_empty() || inner == MASK || (inner.starts_with('$') && !value.starts_with('\''))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A token-shaped value built at run time (never a literal in the tree).
    fn token(prefix: &str) -> String {
        format!("{prefix}{}", "aB3".repeat(12))
    }

    #[test]
    fn scrub_table() {
        let t = token("ghp_");
        let fine = token("github_pat_");
        let hex = "0123456789abcdef".repeat(3);
        let table: Vec<(String, String)> = vec![
            (format!("http://octo:{t}@127.0.0.1:8080/o/r.git"), "http://octo:***@127.0.0.1:8080/o/r.git".into()),
            (format!("https://{t}@github.com/o/r"), "https://***@github.com/o/r".into()),
            (format!("!GH_TOKEN={t} gh auth git-credential"), "!GH_TOKEN=*** gh auth git-credential".into()),
            (format!("!GH_TOKEN='{t}' gh auth"), "!GH_TOKEN='***' gh auth".into()),
            ("!env PASS=\"two words\" helper".into(), "!env PASS=*** helper".into()),
            (format!("!f() {{ echo password={fine}; }}; f"), "!f() { echo password=***; }; f".into()),
            (format!("!helper --token {t}"), "!helper --token ***".into()),
            (format!("!helper --token={t}"), "!helper --token=***".into()),
            (format!("https://h/o/r?next=x/{t}"), "https://h/o/r?next=x/***".into()),
            (format!("!helper {hex}"), "!helper ***".into()),
            (format!("!sh -c 'echo \"{t}\"'"), "!sh -c 'echo \"***\"'".into()),
            // Nothing secret: unchanged.
            ("store --file=/home/o/.git-credentials".into(), "store --file=/home/o/.git-credentials".into()),
            ("!GH_TOKEN=$(cat ~/.tok) gh auth".into(), "!GH_TOKEN=$(cat ~/.tok) gh auth".into()),
            ("!f() { echo \"password=$TOKEN\"; }; f".into(), "!f() { echo \"password=$TOKEN\"; }; f".into()),
            ("cache --timeout=3600".into(), "cache --timeout=3600".into()),
            ("git@github.com:o/r.git".into(), "git@github.com:o/r.git".into()),
            ("https://github.com/".into(), "https://github.com/".into()),
            ("/usr/lib/git-core/git-credential-libsecret".into(), "/usr/lib/git-core/git-credential-libsecret".into()),
            ("".into(), "".into()),
        ];
        for (input, expected) in table {
            assert_eq!(scrub(&input), expected, "{input}");
            assert_eq!(holds_secret(&input), input != expected, "{input}");
        }
    }

    #[test]
    fn a_scrubbed_value_says_so() {
        assert!(is_scrubbed(&scrub(&format!("https://u:{}@h/o/r", token("gho_")))));
        assert!(!is_scrubbed("https://h/o/r"));
    }

    proptest! {
        #[test]
        fn scrub_is_idempotent(s in ".{0,80}") {
            let once = scrub(&s);
            prop_assert_eq!(scrub(&once), once.clone());
        }

        #[test]
        fn scrub_is_idempotent_on_helper_like_text(
            s in "[!a-zA-Z_=$'\" ;:/@.{}()-]{0,60}",
        ) {
            let once = scrub(&s);
            prop_assert_eq!(scrub(&once), once.clone());
        }

        #[test]
        fn no_token_survives_in_any_surroundings(
            prefix in "(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_)",
            body in "[A-Za-z0-9_]{8,40}",
            before in "[a-zA-Z !=:/@'\";|&(){}-]{0,12}",
            after in "[a-zA-Z !=:/@'\";|&(){}-]{0,12}",
        ) {
            let t = format!("{prefix}{body}");
            // A token glued to letters before it is not a word of its own.
            let before = if before.ends_with(|c: char| c.is_ascii_alphanumeric()) { format!("{before} ") } else { before };
            let scrubbed = scrub(&format!("{before}{t}{after}"));
            prop_assert!(!scrubbed.contains(&t), "{}", scrubbed);
            prop_assert!(!scrubbed.contains(&body), "{}", scrubbed);
        }

        #[test]
        fn no_assigned_value_survives(
            name in "[A-Z_][A-Z0-9_]{0,10}",
            value in "[A-Za-z0-9%+/.,:@]{6,20}",
            quote in "['\"]?",
            rest in "( [a-z -]{0,20})?",
        ) {
            let secret = format!("S3CR3T{value}");
            let scrubbed = scrub(&format!("!{name}={quote}{secret}{quote}{rest}"));
            prop_assert!(!scrubbed.contains(&secret), "{}", scrubbed);
        }
    }
}
