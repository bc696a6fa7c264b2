//! `git-reauth doctor --all [DIR…] [--json] [--offline] [--max-depth N]`: every
//! repository under the folders, one line each (or one JSON object a line) and a
//! summary by verdict; a progress bar on a terminal only.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::DoctorArgs;
use crate::engine::Deps;
use crate::engine::scan::{Progress, ScanOpts, ScanReport, scan};
use crate::exit;
use crate::model::scan_report::RepoReport;
use crate::model::text::printable;

use super::{Problem, Style, out};

pub async fn run(deps: &Deps, args: DoctorArgs) -> Result<u8, Problem> {
    let roots = match roots(deps, &args.dirs) {
        Ok(r) => r,
        Err(line) => {
            let s = Style::stderr();
            eprintln!("{} {}", s.fail("error:"), printable(&line));
            eprintln!("{} name existing folders: git-reauth doctor --all [DIR…]", s.dim("hint:"));
            return Ok(exit::USAGE);
        }
    };
    if !args.offline {
        let s = Style::stderr();
        eprintln!(
            "{} doctor --all makes no network check yet: the verdicts are from local facts (as --offline)",
            s.dim("note:")
        );
    }
    let bar = progress_bar();
    let tell: Arc<dyn Fn(Progress) + Send + Sync> = match bar.clone() {
        Some(bar) => Arc::new(move |p| match p {
            Progress::Found(n) => bar.set_message(format!("{n} repositories found")),
            // Reported from several threads: counted here, so the bar never goes back.
            Progress::Read { done: _, total } => {
                bar.set_length(total as u64);
                bar.inc(1);
            }
        }),
        None => Arc::new(|_| {}),
    };
    let opts = ScanOpts { roots, max_depth: args.max_depth, offline: args.offline };
    let report = scan(deps, &opts, tell).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if args.json {
        // In pieces: ten thousand repositories need not be one string.
        for chunk in report.repos.chunks(512) {
            out(&json_lines(chunk)?)?;
        }
    } else {
        out(&render(&report, Style::stdout()))?;
    }
    Ok(if report.healthy() { exit::OK } else { exit::PROBLEM })
}

/// The folders named, made absolute against the working folder; none: the home folder.
pub(super) fn roots(deps: &Deps, dirs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let env = deps.env();
    if dirs.is_empty() {
        let home = env.var("HOME").filter(|h| !h.is_empty()).ok_or("no home folder (HOME is not set)")?;
        return Ok(vec![PathBuf::from(home)]);
    }
    dirs.iter()
        .map(|d| {
            let abs = env.cwd.join(d);
            if abs.is_dir() { Ok(abs) } else { Err(format!("{} is not a folder", d.display())) }
        })
        .collect()
}

/// On a terminal (stderr) only: piped output gets nothing but the result.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    Some(bar)
}

/// One JSON object per repository and line (JSON lines), in path order.
pub fn json_lines(repos: &[RepoReport]) -> Result<String, Problem> {
    let mut text = String::new();
    for r in repos {
        text.push_str(&serde_json::to_string(r).map_err(|e| Problem::Other(e.to_string()))?);
        text.push('\n');
    }
    Ok(text)
}

/// One line per repository (verdict, path, what git uses and who it sends), then the
/// summary by verdict.
pub fn render(report: &ScanReport, s: Style) -> String {
    let mut text = String::new();
    for r in &report.repos {
        let verdict = format!("{:<13}", r.verdict.as_str());
        let mark = match r.verdict {
            v if v.is_problem() => s.fail(&verdict),
            crate::model::scan::Verdict::Works => s.ok(&verdict),
            _ => s.dim(&verdict),
        };
        text.push_str(&format!("{mark} {}  {}\n", printable(&r.path), printable(&detail(r))));
    }
    let n = report.repos.len();
    let counts: Vec<String> = report.counts().iter().map(|(v, c)| format!("{c} {}", v.as_str())).collect();
    let mut summary = format!("{n} repositor{}", if n == 1 { "y" } else { "ies" });
    if !counts.is_empty() {
        summary.push_str(&format!(": {}", counts.join(", ")));
    }
    summary.push_str(&format!(" ({}", report.host));
    summary.push_str(if report.offline { ", offline" } else { ", local facts only" });
    let credentials = crate::model::scan_report::credential_groups(&report.repos).len();
    if credentials > 0 {
        summary.push_str(&format!("; {credentials} distinct credential{}", if credentials == 1 { "" } else { "s" }));
    }
    summary.push(')');
    text.push_str(&s.bold(&summary));
    text.push('\n');
    text
}

/// What follows the path: the repository, how git reaches it, the account, the reason.
fn detail(r: &RepoReport) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(remote) = &r.remote {
        let mut what = match &remote.repository {
            Some(repo) => format!("{} {repo}", remote.name),
            None => format!("{} {}", remote.name, remote.url.as_deref().unwrap_or("")),
        };
        if let Some(push) = &remote.push_repository {
            what.push_str(&format!(" (pushes to {push})"));
        }
        if remote.repository.is_some() {
            let t = if remote.fetch_transport == remote.push_transport {
                remote.fetch_transport.to_string()
            } else {
                format!("fetch {}, push {}", remote.fetch_transport, remote.push_transport)
            };
            what.push_str(&format!(" over {t}"));
            if remote.push_source != "url" {
                what.push_str(&format!(" (by {})", remote.push_source));
            }
        }
        if let Some(a) = &remote.alias {
            what.push_str(&format!(
                " via alias {} ({})",
                a.name,
                a.identity_file.as_deref().unwrap_or("no key of its own")
            ));
        }
        parts.push(what);
    }
    if let Some(a) = &r.account {
        let key = a.key.as_deref().unwrap_or(a.source);
        parts.push(match (&a.login, &a.file, &a.included_from) {
            (Some(l), Some(f), _) => format!("sends {l} ({key} in {f})"),
            (Some(l), None, Some(f)) => format!("sends {l} ({key}, included from {f})"),
            (Some(l), None, None) => {
                format!("sends {l} (from the {})", if a.source == "url" { "remote URL" } else { a.source })
            }
            (None, _, _) => "sends the helper's account".into(),
        });
    }
    if let Some(why) = &r.reason {
        parts.push(why.clone());
    }
    parts.join("; ")
}
