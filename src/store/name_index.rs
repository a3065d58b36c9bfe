//! The n-gram name index, one implementation for every kind of record whose name the public
//! searches (the directory's entities now; penalty parties next).
//!
//! Each indexed kind has its own postings table `(gram BIGINT, <owner> BIGINT, <facets>…)`,
//! primary key `(gram, <lead facet>, owner)` (the facets are copies of the record's own values a
//! search filters on, see [`Facets`]; the lead one, if any, is the order a posting list is walked
//! in: a decision's day, newest first), holding per record its distinct bigrams, distinct trigrams and one
//! (last character, NUL) key (`domain::text::index_keys`), and a counts table `(gram, n)`
//! holding how many postings each key has; both are written in the record's own transaction.
//! [`NameIndex::plan`] chooses how a search finds its candidates: for a query of two or more
//! characters, the posting list of its rarest key, found with one lookup of the counts (so a
//! query whose keys are all common costs no more to plan than one with a rare key, and a query
//! with a key in no name is answered without reading a posting). The caller's query then checks
//! each candidate against the whole query and its own filters. The postings format is versioned
//! in `derived_indexes`, and [`NameIndex::refresh`] rebuilds an older one (counts included).

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use super::schema::derived_indexes;
use super::spill::Spill;
use super::AnyConn;
use crate::domain::text::{char_range, index_keys, query_keys, search_form};
use serde::ser::SerializeSeq;

/// A failed spill to or read from a temporary file, as diesel's error.
fn spill_error(e: std::io::Error) -> diesel::result::Error {
    diesel::result::Error::SerializationError(Box::new(e))
}

/// Appends `(gram, n)` to `counted`, after the tally's own counts of smaller grams and with its
/// count of the same gram added, so that counts go to the table in gram order.
fn merge_count(
    counted: &mut Vec<(i64, i64)>,
    counts: &mut std::iter::Peekable<std::collections::btree_map::IntoIter<i64, i64>>,
    (gram, mut n): (i64, i64),
) {
    while let Some((g, m)) = counts.next_if(|&(g, _)| g <= gram) {
        if g == gram {
            n += m;
        } else if m != 0 {
            counted.push((g, m));
        }
    }
    if n != 0 {
        counted.push((gram, n));
    }
}

/// One posting: a key of the record's name, the record and its facets; ordered as the postings
/// table's primary key is, `(gram, lead facet, owner)`, so that bulk loads append to it in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting<F> {
    pub gram: i64,
    pub owner: i64,
    pub facets: F,
}

impl<F> Posting<F> {
    pub fn new(gram: i64, owner: i64, facets: F) -> Posting<F> {
        Posting {
            gram,
            owner,
            facets,
        }
    }
}

impl<F: Facets> Ord for Posting<F> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.gram, self.facets.lead(), self.owner, self.facets).cmp(&(
            other.gram,
            other.facets.lead(),
            other.owner,
            other.facets,
        ))
    }
}

impl<F: Facets> PartialOrd for Posting<F> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Writes sorted postings with COPY on PostgreSQL; returns the rows written.
pub type CopyPostings<F> = fn(&mut diesel::PgConnection, &[Posting<F>]) -> QueryResult<usize>;

/// What a posting carries beside its key and its owner: values a search filters on in the posting
/// list itself, before it reads a record (nothing for the directory; a decision's authority and
/// day, so that a fragment with an authority and a date range skips the other decisions without
/// reading them: issue 27). All of a record's postings carry the same facets.
pub trait Facets: Copy + Ord + std::fmt::Debug {
    /// The postings table's columns that hold them, in order after the owner's.
    const COLUMNS: &'static [&'static str];
    /// The column of the facet that comes before the owner in the table's primary key (the order
    /// a posting list is walked in), if any.
    const LEAD: Option<&'static str>;
    /// That facet's value (0 without one).
    fn lead(&self) -> i64;
    /// Appends them to a JSON array after the owner (SQLite's bulk insert).
    fn serialize_after<S: SerializeSeq>(&self, seq: &mut S) -> Result<(), S::Error>;
    /// Appends them as fields in COPY's binary format (PostgreSQL's bulk insert).
    fn copy_fields(&self, buf: &mut Vec<u8>);
    /// Their size in a bulk load's spilled runs (see `spill`).
    const BYTES: usize;
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(bytes: &[u8]) -> Self;
}

