//! The README's pictures: every wizard screen drawn by the real rendering code into a
//! `TestBackend` and saved as an SVG terminal window in `assets/`.
//!
//!     cargo run --example screenshots            # (re)write assets/*.svg
//!     cargo run --example screenshots -- --check # exit 1, listing the stale files

use std::path::Path;
use std::process::ExitCode;

use git_reauth::tui::gallery;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("usage: screenshots [--check] (unknown argument {other:?})");
            return ExitCode::from(2);
        }
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut stale = Vec::new();
    for (name, svg) in gallery::screenshots() {
        let path = dir.join(&name);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(svg.as_str()) {
            continue;
        }
        if check {
            stale.push(format!("assets/{name}"));
            continue;
        }
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &svg)) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote assets/{name}");
    }
    if stale.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!("stale screenshots (run `bash scripts/screenshots`):");
    for name in &stale {
        eprintln!("  {name}");
    }
    ExitCode::FAILURE
}
