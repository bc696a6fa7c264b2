//! Drawing: the frame around every screen (title, body, notice, status bar) and the
//! small helpers the screens share. Screens only read the state.

mod apply;
mod create;
mod credentials;
mod diagnosis;
mod done;
mod paste;
mod remote;
mod verify;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{Screen, State};
use super::keys;
use crate::model::diagnosis::Status;

/// Below this the layout cannot work; the wizard asks for more room instead.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 12;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draw the whole wizard. When the body turns out to need scrolling (or no longer
/// does), the frame is drawn once more so that the status bar lists the scroll keys.
pub fn draw(state: &State, frame: &mut Frame) {
    let scrolls = state.scroll_max.get() > 0;
    draw_once(state, frame);
    if (state.scroll_max.get() > 0) != scrolls {
        frame.render_widget(ratatui::widgets::Clear, frame.area());
        draw_once(state, frame);
    }
}

fn draw_once(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let t = Theme::of(state);
    let notice = state.notice.is_some() as u16;
    let bar = status_bar(state, &t, area.width as usize);
    let [title, _, body_area, note, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(notice),
        Constraint::Length(bar.len() as u16),
    ])
    .areas(area);
    let left = format!(" git-reauth · {}", state.screen.title());
    let right = header_right(state, area.width as usize - width(&left).min(area.width as usize));
    let pad = (area.width as usize).saturating_sub(width(&left) + width(&right));
    let line = Line::from(vec![
        Span::styled(left, t.bold()),
        Span::raw(" ".repeat(pad)),
        Span::styled(fit(&right, area.width as usize), t.dim()),
    ]);
    frame.render_widget(Paragraph::new(line).style(t.bar()), title);

    let inner = Rect { x: body_area.x + 1, width: body_area.width.saturating_sub(2), ..body_area };
    match state.screen {
        Screen::Diagnosis => diagnosis::view(state, frame, inner),
        Screen::Create => create::view(state, frame, inner),
        Screen::Paste => paste::view(state, frame, inner),
        Screen::Verify => verify::view(state, frame, inner),
        Screen::Remote => remote::view(state, frame, inner),
        Screen::Credentials => credentials::view(state, frame, inner),
        Screen::Apply => apply::view(state, frame, inner),
        Screen::Done => done::view(state, frame, inner),
    }

    if let Some(n) = &state.notice {
        frame.render_widget(Paragraph::new(Line::styled(fit(&format!(" {n}"), area.width as usize), t.dim())), note);
    }
    frame.render_widget(Paragraph::new(bar).style(t.bar()), status);
}

/// The header's right side, shortened before it would run into the title: host and
/// step, then the step alone, then its number.
fn header_right(state: &State, room: usize) -> String {
    let (step, of) = (state.screen.step(), Screen::ALL.len());
    [
        format!("{} · step {step} of {of} ", state.host.host_port()),
        format!("step {step} of {of} "),
        format!("{step}/{of} "),
    ]
    .into_iter()
    .find(|r| width(r) < room)
    .unwrap_or_default()
}

/// The keys that work, from the key table; on two lines when one is too short.
fn status_bar(state: &State, t: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut done: Vec<Line<'static>> = Vec::new();
    let mut cur: Vec<Span<'static>> = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, label) in keys::hints(state) {
        let item = width(&key) + 1 + width(label);
        if used > 1 && used + 3 + item > w && done.is_empty() {
            done.push(Line::from(std::mem::replace(&mut cur, vec![Span::raw(" ")])));
            used = 1;
        } else if used > 1 {
            cur.push(Span::styled(" · ", t.dim()));
            used += 3;
        }
        cur.push(Span::styled(key, t.key()));
        cur.push(Span::raw(format!(" {label}")));
        used += item;
    }
    done.push(Line::from(cur));
    done
}