/// A posting in a spilled run: the gram and the owner, little-endian, then the facets.
impl<F: Facets> super::spill::Record for Posting<F> {
    const BYTES: usize = 16 + F::BYTES;
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.gram.to_le_bytes());
        out.extend_from_slice(&self.owner.to_le_bytes());
        self.facets.encode(out);
    }
    fn decode(b: &[u8]) -> Self {
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&b[i..i + 8]);
            i64::from_le_bytes(w)
        };
        Posting::new(word(0), word(8), F::decode(&b[16..]))
    }
}

/// No facets: the posting is `(gram, owner)`.
impl Facets for () {
    const COLUMNS: &'static [&'static str] = &[];
    const LEAD: Option<&'static str> = None;
    fn lead(&self) -> i64 {
        0
    }
    fn serialize_after<S: SerializeSeq>(&self, _: &mut S) -> Result<(), S::Error> {
        Ok(())
    }
    fn copy_fields(&self, _: &mut Vec<u8>) {}
    const BYTES: usize = 0;
    fn encode(&self, _: &mut Vec<u8>) {}
    fn decode(_: &[u8]) -> Self {}
}

/// Streams postings in COPY's binary format (see `pg_copy::stream_binary`): the gram, the owner
/// and the facets.
pub fn stream_postings<F: Facets>(
    sink: &mut dyn std::io::Write,
    postings: &[Posting<F>],
) -> QueryResult<()> {
    let fields = 2 + F::COLUMNS.len() as i16;
    super::pg_copy::stream_binary(sink, postings, fields, |buf, p| {
        super::pg_copy::binary_bigint(buf, p.gram);
        super::pg_copy::binary_bigint(buf, p.owner);
        p.facets.copy_fields(buf);
    })
}

/// One indexed kind of record. The names are compile-time constants, never input.
pub struct NameIndex<F: Facets> {
    /// The postings table.
    pub table: &'static str,
    /// Its column holding the record's id.
    pub owner: &'static str,
    /// The table of posting counts per key, `(gram BIGINT PRIMARY KEY, n BIGINT)`.
    pub counts: &'static str,
    /// Writes sorted postings into `table` with COPY (PostgreSQL's bulk path; diesel's COPY
    /// needs the table's type, which only its owner knows).
    pub copy_postings: CopyPostings<F>,
    /// The PostgreSQL advisory-lock key that serialises rebuilds across instances.
    pub rebuild_lock: i64,
}

/// The format of every postings table this code writes and reads (see `derived_indexes`).
pub const FORMAT_VERSION: i32 = 2;

/// Postings per bulk INSERT (each takes its rows as one JSON or array parameter).
const GRAM_CHUNK: usize = 50_000;

/// Records read per step of a rebuild.
const REBUILD_CHUNK: i64 = 5_000;

/// How many postings of a single character to count before walking the records instead: a
/// character in more names than this is in at least 1 % of a million-record table, so a walk
/// meets a match every hundred names or so, also on a result's last page.
const CHAR_RANGE_MAX: i64 = 10_000;

/// Whether the posting list [`NameIndex::plan`] chooses for `query` (in search form) holds
/// exactly the records whose indexed name holds the whole query, so that the caller need not
/// check the text again: true for two and three characters, whose one key is the whole query
/// (keys are the characters themselves, never hashed: `domain::text::key`, `key3`).
pub fn postings_are_exact(query: &[char]) -> bool {
    matches!(query.len(), 2 | 3)
}

