//! git's `url.<base>.insteadOf` and `pushInsteadOf` rewriting.

/// One `url.<base>.insteadOf = <prefix>` (or `pushInsteadOf`) rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsteadOf {
    /// The replacement (`<base>` in `url.<base>.insteadOf`).
    pub base: String,
    /// The prefix it replaces.
    pub prefix: String,
    /// True for `pushInsteadOf`.
    pub push_only: bool,
}

/// Apply git's rewriting to a URL: the longest matching prefix wins. For a push URL
/// (`for_push`), a matching `pushInsteadOf` rule is preferred, then `insteadOf`
/// (git applies `pushInsteadOf` only to remotes without an explicit `pushurl`; the
/// caller decides that by passing `for_push`).
pub fn rewrite(url: &str, rules: &[InsteadOf], for_push: bool) -> String {
    match applied_rule(url, rules, for_push) {
        Some(i) => {
            let r = &rules[i];
            format!("{}{}", r.base, url.get(r.prefix.len()..).unwrap_or(""))
        }
        None => url.to_string(),
    }
}

/// The index of the rule git applies to `url` (see [`rewrite`]), if any.
pub fn applied_rule(url: &str, rules: &[InsteadOf], for_push: bool) -> Option<usize> {
    let longest = |push_only: bool| {
        let mut best: Option<(usize, &InsteadOf)> = None;
        for (i, r) in rules.iter().enumerate().filter(|(_, r)| r.push_only == push_only) {
            // Like git: an empty prefix never matches; on a tie the first rule wins.
            if !r.prefix.is_empty()
                && url.starts_with(&r.prefix)
                && best.is_none_or(|(_, b)| r.prefix.len() > b.prefix.len())
            {
                best = Some((i, r));
            }
        }
        best.map(|(i, _)| i)
    };
    if for_push { longest(true).or_else(|| longest(false)) } else { longest(false) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn rule(base: &str, prefix: &str, push_only: bool) -> InsteadOf {
        InsteadOf { base: base.into(), prefix: prefix.into(), push_only }
    }

    #[test]
    fn rewrite_rules() {
        let rules = vec![
            rule("https://github.com/", "gh:", false),
            rule("https://github.com/octo/", "gh:octo/", false),
            rule("git@github.com:", "gh:", true),
            rule("https://example.com/", "", false),
            rule("https://a.example/", "x:", false),
            rule("https://b.example/", "x:", false),
        ];
        let table = [
            ("gh:o/r", false, "https://github.com/o/r"),
            ("gh:octo/r", false, "https://github.com/octo/r"),
            ("gh:octo/r", true, "git@github.com:octo/r"),
            ("gh:o/r", true, "git@github.com:o/r"),
            ("x:r", false, "https://a.example/r"),
            ("x:r", true, "https://a.example/r"),
            ("https://github.com/o/r", false, "https://github.com/o/r"),
            ("", false, ""),
        ];
        for (url, push, expected) in table {
            assert_eq!(rewrite(url, &rules, push), expected, "{url} {push}");
        }
        // A pushInsteadOf that does not match falls back to insteadOf.
        let rules = vec![rule("ssh://push/", "p:", true), rule("https://fetch/", "gh:", false)];
        assert_eq!(rewrite("gh:o/r", &rules, true), "https://fetch/o/r");
        assert_eq!(rewrite("p:o/r", &rules, false), "p:o/r");
        assert_eq!(rewrite("p:o/r", &rules, true), "ssh://push/o/r");
        // A shorter pushInsteadOf beats a longer insteadOf on push.
        let rules = vec![rule("ssh://push/", "g", true), rule("https://fetch/", "gh:", false)];
        assert_eq!(rewrite("gh:o/r", &rules, true), "ssh://push/h:o/r");
        assert_eq!(rewrite("gh:o/r", &[], true), "gh:o/r");
    }

    /// git takes the longest matching prefix, whichever rule comes first (checked with
    /// `git -c url.https://a/.insteadOf=gh: -c url.https://b/.insteadOf=gh:octo/ ls-remote
    /// --get-url gh:octo/r`, in both orders).
    #[test]
    fn the_longest_matching_prefix_wins_in_either_order() {
        let short = rule("https://a/", "gh:", false);
        let long = rule("https://b/", "gh:octo/", false);
        for rules in [vec![short.clone(), long.clone()], vec![long, short]] {
            assert_eq!(rewrite("gh:octo/r", &rules, false), "https://b/r", "{rules:?}");
            assert_eq!(rewrite("gh:other/r", &rules, false), "https://a/other/r", "{rules:?}");
        }
    }
}
