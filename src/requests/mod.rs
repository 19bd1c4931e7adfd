//! Data-subject requests: kinds, validation, lifecycle and due dates.
