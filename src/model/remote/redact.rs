//! Hiding secrets in remote URLs: a password or a token used as the user name.

use super::parse::is_scheme;

/// The URL with any password or token-shaped user name replaced by `***`: safe to print.
pub fn redact(url: &str) -> String {
    // The part that may hold `user[:password]@`, and where it starts.
    // Only a real `scheme://` starts an authority: in `TOKEN@host:p?x=https://…` the
    // user name comes first.
    let scheme_end = url.find("://").filter(|i| url.get(..*i).is_some_and(is_scheme));
    let (start, authority) = match scheme_end {
        Some(i) => {
            // Up to the first `/`: everything before the last `@` there is userinfo,
            // whatever it holds (a password may hold `?`, `#` or `\`).
            let rest = url.get(i + 3..).unwrap_or("");
            let end = rest.find('/').unwrap_or(rest.len());
            (i + 3, rest.get(..end).unwrap_or(rest))
        }
        None => {
            let end = url.find('/').unwrap_or(url.len());
            (0, url.get(..end).unwrap_or(url))
        }
    };
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = authority.get(..at).unwrap_or("");
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (userinfo, None),
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(url.get(..start).unwrap_or(""));
    out.push_str(if is_token_shaped_user(user) { "***" } else { user });
    if password.is_some() {
        out.push_str(":***");
    }
    out.push_str(url.get(start + at..).unwrap_or(""));
    out
}

/// True for a user name that is really a secret: a GitHub token prefix, or longer
/// than any plausible user name (over 30 characters).
pub fn is_token_shaped_user(user: &str) -> bool {
    const PREFIXES: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
    let lower = user.to_ascii_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p)) || user.chars().count() > 30
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::remote::{Transport, parse};
    use proptest::prelude::*;

    #[test]
    fn redact_finds_a_token_user_before_a_later_scheme() {
        // Found by the property suite: `find("://")` used to pick the query's URL.
        let url = concat!("ghp_", "0123456789abcdefghijABCDEFGHIJ012345", "@github.com:o/r?next=https://x");
        assert_eq!(redact(url), "***@github.com:o/r?next=https://x");
        assert_eq!(redact("ghp_aaaa0@https://"), "***@https://");
    }

    #[test]
    fn redact_table() {
        let table = [
            ("https://github.com/o/r", "https://github.com/o/r"),
            ("https://user@github.com/o/r", "https://user@github.com/o/r"),
            ("https://user:pw@github.com/o/r.git", "https://user:***@github.com/o/r.git"),
            ("https://ghp_abcdef@github.com/o/r", "https://***@github.com/o/r"),
            ("https://gho_abc:x-oauth-basic@github.com/o/r", "https://***:***@github.com/o/r"),
            ("https://x:p@ss@github.com/o/r", "https://x:***@github.com/o/r"),
            // A password with the characters that end a host elsewhere.
            ("https://octo:p?ss@github.com/o/r", "https://octo:***@github.com/o/r"),
            ("https://octo:p#ss@github.com/o/r", "https://octo:***@github.com/o/r"),
            ("https://octo:p\\ss@github.com/o/r", "https://octo:***@github.com/o/r"),
            ("https://octo:a?b#c\\d@github.com", "https://octo:***@github.com"),
            ("HTTPS://GITHUB_PAT_x@GitHub.com/o/r", "HTTPS://***@GitHub.com/o/r"),
            ("git@github.com:o/r.git", "git@github.com:o/r.git"),
            ("ghp_abc@github.com:o/r.git", "***@github.com:o/r.git"),
            ("https://github.com/o/r@v1", "https://github.com/o/r@v1"),
            ("/local/a@b", "/local/a@b"),
            ("not a url at all", "not a url at all"),
            ("https://u:secret@host with space/\n", "https://u:***@host with space/\n"),
            ("", ""),
        ];
        for (input, expected) in table {
            assert_eq!(redact(input), expected, "{input}");
        }
    }

    #[test]
    fn token_shaped_users() {
        for yes in ["ghp_x", "gho_", "ghu_a", "ghs_a", "ghr_a", "github_pat_a", "GHP_a", &"a".repeat(31)] {
            assert!(is_token_shaped_user(yes), "{yes}");
        }
        for no in ["git", "octocat", "x-access-token", "", &"a".repeat(30)] {
            assert!(!is_token_shaped_user(no), "{no}");
        }
    }

    proptest! {
        #[test]
        fn redact_hides_password(
            scheme in "(https|http|ssh|git|foo)://",
            user in "[a-z]{0,8}",
            pw in "[A-Za-z0-9._~!$&'()*+,;=%:@-]{0,20}",
            rest in "[a-z.]{0,12}(:[0-9]{1,4})?(/[a-z/]{0,10})?",
        ) {
            let secret = format!("S3CR3T{pw}");
            let url = format!("{scheme}{user}:{secret}@{rest}");
            let red = redact(&url);
            prop_assert!(!red.contains(&secret), "{}", red);
            prop_assert!(!red.contains("S3CR3T"), "{}", red);
            if let Ok(r) = parse(&url) {
                prop_assert!(r.embeds_secret || r.transport == Transport::Other);
            }
        }

        #[test]
        fn redact_hides_token_user(
            prefix in "(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_)",
            body in "[A-Za-z0-9_]{1,40}",
            scp in any::<bool>(),
        ) {
            let token = format!("{prefix}{body}");
            let url = if scp { format!("{token}@github.com:o/r") } else { format!("https://{token}@github.com/o/r") };
            let red = redact(&url);
            prop_assert!(!red.contains(&token));
            prop_assert!(red.contains("github.com"));
            prop_assert!(parse(&url).unwrap().embeds_secret);
        }
    }
}
