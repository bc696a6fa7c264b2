//! The one integration test binary: the real `git-reauth` binary against the sandbox
//! (fake GitHub + real `git http-backend`) in sealed throwaway workstations.

mod accounts;
mod alias;
mod all;
mod bad_input;
mod causes;
// Process groups, /proc and wait4.
#[cfg(target_os = "linux")]
mod children;
mod demo;
#[cfg(unix)]
mod faults;
mod flow;
mod ghes;
mod hostile_api;
mod hygiene;
mod keyring;
mod layers;
mod layouts;
mod man;
mod redaction;
mod screenshots;
mod secrets;
mod setup_all;
mod support;
mod tmux;
mod undo_bytes;
// Other users (chown, setpriv), modes and symlinks: Linux.
#[cfg(target_os = "linux")]
mod trust;
mod urls;
mod wizard;