/// How a search finds its candidates (each then checked against the whole query and filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Walk one key's posting list in id order.
    Postings(i64),
    /// The records with a key in this range (a rare single character), in id order.
    Range(i64, i64),
    /// Walk the records in id order.
    Scan,
    /// Some key of the query is in no name: nothing can match.
    Empty,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct GramCount {
    #[diesel(sql_type = BigInt)]
    gram: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Serialises `(gram, n)` pairs as one JSON object keyed by gram.
struct Counts<'a>(&'a [(i64, i64)]);

impl serde::Serialize for Counts<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (gram, n) in self.0 {
            map.serialize_entry(&gram.to_string(), n)?;
        }
        map.end()
    }
}

/// Serialises sorted postings as one JSON object keyed by gram, each gram's postings a list of
/// owners (without facets) or of `[owner, facet…]` arrays.
struct GroupedPostings<'a, F>(&'a [Posting<F>]);

/// One gram's run of postings.
struct Run<'a, F>(&'a [Posting<F>]);

/// One posting's owner and facets.
struct Owned<'a, F>(&'a Posting<F>);

impl<F: Facets> serde::Serialize for GroupedPostings<'_, F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        // Sorted: each gram's postings are one run.
        for run in self.0.chunk_by(|a, b| a.gram == b.gram) {
            map.serialize_entry(&run[0].gram.to_string(), &Run(run))?;
        }
        map.end()
    }
}

impl<F: Facets> serde::Serialize for Run<'_, F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            if F::COLUMNS.is_empty() {
                seq.serialize_element(&p.owner)?;
            } else {
                seq.serialize_element(&Owned(p))?;
            }
        }
        seq.end()
    }
}

impl<F: Facets> serde::Serialize for Owned<'_, F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(1 + F::COLUMNS.len()))?;
        seq.serialize_element(&self.0.owner)?;
        self.0.facets.serialize_after(&mut seq)?;
        seq.end()
    }
}

/// Postings counted per gram and not yet added to the counts table (see
/// [`NameIndex::insert_tallied`]); when deferring, the postings themselves too.
#[derive(Debug)]
pub struct Tally<F> {
    counts: std::collections::BTreeMap<i64, i64>,
    /// `Some` when postings wait for [`NameIndex::write_tally`].
    pending: Option<Spill<Posting<F>>>,
}

impl<F> Default for Tally<F> {
    fn default() -> Tally<F> {
        Tally {
            counts: Default::default(),
            pending: None,
        }
    }
}

/// Postings a deferring tally holds in memory before it sorts them and spills them to a
/// temporary file: 32 MB of a decision's postings (32 bytes each with their facets).
const RUN_POSTINGS: usize = 1_000_000;

impl<F: Facets> Tally<F> {
    /// A tally that also holds the postings back until [`NameIndex::write_tally`], which writes
    /// them all in key order: a bulk load then appends to the index's B-tree in order instead of
    /// inserting all over it chunk after chunk. They wait in sorted runs on disk (`spill`), so a
    /// province's load holds a run's worth in memory, not its 39 million postings.
    pub fn deferring() -> Tally<F> {
        Tally {
            counts: Default::default(),
            pending: Some(Spill::new(RUN_POSTINGS)),
        }
    }
}

/// A name's index keys.
pub fn name_keys(name: &str) -> Vec<i64> {
    index_keys(&search_form(name))
}

impl<F: Facets> NameIndex<F> {
    /// Adds `(gram, owner)` postings, sorted first so the index's B-tree is written in order,
    /// and counts them.
    pub fn insert(&self, conn: &mut AnyConn, postings: Vec<Posting<F>>) -> QueryResult<()> {
        let mut tally = Tally::default();
        self.insert_tallied(conn, postings, &mut tally)?;
        self.write_tally(conn, tally)
    }

