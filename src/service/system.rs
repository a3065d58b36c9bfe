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
