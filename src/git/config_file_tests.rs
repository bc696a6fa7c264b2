//! The config writer against git itself: what is written is what git reads back, the
//! file stays one git can read, symlinks and modes are kept.

use proptest::prelude::*;

use super::*;

fn git_list(file: &Path) -> std::process::Output {
    git_config(file, [OsStr::new("--list")]).unwrap()
}

#[test]
fn adding_then_removing_a_key_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let original = "[user]\n\tname = octo\n# a comment\n[credential]\n\thelper = store\n";
    std::fs::write(&file, original).unwrap();
    let key = "credential.https://github.com.helper";
    write_values(&file, key, &["".into(), "!git-reauth credential".into()]).unwrap();
    assert_eq!(read_values(&file, key).unwrap(), ["", "!git-reauth credential"]);
    write_values(&file, key, &[]).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    assert!(!dir.path().join("config.lock").exists());
}

#[test]
fn one_value_for_one_value_is_replaced_where_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, "[remote \"origin\"]\n\turl = git@github.com:o/r.git\n\tfetch = +refs/*\n[core]\n").unwrap();
    write_values(&file, "remote.origin.url", &["https://github.com/o/r.git".into()]).unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "[remote \"origin\"]\n\turl = https://github.com/o/r.git\n\tfetch = +refs/*\n[core]\n"
    );
}

/// The finding: libgit2's multivar set wrote `!'/home/o'\''brien/…'` unescaped, a line
/// git cannot read (`fatal: bad config line`), and a newline in the path injected config.
#[test]
fn a_helper_path_with_an_apostrophe_or_a_newline_stays_one_value_git_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, "[user]\n\tname = octo\n").unwrap();
    let key = "credential.https://github.com.helper";
    for path in ["/home/o'brien/bin/git-reauth", "/tmp/x\n[core]\n\tpager = touch /tmp/pwned\n/git-reauth"] {
        let helper = crate::model::storage::helper_command(Path::new(path));
        write_values(&file, key, &["".into(), helper.clone()]).unwrap();
        assert!(git_list(&file).status.success(), "git reads the file: {}", std::fs::read_to_string(&file).unwrap());
        assert_eq!(read_values(&file, key).unwrap(), ["".to_string(), helper]);
        let pager = git_config(&file, [OsStr::new("--get"), OsStr::new("core.pager")]).unwrap();
        assert_eq!(pager.status.code(), Some(1), "no core.pager was injected");
    }
}

#[test]
fn a_nul_byte_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, "[a]\n\tb = 1\n").unwrap();
    let err = write_values(&file, "a.b", &["x\0y".into()]).unwrap_err();
    assert!(err.to_string().contains("NUL"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "[a]\n\tb = 1\n");
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_is_written_through_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dotfiles")).unwrap();
    let target = dir.path().join("dotfiles/gitconfig");
    std::fs::write(&target, "[user]\n\tname = octo\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join(".gitconfig");
    std::os::unix::fs::symlink("dotfiles/gitconfig", &link).unwrap();
    let key = "credential.https://github.com.helper";
    write_values(&link, key, &["".into(), "store".into()]).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::read_to_string(&target).unwrap().contains("helper = store"));
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
    // Emptying the section (git drops the header) goes through the link too.
    write_values(&link, key, &[]).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "[user]\n\tname = octo\n");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
}

#[cfg(unix)]
#[test]
fn a_new_file_is_never_writable_by_others_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new-config");
    // SAFETY: umask has no preconditions; the old mask is put back at once. Other
    // tests in this process may create files meanwhile: none of them checks modes
    // of files it creates with a looser mask than 022.
    let old = unsafe { libc::umask(0) };
    let written = write_values(&file, "a.b", &["1".into()]);
    unsafe { libc::umask(old) };
    written.unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o644);
}

#[test]
fn a_locked_file_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, "[a]\n\tb = 1\n").unwrap();
    std::fs::write(dir.path().join("config.lock"), "").unwrap();
    assert!(matches!(write_values(&file, "a.b", &["2".into()]), Err(ConfigFileError::Locked { .. })));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "[a]\n\tb = 1\n");
}

/// Keys as the plans write them: remote URLs, host-scoped helpers, rewrite rules, and
/// subsections with the characters git must quote.
fn key() -> impl Strategy<Value = String> {
    let sub = "[ -~]{0,12}".prop_filter("no newline", |s| !s.contains('\n'));
    prop_oneof![
        Just("remote.origin.url".to_string()),
        Just("remote.origin.pushurl".to_string()),
        sub.clone().prop_map(|s| format!("credential.{s}.helper")),
        sub.prop_map(|s| format!("url.{s}.insteadOf")),
    ]
}

