//! The service's own state: is the database reachable, what is deployed.

use super::{App, ServiceError};
use crate::domain::calendar::{LoadedYear, Region};
use crate::store;

/// A real round trip to the database; any failure is "unavailable", never "internal".
pub fn health(app: &App) -> Result<&'static str, ServiceError> {
    let mut conn = app.db().get().map_err(ServiceError::Unavailable)?;
    store::ping(&mut conn).map_err(ServiceError::Unavailable)?;
    Ok(app.db().backend())
}

/// What this deployment is: its backend, its calendar regions and their loaded years.
pub struct Meta {
    pub backend: &'static str,
    pub regions: Vec<Region>,
    pub default_region: Region,
    pub coverage: Vec<LoadedYear>,
}

pub fn meta(app: &App) -> Result<Meta, ServiceError> {
    let cal = app.calendars();
    Ok(Meta {
        backend: app.db().backend(),
        regions: cal.regions().to_vec(),
        default_region: cal.default_region().clone(),
        coverage: cal.coverage(&mut *app.conn()?)?,
    })
}

/// The version of everything the public sees: the audit log's last `seq` and the name indexes'
/// formats. Public answers change only through audited writes, an index rebuilt in a new format,
/// and midnight Asia/Shanghai, so these with today name one state of every public answer
/// (DESIGN §9).
pub fn data_version(app: &App) -> Result<(i64, i64), ServiceError> {
    let conn = &mut *app.conn()?;
    Ok((
        store::audit::last_seq(conn)?,
        store::name_index::formats(conn)?,
    ))
}

/// Tells whether any write was committed since it last looked, by any connection of any process
/// on this database, without reading the data (`store::changes`). Public answers in memory use it
/// so a request need not read the version itself.
pub struct CommitListener(store::changes::CommitListener);

impl CommitListener {
    /// A connection of its own, outside the pool.
    pub fn open(app: &App) -> Result<CommitListener, ServiceError> {
        Ok(CommitListener(app.db().watch()?))
    }

    /// Whether something may have changed; an error means the watch is lost (open another, and
    /// assume everything changed meanwhile).
    pub fn changed(&mut self) -> Result<bool, ServiceError> {
        Ok(self.0.changed()?)
    }
}
