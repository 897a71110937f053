//! Unit tests, by topic.

mod payout;
mod timing;