/// Any text git can hold: everything but NUL (newlines, quotes, backslashes, `#`, `;`,
/// leading and trailing spaces, non-ASCII).
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[ \t\n\"\\\\#;'=\\[\\]a-z]{0,16}",
        Just(String::new()),
        Just(" lead and trail ".to_string()),
    ]
    .prop_filter("no NUL", |v| !v.contains('\0'))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// git is the oracle: after any write it reads the file, and finds exactly the values.
    #[test]
    fn what_is_written_is_what_git_reads_back(
        key in key(),
        first in prop::collection::vec(value(), 0..3),
        second in prop::collection::vec(value(), 0..3),
        name in "[a-zA-Z0-9 '\"$;&|]{1,12}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(format!("cfg {name}"));
        std::fs::write(&file, "[user]\n\tname = octo\n").unwrap();
        for values in [&first, &second] {
            write_values(&file, &key, values).unwrap();
            prop_assert!(git_list(&file).status.success(), "{}", std::fs::read_to_string(&file).unwrap());
            prop_assert_eq!(&read_values(&file, &key).unwrap(), values);
            prop_assert_eq!(read_values(&file, "user.name").unwrap(), vec!["octo".to_string()]);
        }
        write_values(&file, &key, &[]).unwrap();
        prop_assert_eq!(std::fs::read_to_string(&file).unwrap(), "[user]\n\tname = octo\n");
    }
}

/// Run as root (as CI does) on a user's file, git's lock file would leave it owned by
/// root: the owner is given back.
#[cfg(unix)]
#[test]
fn a_file_keeps_its_owner() {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("a_file_keeps_its_owner: needs root to own a file as another user; checked as root in CI");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, "[a]\n\tb = 1\n").unwrap();
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    write_values(&file, "a.b", &["2".into(), "3".into()]).unwrap();
    let m = std::fs::metadata(&file).unwrap();
    assert_eq!((m.uid(), m.gid()), (65534, 65534));
    assert_eq!(read_values(&file, "a.b").unwrap(), ["2", "3"]);
}

/// One line of a generated config file: its text without the end.
fn indent() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\t"), Just("  "), Just(""), Just(" \t")]
}

fn assign() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(" = "), Just("="), Just("\t=\t"), Just(" =  ")]
}

fn noise() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            Just(String::new()),
            "[a-z ]{0,10}".prop_map(|t| format!("# {t}")),
            "[a-z ]{0,10}".prop_map(|t| format!("\t; {t}")),
            Just("   ".to_string()),
        ],
        0..3,
    )
}

/// A section as users write them: headers, camelCase keys, comments and blank lines,
/// tabs and spaces, a rule section with several insteadOf values.
fn section() -> impl Strategy<Value = Vec<String>> {
    let rules = (
        prop_oneof![Just("git@github.com:"), Just("ssh://git@github.com/")],
        prop::collection::vec(
            (
                indent(),
                prop_oneof![Just("insteadOf"), Just("insteadof"), Just("InsteadOf")],
                assign(),
                prop_oneof![Just("https://github.com/"), Just("https://github.com/o/"), Just("gh:")],
                noise(),
            ),
            1..4,
        ),
    )
        .prop_map(|(base, values)| {
            let mut lines = vec![format!("[url \"{base}\"]")];
            for (i, k, a, v, n) in values {
                lines.push(format!("{i}{k}{a}{v}"));
                lines.extend(n);
            }
            lines
        });
    let core = (indent(), assign(), indent(), noise()).prop_map(|(i, a, j, n)| {
        let mut lines = vec!["[core]".to_string(), format!("{i}autoCRLF{a}false"), format!("{j}hooksPath{a}hooks")];
        lines.extend(n);
        lines
    });
    let user = (indent(), assign(), noise()).prop_map(|(i, a, n)| {
        let mut lines = vec!["[user]".to_string(), format!("{i}name{a}\"O Ctocat\" ; trailing comment")];
        lines.extend(n);
        lines
    });
    prop_oneof![rules, core, user, noise()]
}

/// A whole file: a remote section somewhere among the others, each line ending in `\n`
/// or `\r\n`, the last one maybe without an end.
fn config_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(section(), 0..4),
        0usize..4,
        prop::collection::vec(any::<bool>(), 64),
        any::<bool>(),
        indent(),
        assign(),
    )
        .prop_map(|(mut sections, at, crlf, last_end, i, a)| {
            let remote = vec![
                "[remote \"origin\"]".to_string(),
                format!("{i}url{a}git@github.com:o/r.git"),
                format!("{i}fetch{a}+refs/heads/*:refs/remotes/origin/*"),
            ];
            let at = at.min(sections.len());
            sections.insert(at, remote);
            let lines: Vec<String> = sections.concat();
            let mut text = String::new();
            for (n, l) in lines.iter().enumerate() {
                text.push_str(l);
                if n + 1 < lines.len() || last_end {
                    text.push_str(if crlf[n % crlf.len()] { "\r\n" } else { "\n" });
                }
            }
            text
        })
}

