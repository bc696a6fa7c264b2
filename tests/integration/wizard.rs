//! The wizard in a real terminal: tmux on a private socket runs the real binary (no
//! subcommand) inside a sandbox world; the tests type and paste like a person and read
//! the screen with `capture-pane`, polling with a deadline.

use crate::support::*;

use crate::tmux::Tmux;

/// Diagnosis done (its summary is on screen).
fn diagnosed(t: &mut Tmux) -> String {
    t.wait("the diagnosis", |s| s.contains("What is wrong") || s.contains("Everything needed"))
}

#[test]
fn wizard_fixes_the_broken_workstation_with_enter_and_a_paste() {
    let w = World::broken();
    let token = w.good_token();
    let before = w.remote_head();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    let s = diagnosed(&mut t);
    for line in ["git version", "cached credential", "live git auth", "remote origin"] {
        assert!(s.contains(line), "{line} missing:\n{s}");
    }
    assert!(s.lines().any(|l| l.contains('✗') && l.contains("cached credential")), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("Create a token");
    assert!(s.contains("settings/tokens/new?scopes=repo,workflow"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("Paste the token");
    t.paste(&token);
    let s = t.wait_for("classic token, looks right");
    assert!(s.contains("40 characters"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("The token works");
    assert!(s.contains("can read and push to octo/hello"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("Switch to HTTPS");
    assert!(s.contains("git@127.0.0.1:octo/hello.git"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("Where to keep the token");
    assert!(s.contains("Replace it in store"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("Done:");
    assert!(s.contains("git-reauth undo") && s.contains("Now run `git push`"), "{s}");
    assert!(s.contains("git credential fill returns the new token"), "{s}");
    t.keys(&["Enter"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_never_showed(&token);

    let https = format!("{}/{OWNER}/{REPO}.git", w.sandbox.host_url());
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), https);
    let filled = w.filled();
    assert!(filled.contains(&format!("password={token}")), "{filled}");
    let creds = std::fs::read_to_string(w.ws.home.join(".git-credentials")).unwrap_or_default();
    assert!(!creds.contains(PASSWORD), "the stale password is still stored");
    let push = w.git(&["push", "origin", "HEAD:main"]);
    assert!(push.status.success(), "git push: {}", String::from_utf8_lossy(&push.stderr));
    assert_ne!(w.remote_head(), before);
}

#[test]
fn q_on_the_first_screen_exits_1_and_changes_nothing() {
    let w = World::broken();
    let snap = w.snapshot();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    diagnosed(&mut t);
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 1);
    assert_eq!(w.snapshot(), snap);
}

/// From the diagnosis, walk `n` screens forward with Enter (and the paste).
pub(crate) fn walk(t: &mut Tmux, n: usize, token: &str) -> &'static str {
    const SCREENS: [&str; 6] =
        ["What is wrong", "Create a token", "Paste the token", "The token works", "Switch to HTTPS", "Where to keep"];
    diagnosed(t);
    for next in SCREENS.iter().take(n + 1).skip(1) {
        if *next == "The token works" {
            t.paste(token);
            t.wait_for("looks right");
        }
        t.keys(&["Enter"]);
        t.wait_for(next);
    }
    SCREENS[n]
}

#[test]
fn ctrl_c_on_each_screen_exits_130_and_changes_nothing() {
    let w = World::broken();
    let token = w.good_token();
    let snap = w.snapshot();
    for n in 0..6 {
        let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
        let screen = walk(&mut t, n, &token);
        t.keys(&["C-c"]);
        assert_eq!(t.exit_code(), 130, "Ctrl-C at {screen}");
        t.assert_never_showed(&token);
        assert_eq!(w.snapshot(), snap, "Ctrl-C at {screen} changed something");
    }
}

#[test]
fn resizing_to_tiny_and_back_redraws() {
    let w = World::broken();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    diagnosed(&mut t);
    t.tmux(&["resize-window", "-t", "wiz", "-x", "30", "-y", "6"]);
    t.wait_for("enlarge the terminal");
    t.tmux(&["resize-window", "-t", "wiz", "-x", "1", "-y", "1"]);
    t.tmux(&["resize-window", "-t", "wiz", "-x", "60", "-y", "16"]);
    let s = t.wait("the small layout", |s| s.contains("checks passed") && s.contains("step 1 of 8"));
    assert!(!s.contains("enlarge the terminal (need"), "{s}");
    t.tmux(&["resize-window", "-t", "wiz", "-x", "100", "-y", "30"]);
    t.wait_for("cached credential");
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 1);
}

#[test]
fn without_a_terminal_the_wizard_refuses_and_names_the_scriptable_command() {
    let w = World::broken();
    let snap = w.snapshot();
    let a = w.cmd(&[]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("git-reauth setup --token-stdin"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert_eq!(w.snapshot(), snap);
}

#[test]
fn the_wizard_does_not_apply_while_another_run_changes_the_setup() {
    let w = World::broken();
    let token = w.good_token();
    let snap = w.snapshot();
    // Another run holds the journal lock (as a running `setup` would).
    let held = w.hold_journal_lock();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    walk(&mut t, 5, &token);
    t.keys(&["Enter"]);
    let s = t.wait_for("another git-reauth run");
    assert!(!s.contains("Done:"), "{s}");
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 1);
    drop(held);
    assert_eq!(w.snapshot(), snap, "nothing was applied");
}

#[test]
fn a_fix_that_fails_verification_in_the_wizard_is_rolled_back_with_the_old_login() {
    // Every change is applied, then the live check (`git ls-remote`, `git push --dry-run`) loses its connection:
    // the wizard rolls back, the old login is stored again, and nothing is left changed.
    let w = World::broken();
    let token = w.good_token();
    let snap = w.snapshot();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    walk(&mut t, 5, &token);
    // Apply talks to GitHub only for that check.
    w.sandbox.set_fault(Some(git_reauth::sandbox::Fault::DropMidResponse { count: 1 }));
    t.keys(&["Enter"]);
    let s = t.wait_for("Everything was rolled back");
    // The fetch and the push side are checked at once: either may lose it.
    assert!(
        s.contains("the fix did not hold: git ls-remote") || s.contains("the fix did not hold: git push --dry-run"),
        "{s}"
    );
    assert!(!s.contains("Done:"), "{s}");
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 1);
    t.assert_never_showed(&token);
    assert_eq!(w.snapshot(), snap, "the wizard's rollback left everything as it was");
    assert!(w.filled().contains(PASSWORD), "the old login is back");
}

/// The finding (issue 14): at 40×10 the wizard showed only "enlarge the terminal" and
/// still acted on keys. Now the same keys change nothing and ask GitHub nothing: keys
/// are read in order, so once `q` has ended the wizard, all of them were read.
#[test]
fn a_tiny_terminal_takes_no_key_and_changes_nothing() {
    let w = World::broken();
    let token = w.good_token();
    let before = w.snapshot();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    diagnosed(&mut t);
    t.tmux(&["resize-window", "-t", "wiz", "-x", "40", "-y", "10"]);
    t.wait_for("enlarge the terminal");
    let requests = w.sandbox.requests().len();
    t.keys(&["Enter", "Enter"]);
    t.paste(&token);
    t.keys(&["Enter", "Enter", "Enter", "Enter", "q"]);
    // Grow the window only once the wizard has left the screen (a resize is a signal,
    // not a key: it could overtake the keys), so that its exit lines fit.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while t.tmux(&["display", "-p", "-t", "wiz", "#{alternate_on}"]).trim() != "0" {
        assert!(std::time::Instant::now() < deadline, "the wizard did not quit");
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
    t.tmux(&["resize-window", "-t", "wiz", "-x", "100", "-y", "30"]);
    assert_eq!(t.exit_code(), 1, "q quits before Done");
    assert_eq!(w.sandbox.requests().len(), requests, "nothing was asked of GitHub");
    assert_eq!(w.snapshot(), before, "nothing of the setup changed");
    t.assert_never_showed(&token);
}

/// Press `key` until `text` is on screen (a screen whose lines do not fit scrolls).
fn scroll_until(t: &mut Tmux, key: &str, text: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let s = t.screen();
        if s.contains(text) {
            return s;
        }
        assert!(std::time::Instant::now() < deadline, "{text:?} never came into view:\n{s}");
        t.keys(&[key]);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Issue 14: every screen usable at 60×16 and 80×24; the plan of a workstation with an
/// insteadOf rule (a remote switch and the rule's removal) scrolls, and the fix ends
/// with a push that works.
#[test]
fn every_screen_works_at_60x16_and_80x24_and_a_long_plan_scrolls() {
    for (cols, rows) in [(60, 16), (80, 24)] {
        let w = World::with(Setup { insteadof_ssh: true, ..Setup::default() });
        // A second rule, for pushes: the plan of the finding (two rules and a remote).
        let base = w.sandbox.host_url();
        let host = base.trim_start_matches("http://");
        w.git_ok(&["config", "--global", &format!("url.ssh://git@{host}/.pushInsteadOf"), &format!("{base}/")]);
        let token = w.good_token();
        let mut t = Tmux::start(&w, &w.ws.repo, cols, rows);
        scroll_until(&mut t, "End", "What is wrong");
        t.keys(&["Enter"]);
        t.wait_for("Create a token");
        t.keys(&["Enter"]);
        t.wait_for("Paste the token");
        t.paste(&token);
        t.wait_for("looks right");
        t.keys(&["Enter"]);
        scroll_until(&mut t, "End", "The token works");
        t.keys(&["Enter"]);
        scroll_until(&mut t, "PageDown", "Switch to HTTPS");
        t.keys(&["Enter"]);
        t.wait_for("Credentials");
        let s = scroll_until(&mut t, "PageDown", "store the token for octo");
        assert!(s.contains("above (PgUp)"), "the plan was scrolled at {cols}×{rows}:\n{s}");
        assert!(s.contains("insteadof"), "the rule's removal is in the plan:\n{s}");
        t.keys(&["Home"]);
        let s = t.wait_for("more (PgDn)");
        assert!(s.contains("git asks these credential helpers"), "back at the top:\n{s}");
        t.keys(&["Enter"]);
        t.wait_for("· Done");
        scroll_until(&mut t, "End", "Undo journal");
        t.keys(&["Enter"]);
        assert_eq!(t.exit_code(), 0, "at {cols}×{rows}");
        t.assert_never_showed(&token);
        w.git_ok(&["push", "origin", "HEAD:main"]);
        assert_eq!(w.remote_head(), w.git_ok(&["rev-parse", "HEAD"]), "at {cols}×{rows}");
    }
}

/// The remote URL names another login: the wizard says so on Verify before changing
/// anything, `b` binds the repository to the token's account, and the push works.
#[test]
fn another_login_in_the_url_is_bound_in_the_wizard_and_push_works() {
    let w = World::with(crate::support::Setup { ssh_remote: false, ..Default::default() });
    w.sandbox.add_user("work-bot", "never-used");
    let host = w.sandbox.host_url().replace("http://", "");
    let url = format!("http://work-bot@{host}/{OWNER}/{REPO}.git");
    w.git_ok(&["remote", "set-url", "origin", &url]);
    let token = w.good_token();
    let snap = w.snapshot();
    let mut t = Tmux::start(&w, &w.ws.repo, 100, 30);
    walk(&mut t, 2, &token);
    t.paste(&token);
    t.wait_for("looks right");
    t.keys(&["Enter"]);
    let s = t.wait_for("press b to bind");
    assert!(s.contains("work-bot") && s.contains("octo"), "{s}");
    assert_eq!(w.snapshot(), snap, "nothing changed before the choice");
    t.keys(&["b"]);
    t.wait_for("The token works");
    t.keys(&["Enter"]);
    t.wait_for("Where to keep");
    t.keys(&["Enter"]);
    let s = t.wait_for("Done:");
    assert!(!s.contains("✗"), "{s}");
    t.keys(&["Enter"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_never_showed(&token);
    let key = format!("credential.{}.username", w.sandbox.host_url());
    assert_eq!(w.git_ok(&["config", "--local", &key]), "octo");
    let push = w.git(&["push", "origin", "HEAD:main"]);
    assert!(push.status.success(), "git push: {}", String::from_utf8_lossy(&push.stderr));
}
