//! The built-in sandbox: a fake GitHub API and a real `git http-backend` on loopback.
