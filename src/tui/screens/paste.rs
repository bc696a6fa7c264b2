//! Screen 3, Paste: a masked field and a live, offline lint line. The token is never drawn.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, body, fit, para};
use crate::model::diagnosis::Status;
use crate::model::token::{check_pasted, mask};
use crate::tui::app::State;

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let mut lines = para(
        "Paste the token here (your terminal's paste: Ctrl-Shift-V, Cmd-V, right click), or type it. \
         It is shown masked.",
        w,
        0,
        Style::new(),
    );
    lines.push(Line::raw(""));
    let value = state.field.expose();
    let shown = if value.is_empty() { String::new() } else { mask(value) };
    let count = state.field.chars();
    let field = format!("{shown:<12}");
    let label = "Token: ";
    lines.push(Line::from(vec![
        Span::styled(label, t.bold()),
        Span::styled(format!(" {field} "), t.selected()),
        Span::styled(format!("  {count} characters"), t.dim()),
    ]));
    let cursor_x = area.x + (label.len() + 1 + shown.chars().count()) as u16;
    let cursor_y = area.y + lines.len() as u16 - 1;
    lines.push(Line::raw(""));
    lines.extend(lint_lines(state, &t, w));
    lines.push(Line::raw(""));
    lines.extend(para("Enter asks GitHub about the token; nothing is changed yet.", w, 0, t.dim()));
    let shown_lines = lines.len();
    body(state, frame, area, lines, &t);
    if cursor_y < area.bottom() && cursor_x < area.right() && shown_lines <= area.height as usize {
        frame.set_cursor_position(Position::new(cursor_x, cursor_y));
    }
}

fn lint_lines(state: &State, t: &Theme, w: usize) -> Vec<Line<'static>> {
    let value = state.field.expose();
    if value.is_empty() {
        return vec![Line::styled(fit("waiting for a token (ghp_… or github_pat_…)", w), t.dim())];
    }
    let l = check_pasted(value);
    let (status, text) = match (l.fatal(), l.issues.first()) {
        (Some(f), _) => (Status::Fail, f.message()),
        (None, Some(warn)) => (Status::Warn, format!("{}: {}", l.kind.describe(), warn.message())),
        (None, None) => (Status::Ok, format!("{}, looks right", l.kind.describe())),
    };
    let style = if state.field_refused && status == Status::Fail { t.fail() } else { Style::new() };
    let mut lines = para(&text, w, 2, style);
    if let Some(first) = lines.first_mut() {
        let rest = first.spans.iter().map(|s| s.content.to_string()).collect::<String>();
        *first = Line::from(vec![t.mark(status), Span::styled(rest[1..].to_string(), style)]);
    }
    lines
}
