//! [`PageCell`]: a `RefCell` for the widget's shared state whose conflicting borrow stops the
//! instance directly, as a panic does in these builds (`panic = "abort"`), but without the
//! panic machinery: no location, message or formatting code at each of the many borrow sites.
//! A conflicting borrow is a bug (a handler re-entering the state it holds), never input.

use core::cell::{Ref, RefCell, RefMut};

/// Shared widget state (see the module docs).
pub struct PageCell<T>(RefCell<T>);

impl<T> PageCell<T> {
    /// A cell holding `value`.
    pub const fn new(value: T) -> PageCell<T> {
        PageCell(RefCell::new(value))
    }

    /// Reads the value; stops the instance if it is being changed.
    pub fn borrow(&self) -> Ref<'_, T> {
        match self.0.try_borrow() {
            Ok(value) => value,
            Err(_) => stop(),
        }
    }

    /// Changes the value; stops the instance if it is being read or changed.
    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        match self.0.try_borrow_mut() {
            Ok(value) => value,
            Err(_) => stop(),
        }
    }
}

/// Stops the instance, as an aborting panic does.
#[cold]
fn stop() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("privacy-widget: conflicting borrow of the widget state");
}
