//! DOM rendering into a shadow root, one file per view.
