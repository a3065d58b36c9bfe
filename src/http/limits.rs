//! Request size limits (DESIGN §11).

/// A request's start line and headers larger than this are refused with 431 (a URI over 65,534
/// bytes with 414), however the bytes arrive: hyper's own buffer limit is soft, so a header that
/// arrives in one large read could otherwise pass it.
pub const MAX_HEAD_BYTES: usize = 96 * 1024;

/// A request's body must arrive within this time, extended while it keeps arriving at
/// [`MIN_BODY_RATE`]; else 408 and the connection is closed.
pub const DEFAULT_BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Bytes per second a body may arrive at once its first [`DEFAULT_BODY_READ_TIMEOUT`] is spent:
/// each 64 KiB received adds a second, so a 64 MiB import may take 30 s + 17 min on a slow link,
/// but a client that trickles a few bytes gains nothing.
pub const MIN_BODY_RATE: u64 = 64 * 1024;

/// The time a request's body has to arrive, set per connection by the server.
#[derive(Debug, Clone, Copy)]
pub struct BodyDeadline(pub std::time::Duration);

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// CSV imports may be larger than other bodies; bigger files go through `gongshi import`.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
