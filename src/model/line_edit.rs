//! The exact edit a config write made to a file, line by line, so that it can be taken
//! back byte for byte: git's `git config` writes a value well (escaping, the file stays
//! one git reads) but an unset-then-add does not come back to the same bytes (key case,
//! section order, emptied sections, comments). The writer diffs the file before and
//! after ([`LineEdit::between`]); the reverse ([`LineEdit::reversed`]) is applied only
//! where the file still holds, at those places, what the write left there
//! ([`LineEdit::apply`]). Lines keep their ends (`\n`, `\r\n` or none on the last line).

use serde::{Deserialize, Serialize};

use crate::model::scrub::scrub;

/// Lines removed at one place, and the lines put there instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hunk {
    /// Where `removed` starts in the old text (0-based line).
    pub at: usize,
    /// Where `inserted` starts in the new text.
    pub new_at: usize,
    pub removed: Vec<String>,
    pub inserted: Vec<String>,
}

/// The whole edit of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEdit {
    pub hunks: Vec<Hunk>,
    /// Lines in the old and the new text: a file changed elsewhere since is not patched.
    pub old_lines: usize,
    pub new_lines: usize,
    /// The file existed before and after (a write may create it).
    pub old_exists: bool,
    pub new_exists: bool,
}

/// `text` cut into lines, each with its end.
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

impl LineEdit {
    /// The edit that turns `old` into `new` (`None`: no file).
    pub fn between(old: Option<&str>, new: Option<&str>) -> LineEdit {
        let (a, b) = (lines(old.unwrap_or("")), lines(new.unwrap_or("")));
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
        let mut hunks: Vec<Hunk> = Vec::new();
        // Only the lengths of the operations are used, with our own place in each text:
        // similar's index into the other text of a delete or an insert is not always
        // where the operation stands (a delete before an insert at the start).
        let (mut at, mut new_at) = (0, 0);
        for op in ops {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            let (old_len, new_len) = (old_range.len(), new_range.len());
            if tag != similar::DiffTag::Equal {
                let removed: Vec<String> = a[at..at + old_len].iter().map(|s| s.to_string()).collect();
                let inserted: Vec<String> = b[new_at..new_at + new_len].iter().map(|s| s.to_string()).collect();
                // Adjacent operations (a delete then an insert) make one hunk.
                match hunks.last_mut() {
                    Some(h) if h.at + h.removed.len() == at => {
                        h.removed.extend(removed);
                        h.inserted.extend(inserted);
                    }
                    _ => hunks.push(Hunk { at, new_at, removed, inserted }),
                }
            }
            at += old_len;
            new_at += new_len;
        }
        LineEdit { hunks, old_lines: a.len(), new_lines: b.len(), old_exists: old.is_some(), new_exists: new.is_some() }
    }

    /// The edit that takes this one back.
    pub fn reversed(&self) -> LineEdit {
        LineEdit {
            hunks: self
                .hunks
                .iter()
                .map(|h| Hunk { at: h.new_at, new_at: h.at, removed: h.inserted.clone(), inserted: h.removed.clone() })
                .collect(),
            old_lines: self.new_lines,
            new_lines: self.old_lines,
            old_exists: self.new_exists,
            new_exists: self.old_exists,
        }
    }

    /// The edit applied to `current` (`None`: no file): `Some(new text)` (`Some(None)`:
    /// the file goes), or `None` when `current` does not hold, at the edit's places,
    /// the lines it removes (the file was changed since).
    pub fn apply(&self, current: Option<&str>) -> Option<Option<String>> {
        if current.is_some() != self.old_exists {
            return None;
        }
        let old = lines(current.unwrap_or(""));
        if old.len() != self.old_lines {
            return None;
        }
        let mut out = String::new();
        let mut next = 0;
        for h in &self.hunks {
            let end = h.at.checked_add(h.removed.len())?;
            if h.at < next || end > old.len() || old[h.at..end].iter().zip(&h.removed).any(|(a, b)| a != b) {
                return None;
            }
            old[next..h.at].iter().for_each(|l| out.push_str(l));
            h.inserted.iter().for_each(|l| out.push_str(l));
            next = end;
        }
        old[next..].iter().for_each(|l| out.push_str(l));
        if lines(&out).len() != self.new_lines {
            return None;
        }
        Some(self.new_exists.then_some(out))
    }

