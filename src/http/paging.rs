//! One page of a listing as every listing answers it: `items` and the opaque `next_cursor`.

use serde::Serialize;

use crate::domain::category::Vocabulary;
use crate::service::categories::Labelled;
use crate::service::paging::Slice;

/// A view of a record that shows category labels: built from the record and the vocabulary the
/// service read with it.
pub trait LabelledView<R> {
    /// `today`: the day the record was read on (Asia/Shanghai).
    fn view(record: &R, categories: &Vocabulary, today: chrono::NaiveDate) -> Self;
}

/// One record shown through the view `T`.
pub fn one<T: LabelledView<R>, R>(l: Labelled<R>) -> T {
    T::view(&l.value, &l.categories, l.today)
}

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

impl<T> Page<T> {
    /// The records of a labelled `slice`, each shown through the view `T`.
    pub fn labelled<R>(l: Labelled<Slice<R>>) -> Page<T>
    where
        T: LabelledView<R>,
    {
        Page {
            items: l
                .value
                .items
                .iter()
                .map(|r| T::view(r, &l.categories, l.today))
                .collect(),
            next_cursor: l.value.next_cursor,
        }
    }
}

/// A page of a list that also says how many records it holds in all (the public decisions):
/// `total` exactly, or, when `total_exact` is false, a lower bound (the count stops there).
#[derive(Serialize)]
pub struct CountedPage<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub total: i64,
    pub total_exact: bool,
}

/// A list that is never paged (an entity's history, an inspector's conflicts, the accounts).
#[derive(Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}
