//! RFC 3797 ("Publicly Verifiable Nominations Committee (NomCom) Random Selection"), exactly:
//! the key from the public random sources, and picks without replacement from a pool in its
//! published order. `api-spec/draw-verification.md` states the same in words.

use md5::{Digest, Md5};

use super::remaining::Remaining;

/// The most picks one key can give: the pick index is written in two bytes.
pub const MAX_PICKS: usize = 1 << 16;

/// What makes a selection impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    #[error("at least one random source is needed")]
    NoSources,
    #[error("random source {0} has no values")]
    EmptySource(usize),
    #[error("{picks} picks asked from a pool of {pool}")]
    PicksOverPool { picks: usize, pool: usize },
    #[error("{0} picks asked; one key gives at most {MAX_PICKS}")]
    TooManyPicks(usize),
}

/// The key: each source's values sorted ascending, each written in decimal and followed by
/// `.`, each source closed by `/`, in the sources' announced order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Key(String);

impl Key {
    pub fn from_sources(sources: &[Vec<u64>]) -> Result<Key, SelectError> {
        if sources.is_empty() {
            return Err(SelectError::NoSources);
        }
        let mut key = String::new();
        for (i, source) in sources.iter().enumerate() {
            if source.is_empty() {
                return Err(SelectError::EmptySource(i + 1));
            }
            let mut values = source.clone();
            values.sort_unstable();
            for v in values {
                key.push_str(&v.to_string());
                key.push('.');
            }
            key.push('/');
        }
        Ok(Key(key))
    }