    /// Adds postings and counts them in `tally` only; [`NameIndex::write_tally`] must follow in
    /// the same transaction. A bulk load counts once for all its chunks this way, rather than
    /// updating the same common grams' counts chunk after chunk.
    pub fn insert_tallied(
        &self,
        conn: &mut AnyConn,
        mut postings: Vec<Posting<F>>,
        tally: &mut Tally<F>,
    ) -> QueryResult<()> {
        if let Some(pending) = &mut tally.pending {
            return pending.append(&mut postings).map_err(spill_error);
        }
        postings.sort_unstable();
        for p in &postings {
            *tally.counts.entry(p.gram).or_insert(0) += 1;
        }
        self.insert_postings(conn, &postings)
    }

    /// Writes the postings a deferring tally holds, in key order, and adds every counted posting
    /// to the counts table (also in key order, a chunk at a time, the tally's own counts merged in).
    pub fn write_tally(&self, conn: &mut AnyConn, tally: Tally<F>) -> QueryResult<()> {
        let Tally { counts, pending } = tally;
        let mut counts = counts.into_iter().peekable();
        let mut counted: Vec<(i64, i64)> = Vec::new();
        if let Some(pending) = pending {
            let mut chunk: Vec<Posting<F>> = Vec::with_capacity(GRAM_CHUNK);
            // (gram, postings) of the gram being read.
            let mut current: Option<(i64, i64)> = None;
            for posting in pending.sorted().map_err(spill_error)? {
                let posting = posting.map_err(spill_error)?;
                match &mut current {
                    Some((gram, n)) if *gram == posting.gram => *n += 1,
                    _ => {
                        if let Some(done) = current.replace((posting.gram, 1)) {
                            merge_count(&mut counted, &mut counts, done);
                        }
                    }
                }
                chunk.push(posting);
                if chunk.len() == GRAM_CHUNK {
                    self.insert_postings(conn, &chunk)?;
                    chunk.clear();
                }
                if counted.len() >= GRAM_CHUNK {
                    self.add_counts(conn, &counted)?;
                    counted.clear();
                }
            }
            self.insert_postings(conn, &chunk)?;
            if let Some(done) = current {
                merge_count(&mut counted, &mut counts, done);
            }
        }
        counted.extend(counts.filter(|&(_, n)| n != 0));
        self.add_counts(conn, &counted)
    }

    /// Adds `n` to each gram's count (negative to take away), in gram order so that concurrent
    /// writers lock the count rows in the same order.
    fn add_counts(&self, conn: &mut AnyConn, counts: &[(i64, i64)]) -> QueryResult<()> {
        for chunk in counts.chunks(GRAM_CHUNK) {
            match conn {
                AnyConn::Sqlite(c) => {
                    let json =
                        serde_json::to_string(&Counts(chunk)).map_err(super::unserialisable)?;
                    // `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT.
                    diesel::sql_query(format!(
                        "INSERT INTO {t} (gram, n) SELECT CAST(key AS INTEGER), value \
                         FROM json_each(?) WHERE true \
                         ON CONFLICT (gram) DO UPDATE SET n = {t}.n + excluded.n",
                        t = self.counts
                    ))
                    .bind::<Text, _>(json)
                    .execute(c)?
                }
                AnyConn::Pg(c) => {
                    let (g, n): (Vec<i64>, Vec<i64>) = chunk.iter().copied().unzip();
                    diesel::sql_query(format!(
                        "INSERT INTO {t} (gram, n) SELECT * FROM unnest($1::bigint[], $2::bigint[]) \
                         ON CONFLICT (gram) DO UPDATE SET n = {t}.n + excluded.n",
                        t = self.counts
                    ))
                    .bind::<Array<BigInt>, _>(g)
                    .bind::<Array<BigInt>, _>(n)
                    .execute(c)?
                }
            };
        }
        Ok(())
    }

