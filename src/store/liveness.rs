//! Whether a pooled PostgreSQL connection can be handed out without a round trip first.
//!
//! The pool used to send `SELECT 1` at every checkout, so a connection the server had dropped
//! (a restart, an idle timeout, an administrator's `pg_terminate_backend`) was replaced instead
//! of failing a request. Under load that is one extra round trip per request for connections
//! that answered a moment ago. Each PostgreSQL connection now carries a [`Liveness`] record fed
//! by diesel's instrumentation: a connection whose last query succeeded within
//! [`ALIVE_BYPASS`] is handed out as it is (HikariCP's `aliveBypassWindowMs` does the same, with
//! the same 500 ms); an idler one is still pinged. A query that finds the connection gone marks
//! it lost, and the pool discards it when it comes back ([`lost`]); diesel also marks its
//! transaction manager broken after such a failure, so this is a second line of defence.
//!
//! What this trades: a server restart within 500 ms of a connection's last success fails the
//! one request that next uses it (503), where the ping would have replaced it first.

use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error};
use diesel::{Connection, PgConnection};

/// A connection whose last query succeeded this recently is trusted without a ping.
pub const ALIVE_BYPASS: Duration = Duration::from_millis(500);

/// What the connection's own queries have shown of it.
#[derive(Debug, Default)]
pub struct Liveness {
    /// When a query last finished without error.
    last_ok: Option<Instant>,
    /// A query found the connection closed, or could not be sent on it.
    lost: bool,
}

impl Liveness {
    fn saw(&mut self, error: Option<&Error>, at: Instant) {
        match error {
            None => self.last_ok = Some(at),
            Some(e) if means_lost(e) => self.lost = true,
            // Any other error (a constraint, a bad value, or a failed COPY, which diesel reports
            // as `Unknown` even when the connection is gone): pinged at the next checkout.
            Some(_) => self.last_ok = None,
        }
    }

    fn vouches(&self, now: Instant) -> bool {
        !self.lost
            && self
                .last_ok
                .is_some_and(|t| now.saturating_duration_since(t) < ALIVE_BYPASS)
    }
}

impl Instrumentation for Liveness {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { error, .. } = event {
            self.saw(error, Instant::now());
        }
    }
}

/// The errors by which diesel reports a connection that is gone.
fn means_lost(e: &Error) -> bool {
    matches!(
        e,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

/// Gives a new connection its record.
pub fn track(conn: &mut PgConnection) {
    conn.set_instrumentation(Liveness::default());
}

fn record(conn: &mut PgConnection) -> Option<&mut Liveness> {
    conn.instrumentation().downcast_mut::<Liveness>()
}

/// True when the connection's last query succeeded within [`ALIVE_BYPASS`] and none has found
/// it gone since: it may be handed out without a ping.
pub fn vouched(conn: &mut PgConnection) -> bool {
    record(conn).is_some_and(|r| r.vouches(Instant::now()))
}

/// True when a query found the connection gone.
pub fn lost(conn: &mut PgConnection) -> bool {
    record(conn).is_some_and(|r| r.lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed() -> Error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_string()),
        )
    }

    #[test]
    fn a_new_connection_is_not_vouched_for() {
        assert!(!Liveness::default().vouches(Instant::now()));
    }

    #[test]
    fn a_success_vouches_until_the_window_ends() {
        let t0 = Instant::now();
        let mut r = Liveness::default();
        r.saw(None, t0);
        assert!(r.vouches(t0));
        assert!(r.vouches(t0 + ALIVE_BYPASS - Duration::from_millis(1)));
        assert!(!r.vouches(t0 + ALIVE_BYPASS));
    }

    #[test]
    fn a_lost_connection_is_never_vouched_for_again() {
        let t0 = Instant::now();
        let mut r = Liveness::default();
        r.saw(None, t0);
        r.saw(Some(&closed()), t0);
        assert!(r.lost);
        r.saw(None, t0);
        assert!(!r.vouches(t0), "lost stays lost");
    }

    #[test]
    fn any_other_error_ends_the_vouching_without_losing_the_connection() {
        let t0 = Instant::now();
        let mut r = Liveness::default();
        r.saw(None, t0);
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_string()),
        );
        r.saw(Some(&unique), t0 + Duration::from_millis(100));
        assert!(!r.lost);
        assert!(
            !r.vouches(t0 + Duration::from_millis(100)),
            "pinged next time"
        );
        r.saw(None, t0 + Duration::from_millis(200));
        assert!(
            r.vouches(t0 + Duration::from_millis(200)),
            "a success vouches again"
        );
    }

    #[test]
    fn only_a_gone_connection_counts_as_lost() {
        assert!(means_lost(&closed()));
        assert!(means_lost(&Error::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand,
            Box::new("no connection to the server".to_string()),
        )));
        assert!(!means_lost(&Error::NotFound));
        assert!(!means_lost(&Error::RollbackTransaction));
    }
}
