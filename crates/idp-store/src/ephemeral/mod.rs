//! The ephemeral store port's two implementations: in-process memory for one node,
//! Redis (one server, or the master Sentinel names) for many.

pub mod keys;
pub mod memory;
pub mod redis;
mod sentinel;
pub mod target;