    /// Writes sorted postings (without counting them).
    fn insert_postings(&self, conn: &mut AnyConn, postings: &[Posting<F>]) -> QueryResult<()> {
        for chunk in postings.chunks(GRAM_CHUNK) {
            match conn {
                AnyConn::Sqlite(c) => {
                    // {"gram": [owner, …], …}: json_each then yields each posting as a plain
                    // integer, which SQLite reads several times faster than a [gram, id] pair;
                    // with facets, {"gram": [[owner, facet, …], …], …}.
                    let json = serde_json::to_string(&GroupedPostings(chunk))
                        .map_err(super::unserialisable)?;
                    let (columns, values) = if F::COLUMNS.is_empty() {
                        (String::new(), "p.value".to_string())
                    } else {
                        let values = (0..=F::COLUMNS.len())
                            .map(|i| format!("p.value ->> {i}"))
                            .collect::<Vec<_>>();
                        (format!(", {}", F::COLUMNS.join(", ")), values.join(", "))
                    };
                    diesel::sql_query(format!(
                        "INSERT INTO {} (gram, {}{columns}) SELECT CAST(g.key AS INTEGER), {values} \
                         FROM json_each(?) g, json_each(g.value) p",
                        self.table, self.owner
                    ))
                    .bind::<Text, _>(json)
                    .execute(c)?
                }
                AnyConn::Pg(c) => (self.copy_postings)(c, chunk)?,
            };
        }
        Ok(())
    }

    /// Makes `owner`'s postings follow a rename from `old` to `new` (its facets unchanged); the
    /// counts (and, when deferring, the new postings) go to `tally`, which
    /// [`NameIndex::write_tally`] writes.
    pub fn rename_tallied(
        &self,
        conn: &mut AnyConn,
        owner: i64,
        old: &str,
        new: &str,
        facets: F,
        tally: &mut Tally<F>,
    ) -> QueryResult<()> {
        let (old, new) = (name_keys(old), name_keys(new));
        self.replace_keys_tallied(conn, owner, (&old, facets), (&new, facets), tally)
    }

    /// Makes `owner`'s postings (and the counts) go from the keys and facets `old` to `new`.
    pub fn replace_keys(
        &self,
        conn: &mut AnyConn,
        owner: i64,
        old: (&[i64], F),
        new: (&[i64], F),
    ) -> QueryResult<()> {
        let mut tally = Tally::default();
        self.replace_keys_tallied(conn, owner, old, new, &mut tally)?;
        self.write_tally(conn, tally)
    }

    /// [`NameIndex::replace_keys`] with the counts kept in `tally`. A file that renames
    /// thousands of entities would otherwise update the same common grams' count rows once per
    /// entity in one transaction; on PostgreSQL each such update lengthens the row's chain of
    /// versions the next one must walk (3,281 renames took 9 s in an import of 20,000 rows).
    /// When the facets change, every posting is replaced; otherwise only the keys that differ.
    pub fn replace_keys_tallied(
        &self,
        conn: &mut AnyConn,
        owner: i64,
        (old, old_facets): (&[i64], F),
        (new, new_facets): (&[i64], F),
        tally: &mut Tally<F>,
    ) -> QueryResult<()> {
        let moved = old_facets != new_facets;
        if old == new && !moved {
            return Ok(());
        }
        let gone: Vec<i64> = old
            .iter()
            .filter(|k| moved || !new.contains(k))
            .copied()
            .collect();
        if !gone.is_empty() {
            for &g in &gone {
                *tally.counts.entry(g).or_insert(0) -= 1;
            }
            match conn {
                // With the lead facet, each posting is one lookup of the primary key rather
                // than a walk of the gram's whole posting list.
                AnyConn::Sqlite(c) => diesel::sql_query(format!(
                    "DELETE FROM {} WHERE {} = ? AND {} = ? \
                     AND gram IN (SELECT value FROM json_each(?))",
                    self.table,
                    self.owner,
                    F::LEAD.unwrap_or("0"),
                ))
                .bind::<BigInt, _>(owner)
                .bind::<BigInt, _>(old_facets.lead())
                .bind::<Text, _>(serde_json::to_string(&gone).map_err(super::unserialisable)?)
                .execute(c)?,
                AnyConn::Pg(c) => diesel::sql_query(format!(
                    "DELETE FROM {} WHERE {} = $1 AND {} = $2 AND gram = ANY($3)",
                    self.table,
                    self.owner,
                    F::LEAD.unwrap_or("0"),
                ))
                .bind::<BigInt, _>(owner)
                .bind::<BigInt, _>(old_facets.lead())
                .bind::<Array<BigInt>, _>(gone)
                .execute(c)?,
            };
        }
        let added: Vec<Posting<F>> = new
            .iter()
            .filter(|k| moved || !old.contains(k))
            .map(|&gram| Posting::new(gram, owner, new_facets))
            .collect();
        self.insert_tallied(conn, added, tally)
    }

