//! Email: the introduction and check-in templates, the message, the transports and the outbox worker.

pub mod checkin;
pub mod message;
pub mod templates;
pub mod transport;
pub mod worker;