fn listed(file: &Path) -> Vec<u8> {
    let out = git_list(file);
    assert!(out.status.success(), "git reads the file: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Item 4 of issue 13: the change set setup makes (some insteadOf values removed, the
    /// remote switched), taken back by the exact reverse of each write's line edit, last
    /// first, gives the file back byte for byte; git reads every write.
    #[test]
    fn setup_writes_taken_back_by_their_edits_give_back_the_bytes(
        text in config_text(),
        keep in prop::collection::vec(any::<bool>(), 8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, &text).unwrap();
        let before_list = listed(&file);
        let mut steps = Vec::new();
        for key in ["url.git@github.com:.insteadof", "url.ssh://git@github.com/.insteadof"] {
            let from = read_values(&file, key).unwrap();
            let to: Vec<String> =
                from.iter().enumerate().filter(|(n, _)| keep[n % keep.len()]).map(|(_, v)| v.clone()).collect();
            if let Some(edit) = write_values_edit(&file, key, &to).unwrap() {
                steps.push((key, from, edit));
            }
            prop_assert_eq!(read_values(&file, key).unwrap(), to);
        }
        let key = "remote.origin.url";
        let edit = write_values_edit(&file, key, &["https://github.com/o/r.git".into()]).unwrap().unwrap();
        steps.push((key, vec!["git@github.com:o/r.git".into()], edit));
        listed(&file);
        for (key, from, edit) in steps.iter().rev() {
            // As the journal keeps it: JSON, CRLF and tabs in strings.
            let kept: LineEdit = serde_json::from_str(&serde_json::to_string(edit).unwrap()).unwrap();
            prop_assert!(apply_edit(&file, &kept.reversed(), key, from).unwrap(), "{key}: the edit applies");
        }
        prop_assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        prop_assert_eq!(listed(&file), before_list);
    }
}

#[test]
fn an_edit_on_a_file_changed_since_is_not_applied_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let original =
        "[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n\tinsteadOf = gh:\n[core]\n\tbare = false\n";
    std::fs::write(&file, original).unwrap();
    let key = "url.git@github.com:.insteadof";
    let edit = write_values_edit(&file, key, &["gh:".into()]).unwrap().unwrap();
    // The user edited the line setup left.
    let changed = std::fs::read_to_string(&file).unwrap().replace("gh:", "hub:");
    std::fs::write(&file, &changed).unwrap();
    let back = vec!["https://github.com/".to_string(), "gh:".into()];
    assert!(!apply_edit(&file, &edit.reversed(), key, &back).unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), changed);
    // An edit that applies but leaves other values than expected is put back too.
    std::fs::write(&file, original).unwrap();
    let edit = write_values_edit(&file, key, &["gh:".into()]).unwrap().unwrap();
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(!apply_edit(&file, &edit.reversed(), key, &["something else".into()]).unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    // And the one it was made for applies.
    assert!(apply_edit(&file, &edit.reversed(), key, &back).unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
}

#[test]
fn a_file_the_write_created_is_removed_by_the_reverse() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new");
    let edit = write_values_edit(&file, "a.b", &["1".into()]).unwrap().unwrap();
    assert!(file.exists());
    assert!(apply_edit(&file, &edit.reversed(), "a.b", &[]).unwrap());
    assert!(!file.exists());
}

/// The reverse edit is written as git writes: through `FILE.lock`. A lock another git
/// holds is refused, and the file stays as it is.
#[test]
fn an_edit_is_not_applied_while_git_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let original = "[a]\n\tCamel = 1\n";
    std::fs::write(&file, original).unwrap();
    let edit = write_values_edit(&file, "a.camel", &["2".into()]).unwrap().unwrap();
    let after = std::fs::read_to_string(&file).unwrap();
    std::fs::write(dir.path().join("config.lock"), "").unwrap();
    let got = apply_edit(&file, &edit.reversed(), "a.camel", &["1".into()]);
    assert!(matches!(got, Err(ConfigFileError::Locked { .. })), "{got:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    std::fs::remove_file(dir.path().join("config.lock")).unwrap();
    assert!(apply_edit(&file, &edit.reversed(), "a.camel", &["1".into()]).unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    assert!(!dir.path().join("config.lock").exists(), "the lock is gone");
}

#[cfg(unix)]
#[test]
fn an_edit_through_a_symlink_lands_in_its_target_and_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dotfiles")).unwrap();
    let target = dir.path().join("dotfiles/gitconfig");
    let original = "[url \"git@github.com:\"]\r\n\tinsteadOf = https://github.com/\r\n\tinsteadOf = gh:\r\n";
    std::fs::write(&target, original).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join(".gitconfig");
    std::os::unix::fs::symlink("dotfiles/gitconfig", &link).unwrap();
    let key = "url.git@github.com:.insteadof";
    let edit = write_values_edit(&link, key, &["gh:".into()]).unwrap().unwrap();
    let back = ["https://github.com/".to_string(), "gh:".into()];
    assert!(apply_edit(&link, &edit.reversed(), key, &back).unwrap());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), original);
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
}