    /// Two or more characters: the rarest of the query's keys, or nothing when one of them is
    /// in no name. One character: its key range
    /// when that holds fewer than [`CHAR_RANGE_MAX`] postings; a commoner character is found
    /// sooner by walking the records. No name: walk the records.
    pub fn plan(&self, conn: &mut AnyConn, query: &[char]) -> QueryResult<Candidates> {
        if let [c] = query {
            let (lo, hi) = char_range(*c);
            let n = self.count_range(conn, lo, hi, CHAR_RANGE_MAX)?;
            return Ok(if n < CHAR_RANGE_MAX {
                Candidates::Range(lo, hi)
            } else {
                Candidates::Scan
            });
        }
        let keys = query_keys(query);
        match keys.as_slice() {
            [] => return Ok(Candidates::Scan),
            // One key: its posting list is the plan; an empty one ends the walk at once.
            [k] => return Ok(Candidates::Postings(*k)),
            _ => {}
        }
        let counted = self.counts_of(conn, &keys)?;
        // A key with no count row (or a zero count) is in no name.
        if counted.len() < keys.len() || counted.iter().any(|c| c.n <= 0) {
            return Ok(Candidates::Empty);
        }
        Ok(counted
            .iter()
            .min_by_key(|c| (c.n, c.gram))
            .map_or(Candidates::Empty, |c| Candidates::Postings(c.gram)))
    }

    /// The counts of `keys` (only those that have a row): one indexed lookup per key.
    fn counts_of(&self, conn: &mut AnyConn, keys: &[i64]) -> QueryResult<Vec<GramCount>> {
        let marks =
            |f: &dyn Fn(usize) -> String| (1..=keys.len()).map(f).collect::<Vec<_>>().join(", ");
        match conn {
            AnyConn::Sqlite(c) => {
                let mut q = diesel::sql_query(format!(
                    "SELECT gram, n FROM {} WHERE gram IN ({})",
                    self.counts,
                    marks(&|_| "?".to_string())
                ))
                .into_boxed();
                for &k in keys {
                    q = q.bind::<BigInt, _>(k);
                }
                q.load(c)
            }
            AnyConn::Pg(c) => {
                let mut q = diesel::sql_query(format!(
                    "SELECT gram, n FROM {} WHERE gram IN ({})",
                    self.counts,
                    marks(&|i| format!("${i}"))
                ))
                .into_boxed();
                for &k in keys {
                    q = q.bind::<BigInt, _>(k);
                }
                q.load(c)
            }
        }
    }

    /// Postings with a gram in `lo..=hi`, counted up to `cap`.
    fn count_range(&self, conn: &mut AnyConn, lo: i64, hi: i64, cap: i64) -> QueryResult<i64> {
        let counted: Counted = match conn {
            AnyConn::Sqlite(c) => diesel::sql_query(format!(
                "SELECT count(*) AS n FROM (SELECT 1 FROM {} WHERE gram BETWEEN ? AND ? LIMIT ?)",
                self.table
            ))
            .bind::<BigInt, _>(lo)
            .bind::<BigInt, _>(hi)
            .bind::<BigInt, _>(cap)
            .get_result(c)?,
            AnyConn::Pg(c) => diesel::sql_query(format!(
                "SELECT count(*) AS n FROM (SELECT 1 FROM {} WHERE gram BETWEEN $1 AND $2 LIMIT $3) x",
                self.table
            ))
            .bind::<BigInt, _>(lo)
            .bind::<BigInt, _>(hi)
            .bind::<BigInt, _>(cap)
            .get_result(c)?,
        };
        Ok(counted.n)
    }

