//! Screen 6, Credentials: the helper chain, the stale entry, where the token goes, and a
//! preview of every change.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, body, choice, fit, marked, para};
use crate::model::diagnosis::Status;
use crate::tui::app::{State, StoreChoice};

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let mut lines = Vec::new();
    let Some(p) = state.effective() else {
        body(state, frame, area, lines, &t);
        return;
    };
    lines.push(Line::styled(
        fit(&format!("git asks these credential helpers for {}, in order:", state.host.host_port()), w),
        t.bold(),
    ));
    if p.chain.is_empty() {
        lines.push(Line::styled("  none: git has nowhere to keep a token and asks every time", t.dim()));
    }
    for (i, h) in p.chain.iter().enumerate() {
        let from = h.file().unwrap_or(&h.origin);
        let text = format!("  {}. {:<10} {:<7} {from}", i + 1, h.name(), h.scope);
        lines.push(Line::raw(fit(&text, w)));
    }
    match state.stale_credential() {
        Some(c) => lines.extend(marked(&t, Status::Fail, &format!("now: {}", c.summary), w)),
        None => lines.push(Line::styled("  no stale entry was found; the new token replaces what is there", t.dim())),
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Where to keep the token:", t.bold()));
    for (i, c) in state.store_choices().iter().enumerate() {
        let text = match c {
            StoreChoice::Helper => format!("Replace it in {} (the helper git uses now)", state.helper_names()),
            StoreChoice::Keyring => "Store it in the OS keyring (git-reauth's own helper, for this host only)".into(),
            StoreChoice::Cache => "Keep it in git's memory cache (forgotten after a day)".into(),
            StoreChoice::File => "Write it to ~/.git-credentials (plaintext file, readable only by you)".into(),
        };
        lines.push(choice(&t, i == state.store_choice, &text, w));
        // Where it matters: a storage that cannot be used says why, beside it.
        if let Some(f) = state.store_failure(*c) {
            lines.extend(marked(&t, Status::Fail, &format!("unavailable: {}", f.message), w));
        }
    }
    lines.push(Line::raw(""));
    let highlighted = state.store_choices().get(state.store_choice).copied();
    if let Some(h) = highlighted.filter(|h| *h != p.store()) {
        match state.store_failure(h) {
            Some(f) => {
                lines.extend(para("This storage cannot be used here; choose another one.", w, 0, t.bold()));
                if let Some(hint) = &f.hint {
                    lines.extend(para(hint, w, 2, Style::new()));
                }
            }
            None => lines
                .push(Line::from(vec![t.spinner(state), Span::raw(" working out what would change for this choice…")])),
        }
        body(state, frame, area, lines, &t);
        return;
    }
    lines.push(Line::styled("What will change (nothing until you press Enter):", t.bold()));
    for (i, c) in p.plan.changes.iter().enumerate() {
        let mut l = para(&c.describe(), w, 5, Style::new());
        if let Some(first) = l.first_mut() {
            let rest: String = first.spans.iter().map(|s| s.content.to_string()).collect();
            *first = Line::from(vec![
                Span::raw(format!("  {}. ", i + 1)),
                Span::raw(rest.chars().skip(5).collect::<String>()),
            ]);
        }
        lines.extend(l);
    }
    for n in &p.notes {
        lines.extend(marked(&t, Status::Warn, n, w));
    }
    body(state, frame, area, lines, &t);
}