    /// True when no line it holds has a secret in it ([`scrub`] changes none): only such
    /// an edit may be recorded in the journal. One that removed a line with a token
    /// cannot be taken back byte for byte from the journal.
    pub fn holds_no_secret(&self) -> bool {
        self.hunks.iter().flat_map(|h| h.removed.iter().chain(&h.inserted)).all(|l| scrub(l) == *l)
    }

    /// True when it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.hunks.is_empty() && self.old_exists == self.new_exists
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(old: Option<&str>, new: Option<&str>) {
        let e = LineEdit::between(old, new);
        assert_eq!(e.apply(old), Some(new.map(String::from)), "{e:?}");
        assert_eq!(e.reversed().apply(new), Some(old.map(String::from)), "{e:?}");
    }

    #[test]
    fn an_edit_and_its_reverse_give_back_the_bytes() {
        check(Some("[a]\r\n\tb = 1\r\n# c\r\n"), Some("[a]\r\n# c\r\n[A]\n\tb = 2\n"));
        check(Some("x\ny"), Some("x\nz"));
        check(None, Some("[a]\n\tb = 1\n"));
        check(Some(""), None);
        check(Some("same\n"), Some("same\n"));
        assert!(LineEdit::between(Some("same\n"), Some("same\n")).is_empty());
    }

    /// proptest's find: similar's Myers reports a delete at the start with the insert's
    /// place in the new text; the reverse must put the line back where it was.
    #[test]
    fn a_delete_then_an_insert_at_the_start() {
        let old = "\r\n\n\n;\n#\n\n=\n\n\n\n\n\n\n\n\n\n\n\na";
        let new = "\n]\n \n#\r\n[\n \n\n \na\na\n]\n]\n \n\n\r\n\n=\n\na";
        check(Some(old), Some(new));
    }

    #[test]
    fn a_file_changed_at_the_edit_or_in_length_is_not_patched() {
        let e = LineEdit::between(Some("a\nb\nc\n"), Some("a\nB\nc\n")).reversed();
        assert_eq!(e.apply(Some("a\nB\nc\n")), Some(Some("a\nb\nc\n".into())));
        assert_eq!(e.apply(Some("a\nX\nc\n")), None, "the line the fix wrote was changed");
        assert_eq!(e.apply(Some("new\na\nB\nc\n")), None, "a line was added above");
        assert_eq!(e.apply(Some("a\nB\nc")), Some(Some("a\nb\nc".into())), "only the places the edit touches count");
        assert_eq!(e.apply(None), None, "the file is gone");
    }

    #[test]
    fn an_edit_that_removed_a_token_says_it_holds_a_secret() {
        let token = format!("ghp_{}", "r4".repeat(18));
        let old = format!("[remote \"origin\"]\n\turl = https://octo:{token}@github.com/o/r.git\n");
        let e = LineEdit::between(Some(&old), Some("[remote \"origin\"]\n\turl = https://github.com/o/r.git\n"));
        assert!(!e.holds_no_secret());
        assert!(LineEdit::between(Some("[a]\n\tb = 1\n"), Some("[a]\n\tb = 2\n")).holds_no_secret());
    }

    proptest! {
        #[test]
        fn any_two_texts(old in proptest::option::of("([ab\\[\\]#;\t =]{0,4}(\n|\r\n))*[ab]?"),
                         new in proptest::option::of("([ab\\[\\]#;\t =]{0,4}(\n|\r\n))*[ab]?")) {
            let e = LineEdit::between(old.as_deref(), new.as_deref());
            prop_assert_eq!(e.apply(old.as_deref()), Some(new.clone()));
            prop_assert_eq!(e.reversed().apply(new.as_deref()), Some(old.clone()));
        }
    }
}
