//! `git-reauth status`.

use crate::cli::StatusArgs;
use crate::engine::Deps;
use crate::engine::status::status;
use crate::exit;

use super::{Problem, Style, out};

pub async fn run(deps: &Deps, args: StatusArgs) -> Result<u8, Problem> {
    let r = status(deps).await?;
    if args.json {
        let text = serde_json::to_string_pretty(&r).map_err(|e| Problem::Other(e.to_string()))?;
        out(&format!("{text}\n"))?;
        return Ok(if r.ok { exit::OK } else { exit::PROBLEM });
    }
    let s = Style::stdout();
    let mut text = format!("{}\n", s.bold(&r.host));
    match (&r.login, &r.token) {
        (Some(login), Some(tok)) => {
            let kind = r.kind.map(|k| k.describe()).unwrap_or("token");
            text.push_str(&format!("  {} logged in as {login} with a {kind} ({tok})\n", s.ok("✓")));
        }
        (None, Some(tok)) => text.push_str(&format!("  {} git sends {tok}, which GitHub rejects\n", s.fail("✗"))),
        _ => {}
    }
    if let Some(a) = &r.account {
        text.push_str(&format!("  git sends the account {}\n", a.describe()));
    }
    if r.logins.len() > 1 {
        text.push_str(&format!("  logins kept for the host: {}\n", r.logins.join(", ")));
    }
    if let Some(h) = &r.stored_in {
        text.push_str(&format!("  stored in: {} ({}, {})\n", h.name(), h.scope, h.file().unwrap_or(&h.origin)));
    } else if !r.helpers.is_empty() {
        let names: Vec<String> = r.helpers.iter().map(|h| h.name()).collect();
        text.push_str(&format!("  helpers: {}\n", names.join(", ")));
    }
    if let Some(sc) = &r.scopes {
        text.push_str(&format!("  scopes: {}\n", if sc.is_empty() { "(none)".into() } else { sc.join(", ") }));
    } else if r.ok {
        text.push_str("  scopes: none (fine-grained or app token: access is per repository)\n");
    }
    match (&r.expires, r.days_left) {
        (Some(e), Some(d)) => text.push_str(&format!("  expires: {e} ({d} days left)\n")),
        _ if r.ok => text.push_str("  expires: never\n"),
        _ => {}
    }
    if let Some(p) = &r.problem {
        text.push_str(&format!(
            "  {} {p}\n  {} run `git-reauth` or `git-reauth setup --token-stdin` to fix it\n",
            s.fail("✗"),
            s.dim("hint:")
        ));
    }
    out(&text)?;
    Ok(if r.ok { exit::OK } else { exit::PROBLEM })
}
