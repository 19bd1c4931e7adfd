//! What `std`'s prelude gives and `core`'s does not, for the `no_std` marketing-page build:
//! each module that needs them says `use crate::prelude::*;` (the same items as std's).

pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::string::{String, ToString};
pub use alloc::vec::Vec;
