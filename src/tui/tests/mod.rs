//! The wizard without a terminal: `update` transitions and screen snapshots.

mod bind;
mod fixtures;
mod keys;
mod snapshots;
mod update;
