//! SSH host aliases, as OpenSSH itself resolves them: `ssh -G ALIAS` prints the
//! configuration it would use (`hostname …`, `port …`, `user …`, `identityfile …`, one
//! `key value` a line). This module reads that output and says whether an alias stands
//! for our host (`Host github-work` / `HostName github.com` in `~/.ssh/config`).

use crate::model::host::HostUrl;

/// Where `ssh ALIAS` would really connect, as `ssh -G ALIAS` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshTarget {
    /// `hostname`: the host ssh connects to (lower-cased, as host names compare).
    pub hostname: String,
    /// `port`.
    pub port: Option<u16>,
    /// `user`.
    pub user: Option<String>,
    /// Every `identityfile`, in ssh's order, as printed (`~` not expanded).
    pub identity_files: Vec<String>,
}

/// A remote's host that is an SSH alias: the name in the URL and what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshAlias {
    /// The name in the remote URL (`github-work`).
    pub name: String,
    /// The host it stands for (`github.com`).
    pub hostname: String,
    /// The user ssh logs in as (`git`).
    pub user: Option<String>,
    /// The key the alias names: the first `identityfile` unless it is one of ssh's
    /// defaults (then the alias names no key of its own).
    pub identity_file: Option<String>,
}

/// The keys ssh tries when the configuration names none (`ssh -G` lists them all).
const DEFAULT_IDENTITIES: [&str; 7] = [
    "~/.ssh/id_rsa",
    "~/.ssh/id_ecdsa",
    "~/.ssh/id_ecdsa_sk",
    "~/.ssh/id_ed25519",
    "~/.ssh/id_ed25519_sk",
    "~/.ssh/id_xmss",
    "~/.ssh/id_dsa",
];

/// Read `ssh -G` output. `None` when it has no `hostname` line (not ssh's output).
/// Keys are case-insensitive; unknown keys are ignored, and the first value of a key
/// that has one value wins (ssh prints each once).
pub fn parse_ssh_g(output: &str) -> Option<SshTarget> {
    let (mut hostname, mut port, mut user, mut identity_files) = (None, None, None, Vec::new());
    for line in output.lines() {
        let line = line.trim();
        let Some((key, value)) = line.split_once(char::is_whitespace) else { continue };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.to_ascii_lowercase().as_str() {
            "hostname" if hostname.is_none() => hostname = Some(value.to_ascii_lowercase()),
            "port" if port.is_none() => port = value.parse().ok(),
            "user" if user.is_none() => user = Some(value.to_string()),
            "identityfile" => identity_files.push(value.to_string()),
            _ => {}
        }
    }
    Some(SshTarget { hostname: hostname?, port, user, identity_files })
}

impl SshTarget {
    /// True when ssh connects to our host: its name or `ssh.` + it (ssh.github.com:443),
    /// ASCII case-insensitive; the port does not matter.
    pub fn is_host(&self, host: &HostUrl) -> bool {
        host.owns_remote_host(&self.hostname)
    }

    /// The alias `name` resolved to this target.
    pub fn alias(&self, name: &str) -> SshAlias {
        let own = |f: &&String| !DEFAULT_IDENTITIES.contains(&f.as_str());
        SshAlias {
            name: name.to_string(),
            hostname: self.hostname.clone(),
            user: self.user.clone(),
            identity_file: self.identity_files.iter().find(own).cloned(),
        }
    }
}

impl SshAlias {
    /// "github-work is an SSH alias for github.com (identity ~/.ssh/id_work)".
    pub fn describe(&self) -> String {
        match &self.identity_file {
            Some(key) => format!("{} is an SSH alias for {} (identity {key})", self.name, self.hostname),
            None => format!("{} is an SSH alias for {}", self.name, self.hostname),
        }
    }
}

/// True when `name` can be handed to `ssh -G` as a host: a host name or address, never
/// something ssh would read as an option (`-oProxyCommand=…`) or a `user@`.
pub fn is_alias_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.len() <= 255
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'))
}

