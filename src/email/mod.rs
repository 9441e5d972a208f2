//! Email: the introduction, check-in and digest templates, the message, the transports and the outbox worker.

pub mod checkin;
pub mod digest;
pub mod message;
pub mod outbox;
pub mod signup_again;
pub mod templates;
pub mod transport;
pub mod worker;
