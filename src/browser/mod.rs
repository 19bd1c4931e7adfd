//! The web-sys edges: cookies and storage, GPC, script gating, events, Consent Mode.
//!
//! One file per concern; everything that decides lives in `crate::consent`.

pub mod cell;
pub mod cookies;
pub mod env;
pub mod events;
pub mod gating;
pub mod js;
pub mod signals;
pub mod storage;

/// The wasm heap: talc is several KB smaller than the default dlmalloc and, unlike a bump
/// allocator, reuses freed memory (a marketing page stays open for a long time). Realloc
/// moves instead of growing in place, which costs a copy and saves code.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Without std (the marketing-page build) a panic stops the instance, as `panic = "abort"` does
/// with std; the message is not formatted, so no formatting code ships. The widget's code does
/// not panic by design (no `unwrap`); this is the backstop.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
