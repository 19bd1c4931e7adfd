//! Unit tests of the policy module: dates, retention evaluation and sentences.

mod dates;
mod retention;
