//! The words of the sections clap has no field for: the README's examples, the
//! environment variables git-reauth reads and the files it writes, and on which pages
//! each is shown.

/// Which page an entry of [`ENVIRONMENT`] or [`FILES`] belongs on: `""` is git-reauth(1).
pub type On = &'static [&'static str];

const NETWORK: On = &["", "doctor", "setup", "status", "undo"];

/// The README's examples ("Fix a real machine", "Commands", the credential helper).
pub const README_EXAMPLES: &[(&str, &[&str])] = &[
    (
        "Fix a real machine: see what is wrong, preview the fix with a token from the clipboard \
         (xclip -o -selection clipboard, wl-paste or Get-Clipboard elsewhere), apply it, push:",
        &[
            "git-reauth doctor",
            "pbpaste | git-reauth setup --token-stdin --switch-remote --dry-run",
            "pbpaste | git-reauth setup --token-stdin --switch-remote",
            "git push",
            "git-reauth undo                # changed your mind",
        ],
    ),
    (
        "Without a clipboard tool, type or paste the token unseen:",
        &["read -rs T && printf '%s\\n' \"$T\" | git-reauth setup --token-stdin"],
    ),
    (
        "In scripts:",
        &[
            "git-reauth doctor --json | jq '.checks[] | select(.status == \"fail\")'",
            "gh auth token | git-reauth setup --token-stdin --switch-remote --yes",
            "git-reauth status --json | jq -r .expires",
            "git-reauth undo --dry-run",
            "git-reauth completions bash > ~/.local/share/bash-completion/completions/git-reauth",
        ],
    ),
    (
        "git-reauth as a credential helper on its own (the OS keyring), by path or by the short name:",
        &[
            "git config --global credential.helper \"!'$(command -v git-reauth)' credential\"",
            "ln -s \"$(command -v git-reauth)\" ~/.local/bin/git-credential-reauth",
            "git config --global credential.helper reauth",
        ],
    ),
];

/// An environment variable or a file, and the pages it is shown on.
pub struct Entry {
    pub name: &'static str,
    pub text: &'static str,
    pub on: On,
}

/// Every variable git-reauth reads (tests/integration/man.rs checks the source for more).
pub const ENVIRONMENT: &[Entry] = &[
    Entry {
        name: "GIT_REAUTH_HOST_URL",
        text: "The GitHub host when --host-url is not given (default https://github.com): a GitHub Enterprise \
               Server URL, or http:// on loopback (tests and the sandbox).",
        on: NETWORK,
    },
    Entry {
        name: "GIT_REAUTH_GIT_TIMEOUT_SECS",
        text: "How long one git run (and so a credential helper) may take before it is stopped, in whole \
               seconds (default 20).",
        on: NETWORK,
    },
    Entry {
        name: "GIT_REAUTH_KEYRING_SERVICE",
        text: "The service name of git-reauth's entries in the OS keyring (default git-reauth).",
        on: &["", "credential", "setup", "doctor"],
    },
    Entry {
        name: "XDG_STATE_HOME",
        text: "Where the undo journal and the locks live (see FILES); default ~/.local/state. \
               (%LOCALAPPDATA% on Windows, ~/Library/Application Support on macOS, when unset.)",
        on: &["", "setup", "undo", "credential"],
    },
    Entry {
        name: "HOME",
        text: "The home folder (USERPROFILE on Windows): the default state folder and git's global config.",
        on: NETWORK,
    },
    Entry {
        name: "GIT_CONFIG_GLOBAL, XDG_CONFIG_HOME",
        text: "The global git config file, found as git finds it: $GIT_CONFIG_GLOBAL, else ~/.gitconfig, \
               else $XDG_CONFIG_HOME/git/config when only that exists.",
        on: NETWORK,
    },
    Entry {
        name: "GIT_DIR, GIT_WORK_TREE",
        text: "The repository, as git takes them (relative to the folder git-reauth runs in); every git \
               it runs, the live check too, runs where you run git.",
        on: NETWORK,
    },
    Entry {
        name: "GIT_CONFIG_NOSYSTEM, GIT_CONFIG_SYSTEM",
        text: "doctor --all reads the system git config as git does: not at all with GIT_CONFIG_NOSYSTEM, \
               else $GIT_CONFIG_SYSTEM, else the system file.",
        on: &["", "doctor"],
    },
    Entry {
        name: "HOSTNAME",
        text: "This machine's name for token descriptions (\"git-reauth on NAME\"); else /etc/hostname \
               (COMPUTERNAME on Windows).",
        on: &["", "doctor"],
    },
    Entry {
        name: "NO_COLOR",
        text: "When set and not empty: no colours, in text output and in the wizard.",
        on: &["", "doctor", "setup", "status", "undo", "demo"],
    },
    Entry { name: "TERM", text: "dumb: no colours in text output.", on: &["", "doctor", "setup", "status", "undo"] },
    Entry {
        name: "RUST_LOG",
        text: "A log filter (as --verbose sets git_reauth=debug). Logs go to stderr, or to wizard.log in the \
               state folder while the wizard runs. Tokens are never logged.",
        on: &["", "doctor", "setup", "status", "undo", "credential", "demo"],
    },
    Entry { name: "TMPDIR", text: "Where demo makes its throwaway folder (default /tmp).", on: &["", "demo"] },
];

pub const FILES: &[Entry] = &[
    Entry {
        name: "$XDG_STATE_HOME/git-reauth/",
        text: "The undo journal (~/.local/state/git-reauth/ when XDG_STATE_HOME is unset): one JSON file per \
               applied change set, written atomically, folder 0700 and files 0600. It holds no secret. \
               git-reauth undo reverts the newest.",
        on: &["", "setup", "undo"],
    },
    Entry {
        name: "$XDG_STATE_HOME/git-reauth.lock",
        text: "Beside the journal: the lock that setup, undo and the wizard take, so two runs never overlap \
               (a second run waits 5 s, then refuses).",
        on: &["", "setup", "undo"],
    },
    Entry {
        name: "$XDG_STATE_HOME/git-reauth-keyring.lock",
        text: "Serializes writes of the keyring credential helper, so two git credential approve at once \
               keep both logins.",
        on: &["", "credential", "setup"],
    },
    Entry {
        name: "$XDG_STATE_HOME/git-reauth/wizard.log",
        text: "The wizard's log, with --verbose or RUST_LOG.",
        on: &[""],
    },
    Entry {
        name: "~/.gitconfig, .git/config",
        text: "The git config that setup changes (remote URLs, credential.* and url.*.insteadOf keys) and undo \
               puts back; every change is recorded in the journal first.",
        on: &["", "setup", "undo"],
    },
    Entry {
        name: "~/.git-credentials",
        text: "git's store helper's plaintext file (0600): written only with --store file.",
        on: &["", "setup"],
    },
];
