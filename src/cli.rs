//! Command-line interface (CONTRACT.md). Doc comments are the help text.

use crate::model::storage::StoreChoice;
use clap::{Args, Parser, Subcommand};

/// Get from `fatal: Authentication failed` back to a working `git push`.
///
/// git-reauth diagnoses why git cannot authenticate to GitHub over HTTPS, checks a
/// personal access token, switches SSH remotes to HTTPS, and replaces the stale
/// password your credential helper keeps handing to git. Every change is shown first,
/// can be previewed with --dry-run, and can be reverted with `git-reauth undo`.
#[derive(Debug, Parser)]
#[command(name = "git-reauth", version = VERSION, about, long_about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The version with the git commit it was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("GIT_REAUTH_COMMIT"), ")");

const EXAMPLES: &str = "\
Examples:
  git-reauth                              the wizard, in the repository you push to
  git-reauth demo                         try the whole fix in a built-in sandbox
  git-reauth doctor                       what is wrong, one line per check
  printf '%s\\n' \"$TOKEN\" | git-reauth setup --token-stdin --switch-remote --dry-run
  git-reauth status --json                who git authenticates as
  git-reauth undo                         revert the last change set
  git config --global credential.helper reauth   keep tokens in the OS keyring

Exit codes: 0 ok, 1 a problem was found, 2 bad input, 130 interrupted.";

/// Options for every command.
#[derive(Debug, Args)]
pub struct Global {
    /// GitHub host: https://github.com, a GitHub Enterprise Server URL, or http:// on loopback (tests).
    /// Without it: https://github.com, unless the remote is on another host that answers as GitHub
    /// Enterprise Server (asked at https://HOST/api/v3/meta by doctor and setup)
    #[arg(long, global = true, env = "GIT_REAUTH_HOST_URL", value_name = "URL")]
    pub host_url: Option<String>,
    /// Explain errors in more detail and log to stderr
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose git's authentication to GitHub; changes nothing, never prompts
    #[command(
        after_help = "Examples:\n  git-reauth doctor\n  git-reauth doctor --json | jq '.checks[] | select(.status==\"fail\")'\n\nExit codes: 0 healthy, 1 at least one check failed."
    )]
    Doctor(DoctorArgs),
    /// Non-interactive fix: check a token read from stdin and make git use it
    #[command(
        after_help = "Examples:\n  printf '%s\\n' \"$TOKEN\" | git-reauth setup --token-stdin --dry-run\n  gh auth token | git-reauth setup --token-stdin --switch-remote --yes\n\nOrder: check the token's shape, ask GitHub who it belongs to, check the repository, print the plan,\nstop here with --dry-run, apply (rolled back on failure), verify, record for `git-reauth undo`."
    )]
    Setup(SetupArgs),
    /// Who git authenticates as for the host, with which token, its scopes and expiry
    #[command(after_help = "Examples:\n  git-reauth status\n  git-reauth status --json")]
    Status(StatusArgs),
    /// Revert the last applied change set (remote URLs, git config keys)
    #[command(after_help = "Examples:\n  git-reauth undo --dry-run\n  git-reauth undo")]
    Undo(UndoArgs),
    /// A git credential helper backed by the OS keyring (git runs it; it reads git's request on stdin)
    #[command(
        long_about = "A git credential helper backed by the OS keyring (Secret Service on Linux, Keychain on macOS, \
Credential Manager on Windows). git runs it with get, store or erase and speaks its credential protocol on \
stdin/stdout; any other operation is ignored (exit 0, no output). It never prompts. A link or copy of this \
binary named git-credential-reauth on PATH behaves like `git-reauth credential`.",
        after_help = "Examples:\n  git config --global credential.helper reauth      # needs git-credential-reauth on PATH\n  git config --global credential.helper '!git-reauth credential'\n  printf 'protocol=https\\nhost=github.com\\n\\n' | git-reauth credential get"
    )]
    Credential(CredentialArgs),
    /// Try the whole fix safely: the wizard on a built-in sandbox (fake GitHub, real git)
    #[command(
        after_help = "Examples:\n  git-reauth demo\n  git-reauth demo --list\n  git-reauth demo --scenario sso\n\nEverything lives in a throwaway folder under $TMPDIR with its own HOME and git config; your\nown git config, credentials and keyring are never read or written. The folder and every process\nthe demo started are removed when it ends."
    )]
    Demo(DemoArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  git-reauth completions bash > ~/.local/share/bash-completion/completions/git-reauth\n  git-reauth completions zsh > \"${fpath[1]}/_git-reauth\"\n  git-reauth completions fish > ~/.config/fish/completions/git-reauth.fish\n  git-reauth completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Write the man pages: git-reauth(1) and one per subcommand (git-reauth-doctor(1), …)
    #[command(
        long_about = "Write the man pages: git-reauth(1) and one per subcommand (git-reauth-doctor(1), …), \
generated from the same definitions as --help, with examples, exit status, files and environment. \
Installed where man looks (a man1 folder on MANPATH), they make `git reauth --help` and `man git-reauth` work. \
Without --dir, git-reauth(1) is printed on stdout.",
        after_help = "Examples:\n  git-reauth man --dir ~/.local/share/man/man1      # then: git reauth --help\n  git-reauth man | man -l -"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page into this folder (created if missing) as NAME.1, and print their paths
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Which broken setup to start from (see --list)
    #[arg(long, value_name = "NAME", default_value = "after-2fa", value_parser = scenario_names())]
    pub scenario: String,
    /// List the scenarios and exit
    #[arg(long)]
    pub list: bool,
}

