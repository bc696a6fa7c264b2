//! Screen 1, Diagnosis: the doctor's checks filling in, then a plain summary.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Theme, body, fit, para, status_line};
use crate::model::diagnosis::{CheckId, Status};
use crate::tui::app::State;

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let mut lines = vec![header(state, &t, w), Line::raw("")];
    let summary = summary(state, &t, w);
    let decided = |id: CheckId| state.checks.iter().find(|c| c.id == id);
    let compact = 2 + CheckId::ALL.len() + 1 + summary.len() > area.height as usize;
    if compact {
        let passed = state.checks.iter().filter(|c| matches!(c.status, Status::Ok | Status::Skip)).count();
        let running = CheckId::ALL.len() - state.checks.len();
        let mut spans = vec![t.mark(Status::Ok), Span::raw(format!(" {passed} checks passed or skipped"))];
        if running > 0 && state.diagnosis.is_none() {
            spans.extend([Span::raw(", "), t.spinner(state), Span::raw(format!(" {running} running"))]);
        }
        lines.push(Line::from(spans));
    }
    for id in CheckId::ALL {
        match decided(id) {
            Some(c) if compact && matches!(c.status, Status::Ok | Status::Skip) => {}
            Some(c) => lines.push(status_line(&t, t.mark(c.status), id.label(), &c.summary, w)),
            None if compact => {}
            None if state.diagnosis.is_some() => {}
            None => lines.push(status_line(&t, t.spinner(state), id.label(), "checking…", w)),
        }
    }
    lines.push(Line::raw(""));
    lines.extend(summary);
    body(state, frame, area, lines, &t);
}

fn header(state: &State, t: &Theme, w: usize) -> Line<'static> {
    let mut spans = vec![Span::styled("host ", t.dim()), Span::raw(state.host.host_port())];
    match &state.local {
        None => spans.push(Span::styled("  (looking at the repository…)", t.dim())),
        Some(l) => match (&l.repo, &l.remote, &l.workdir) {
            (Some(repo), Some(remote), _) => spans.extend([
                Span::styled("  repository ", t.dim()),
                Span::raw(repo.clone()),
                Span::styled("  remote ", t.dim()),
                Span::raw(remote.clone()),
            ]),
            (_, _, Some(dir)) => {
                spans.extend([Span::styled("  repository ", t.dim()), Span::raw(format!("{dir} (no GitHub remote)"))])
            }
            _ => spans.push(Span::styled("  not in a repository: fixing the host only", t.dim())),
        },
    }
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if super::width(&text) > w {
        return Line::raw(fit(&text, w));
    }
    Line::from(spans)
}

/// The plain-words summary under the checks.
fn summary(state: &State, t: &Theme, w: usize) -> Vec<Line<'static>> {
    let Some(d) = &state.diagnosis else {
        return para(
            "Checking… each line fills in as its check finishes. Enter skips ahead to creating a token.",
            w,
            0,
            t.dim(),
        );
    };
    if d.healthy {
        let mut l = vec![Line::from(vec![
            t.mark(Status::Ok),
            Span::styled(" Everything needed for `git push` over HTTPS works.", t.bold()),
        ])];
        l.extend(para(
            "Nothing to fix. You can still rotate the token (Enter) or quit (q).",
            w,
            2,
            ratatui::style::Style::new(),
        ));
        l.extend(ssh_note(state, w, t));
        return l;
    }
    let what = match d.get(CheckId::CachedCredential) {
        Some(c) if c.kind == Some(crate::model::kind::Kind::PasswordRejected) => {
            "git still sends your old account password; GitHub needs a token instead (it stopped accepting \
             passwords for git, e.g. once you enabled 2FA)."
                .to_string()
        }
        _ => format!("{}.", d.headline().trim_end_matches('.')),
    };
    let mut l = vec![Line::from(vec![t.mark(Status::Fail), Span::styled(" What is wrong", t.bold())])];
    l.extend(para(&what, w, 2, ratatui::style::Style::new()));
    if state.local.as_ref().is_some_and(|l| l.uses_ssh) {
        let remote = state.local.as_ref().and_then(|l| l.remote.clone()).unwrap_or_else(|| "the remote".into());
        l.extend(para(
            &format!("{remote} uses SSH; the wizard can switch it to HTTPS so the token is used."),
            w,
            2,
            t.dim(),
        ));
    }
    l.extend(para("Next: create a token on GitHub (Enter); the wizard then replaces the stale one.", w, 2, t.dim()));
    l
}

fn ssh_note(state: &State, w: usize, t: &Theme) -> Vec<Line<'static>> {
    match &state.local {
        Some(l) if l.uses_ssh => {
            let remote = l.remote.clone().unwrap_or_else(|| "the remote".into());
            para(&format!("{remote} uses SSH; the wizard can switch it to HTTPS so the token is used."), w, 2, t.dim())
        }
        _ => vec![],
    }
}
