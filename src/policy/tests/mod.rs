//! Unit tests of the policy module: dates, retention evaluation and sentences, the opt-out scope.

mod dates;
mod opt_out;
mod retention;
