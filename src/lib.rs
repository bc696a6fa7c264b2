//! git-reauth: get from `fatal: Authentication failed` back to a working `git push`.

pub mod model;
pub mod sandbox;
