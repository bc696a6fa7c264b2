//! The one integration test binary: the real `git-reauth` binary against the sandbox
//! (fake GitHub + real `git http-backend`) in sealed throwaway workstations.

mod bad_input;
mod demo;
#[cfg(unix)]
mod faults;
mod flow;
mod hostile_api;
mod hygiene;
mod keyring;
mod layers;
mod man;
mod redaction;
mod screenshots;
mod secrets;
mod support;
mod tmux;
mod wizard;
