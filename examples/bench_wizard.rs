//! The wizard's start-up and idle cost, in a real pseudo-terminal against the sandbox:
//! time from spawn to the first frame, CPU used while idle for 10 s after the checks
//! finished, and peak RSS. Run by `scripts/bench`; prints Markdown.
//!
//!     cargo run --release --example bench_wizard -- [--runs N] [--idle-secs S]

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("this benchmark needs Linux (a pseudo-terminal and /proc)");
    std::process::exit(2);
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use git_reauth::sandbox::workstation::Workstation;
    use git_reauth::sandbox::{Sandbox, World, WorldSpec};

    pub fn main() -> anyhow::Result<()> {
        let args: Vec<String> = std::env::args().collect();
        let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
        let runs: usize = opt("--runs").map(|v| v.parse()).transpose()?.unwrap_or(11);
        let idle: u64 = opt("--idle-secs").map(|v| v.parse()).transpose()?.unwrap_or(10);
        let exe = std::env::current_exe()?;
        let bin = exe.parent().and_then(|p| p.parent()).map(|p| p.join("git-reauth")).unwrap_or_default();
        anyhow::ensure!(bin.exists(), "build the binary first ({})", bin.display());

        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let World { sandbox, ws, .. } =
            rt.block_on(World::start(WorldSpec { ssh_remote: true, ..WorldSpec::default() }))?;

        let mut first = Vec::new();
        for _ in 0..runs {
            let mut w = Wizard::spawn(&bin, &ws, &sandbox)?;
            first.push(w.until("Diagnosis", Duration::from_secs(10))?);
            w.kill();
        }
        first.sort();

        // Idle: wait for the checks to finish, then measure CPU over `idle` seconds.
        let mut w = Wizard::spawn(&bin, &ws, &sandbox)?;
        w.until("What is wrong", Duration::from_secs(20))?;
        std::thread::sleep(Duration::from_millis(300));
        let before = cpu_ticks(w.pid())?;
        let start = Instant::now();
        std::thread::sleep(Duration::from_secs(idle));
        let ticks = cpu_ticks(w.pid())? - before;
        let rss = peak_rss_kb(w.pid())?;
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let cpu = ticks as f64 / hz / start.elapsed().as_secs_f64() * 100.0;
        w.kill();

        println!("| wizard | figure |");
        println!("|---|---|");
        println!(
            "| time to first frame (median of {runs}, min–max) | {:.1} ms ({:.1}–{:.1}) |",
            ms(first[first.len() / 2]),
            ms(first[0]),
            ms(first[first.len() - 1])
        );
        println!("| CPU while idle for {idle} s after the checks | {cpu:.2} % ({ticks} ticks) |");
        println!("| peak RSS | {:.1} MB |", rss as f64 / 1024.0);

        // The two steps that wait for the network, each on a fresh broken world; round
        // trips are the time beyond the same step's local work (at 0 ms), per latency.
        let mut local: Option<(Duration, Duration)> = None;
        for ms_latency in [0u64, 250] {
            let world = rt.block_on(World::start(WorldSpec { ssh_remote: true, ..WorldSpec::default() }))?;
            let token = world.classic_token(&["repo", "workflow"], None);
            let World { sandbox, ws, .. } = world;
            sandbox.set_latency(Duration::from_millis(ms_latency));
            let (verify, apply) = steps(&bin, &ws, &sandbox, &token)?;
            let rts = |d: Duration, at0: Duration| match ms_latency {
                0 => "local work".to_string(),
                l => format!("{:.2} round trips + local work", (ms(d) - ms(at0)).max(0.0) / l as f64),
            };
            let (v0, a0) = *local.get_or_insert((verify, apply));
            println!(
                "| Enter on Paste → the token works, {ms_latency} ms per request | {:.1} ms: {} (physical limit 1) |",
                ms(verify),
                rts(verify, v0)
            );
            println!(
                "| Enter on Credentials → Done, {ms_latency} ms per request | {:.1} ms: {} (physical limit 1) |",
                ms(apply),
                rts(apply, a0)
            );
        }
        Ok(())
    }

    /// Walk the wizard to the end: the time from Enter on Paste to "The token works",
    /// and from Enter on Credentials to "Done:".
    fn steps(
        bin: &std::path::Path,
        ws: &Workstation,
        sandbox: &Sandbox,
        token: &str,
    ) -> anyhow::Result<(Duration, Duration)> {
        let long = Duration::from_secs(30);
        let mut w = Wizard::spawn(bin, ws, sandbox)?;
        w.until("What is wrong", long)?;
        w.press("\r", "Create a token", long)?;
        w.press("\r", "Paste the token", long)?;
        w.press(&format!("\x1b[200~{token}\x1b[201~"), "looks right", long)?;
        let t = Instant::now();
        w.press("\r", "The token works", long)?;
        let verify = t.elapsed();
        w.press("\r", "Switch to HTTPS", long)?;
        w.press("\r", "Where to keep", long)?;
        let t = Instant::now();
        w.press("\r", "Done:", long)?;
        let apply = t.elapsed();
        w.kill();
        Ok((verify, apply))
    }

    fn ms(d: Duration) -> f64 {
        d.as_secs_f64() * 1000.0
    }

    struct Wizard {
        child: std::process::Child,
        master: std::fs::File,
        start: Instant,
        seen: String,
    }

    impl Wizard {
        fn spawn(bin: &std::path::Path, ws: &Workstation, sandbox: &Sandbox) -> anyhow::Result<Wizard> {
            let (mut master, mut slave) = (0, 0);
            let size = libc::winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
            let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
            anyhow::ensure!(rc == 0, "openpty failed");
            let slave = unsafe { OwnedFd::from_raw_fd(slave) };
            let start = Instant::now();
            let child = Command::new(bin)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("TERM", "xterm-256color")
                .envs(ws.env_vars())
                .env("GIT_REAUTH_HOST_URL", sandbox.host_url())
                .current_dir(&ws.repo)
                .stdin(Stdio::from(slave.try_clone()?))
                .stdout(Stdio::from(slave.try_clone()?))
                .stderr(Stdio::from(slave))
                .spawn()?;
            let master = unsafe { std::fs::File::from_raw_fd(master) };
            Ok(Wizard { child, master, start, seen: String::new() })
        }

        fn pid(&self) -> u32 {
            self.child.id()
        }

        /// Read the terminal until `text` was drawn; the time since spawn.
        fn until(&mut self, text: &str, deadline: Duration) -> anyhow::Result<Duration> {
            let mut buf = [0u8; 65536];
            while !self.seen.contains(text) {
                anyhow::ensure!(self.start.elapsed() < deadline, "no {text:?} on screen");
                let n = self.master.read(&mut buf)?;
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            Ok(self.start.elapsed())
        }

        /// Type `keys`, then read until `text` is drawn (only what comes after the keys counts).
        fn press(&mut self, keys: &str, text: &str, deadline: Duration) -> anyhow::Result<()> {
            use std::io::Write;
            self.seen.clear();
            self.start = Instant::now();
            self.master.write_all(keys.as_bytes())?;
            self.until(text, deadline).map(|_| ())
        }

        fn kill(mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        let after = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of stat; 12 and 13 after the ")".
        Ok(f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
            + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0))
    }

    fn peak_rss_kb(pid: u32) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        Ok(status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}
