//! The ephemeral store port's two implementations: in-process memory for one node,
//! Redis for many.

pub mod keys;
pub mod memory;
pub mod redis;
