//! Screen 4, Verify: account, scopes, expiry, repository access and SSO, then what a failure
//! means and what to do about it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, body, marked, para, status_line, wrap};
use crate::engine::setup::Prepared;
use crate::model::diagnosis::Status;
use crate::tui::app::{Failure, State, Step, VerifyState};

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let intro = match state.verify {
        VerifyState::Failed { .. } => "GitHub's answer about the token. Nothing was changed.",
        _ => "Asking GitHub about the token. Nothing is changed yet.",
    };
    let mut lines = para(intro, w, 0, t.dim());
    lines.push(Line::raw(""));
    match &state.verify {
        VerifyState::Passed { prepared: p, .. } => {
            for step in Step::ALL {
                lines.push(status_line(&t, t.mark(Status::Ok), step.label(), &passed(state, p, step), w));
            }
            for warning in &p.warnings {
                lines.extend(marked(&t, Status::Warn, warning, w));
            }
            for note in &p.notes {
                lines.extend(marked(&t, Status::Skip, note, w));
            }
            lines.push(Line::raw(""));
            lines.extend(para("The token works. Enter shows what will change.", w, 0, t.bold()));
        }
        VerifyState::Failed { failure: f, .. } => failed(&mut lines, &t, f, w),
        _ => {
            for step in Step::ALL {
                lines.push(status_line(&t, t.spinner(state), step.label(), "checking…", w));
            }
        }
    }
    body(state, frame, area, lines, &t);
}

fn passed(state: &State, p: &Prepared, step: Step) -> String {
    match step {
        Step::Account => format!("{} ({})", p.account.login, p.kind.describe()),
        Step::Scopes => match &p.account.scopes {
            Some(s) => format!("{} (repo is what git needs)", s.display()),
            None => "per-repository permissions (fine-grained)".into(),
        },
        Step::Expiry => match p.account.expires {
            Some(e) => {
                let days = super::days_left(e, state.now);
                format!("{} ({days} days left)", e.format("%Y-%m-%d"))
            }
            None => "never expires (consider a token with an expiry date)".into(),
        },
        Step::RepoAccess => match &p.target {
            Some(t) => {
                let vis = if t.private { "private" } else { "public" };
                format!("can read and push to {} ({vis})", t.view.repo)
            }
            None => "no repository here: fixing the host's credential only".into(),
        },
        Step::Sso => match &p.target {
            Some(_) => "no authorization missing".into(),
            None => "not checked without a repository".into(),
        },
    }
}

fn failed(lines: &mut Vec<Line<'static>>, t: &Theme, f: &Failure, w: usize) {
    // Only what was decided: the account (when GitHub knew the token) and the failure.
    if f.step.is_some_and(|s| s != Step::Account) {
        lines.push(status_line(t, t.mark(Status::Ok), Step::Account.label(), "GitHub knows the token", w));
    }
    match f.step {
        Some(step) => lines.push(status_line(t, t.mark(Status::Fail), step.label(), "failed, see below", w)),
        None => lines.push(status_line(t, t.mark(Status::Fail), "check", "could not finish, see below", w)),
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![t.mark(Status::Fail), Span::styled(" What it means", t.bold())]));
    lines.extend(para(&f.message, w, 2, Style::new()));
    if let Some(url) = &f.sso_url {
        lines.push(Line::styled("  Authorize the token here (o opens it), then press r:", t.bold()));
        lines.extend(wrap(url, w.saturating_sub(2)).into_iter().map(|l| Line::styled(format!("  {l}"), t.url())));
    } else if let Some(h) = &f.hint {
        lines.push(Line::styled("  What to do", t.bold()));
        lines.extend(para(h, w, 2, Style::new()));
    }
}
