//! `git-reauth completions SHELL`: clap's completion script for `git-reauth …`, and for
//! bash also `_git_reauth`, which git's own bash completion calls for `git reauth …`.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Problem, out};
use crate::cli::{Cli, CompletionsArgs};
use crate::exit;

pub fn run(a: CompletionsArgs) -> Result<u8, Problem> {
    out(&script(a.shell))?;
    Ok(exit::OK)
}

/// The completion script for one shell.
pub fn script(shell: Shell) -> String {
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "git-reauth", &mut text);
    let mut script = String::from_utf8_lossy(&text).into_owned();
    if shell == Shell::Bash {
        // clap_complete 4.6 spells the state of a hyphenated binary's subcommand
        // `git__reauth__subcmd__doctor` but its case label `git__subcmd__reauth__subcmd__doctor`,
        // so no subcommand's options complete (clap-rs/clap#6421). Spell the labels alike;
        // once clap is fixed this replaces nothing.
        script = script.replace("git__subcmd__reauth", "git__reauth");
        script.push_str(GIT_SUBCOMMAND_BASH);
    }
    script
}

/// git's completion (git-completion.bash) completes `git reauth …` by calling
/// `_git_reauth` with its own `words`/`cword` (`__git_cmd_idx` is where `reauth` stands,
/// after options such as `-C DIR`); with bash-completion it first loads this file by the
/// name `git-reauth`. The words after `reauth` go to clap's function (`_git__reauth`) as `git-reauth …`.
/// git registers its completion with `-o nospace`, so a finished word gets its space here.
/// (zsh's and fish's git completions find `_git-reauth` / `git-reauth` by themselves.)
const GIT_SUBCOMMAND_BASH: &str = r#"
# `git reauth …` through git's own completion.
_git_reauth() {
    local idx=${__git_cmd_idx:-1}
    local COMP_WORDS=(git-reauth "${words[@]:idx+1}")
    local COMP_CWORD=$((cword - idx))
    local COMP_LINE="${COMP_WORDS[*]}"
    local COMP_POINT=${#COMP_LINE}
    _git__reauth git-reauth "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    local i
    for i in "${!COMPREPLY[@]}"; do
        [[ -d ${COMPREPLY[i]} || ${COMPREPLY[i]} == *[=/] ]] || COMPREPLY[i]+=" "
    done
}
"#;
