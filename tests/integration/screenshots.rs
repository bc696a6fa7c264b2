//! The README's screenshots (`assets/*.svg`) are what the wizard draws today: the
//! gallery is rendered through the same SVG function as `scripts/screenshots` and
//! compared byte for byte. They never show the token, and they are well-formed.

use std::path::Path;

use git_reauth::tui::gallery::{fake_token, screenshots};

const FIX: &str = "run `bash scripts/screenshots` and commit assets/";

#[test]
fn committed_screenshots_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let shots = screenshots();
    assert!(shots.len() >= 8, "one screenshot per screen at least");
    let mut stale = Vec::new();
    for (name, svg) in &shots {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if committed == *svg => {}
            Ok(_) => stale.push(format!("assets/{name} differs from what the wizard draws")),
            Err(e) => stale.push(format!("assets/{name}: {e}")),
        }
    }
    assert!(stale.is_empty(), "stale screenshots; {FIX}:\n  {}", stale.join("\n  "));
}

#[test]
fn every_screenshot_in_readme_exists_and_every_screenshot_is_in_readme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for (name, _) in screenshots() {
        assert!(readme.contains(&format!("(assets/{name})")), "README.md does not show assets/{name}");
    }
}

#[test]
fn screenshots_never_show_the_token() {
    let token = fake_token();
    let tail = &token[4..];
    for (name, svg) in screenshots() {
        assert!(
            !svg.contains(&token) && !svg.contains(tail) && !svg.contains("SECRETsecret"),
            "{name} shows the token"
        );
    }
}

#[test]
fn screenshots_are_well_formed_svg() {
    let shots = screenshots();
    for (name, svg) in &shots {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{name}");
        assert!(svg.ends_with("</svg>\n"), "{name}");
        if let Err(e) = check_xml(svg) {
            panic!("{name}: {e}");
        }
    }
    assert!(shots == screenshots(), "the screenshots change from one run to the next");
}

/// Balanced tags, quoted attributes, and `&` only in the entities the SVG writer emits.
/// Enough for what that writer produces (no comments, CDATA or processing instructions).
fn check_xml(svg: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt])?;
        let gt = rest[lt..].find('>').ok_or("a tag is not closed")? + lt;
        let tag = &rest[lt + 1..gt];
        if tag.contains('<') {
            return Err(format!("`<` inside a tag: {tag}"));
        }
        if !tag.matches('"').count().is_multiple_of(2) {
            return Err(format!("unbalanced quotes: {tag}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name => {}
                o => return Err(format!("</{name}> closes {o:?}")),
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().ok_or("empty tag")?;
            open.push(name);
        }
        check_text(tag)?;
        rest = &rest[gt + 1..];
        if open.is_empty() && !rest.trim().is_empty() {
            return Err(format!("content after the root element: {rest:.40}"));
        }
    }
    check_text(rest)?;
    if open.is_empty() { Ok(()) } else { Err(format!("not closed: {open:?}")) }
}

fn check_text(text: &str) -> Result<(), String> {
    if text.contains('>') {
        return Err(format!("bare `>` in text: {text:.60}"));
    }
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|e| entity.starts_with(e)) {
            return Err(format!("bare `&`: {entity:.20}"));
        }
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(format!("control character {c:?}"));
    }
    Ok(())
}
