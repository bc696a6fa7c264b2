//! The wizard without a terminal: `update` transitions and screen snapshots.

mod fixtures;
mod keys;
mod snapshots;
mod update;
