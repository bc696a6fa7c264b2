//! Text that came from another program (git, a credential helper, a server) made safe
//! to show: a terminal obeys control characters, so an escape sequence in a helper's
//! stderr could retitle the window, clear the screen or hide text. Every control is
//! turned into a visible escape instead, and a line that goes on and on is cut.

/// `s` as one line with every control character made visible: ESC as `\e`, CR, LF and
/// tab as `\r`, `\n`, `\t`, other C0 controls and DEL as `\xNN`, C1 controls and the
/// bidirectional overrides (which reorder what is shown) as `\u{NN}`. Anything else,
/// backslashes included, is kept, so `printable(&printable(s)) == printable(s)`.
pub fn printable(s: &str) -> String {
    escape(s, false)
}

/// [`printable`] for a message of several lines (git's push output): line breaks and
/// tabs are kept, and a CR (a progress line that overwrites itself) becomes a line break.
pub fn printable_lines(s: &str) -> String {
    escape(&s.replace("\r\n", "\n"), true)
}

/// At most `max` characters of `s`; a longer text is cut and says so.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((at, _)) => format!("{}… (cut at {max} characters)", &s[..at]),
    }
}

fn escape(s: &str, lines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' if lines => out.push(c),
            '\r' if lines => out.push('\n'),
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\x1f' | '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_c1(c) || is_bidi(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// U+0080..U+009F: a terminal may read U+009B as CSI, U+009D as OSC.
fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

/// The invisible marks and overrides that change the order text is shown in.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_become_visible() {
        let table = [
            ("plain text: ok", "plain text: ok"),
            ("\x1b]0;pwned\x07\x1b[2J", "\\e]0;pwned\\x07\\e[2J"),
            ("a\r\nb\tc", "a\\r\\nb\\tc"),
            ("nul\0 del\x7f", "nul\\x00 del\\x7f"),
            ("c1 \u{9b}31m osc \u{9d}", "c1 \\u{9b}31m osc \\u{9d}"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("été ✓ back\\slash", "été ✓ back\\slash"),
        ];
        for (raw, shown) in table {
            assert_eq!(printable(raw), shown, "{raw:?}");
        }
    }

    #[test]
    fn lines_keep_their_breaks_but_not_their_escapes() {
        assert_eq!(printable_lines("To x\n\t main -> main\r\n"), "To x\n\t main -> main\n");
        assert_eq!(printable_lines("50%\r100%\n"), "50%\n100%\n");
        assert_eq!(printable_lines("\x1b[31mred\x1b[0m\n"), "\\e[31mred\\e[0m\n");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("exactly10!", 10), "exactly10!");
        assert_eq!(clip("ééééé", 2), "éé… (cut at 2 characters)");
        assert_eq!(clip(&"x".repeat(5000), 100).chars().count(), 100 + "… (cut at 100 characters)".chars().count());
    }

    proptest! {
        #[test]
        fn nothing_a_terminal_obeys_is_left(s in any::<String>()) {
            for shown in [printable(&s), printable_lines(&s)] {
                prop_assert!(!shown.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi(c)), "{shown:?}");
            }
            prop_assert!(!printable(&s).contains(['\n', '\t']));
            prop_assert_eq!(printable(&printable(&s)), printable(&s));
        }
    }
}
