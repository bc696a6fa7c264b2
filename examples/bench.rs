//! Benchmarks for the engine, against the sandbox: `doctor`, `setup --dry-run` and a
//! full `setup` wall time at several per-request latencies, and peak RSS. Run by
//! `scripts/bench` on a release build; prints a Markdown table.
//!
//!     cargo run --release --example bench -- [--runs N] [--latency-ms 0,100,250]

#[cfg(unix)]
fn main() -> anyhow::Result<()> {
    unix::main()
}

#[cfg(not(unix))]
fn main() {
    eprintln!("this benchmark needs Unix (wait4 and rusage)");
    std::process::exit(2);
}

#[cfg(unix)]
mod unix {
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use git_reauth::sandbox::workstation::Workstation;
    use git_reauth::sandbox::{Sandbox, World, WorldSpec};

    struct Sample {
        wall: Duration,
        rss_kb: i64,
    }

    pub fn main() -> anyhow::Result<()> {
        let args: Vec<String> = std::env::args().collect();
        let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
        let runs: usize = opt("--runs").map(|v| v.parse()).transpose()?.unwrap_or(15);
        let latencies: Vec<u64> = opt("--latency-ms")
            .unwrap_or_else(|| "0,100,250".into())
            .split(',')
            .map(|v| v.trim().parse())
            .collect::<Result<_, _>>()?;
        let bin = binary()?;

        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let world = rt.block_on(World::start(WorldSpec::default()))?;
        let token = world.classic_token(&["repo", "workflow"], None);
        let World { sandbox, ws, .. } = world;
        // Healthy world: the token is stored, so doctor runs every check.
        run(&bin, &ws, &sandbox, &["setup", "--token-stdin"], Some(&token))?;

        println!(
            "| command | latency per request | per new connection | median wall | min | max | peak RSS | round trips (median / latency) | physical limit |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
        // Per request alone, then per request and per new connection (TCP set-up; TLS
        // would add one or two more).
        let mut modes: Vec<(u64, u64)> = latencies.iter().flat_map(|&ms| [(ms, 0), (ms, ms)]).collect();
        modes.dedup();
        for (ms, connect) in modes {
            sandbox.set_latency(Duration::from_millis(ms));
            sandbox.set_connect_latency(Duration::from_millis(connect));
            // (label, command, stdin, round trips no run can avoid: requests that depend
            // on each other's answers, and new connections that cannot be shared)
            for (label, cmd, stdin, (requests, connections)) in [
                // one wave: the credential is local, every question goes out at once
                ("doctor", vec!["doctor"], None, (1, 1)),
                ("status", vec!["status"], None, (1, 1)),
                ("setup --dry-run", vec!["setup", "--token-stdin", "--dry-run"], Some(token.as_str()), (1, 1)),
                // Applies for real each time (forget + store the same token, verify):
                // the checks' wave, then git's own proof (a process of its own: a new connection).
                ("setup", vec!["setup", "--token-stdin"], Some(token.as_str()), (2, 2)),
            ] {
                let mut samples = Vec::new();
                for _ in 0..runs {
                    samples.push(run(&bin, &ws, &sandbox, &cmd, stdin)?);
                }
                samples.sort_by_key(|s| s.wall);
                let med = samples[samples.len() / 2].wall;
                let rss = samples.iter().map(|s| s.rss_kb).max().unwrap_or(0);
                let rts = if ms == 0 { "–".into() } else { format!("{:.2}", med.as_secs_f64() * 1000.0 / ms as f64) };
                let limit = match (ms, connect) {
                    (0, _) => "–".to_string(),
                    (_, 0) => format!("{requests}"),
                    _ => format!("{}", requests + connections),
                };
                println!(
                    "| `{label}` | {ms} ms | {connect} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} MB | {rts} | {limit} |",
                    ms_of(med),
                    ms_of(samples[0].wall),
                    ms_of(samples[samples.len() - 1].wall),
                    rss as f64 / 1024.0
                );
            }
        }
        Ok(())
    }

    fn ms_of(d: Duration) -> f64 {
        d.as_secs_f64() * 1000.0
    }

    fn binary() -> anyhow::Result<PathBuf> {
        let exe = std::env::current_exe()?;
        // target/<profile>/examples/bench -> target/<profile>/git-reauth
        let bin = exe.parent().and_then(|p| p.parent()).map(|p| p.join("git-reauth")).unwrap_or_default();
        anyhow::ensure!(bin.exists(), "build the binary first: cargo build --release ({})", bin.display());
        Ok(bin)
    }

    fn run(
        bin: &PathBuf,
        ws: &Workstation,
        sandbox: &Sandbox,
        args: &[&str],
        stdin: Option<&str>,
    ) -> anyhow::Result<Sample> {
        let mut cmd = Command::new(bin);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(ws.env_vars())
            .env("GIT_REAUTH_HOST_URL", sandbox.host_url())
            .current_dir(&ws.repo)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        let start = Instant::now();
        let mut child = cmd.spawn()?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            use std::io::Write;
            writeln!(pipe, "{text}")?;
        }
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // wait4 gives this child's own peak RSS (not the maximum over all children).
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let wall = start.elapsed();
        anyhow::ensure!(rc == pid, "wait4 failed");
        anyhow::ensure!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{args:?} failed (status {status})");
        // ru_maxrss is in KiB on Linux and the BSDs, in bytes on macOS.
        let rss_kb = if cfg!(target_os = "macos") { usage.ru_maxrss / 1024 } else { usage.ru_maxrss };
        Ok(Sample { wall, rss_kb })
    }
}
