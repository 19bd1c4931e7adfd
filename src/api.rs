//! The backend client: fetch, retries, idempotency keys and the outbox.
