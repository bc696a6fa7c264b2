//! Screen 2, Create a token: why, and the pre-filled creation URL in full.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::{Theme, body, para, wrap};
use crate::tui::app::State;

pub fn view(state: &State, frame: &mut Frame, area: Rect) {
    let t = Theme::of(state);
    let w = area.width as usize;
    let mut lines = para(
        "GitHub no longer takes your account password for git. A personal access token replaces it: \
         create one on GitHub, copy it, and paste it on the next screen.",
        w,
        0,
        Style::new(),
    );
    lines.push(Line::raw(""));
    let what = if state.fine_grained {
        let owner = state.local.as_ref().and_then(|l| l.owner.clone());
        let whose = owner.map(|o| format!(" owned by {o}")).unwrap_or_default();
        format!(
            "Fine-grained token{whose} with Contents: read and write, 90 days. On the page, pick the \
             repositories it may reach under \"Repository access\"."
        )
    } else {
        format!("Classic token with the scopes repo and workflow, named \"git-reauth on {}\":", state.machine)
    };
    lines.extend(para(&what, w, 0, t.bold()));
    // The URL in full, broken only at the edge, so it can be selected with the mouse.
    lines.extend(wrap(&state.create_url(), w).into_iter().map(|l| Line::styled(l, t.url())));
    if let Some(d) = &state.demo {
        lines.push(Line::raw(""));
        lines.extend(para(
            "Demo: that page is the sandbox's and mints a token (o opens it). No browser? Use this one \
             (it is fake, so it may be shown), or press p on the next screen:",
            w,
            0,
            t.dim(),
        ));
        lines.push(Line::styled(format!("  {}", d.token), t.url()));
    }
    lines.push(Line::raw(""));
    lines.extend(para(
        "Expiry: 90 days is a good balance; git-reauth shows the date when it is done. Then press Enter.",
        w,
        0,
        t.dim(),
    ));
    body(state, frame, area, lines, &t);
}
