//! Screen 8, Done: what changed, how to undo it, when the token expires, and what to run now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, body, marked, para};
use crate::model::diagnosis::Status;
use crate::tui::app::State;

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let mut lines = vec![Line::from(vec![
        t.mark(Status::Ok),
        Span::styled(format!(" Done: git now uses the new token for {}.", state.host.host_port()), t.bold()),
    ])];
    let p = state.effective();
    let next = match p.as_ref().and_then(|p| p.push_command()) {
        Some(push) => format!("Now run `{push}`."),
        None => "Now run `git push` in your repository.".into(),
    };
    lines.push(Line::styled(format!("  {next}"), t.bold()));
    lines.push(Line::raw(""));
    if let Some(p) = &p {
        let expiry = match p.account.expires {
            Some(e) => format!(
                "The token expires on {} (in {} days): run git-reauth again before then.",
                e.format("%Y-%m-%d"),
                super::days_left(e, state.now)
            ),
            None => "The token never expires; revoke it on GitHub when this machine is retired.".into(),
        };
        lines.extend(para(&expiry, w, 0, Style::new()));
    }
    lines.extend(para("`git-reauth undo` reverts the remote and config changes.", w, 0, Style::new()));
    if let Some(p) = &p {
        for n in &p.notes {
            lines.extend(marked(&t, Status::Warn, n, w));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Changed:", t.bold()));
        for c in &p.plan.changes {
            lines.extend(marked(&t, Status::Ok, &c.describe(), w));
        }
    }
    if let Some(a) = state.apply.applied() {
        lines.push(Line::styled("Checked:", t.bold()));
        for v in &a.verified {
            lines.extend(marked(&t, Status::Ok, v, w));
        }
        lines.extend(para(&format!("Undo journal: {}", a.journal.display()), w, 0, t.dim()));
    }
    if let Some(push) = state.demo.as_ref().and_then(|d| d.push.as_ref()) {
        lines.push(Line::raw(""));
        match push {
            crate::tui::app::PushState::Running => {
                lines.push(Line::styled("$ git push   (running in the sandbox clone…)", t.bold()))
            }
            crate::tui::app::PushState::Done { ok, output } => {
                let status = if *ok { Status::Ok } else { Status::Fail };
                lines.push(Line::from(vec![t.mark(status), Span::styled(" $ git push", t.bold())]));
                for l in output.lines().filter(|l| !l.trim().is_empty()) {
                    lines.push(Line::styled(format!("  {l}"), t.dim()));
                }
            }
        }
    }
    body(state, frame, area, lines, &t);
}
