//! `git-reauth doctor`.

use crate::cli::DoctorArgs;
use crate::engine::Deps;
use crate::engine::doctor::{DoctorOpts, doctor};
use crate::exit;
use crate::model::diagnosis::{Diagnosis, Status};

use super::{Problem, Style, out};

pub async fn run(deps: &Deps, args: DoctorArgs) -> Result<u8, Problem> {
    let d = doctor(deps, &DoctorOpts { remote: args.remote }, None).await;
    if args.json {
        let text = serde_json::to_string_pretty(&d).map_err(|e| Problem::Other(e.to_string()))?;
        out(&format!("{text}\n"))?;
    } else {
        out(&render(&d, Style::stdout()))?;
    }
    Ok(if d.healthy { exit::OK } else { exit::PROBLEM })
}

/// One line per check; each failure's fix indented under it.
pub fn render(d: &Diagnosis, s: Style) -> String {
    let mut text = String::new();
    let mut head = format!("git-reauth doctor · {}", d.host);
    if let Some(r) = &d.repository {
        head.push_str(&format!(" · {r}"));
    }
    text.push_str(&s.bold(&head));
    text.push('\n');
    if let Some(a) = &d.account {
        text.push_str(&format!("git sends the account {}\n", a.describe()));
    }
    let width = d.checks.iter().map(|c| c.id.as_str().len()).max().unwrap_or(0);
    for c in &d.checks {
        let mark = match c.status {
            Status::Ok => s.ok("ok  "),
            Status::Warn => s.warn("warn"),
            Status::Fail => s.fail("FAIL"),
            Status::Skip => s.dim("skip"),
        };
        text.push_str(&format!("{mark} {:width$}  {}\n", c.id.as_str(), c.summary));
        if let (Status::Warn | Status::Fail, Some(fix)) = (c.status, &c.fix) {
            text.push_str(&format!("     {:width$}  {} {fix}\n", "", s.dim("fix:")));
        }
    }
    let fails = d.checks.iter().filter(|c| c.status == Status::Fail).count();
    text.push_str(&if fails == 0 {
        format!("{}\n", s.ok("healthy: git can authenticate to GitHub over HTTPS"))
    } else {
        format!(
            "{} {}\n",
            s.fail(&format!("{fails} problem{} found:", if fails == 1 { "" } else { "s" })),
            d.headline()
        )
    });
    text
}
