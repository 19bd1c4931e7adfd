//! Consent decisions: the stored record and its encoding, re-consent, and signal mapping.
