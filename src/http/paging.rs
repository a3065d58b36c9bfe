//! One page of a listing as every listing answers it: `items` and the opaque `next_cursor`.

use serde::Serialize;

use crate::service::paging::Slice;

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The records of `slice`, each shown through the view `V`.
    pub fn of<R>(slice: Slice<R>) -> Page<T>
    where
        T: for<'a> From<&'a R>,
    {
        Page {
            items: slice.items.iter().map(T::from).collect(),
            next_cursor: slice.next_cursor,
        }
    }
}

/// A list that is never paged (an entity's history, an inspector's conflicts, the accounts).
#[derive(Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}
