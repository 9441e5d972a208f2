//! Email: the introduction templates, the message, the transports and the outbox worker.

pub mod digest;
pub mod message;
pub mod templates;
pub mod transport;
pub mod worker;
