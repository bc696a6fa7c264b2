//! Why the OS keyring cannot be used, in the user's terms: the class of failure and
//! one paragraph on what to do. The store edge decides the class from the platform's error.

/// The class of keyring failure: decides the explanation and what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No D-Bus session bus to reach a Secret Service (SSH, container, CI).
    NoSession,
    /// A session bus, but nothing provides the Secret Service (no gnome-keyring/KWallet),
    /// or no OS keyring on this platform.
    NoProvider,
    /// The keyring is locked and cannot be unlocked without a prompt.
    Locked,
    /// Anything else, including a write that did not read back.
    Other,
}

/// The OS keyring cannot be used; `detail` is the platform's own message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the OS keyring is unavailable: {} ({detail})", self.reason.summary())]
pub struct KeyringUnavailable {
    /// Which kind of failure.
    pub reason: Reason,
    /// The underlying error text, for `--verbose` and bug reports.
    pub detail: String,
}

impl Reason {
    /// A few words for one-line messages.
    pub fn summary(self) -> &'static str {
        match self {
            Reason::NoSession => "no D-Bus session",
            Reason::NoProvider => "no keyring service is running",
            Reason::Locked => "the keyring is locked",
            Reason::Other => "the keyring failed",
        }
    }
}

const ALTERNATIVES: &str = "Or keep the token with one of git's own helpers instead: \
`git config --global credential.helper 'cache --timeout=86400'` (memory only, asks again \
after a day) or `git config --global credential.helper store` (a plaintext file, \
~/.git-credentials, readable only by you).";

impl KeyringUnavailable {
    /// A failure of `reason` with the platform's message.
    pub fn new(reason: Reason, detail: impl Into<String>) -> KeyringUnavailable {
        KeyringUnavailable { reason, detail: detail.into() }
    }

    /// One paragraph: what is wrong and what the user can do about it.
    pub fn explain(&self) -> String {
        let what = match self.reason {
            Reason::NoSession => {
                "git-reauth found no D-Bus session bus, so it cannot reach the Secret Service \
                 keyring. This is usual over SSH, in containers and in CI. Log in to a desktop \
                 session, or start a session bus and an unlocked keyring for this shell: \
                 `dbus-run-session -- $SHELL`, then `gnome-keyring-daemon --unlock` (it reads \
                 the keyring password from stdin)."
            }
            Reason::NoProvider => {
                if cfg!(any(target_os = "linux", target_os = "freebsd")) {
                    "A D-Bus session bus is running, but no program provides the Secret Service \
                     keyring on it. Install and start one: gnome-keyring (`gnome-keyring-daemon \
                     --start --components=secrets`) or KeePassXC with Secret Service \
                     integration enabled."
                } else {
                    "This platform has no OS keyring that git-reauth can use."
                }
            }
            Reason::Locked => {
                "The OS keyring is locked, and only its password unlocks it. Unlock it (log in \
                 to the desktop or open your keyring manager; where no password prompt can \
                 appear, as over SSH, run `gnome-keyring-daemon --unlock` and type the keyring \
                 password), then try again."
            }
            Reason::Other => "The OS keyring refused the request.",
        };
        format!("{what} {ALTERNATIVES} (keyring said: {})", self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_is_one_paragraph_with_alternatives() {
        for reason in [Reason::NoSession, Reason::NoProvider, Reason::Locked, Reason::Other] {
            let e = KeyringUnavailable::new(reason, "detail text");
            let text = e.explain();
            assert!(!text.contains('\n'), "{text}");
            assert!(text.contains("credential.helper store") && text.contains("detail text"), "{text}");
            let line = e.to_string();
            assert!(line.contains(reason.summary()) && !line.contains('\n'), "{line}");
        }
    }
}