    /// Rebuilds the whole table, in one write transaction, when `derived_indexes` says it was
    /// built in an older format; `names(conn, after, limit)` reads the indexed records' `(id,
    /// name, facets)` in id order. Returns how many records were indexed, or `None` when it was current.
    pub fn refresh(
        &self,
        conn: &mut AnyConn,
        mut names: impl FnMut(&mut AnyConn, i64, i64) -> QueryResult<Vec<(i64, String, F)>>,
    ) -> QueryResult<Option<usize>> {
        super::write_tx(conn, |conn| {
            // Two instances starting together must not both rebuild: the second waits here and
            // then finds the index current.
            super::serialise_on(conn, self.rebuild_lock)?;
            let built: Option<i32> = derived_indexes::table
                .filter(derived_indexes::name.eq(self.table))
                .select(derived_indexes::version)
                .first(conn)
                .optional()?;
            if built.is_some_and(|v| v >= FORMAT_VERSION) {
                return Ok(None);
            }
            diesel::sql_query(format!("DELETE FROM {}", self.table)).execute(conn)?;
            diesel::sql_query(format!("DELETE FROM {}", self.counts)).execute(conn)?;
            let (mut after, mut indexed) = (0_i64, 0_usize);
            let mut tally = Tally::deferring();
            loop {
                let batch = names(conn, after, REBUILD_CHUNK)?;
                let Some(&(last, _, _)) = batch.last() else {
                    break;
                };
                let postings: Vec<Posting<F>> = batch
                    .iter()
                    .flat_map(|&(id, ref name, facets)| {
                        name_keys(name)
                            .into_iter()
                            .map(move |g| Posting::new(g, id, facets))
                    })
                    .collect();
                self.insert_tallied(conn, postings, &mut tally)?;
                indexed += batch.len();
                after = last;
            }
            self.write_tally(conn, tally)?;
            diesel::delete(derived_indexes::table.filter(derived_indexes::name.eq(self.table)))
                .execute(conn)?;
            diesel::insert_into(derived_indexes::table)
                .values((
                    derived_indexes::name.eq(self.table),
                    derived_indexes::version.eq(FORMAT_VERSION),
                ))
                .execute(conn)?;
            super::changes::notify(conn)?;
            Ok(Some(indexed))
        })
    }
}

/// The formats the name indexes are built in, summed: it changes when an index is rebuilt (by a
/// migration, on this instance or another), which changes what a search finds without any record
/// changing.
pub fn formats(conn: &mut AnyConn) -> QueryResult<i64> {
    Ok(derived_indexes::table
        .select(diesel::dsl::sum(derived_indexes::version))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loads_counts_reach_the_table_in_gram_order_with_the_tallys_own_merged_in() {
        // The tally took one posting of grams 1 and 5 away (renames) and two of gram 9; the
        // spilled postings add grams 3, 5 and 7.
        let tally: std::collections::BTreeMap<i64, i64> =
            [(1, -1), (5, -1), (6, 0), (9, -2)].into_iter().collect();
        let mut counts = tally.into_iter().peekable();
        let mut counted = Vec::new();
        for run in [(3, 2), (5, 4), (7, 1)] {
            merge_count(&mut counted, &mut counts, run);
        }
        counted.extend(counts.filter(|&(_, n)| n != 0));
        assert_eq!(counted, [(1, -1), (3, 2), (5, 3), (7, 1), (9, -2)]);
        // A gram whose additions and removals cancel out is left alone.
        let mut counts = [(4, -1)]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .peekable();
        let mut counted = Vec::new();
        merge_count(&mut counted, &mut counts, (4, 1));
        assert!(counted.is_empty());
    }
}
