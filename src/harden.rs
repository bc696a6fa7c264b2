//! Process hardening applied before any secret is read: no core dumps.
//!
//! A token lives in this process's memory while it runs; a core file (or a debugger
//! attaching as the same user) would copy it to disk. So at start we set `RLIMIT_CORE`
//! to 0 (soft and hard, inherited by our git children, which see the token on stdin) and,
//! on Linux, mark the process non-dumpable, which also stops same-user `ptrace` attach
//! and makes `/proc/<pid>/mem` unreadable to other processes of the user.

/// Forbid core dumps of this process. Best effort: failures are ignored (there is
/// nothing better to do than to go on; the token is still never written anywhere).
pub fn forbid_core_dumps() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) takes integer arguments only and touches no memory
    // of ours. It comes first so that once the core limit reads 0 (see the tests) the
    // process is already non-dumpable.
    unsafe {
        libc::prctl(
            libc::PR_SET_DUMPABLE,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        );
    }
    #[cfg(unix)]
    {
        let zero = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: `zero` is a valid, initialized rlimit that outlives the call.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &zero);
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn a_hardened_process_cannot_dump_core() {
        // In a forked child, so the test binary itself keeps its limits.
        // SAFETY: the child only calls async-signal-safe functions and `_exit`s.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            super::forbid_core_dumps();
            let mut rl = libc::rlimit { rlim_cur: 1, rlim_max: 1 };
            // SAFETY: plain syscalls on a valid, initialized struct.
            let ok = unsafe {
                libc::getrlimit(libc::RLIMIT_CORE, &mut rl) == 0
                    && rl.rlim_cur == 0
                    && rl.rlim_max == 0
                    && libc::prctl(libc::PR_GET_DUMPABLE) == 0
            };
            // SAFETY: `_exit` never returns and runs no destructors of the forked copy.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) }
        }
        let mut status = 0;
        // SAFETY: waiting for our own child with a valid status pointer.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status}");
    }
}
