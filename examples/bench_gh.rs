//! git-reauth next to GitHub's own CLI, over HTTPS, against the sandbox: a TLS front
//! (certificate from a CA generated at run time with rcgen; `SSL_CERT_FILE` points at
//! it) forwards to the plain sandbox. Compares, in one run:
//!
//! - `git-reauth status` with `gh auth status` (both: is the token good, whose, scopes);
//! - `git-reauth doctor` with `gh auth status` + `git ls-remote` (what a person would
//!   otherwise run to find out whether git can authenticate).
//!
//! Needs `gh` on PATH (`scripts/bench` installs it from apt). Prints Markdown.
//!
//!     cargo run --release --example bench_gh -- [--runs N]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use git_reauth::sandbox::{World, WorldSpec};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(21);
    let exe = std::env::current_exe()?;
    let bin = exe.parent().and_then(|p| p.parent()).map(|p| p.join("git-reauth")).unwrap_or_default();
    anyhow::ensure!(bin.exists(), "build the binary first ({})", bin.display());
    anyhow::ensure!(Command::new("gh").arg("--version").output().is_ok(), "gh is not installed");

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let world = rt.block_on(World::start(WorldSpec::default()))?;
    let token = world.classic_token(&["repo", "read:org", "workflow"], None);
    let World { sandbox, ws, .. } = world;
    let tmp = tempfile::tempdir()?;
    let ca = tmp.path().join("ca.pem");
    let upstream = sandbox.host_url().trim_start_matches("http://").to_string();
    let port = rt.block_on(tls_front(&ca, upstream))?;
    let host = format!("127.0.0.1:{port}");
    let base = format!("https://{host}");

    let mut env = ws.env_vars();
    env.extend([
        ("SSL_CERT_FILE".into(), ca.display().to_string()),
        ("GIT_SSL_CAINFO".into(), ca.display().to_string()),
        ("GIT_REAUTH_HOST_URL".into(), base.clone()),
        ("GH_HOST".into(), host.clone()),
        ("GH_ENTERPRISE_TOKEN".into(), token.clone()),
        ("GH_CONFIG_DIR".into(), tmp.path().join("gh").display().to_string()),
        ("GH_NO_UPDATE_NOTIFIER".into(), "1".into()),
        ("GH_PROMPT_DISABLED".into(), "1".into()),
    ]);
    let repo_url = format!("{base}/octo/hello.git");
    run(&ws.repo, &env, "git", &["remote", "set-url", "origin", &repo_url], None)?;
    run(&ws.repo, &env, bin.to_str().unwrap_or("git-reauth"), &["setup", "--token-stdin"], Some(&token))?;

    let gh_status = ["auth", "status", "--hostname", host.as_str()];
    let ours = bin.to_str().unwrap_or("git-reauth").to_string();
    let measure = |steps: &[(&str, Vec<&str>)]| -> anyhow::Result<Duration> {
        let mut times = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            for (prog, a) in steps {
                run(&ws.repo, &env, prog, a, None)?;
            }
            times.push(start.elapsed());
        }
        times.sort();
        Ok(times[times.len() / 2])
    };
    let status = measure(&[(ours.as_str(), vec!["status"])])?;
    let gh = measure(&[("gh", gh_status.to_vec())])?;
    let doctor = measure(&[(ours.as_str(), vec!["doctor"])])?;
    let gh_git = measure(&[("gh", gh_status.to_vec()), ("git", vec!["ls-remote", repo_url.as_str(), "HEAD"])])?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let gh_version = String::from_utf8_lossy(&Command::new("gh").arg("--version").output()?.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    println!("Over HTTPS on loopback, medians of {runs} runs ({gh_version}):");
    println!();
    println!("| question | git-reauth | gh (+ git) | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| is the token good, whose, which scopes | `status` {:.1} ms | `gh auth status` {:.1} ms | {:.1}× faster |",
        ms(status),
        ms(gh),
        ms(gh) / ms(status)
    );
    println!(
        "| can git authenticate to this repository | `doctor` (13 checks) {:.1} ms | `gh auth status` + `git ls-remote` {:.1} ms | {:.1}× faster |",
        ms(doctor),
        ms(gh_git),
        ms(gh_git) / ms(doctor)
    );
    Ok(())
}

fn run(dir: &Path, env: &[(String, String)], prog: &str, args: &[&str], stdin: Option<&str>) -> anyhow::Result<()> {
    let mut c = Command::new(prog);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = c.spawn()?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        writeln!(pipe, "{text}")?;
    }
    let out = child.wait_with_output()?;
    anyhow::ensure!(out.status.success(), "{prog} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// A TLS front on 127.0.0.1 forwarding to `upstream`; writes its CA to `ca_path`.
async fn tls_front(ca_path: &PathBuf, upstream: String) -> anyhow::Result<u16> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType};
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.distinguished_name.push(DnType::CommonName, "git-reauth bench CA");
    let ca_cert = ca_params.self_signed(&ca_key)?;
    std::fs::write(ca_path, ca_cert.pem())?;
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
    params.subject_alt_names.push(SanType::IpAddress("127.0.0.1".parse()?));
    let cert = params.signed_by(&key, &issuer)?;

    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
            tokio::spawn(async move {
                let (Ok(mut tls), Ok(mut back)) =
                    (acceptor.accept(tcp).await, tokio::net::TcpStream::connect(&upstream).await)
                else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut back).await;
            });
        }
    });
    Ok(port)
}
