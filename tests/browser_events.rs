//! The marketing page's own owned listeners and timers (`src/browser/events.rs`, used where
//! gloo would bring std into its no_std build) and its state cell, in a real browser: a
//! listener hears its events until dropped, `once` hears one, a timeout fires once unless
//! dropped first, an interval repeats until dropped
//! (`cargo test --target wasm32-unknown-unknown --test browser_events`).
#![cfg(target_arch = "wasm32")]

use privacy_widget::testing::{Interval, Listener, PageCell, Timeout};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Event, EventTarget};

wasm_bindgen_test_configure!(run_in_browser);

fn target() -> EventTarget {
    let document = web_sys::window().unwrap().document().unwrap();
    document.create_element("div").unwrap().into()
}

fn fire(target: &EventTarget, kind: &str) {
    target.dispatch_event(&Event::new(kind).unwrap()).unwrap();
}

fn counter() -> (Rc<Cell<u32>>, Rc<Cell<u32>>) {
    let count = Rc::new(Cell::new(0));
    (count.clone(), count)
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[wasm_bindgen_test]
fn a_listener_hears_its_events_until_dropped() {
    let el = target();
    let (count, seen) = counter();
    let listener = Listener::new(&el, "click", move |e| {
        assert_eq!(e.type_(), "click");
        seen.set(seen.get() + 1);
    });
    fire(&el, "click");
    fire(&el, "keydown");
    fire(&el, "click");
    assert_eq!(count.get(), 2, "two clicks heard, the keydown not");
    drop(listener);
    fire(&el, "click");
    assert_eq!(count.get(), 2, "a dropped listener is removed");
}

#[wasm_bindgen_test]
fn a_listener_may_prevent_the_default() {
    let el = target();
    let _listener = Listener::new(&el, "click", |e| e.prevent_default());
    let init = web_sys::CustomEventInit::new();
    init.set_cancelable(true);
    let event = web_sys::CustomEvent::new_with_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&event).unwrap();
    assert!(event.default_prevented(), "registered without `passive`, so preventDefault works");
}

#[wasm_bindgen_test]
fn once_hears_only_the_first_event() {
    let el = target();
    let (count, seen) = counter();
    let _listener = Listener::once(&el, "ready", move |_| seen.set(seen.get() + 1));
    fire(&el, "ready");
    fire(&el, "ready");
    assert_eq!(count.get(), 1);
}

#[wasm_bindgen_test]
async fn a_timeout_fires_once() {
    let (count, seen) = counter();
    let _timeout = Timeout::new(5, move || seen.set(seen.get() + 1));
    assert_eq!(count.get(), 0, "not before its time");
    sleep(60).await;
    assert_eq!(count.get(), 1);
}

#[wasm_bindgen_test]
async fn a_dropped_timeout_never_fires() {
    let (count, seen) = counter();
    drop(Timeout::new(5, move || seen.set(seen.get() + 1)));
    sleep(60).await;
    assert_eq!(count.get(), 0);
}

#[wasm_bindgen_test]
async fn an_interval_repeats_until_dropped() {
    let (count, seen) = counter();
    let interval = Interval::new(5, move || seen.set(seen.get() + 1));
    sleep(100).await;
    let heard = count.get();
    assert!(heard >= 2, "fired {heard} times in 100 ms at a 5 ms interval");
    drop(interval);
    sleep(40).await;
    let after = count.get();
    sleep(60).await;
    assert_eq!(count.get(), after, "no tick after the drop");
}

#[wasm_bindgen_test]
fn a_page_cell_reads_and_changes_its_value() {
    let cell = PageCell::new(vec![1]);
    cell.borrow_mut().push(2);
    {
        let (a, b) = (cell.borrow(), cell.borrow());
        assert_eq!((a.len(), b.len()), (2, 2), "two readers at once are fine");
    }
    assert_eq!(*cell.borrow(), vec![1, 2]);
}
