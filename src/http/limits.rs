//! Request size limits (DESIGN §11).

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// CSV imports may be larger than other bodies; bigger files go through `gongshi import`.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
