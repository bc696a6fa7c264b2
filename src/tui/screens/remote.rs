//! Screen 5, Remote: the exact before → after of the fetch and push URLs, and the choice
//! between switching to HTTPS and keeping SSH.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::{Theme, before_after, body, choice, para};
use crate::model::plan::Change;
use crate::model::remote::redact;
use crate::tui::app::{RemoteChoice, State};

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let mut lines = Vec::new();
    let Some(p) = state.verify.prepared() else {
        body(state, frame, area, lines, &t);
        return;
    };
    let Some(target) = &p.target else {
        body(state, frame, area, lines, &t);
        return;
    };
    let v = &target.view;
    let name = &v.info.name;
    let why = if v.forced_to_ssh() {
        format!(
            "{name} is written as HTTPS, but an insteadOf rule makes git use SSH, so git never uses a token for it."
        )
    } else {
        format!("{name} uses SSH, so git never uses a token for it.")
    };
    lines.extend(para(
        &format!("{why} Switching it to HTTPS lets the new token work for fetch and push:"),
        w,
        0,
        Style::new(),
    ));
    lines.push(Line::raw(""));

    let https = state.host.repo_url(&v.repo);
    let to = |push: bool| {
        p.plan.changes.iter().find_map(|c| match c {
            Change::RemoteUrl { push: p, to: Some(to), .. } if *p == push => Some(to.clone()),
            _ => None,
        })
    };
    let fetch_after = to(false).unwrap_or_else(|| https.clone());
    let push_after =
        to(true).unwrap_or_else(|| if v.info.pushurl.is_none() { fetch_after.clone() } else { https.clone() });
    let (fetch, push) = (redact(&v.info.effective_fetch), redact(&v.info.effective_push));
    if fetch == push && fetch_after == push_after {
        lines.extend(before_after(&t, "fetch", &fetch, &redact(&fetch_after), w));
        lines.push(Line::styled("  push    the same", t.dim()));
    } else {
        lines.extend(before_after(&t, "fetch", &fetch, &redact(&fetch_after), w));
        lines.extend(before_after(&t, "push", &push, &redact(&push_after), w));
    }
    // The insteadOf rules dropped with the switch (where the token goes is Credentials').
    for c in p.remote_switch().filter(|c| matches!(c, Change::ConfigKey { .. })) {
        lines.extend(para(&format!("and {}", c.describe()), w, 2, t.dim()));
    }
    lines.push(Line::raw(""));
    let sel = state.remote_choice;
    lines.push(choice(&t, sel == RemoteChoice::SwitchToHttps, "Switch to HTTPS (recommended)", w));
    lines.push(choice(&t, sel == RemoteChoice::KeepSsh, "Keep SSH", w));
    lines.push(Line::raw(""));
    let explain = match sel {
        RemoteChoice::SwitchToHttps => "`git-reauth undo` switches it back.".to_string(),
        RemoteChoice::KeepSsh => format!(
            "{name} stays on SSH and keeps using your SSH key; the token is then not used for it, only stored for other HTTPS remotes."
        ),
    };
    lines.extend(para(&explain, w, 2, t.dim()));
    body(state, frame, area, lines, &t);
}
