//! The layering of docs/architecture.md, checked on the source: every `crate::…` path in
//! `src/` is an arrow from the module it is written in to the module it names, and the
//! arrows that point the wrong way fail here with the file and line.
//! `cargo test --test integration layers -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer a top-level module of `src/` belongs to.
fn layer(module: &str) -> &'static str {
    match module {
        "model" => "model",
        "git" | "github" | "store" | "env" | "harden" => "edges",
        "engine" => "engine",
        "sandbox" => "sandbox",
        _ => "faces", // commands, tui, cli, helper, exit, main, lib
    }
}

/// Why an arrow from module `from` to module `to` is forbidden, if it is. `test`: it is
/// written in a test file (`tests.rs`, `tests/`), which may use the sandbox: the fake
/// world exists so that the edges and the engine can be tested against it.
fn forbidden(from: &str, to: &str, test: bool) -> Option<&'static str> {
    let (lf, lt) = (layer(from), layer(to));
    if from == to || (test && lt == "sandbox") {
        return None;
    }
    match (lf, lt) {
        ("model", _) => Some("model is pure: it uses nothing else of ours"),
        ("edges", "engine" | "faces" | "sandbox") => Some("an edge serves the engine and never calls up"),
        ("engine", "faces" | "sandbox") => Some("the engine never reaches a face (or the sandbox)"),
        ("sandbox", "engine" | "faces") => Some("the sandbox is a fake world: it knows no engine or face"),
        _ if from == "tui" && matches!(to, "git" | "github" | "store") => {
            Some("the wizard reaches the edges only through the engine")
        }
        _ if from == "tui" && to == "commands" => Some("the wizard is a face of its own, not part of the command line"),
        _ => None,
    }
}

/// The top-level module a file of `src/` is part of.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The modules named by `crate::…` paths on one line of code (comments dropped),
/// including the groups of `use crate::{a::x, b};`.
fn named(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            found.extend(inner.split(',').map(|p| p.trim().split("::").next().unwrap_or("").to_string()));
        } else {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            found.push(name);
        }
    }
    found.retain(|n| !n.is_empty() && n != "self");
    found
}

/// A place an arrow is written: `src/FILE:LINE`, and whether it is test code.
struct Place {
    at: String,
    test: bool,
}

/// Every arrow: (from module, to module) → the places it is written.
fn arrows() -> BTreeMap<(String, String), Vec<Place>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut arrows: BTreeMap<(String, String), Vec<Place>> = BTreeMap::new();
    for file in files {
        let from = module_of(&src, &file);
        let rel = file.strip_prefix(&src).unwrap();
        let test =
            rel.components().any(|c| c.as_os_str() == "tests") || rel.file_name().is_some_and(|n| n == "tests.rs");
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for to in named(line) {
                let at = format!("src/{}:{}", rel.display(), n + 1);
                arrows.entry((from.clone(), to)).or_default().push(Place { at, test });
            }
        }
    }
    arrows
}

#[test]
fn no_import_points_the_wrong_way() {
    let arrows = arrows();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for ((from, to), places) in &arrows {
        let key = format!("{from} ({})", layer(from));
        graph.entry(key).or_default().insert(format!("{to} ({})", places.len()));
        let bad: Vec<&str> =
            places.iter().filter(|p| forbidden(from, to, p.test).is_some()).map(|p| p.at.as_str()).collect();
        if let (Some(why), false) = (forbidden(from, to, false), bad.is_empty()) {
            wrong.push(format!("{from} → {to}: {why}\n    at {}", bad.join(", ")));
        }
    }
    for (from, targets) in &graph {
        eprintln!("{from} → {}", targets.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    assert!(wrong.is_empty(), "imports against the layering (docs/architecture.md):\n{}", wrong.join("\n"));
    // The check sees the arrows that exist (it would pass on nothing).
    assert!(arrows.contains_key(&("engine".into(), "model".into())), "the engine's use of model is seen");
    assert!(arrows.contains_key(&("tui".into(), "engine".into())), "the wizard's use of the engine is seen");
}

#[test]
fn the_check_reads_every_form_of_path_and_names_the_rules() {
    assert_eq!(named("use crate::model::plan::Change;"), ["model"]);
    assert_eq!(named("use crate::{git::Git, model};"), ["git", "model"]);
    assert_eq!(named("    let x = crate::store::probe(); // crate::tui"), ["store"]);
    assert_eq!(named("/// see crate::engine").len(), 0, "comments are not code");
    assert!(forbidden("model", "git", false).is_some());
    assert!(forbidden("git", "engine", false).is_some());
    assert!(forbidden("engine", "commands", false).is_some());
    assert!(forbidden("engine", "tui", false).is_some());
    assert!(forbidden("tui", "github", false).is_some());
    assert!(forbidden("tui", "github", true).is_some(), "tests of the wizard do not reach the edges either");
    assert!(forbidden("github", "sandbox", false).is_some());
    assert!(forbidden("github", "sandbox", true).is_none(), "an edge's tests may use the fake world");
    assert!(forbidden("tui", "engine", false).is_none());
    assert!(forbidden("commands", "engine", false).is_none());
    assert!(forbidden("engine", "git", false).is_none());
}