fn scenario_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::sandbox::scenario::Scenario::ALL.map(|s| s.name()))
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// get, store or erase (git's credential helper operations; others are ignored)
    #[arg(value_name = "OP")]
    pub op: String,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print JSON (see CONTRACT.md) instead of text; with --all, one object per repository and line
    /// (JSON lines): path, kind, verdict, needs, reason, remote, account, credential
    #[arg(long)]
    pub json: bool,
    /// Check this remote instead of origin
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub remote: Option<String>,
    /// Every repository under DIR… (default: the home folder): bare ones, linked worktrees and
    /// repositories nested in another's work tree included; hidden folders (other than those named),
    /// node_modules, target, vendor and caches are skipped. One line per repository and a summary.
    /// Verdicts: works, needs-switch (SSH or git:// on the host), needs-binding (an SSH alias with a
    /// key of its own, or two GitHub logins pinned on the host), no-access, not-checked (offline, no
    /// remote), other-host, broken (git cannot use the config). Exit 1 when a repository
    /// needs-switch, needs-binding, has no-access or is broken
    #[arg(long)]
    pub all: bool,
    /// With --all: the folders to search (default: the home folder)
    #[arg(value_name = "DIR", requires = "all")]
    pub dirs: Vec<std::path::PathBuf>,
    /// With --all: local facts only, no request to the server
    #[arg(long, requires = "all")]
    pub offline: bool,
    /// With --all: how deep to look, counted like `find -maxdepth` (a folder named is depth 0)
    #[arg(long, value_name = "N", requires = "all", default_value_t = crate::model::scan::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Read the token from stdin (one line). Required: tokens never go on the command line
    #[arg(long, required = true)]
    pub token_stdin: bool,
    /// Switch the remote (and its push URL) from SSH to HTTPS, removing insteadOf rules that force SSH
    #[arg(long)]
    pub switch_remote: bool,
    /// Use this remote instead of origin
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Where git keeps the token: `helper` = your configured credential helper(s); `keyring` = the OS
    /// keyring through git-reauth's own helper; `cache` = memory for a day; `file` = plaintext
    /// ~/.git-credentials (0600). The last three are configured for this host only
    #[arg(long, value_enum, default_value_t = StoreArg::HELPER)]
    pub store: StoreArg,
    /// When git sends another GitHub login than the token's for this repository, bind the
    /// repository to the token's account: `config` = a repository-local
    /// credential.<host URL>.username; `url` = the user name in the remote URL; `none` = never
    /// (a mismatch stops). Without it a mismatch stops with exit 1 and names the choices
    #[arg(long, value_enum, value_name = "HOW")]
    pub bind: Option<BindArg>,
    /// Check and print the plan, change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Every repository under the folders (default: the home folder): the host's credential
    /// once, then, with --switch-remote, every SSH remote on the host switched to HTTPS, in one
    /// plan, one journal and one undo
    #[arg(long, conflicts_with = "remote")]
    pub all: bool,
    /// With --all: the folders to search (default: the home folder)
    #[arg(value_name = "DIR", requires = "all")]
    pub dirs: Vec<std::path::PathBuf>,
    /// With --all: how deep to look, counted like `find -maxdepth`
    #[arg(long, value_name = "N", requires = "all", default_value_t = crate::model::scan::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// Do not ask for confirmation (setup never prompts; accepted for scripts)
    #[arg(long, short)]
    pub yes: bool,
}

/// `--bind`: how a repository is tied to the token's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BindArg {
    Config,
    Url,
    None,
}

impl From<BindArg> for crate::model::account::Bind {
    fn from(b: BindArg) -> Self {
        match b {
            BindArg::Config => crate::model::account::Bind::Config,
            BindArg::Url => crate::model::account::Bind::Url,
            BindArg::None => crate::model::account::Bind::Never,
        }
    }
}

/// `--store`: where the token is stored ([`StoreChoice`], as clap parses and lists it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreArg(pub StoreChoice);

impl StoreArg {
    pub const HELPER: StoreArg = StoreArg(StoreChoice::Helper);
}

impl clap::ValueEnum for StoreArg {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            StoreArg(StoreChoice::Helper),
            StoreArg(StoreChoice::Keyring),
            StoreArg(StoreChoice::Cache),
            StoreArg(StoreChoice::File),
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self.0 {
            StoreChoice::Helper => "The user's own credential helper chain (`git credential approve`)",
            StoreChoice::Keyring => {
                "The OS keyring (macOS Keychain, Windows Credential Manager, Secret Service) via `git-reauth credential`"
            }
            StoreChoice::Cache => "git's `cache` helper for this host: memory only, forgotten after a day",
            StoreChoice::File => "git's `store` helper for this host: a plaintext file, ~/.git-credentials (0600)",
        };
        Some(clap::builder::PossibleValue::new(self.0.name()).help(help))
    }
}

impl From<StoreArg> for StoreChoice {
    fn from(a: StoreArg) -> StoreChoice {
        a.0
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// Show what would be reverted, change nothing
    #[arg(long)]
    pub dry_run: bool,
}