fn too_small(frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let text = format!("enlarge the terminal (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})", area.width, area.height);
    let lines: Vec<Line> = wrap(&text, area.width as usize).into_iter().map(Line::raw).collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Draw a screen's lines from the scroll position; when they do not fit, the last line
/// says how many are above and below and which keys scroll. What can be scrolled is
/// told back to the state (`scroll_max`, `scroll_page`) for the keys.
pub fn body(state: &State, frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, t: &Theme) {
    let height = area.height as usize;
    if lines.len() <= height || height < 2 {
        state.scroll_max.set(0);
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let page = height - 1;
    let max = lines.len() - page;
    state.scroll_max.set(max);
    state.scroll_page.set(page);
    let at = state.scroll.min(max);
    let below = lines.len() - at - page;
    let mut shown: Vec<Line<'static>> = lines.into_iter().skip(at).take(page).collect();
    // Where ↑/↓ pick a choice, only the page keys scroll.
    let choices = matches!(state.screen, Screen::Remote | Screen::Credentials);
    let (down, up) = if choices { ("PgDn", "PgUp") } else { ("↓/PgDn", "↑/PgUp") };
    let more = match (at, below) {
        (0, n) => format!("↓ {n} more ({down})"),
        (n, 0) => format!("↑ {n} above ({up})"),
        (a, b) => format!("↑ {a} above · ↓ {b} more"),
    };
    shown.push(Line::styled(fit(&more, area.width as usize), t.dim()));
    frame.render_widget(Paragraph::new(shown), area);
}

/// Display width (the wizard's text is made of narrow characters).
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// Cut to `w` columns with an ellipsis.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// Greedy word wrap to `w` columns; words longer than a line (URLs) are split.
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let mut word = word.to_string();
            let sep = usize::from(!line.is_empty());
            if width(&line) + sep + width(&word) <= w {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            while width(&word) > w {
                let head: String = word.chars().take(w).collect();
                word = word.chars().skip(w).collect();
                lines.push(head);
            }
            line = word;
        }
        lines.push(line);
    }
    lines
}

/// Wrapped prose as lines, with an indent on every line.
pub fn para(text: &str, w: usize, indent: usize, style: Style) -> Vec<Line<'static>> {
    let pad = " ".repeat(indent);
    wrap(text, w.saturating_sub(indent)).into_iter().map(|l| Line::styled(format!("{pad}{l}"), style)).collect()
}

/// `✓ label        summary`, cut to one line.
pub fn status_line(t: &Theme, mark: Span<'static>, label: &str, text: &str, w: usize) -> Line<'static> {
    const LABEL: usize = 19;
    let label = format!(" {label:<width$}", width = LABEL - 1);
    let room = w.saturating_sub(2 + LABEL);
    Line::from(vec![mark, Span::styled(label, t.bold()), Span::raw(fit(text, room))])
}

/// Colours that read on light and dark backgrounds; none with `NO_COLOR`. Every
/// meaning also has a symbol, so colour is never the only signal.
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn of(state: &State) -> Theme {
        Theme { color: state.color }
    }
    fn fg(&self, c: ratatui::style::Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }
    pub fn ok(&self) -> Style {
        self.fg(ratatui::style::Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(ratatui::style::Color::Yellow)
    }
    pub fn fail(&self) -> Style {
        self.fg(ratatui::style::Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color { Style::new().add_modifier(Modifier::DIM) } else { Style::new() }
    }
    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(ratatui::style::Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn url(&self) -> Style {
        self.fg(ratatui::style::Color::Cyan).add_modifier(Modifier::UNDERLINED)
    }
    pub fn bar(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    /// The mark for a check status.
    pub fn mark(&self, s: Status) -> Span<'static> {
        match s {
            Status::Ok => Span::styled("✓", self.ok()),
            Status::Warn => Span::styled("!", self.warn()),
            Status::Fail => Span::styled("✗", self.fail()),
            Status::Skip => Span::styled("-", self.dim()),
        }
    }
    pub fn spinner(&self, state: &State) -> Span<'static> {
        Span::styled(SPINNER[state.spinner % SPINNER.len()], self.key())
    }
    pub fn pending(&self) -> Span<'static> {
        Span::styled("·", self.dim())
    }
    /// A step that was made, then taken back.
    pub fn rolled_back(&self) -> Span<'static> {
        Span::styled("↺", self.dim())
    }
}

/// A choice in a list: `> Switch to HTTPS` with the highlighted one reversed.
pub fn choice(t: &Theme, selected: bool, text: &str, w: usize) -> Line<'static> {
    let text = fit(&format!("{} {text} ", if selected { ">" } else { " " }), w);
    Line::styled(text, if selected { t.selected() } else { Style::new() })
}

/// `from → to` on two lines, for URLs.
pub fn before_after(t: &Theme, label: &str, from: &str, to: &str, w: usize) -> Vec<Line<'static>> {
    let room = w.saturating_sub(10);
    vec![
        Line::from(vec![Span::styled(format!("  {label:<6}  "), t.bold()), Span::raw(fit(from, room))]),
        Line::from(vec![Span::styled("       → ", t.ok()), Span::styled(fit(to, room), t.ok())]),
    ]
}

/// A wrapped line after a status mark.
pub fn marked(t: &Theme, status: Status, text: &str, w: usize) -> Vec<Line<'static>> {
    let mut lines = para(text, w, 2, Style::new());
    if let Some(first) = lines.first_mut() {
        let rest: String = first.spans.iter().map(|s| s.content.to_string()).collect();
        *first = Line::from(vec![t.mark(status), Span::raw(rest.chars().skip(1).collect::<String>())]);
    }
    lines
}

pub use crate::model::account::days_left;
