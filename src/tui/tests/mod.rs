//! The wizard without a terminal: `update` transitions and screen snapshots.

mod fixtures;
mod snapshots;
mod update;
