//! Unit tests, by topic.

mod extension;
mod invariants;
mod limit;
