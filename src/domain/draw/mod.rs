//! Publicly verifiable random draws (双随机): entities by RFC 3797 over a frozen snapshot, then
//! inspectors for each from the same key (see `api-spec/draw-verification.md`).

pub mod assign;
pub mod bundle;
pub mod commitment;
pub mod frozen;
pub mod remaining;
pub mod rfc3797;
