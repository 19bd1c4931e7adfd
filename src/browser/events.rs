//! Owned event listeners and timers for the code the marketing page shares with the control
//! panel: dropping one removes the listener or clears the timer.
//!
//! gloo-events and gloo-timers do the same, but they need std, and std brings its panic and
//! formatting machinery into the marketing page's wasm (several KB for every visitor); this
//! build is `no_std` (see [`super`]). The control panel, built with std, keeps using gloo.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

/// How many owned listeners, timers and observers are alive: counted in debug builds only (the
/// browser tests check that `destroy()` leaves none behind), absent from release builds.
#[cfg(debug_assertions)]
pub mod live {
    use core::sync::atomic::{AtomicIsize, Ordering};

    static LISTENERS: AtomicIsize = AtomicIsize::new(0);
    static TIMERS: AtomicIsize = AtomicIsize::new(0);
    static OBSERVERS: AtomicIsize = AtomicIsize::new(0);

    /// What is alive at one moment.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Live {
        /// [`super::Listener`]s not yet dropped.
        pub listeners: isize,
        /// [`super::Timeout`]s and [`super::Interval`]s not yet dropped.
        pub timers: isize,
        /// Tag-gating `MutationObserver`s not yet disconnected.
        pub observers: isize,
    }

    /// The counts now.
    pub fn now() -> Live {
        Live {
            listeners: LISTENERS.load(Ordering::Relaxed),
            timers: TIMERS.load(Ordering::Relaxed),
            observers: OBSERVERS.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn listener(delta: isize) {
        LISTENERS.fetch_add(delta, Ordering::Relaxed);
    }

    pub(crate) fn timer(delta: isize) {
        TIMERS.fetch_add(delta, Ordering::Relaxed);
    }

    pub(crate) fn observer(delta: isize) {
        OBSERVERS.fetch_add(delta, Ordering::Relaxed);
    }
}

/// A listener on `target` for events of one type, removed when dropped. Registered without
/// options: bubbling phase, and (for the events used here) not passive, so the handler may
/// call `preventDefault`.
#[must_use = "dropping a Listener removes it at once"]
#[derive(Debug)]
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Calls `f` on every `kind` event at `target`.
    pub fn new(target: &EventTarget, kind: &'static str, f: impl FnMut(Event) + 'static) -> Listener {
        let callback = Closure::<dyn FnMut(Event)>::new(f);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        #[cfg(debug_assertions)]
        live::listener(1);
        Listener { target: target.clone(), kind, callback }
    }

    /// Calls `f` on the first `kind` event only; later events are ignored until it is dropped.
    pub fn once(target: &EventTarget, kind: &'static str, f: impl FnOnce(Event) + 'static) -> Listener {
        let mut f = Some(f);
        Listener::new(target, kind, move |e| {
            if let Some(f) = f.take() {
                f(e);
            }
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
        #[cfg(debug_assertions)]
        live::listener(-1);
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: u32) -> i32;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: i32);
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(handler: &JsValue, ms: u32) -> i32;
    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(handle: i32);
}

/// Calls `f` once after `ms` milliseconds, unless dropped before.
#[must_use = "dropping a Timeout clears it at once"]
#[derive(Debug)]
pub struct Timeout {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Starts the timer.
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Timeout {
        let mut f = Some(f);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        #[cfg(debug_assertions)]
        live::timer(1);
        Timeout { handle: set_timeout(callback.as_ref(), ms), _callback: callback }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(self.handle);
        #[cfg(debug_assertions)]
        live::timer(-1);
    }
}

/// Calls `f` every `ms` milliseconds until dropped.
#[must_use = "dropping an Interval clears it at once"]
#[derive(Debug)]
pub struct Interval {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    /// Starts the timer.
    pub fn new(ms: u32, f: impl FnMut() + 'static) -> Interval {
        let callback = Closure::<dyn FnMut()>::new(f);
        #[cfg(debug_assertions)]
        live::timer(1);
        Interval { handle: set_interval(callback.as_ref(), ms), _callback: callback }
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        clear_interval(self.handle);
        #[cfg(debug_assertions)]
        live::timer(-1);
    }
}
