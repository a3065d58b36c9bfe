//! The application as use cases see it: the database, the calendars and the clock.

use std::sync::{Arc, RwLock};

use chrono::{NaiveDate, NaiveDateTime};
use tracing::Instrument;

use super::calendar::Calendars;
use super::login_guard::LoginGuard;
use super::ServiceError;
use crate::clock::Clock;
use crate::domain::category::Vocabulary;
use crate::store::{Db, Pooled, StoreError};

/// Cheap to clone: every part is shared.
#[derive(Clone)]
pub struct App {
    db: Db,
    calendars: Arc<Calendars>,
    clock: Clock,
    login_guard: Arc<LoginGuard>,
    /// The category vocabulary last read, for labelling records on the way out (see
    /// `service::categories::labels`). Never used to accept input.
    category_labels: Arc<RwLock<Arc<Vocabulary>>>,
    frequency_cap: super::plans::FrequencyCap,
}

impl App {
    pub fn new(db: Db, calendars: Calendars, clock: Clock) -> App {
        App {
            db,
            calendars: Arc::new(calendars),
            clock,
            login_guard: Arc::new(LoginGuard::default()),
            category_labels: Arc::default(),
            frequency_cap: super::plans::FrequencyCap::default(),
        }
    }

    /// The yearly cap on random inspections of one entity this deployment applies.
    pub fn with_frequency_cap(mut self, cap: super::plans::FrequencyCap) -> App {
        self.frequency_cap = cap;
        self
    }

    pub fn frequency_cap(&self) -> super::plans::FrequencyCap {
        self.frequency_cap
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn calendars(&self) -> &Calendars {
        &self.calendars
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Failed-login throttling and the bound on concurrent password checks.
    pub fn login_guard(&self) -> &LoginGuard {
        &self.login_guard
    }

    /// The cached vocabulary for labels (possibly older than the database).
    pub(super) fn cached_categories(&self) -> Arc<Vocabulary> {
        self.category_labels
            .read()
            .map_or_else(|poisoned| poisoned.into_inner().clone(), |v| v.clone())
    }

    pub(super) fn cache_categories(&self, v: Arc<Vocabulary>) {
        match self.category_labels.write() {
            Ok(mut slot) => *slot = v,
            Err(poisoned) => *poisoned.into_inner() = v,
        }
    }

    /// Now, as stored (naive UTC).
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now_utc()
    }

    /// Today in Asia/Shanghai.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// A pooled connection for one use case.
    pub fn conn(&self) -> Result<Pooled, ServiceError> {
        Ok(self.db.get()?)
    }

    /// Runs a blocking use case on tokio's blocking pool, inside the caller's tracing span.
    pub async fn blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&App) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<ServiceError> + Send + 'static,
    {
        let app = self.clone();
        let span = tracing::Span::current();
        let task = tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            f(&app)
        });
        match task.in_current_span().await {
            Ok(result) => result,
            Err(join) => Err(E::from(ServiceError::from(StoreError::Task(
                join.to_string(),
            )))),
        }
    }
}
