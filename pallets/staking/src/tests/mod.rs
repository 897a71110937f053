//! Unit tests, by topic.

mod fees;
mod payout;
mod timing;
