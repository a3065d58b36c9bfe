//! Request size limits (DESIGN §11).

/// A request's start line and headers larger than this are refused with 431 (a URI over 65,534
/// bytes with 414), however the bytes arrive: hyper's own buffer limit is soft, so a header that
/// arrives in one large read could otherwise pass it.
pub const MAX_HEAD_BYTES: usize = 96 * 1024;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// CSV imports may be larger than other bodies; bigger files go through `gongshi import`.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