/// The remote URL `url` as it reaches `target` (the host an SSH alias stands for):
/// `ssh://[user@]HOSTNAME/path`, to classify against the host.
pub fn through(url: &crate::model::remote::RemoteUrl, target: &SshTarget) -> String {
    let user = url.user.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
    let host = if target.hostname.contains(':') { format!("[{}]", target.hostname) } else { target.hostname.clone() };
    // scp-like paths are relative, `ssh://` ones start with `/`: one slash either way.
    format!("ssh://{user}{host}/{}", url.path.trim_start_matches('/'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_remote_through_an_alias_keeps_its_user_and_one_slash() {
        let t = SshTarget { hostname: "github.com".into(), port: None, user: None, identity_files: vec![] };
        let v6 = SshTarget { hostname: "::1".into(), ..t.clone() };
        for (url, want) in [
            ("git@github-work:o/r.git", "ssh://git@github.com/o/r.git"),
            ("ssh://git@github-work/o/r.git", "ssh://git@github.com/o/r.git"),
            ("ssh://github-work:22/o/r", "ssh://github.com/o/r"),
        ] {
            assert_eq!(through(&crate::model::remote::parse(url).unwrap(), &t), want, "{url}");
        }
        assert_eq!(through(&crate::model::remote::parse("git@w:o/r").unwrap(), &v6), "ssh://git@[::1]/o/r");
    }

    /// This machine's OpenSSH answering for `alias` with `config` as its only
    /// configuration file; `None` without ssh on PATH.
    fn real_ssh_g(config: &str, alias: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, config).unwrap();
        let out = std::process::Command::new("ssh")
            .arg("-F")
            .arg(&file)
            .args(["-G", "--", alias])
            .stdin(std::process::Stdio::null())
            .output()
            .ok()?;
        assert!(out.status.success(), "ssh -G failed: {}", String::from_utf8_lossy(&out.stderr));
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn real_ssh_output_of_an_alias() {
        let config = "Host github-work\n  HostName GitHub.com\n  User git\n  Port 443\n  IdentityFile ~/.ssh/id_work\n";
        let Some(out) = real_ssh_g(config, "github-work") else {
            eprintln!("no ssh on PATH: skipped");
            return;
        };
        // ssh prints dozens of keys; the parser must pick these out of them.
        assert!(out.lines().count() > 20, "{out}");
        let t = parse_ssh_g(&out).unwrap();
        assert_eq!(t.hostname, "github.com");
        assert_eq!(t.port, Some(443));
        assert_eq!(t.user.as_deref(), Some("git"));
        assert_eq!(t.identity_files, ["~/.ssh/id_work"]);
        assert!(t.is_host(&HostUrl::github()));
        let alias = t.alias("github-work");
        assert_eq!(alias.identity_file.as_deref(), Some("~/.ssh/id_work"));
        assert_eq!(alias.describe(), "github-work is an SSH alias for github.com (identity ~/.ssh/id_work)");
    }

    #[test]
    fn real_ssh_output_without_a_matching_host_block() {
        let Some(out) = real_ssh_g("Host other\n  HostName github.com\n", "gitlab-work") else { return };
        let t = parse_ssh_g(&out).unwrap();
        // No block matches: ssh connects to the name itself, with its default keys.
        assert_eq!(t.hostname, "gitlab-work");
        assert_eq!(t.port, Some(22));
        assert!(!t.is_host(&HostUrl::github()));
        assert!(t.identity_files.len() > 1, "{:?}", t.identity_files);
        assert_eq!(t.alias("gitlab-work").identity_file, None, "ssh's defaults are not the alias's key");
        assert_eq!(t.alias("gitlab-work").describe(), "gitlab-work is an SSH alias for gitlab-work");
    }

    #[test]
    fn real_ssh_output_of_ssh_dot_host() {
        let Some(out) = real_ssh_g("Host gh443\n  HostName ssh.github.com\n  Port 443\n", "gh443") else { return };
        let t = parse_ssh_g(&out).unwrap();
        assert_eq!((t.hostname.as_str(), t.port), ("ssh.github.com", Some(443)));
        assert!(t.is_host(&HostUrl::github()));
        assert!(!t.is_host(&HostUrl::parse("https://ghe.corp").unwrap()));
    }

    #[test]
    fn parser_table() {
        assert_eq!(parse_ssh_g(""), None);
        assert_eq!(parse_ssh_g("user git\nport 22\n"), None, "no hostname: not ssh -G output");
        let t = parse_ssh_g("HostName H.example\nport x\nUSER u\nidentityfile a\nidentityfile b\nhostname other\n")
            .unwrap();
        assert_eq!(t.hostname, "h.example", "first hostname, lower-cased");
        assert_eq!(t.port, None, "an unreadable port is no port");
        assert_eq!(t.user.as_deref(), Some("u"));
        assert_eq!(t.identity_files, ["a", "b"]);
        let host = HostUrl::github();
        for (name, yes) in [("github.com", true), ("SSH.GITHUB.COM", true), ("gist.github.com", false), ("x", false)] {
            let t = parse_ssh_g(&format!("hostname {name}\n")).unwrap();
            assert_eq!(t.is_host(&host), yes, "{name}");
        }
    }

    #[test]
    fn alias_names() {
        for ok in ["github-work", "gh.example.com", "127.0.0.1", "::1", "a_b"] {
            assert!(is_alias_name(ok), "{ok}");
        }
        for bad in ["", "-oProxyCommand=touch x", "-G", "a b", "u@h", "h;x", "h\n", "h/x"] {
            assert!(!is_alias_name(bad), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parser_never_panics(s in ".{0,300}") {
            if let Some(t) = parse_ssh_g(&s) {
                prop_assert!(!t.hostname.is_empty());
                prop_assert_eq!(t.hostname.to_ascii_lowercase(), t.hostname.clone());
            }
        }
    }
}
