//! Screen 7, Apply: the plan's changes ticking off, then the verification; a failure says
//! that everything was rolled back, and marks the steps that were made and taken back.

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
    let running = state.apply.running().is_some();
    let a = &state.apply;
    let failure = a.failure();
    let mut lines = Vec::new();
    let partly = failure.is_some_and(|f| f.leftovers);
    if let Some(f) = failure {
        lines.extend(marked(&t, Status::Fail, &f.message, w));
        let undone = if partly {
            "Some changes could not be rolled back (listed above): fix them by hand or run `git-reauth undo`."
        } else {
            "Everything was rolled back (↺): your setup is as it was."
        };
        lines.extend(para(undone, w, 2, t.bold()));
        if let Some(h) = &f.hint {
            lines.extend(para(h, w, 2, Style::new()));
        }
        lines.push(Line::raw(""));
    }
    if failure.is_none() {
        lines.extend(para("Applying; if any step fails, everything is rolled back.", w, 0, t.dim()));
        lines.push(Line::raw(""));
    }
    let changes = state.effective().map(|p| p.plan.changes).unwrap_or_default();
    for (i, c) in changes.iter().enumerate() {
        let mark = if i < a.changed && failure.is_some() && !partly {
            t.rolled_back()
        } else if i < a.changed {
            t.mark(Status::Ok)
        } else if running && i == a.changed {
            t.spinner(state)
        } else if failure.is_some() && i == a.changed {
            t.mark(Status::Fail)
        } else {
            t.pending()
        };
        let mut l = para(&c.describe(), w, 2, Style::new());
        if let Some(first) = l.first_mut() {
            let rest: String = first.spans.iter().map(|s| s.content.to_string()).collect();
            *first = Line::from(vec![mark, Span::raw(rest.chars().skip(1).collect::<String>())]);
        }
        lines.extend(l);
    }
    if a.changed >= changes.len() || !a.verified.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Verifying:", t.bold()));
        for v in &a.verified {
            lines.extend(marked(&t, Status::Ok, v, w));
        }
        if running {
            lines.push(Line::from(vec![t.spinner(state), Span::raw(" checking that git uses the new token…")]));
        }
    }
    if a.quitting() {
        lines.push(Line::raw(""));
        lines.extend(para("Stopping: rolling back what was applied, then quitting…", w, 0, t.warn()));
    }
    body(state, frame, area, lines, &t);
}