    /// A key derived from this one for another purpose (the inspector stage): the base key
    /// followed by `label` and `/`. `label` must hold a character no base key holds (a letter),
    /// so a derived key never equals a base key.
    pub fn derived(&self, label: &str) -> Key {
        Key(format!("{}{label}/", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// MD5 of the 2-byte big-endian `index`, the key, and the same two bytes.
pub fn pick_digest(key: &Key, index: u16) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(index.to_be_bytes());
    h.update(key.0.as_bytes());
    h.update(index.to_be_bytes());
    h.finalize().into()
}

/// One pick: the values an outsider recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// From 1.
    pub index: usize,
    pub md5: [u8; 16],
    /// The members not yet picked when this pick was made.
    pub divisor: usize,
    /// The digest read as a 128-bit big-endian integer, modulo `divisor`: the 0-based place
    /// among the members not yet picked, in pool order.
    pub remainder: usize,
    /// The picked member's place in the whole pool, from 1.
    pub position: usize,
}

impl Pick {
    pub fn md5_hex(&self) -> String {
        hex::encode_upper(self.md5)
    }
}

/// `picks` members of a pool of `pool` (in its published order), without replacement.
pub fn select(key: &Key, pool: usize, picks: usize) -> Result<Vec<Pick>, SelectError> {
    if picks > MAX_PICKS {
        return Err(SelectError::TooManyPicks(picks));
    }
    if picks > pool {
        return Err(SelectError::PicksOverPool { picks, pool });
    }
    let mut remaining = Remaining::new(pool);
    let mut out = Vec::with_capacity(picks);
    for i in 0..picks {
        // i < MAX_PICKS = 2^16, checked above.
        let md5 = pick_digest(key, i as u16);
        let divisor = remaining.len();
        let remainder = (u128::from_be_bytes(md5) % divisor as u128) as usize;
        let position = remaining
            .take(remainder)
            .expect("a remainder is below the count remaining")
            + 1;
        out.push(Pick {
            index: i + 1,
            md5,
            divisor,
            remainder,
            position,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3797 §6: a pool of 25, the sources of its example.
    fn rfc_key() -> Key {
        Key::from_sources(&[
            vec![9319],
            vec![2, 5, 12, 8, 10],
            vec![9, 18, 26, 34, 41, 45],
        ])
        .unwrap()
    }

    #[test]
    fn the_key_of_the_rfc_example() {
        assert_eq!(rfc_key().as_str(), "9319./2.5.8.10.12./9.18.26.34.41.45./");
    }

    #[test]
    fn the_rfc_example_gives_its_ten_picks_and_digests() {
        let picks = select(&rfc_key(), 25, 10).unwrap();
        let got: Vec<(String, usize, usize)> = picks
            .iter()
            .map(|p| (p.md5_hex(), p.divisor, p.position))
            .collect();
        // RFC 3797 §6, "index hex value of MD5 div selected".
        let expected = [
            ("990DD0A5692A029A98B5E01AA28F3459", 25, 17),
            ("3691E55CB63FCC37914430B2F70B5EC6", 24, 7),
            ("FE814EDF564C190AC1D25753979990FA", 23, 2),
            ("1863CCACEB568C31D7DDBDF1D4E91387", 22, 16),
            ("F4AB33DF4889F0AF29C513905BE1D758", 21, 25),
            ("13EAEB529F61ACFB9A29D0BA3A60DE4A", 20, 23),
            ("992DB77C382CA2BDB9727001F3CDCCD9", 19, 8),
            ("63AB4258ECA922976811C7F55C383CE7", 18, 24),
            ("DFBC5AC97CED01B3A6E348E3CC63F40D", 17, 19),
            ("31CB111C4A4EBE9287CEAE16FE51B909", 16, 13),
        ];
        let expected: Vec<(String, usize, usize)> = expected
            .iter()
            .map(|(h, d, p)| (h.to_string(), *d, *p))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(
            picks.iter().map(|p| p.index).collect::<Vec<_>>(),
            (1..=10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_order_of_values_within_a_source_does_not_matter_but_the_order_of_sources_does() {
        let a = Key::from_sources(&[vec![3, 1, 2], vec![7]]).unwrap();
        let b = Key::from_sources(&[vec![1, 2, 3], vec![7]]).unwrap();
        let c = Key::from_sources(&[vec![7], vec![1, 2, 3]]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "1.2.3./7./");
        assert_ne!(a, c);
        // Repeated values stay (a lottery may draw one number twice across sources).
        assert_eq!(Key::from_sources(&[vec![5, 5]]).unwrap().as_str(), "5.5./");
        assert_eq!(
            Key::from_sources(&[vec![0, u64::MAX]]).unwrap().as_str(),
            "0.18446744073709551615./"
        );
    }

    #[test]
    fn impossible_selections_are_refused_by_name() {
        assert_eq!(Key::from_sources(&[]), Err(SelectError::NoSources));
        assert_eq!(
            Key::from_sources(&[vec![1], vec![]]),
            Err(SelectError::EmptySource(2))
        );
        assert_eq!(
            select(&rfc_key(), 3, 4),
            Err(SelectError::PicksOverPool { picks: 4, pool: 3 })
        );
        assert_eq!(
            select(&rfc_key(), 100_000, MAX_PICKS + 1),
            Err(SelectError::TooManyPicks(MAX_PICKS + 1))
        );
        assert_eq!(select(&rfc_key(), 0, 0), Ok(Vec::new()));
    }

    #[test]
    fn a_whole_pool_is_a_permutation_and_the_last_pick_has_divisor_one() {
        let picks = select(&rfc_key(), 25, 25).unwrap();
        let mut positions: Vec<usize> = picks.iter().map(|p| p.position).collect();
        assert_eq!(picks.last().unwrap().divisor, 1);
        assert_eq!(picks.last().unwrap().remainder, 0);
        positions.sort_unstable();
        assert_eq!(positions, (1..=25).collect::<Vec<_>>());
    }

    #[test]
    fn a_derived_key_gives_other_digests_and_never_equals_a_source_key() {
        let k = rfc_key();
        let d = k.derived("inspectors:1");
        assert_eq!(
            d.as_str(),
            "9319./2.5.8.10.12./9.18.26.34.41.45./inspectors:1/"
        );
        assert_ne!(pick_digest(&k, 0), pick_digest(&d, 0));
    }

    /// Every worked example in `api-spec/draw-verification.md` (§3's ten picks over a pool of
    /// 25, §5's team of entity 1 over a list of five) is what this code computes: an outsider
    /// who follows the spec gets the service's numbers (issue 26: two remainders were wrong).
    #[test]
    fn the_specifications_worked_examples_are_what_the_code_computes() {
        let spec = include_str!("../../../api-spec/draw-verification.md");
        // The rows of each table headed `| index | md5 | divisor | remainder | position |`.
        let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
        let mut in_table = false;
        for line in spec.lines() {
            if line.starts_with("| index | md5 | divisor | remainder | position |") {
                tables.push(Vec::new());
                in_table = true;
                continue;
            }
            if in_table && line.starts_with("|---") {
                continue;
            }
            if in_table && line.starts_with('|') {
                let cells: Vec<String> = line
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect();
                tables.last_mut().unwrap().push(cells);
            } else {
                in_table = false;
            }
        }
        assert_eq!(tables.len(), 2, "§3 and §5");
        let check = |rows: &[Vec<String>], key: &Key, pool: usize| {
            let picks = select(key, pool, rows.len()).unwrap();
            for (row, p) in rows.iter().zip(&picks) {
                let got = [
                    p.index.to_string(),
                    p.md5_hex(),
                    p.divisor.to_string(),
                    p.remainder.to_string(),
                    p.position.to_string(),
                ];
                assert_eq!(&row[..5], &got[..], "spec row {row:?}");
            }
        };
        assert_eq!(tables[0].len(), 10);
        check(&tables[0], &rfc_key(), 25);
        assert_eq!(tables[1].len(), 2);
        check(&tables[1], &rfc_key().derived("inspectors:1"), 5);
    }
}
