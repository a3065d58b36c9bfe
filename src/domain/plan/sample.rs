//! How many entities a plan draws: a fixed number, or a ratio of the snapshot rounded up.

use super::super::draw::rfc3797::MAX_PICKS;

/// Parts per million: ratios are kept to six decimal places, so rounding is exact.
const MILLION: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    Size(u32),
    /// The ratio in parts per million (1..=1,000,000).
    Ratio(u32),
}

impl Sample {
    /// A ratio as a request gives it (0 < r ≤ 1), to six decimal places.
    pub fn ratio(r: f64) -> Result<Sample, String> {
        if !r.is_finite() || r <= 0.0 || r > 1.0 {
            return Err(format!(
                "sample_ratio is a number above 0 and at most 1 (0.05 is 5%), not {r}"
            ));
        }
        let ppm = (r * MILLION as f64).round() as u32;
        if ppm == 0 {
            return Err("sample_ratio is below 0.000001".into());
        }
        Ok(Sample::Ratio(ppm))
    }

    /// A fixed number of entities (1..=65,536, what one key can draw).
    pub fn size(n: u64) -> Result<Sample, String> {
        if n == 0 || n > MAX_PICKS as u64 {
            return Err(format!("sample_size is 1 to {MAX_PICKS}, not {n}"));
        }
        Ok(Sample::Size(n as u32))
    }

    /// The number drawn from a snapshot of `size`: the fixed number or the ratio rounded up,
    /// never more than the snapshot.
    pub fn of(self, size: usize) -> usize {
        let n = match self {
            Sample::Size(n) => n as usize,
            Sample::Ratio(ppm) => (size as u128 * ppm as u128).div_ceil(MILLION as u128) as usize,
        };
        n.min(size)
    }

    /// The ratio as a decimal number (for views), `None` for a fixed size.
    pub fn ratio_value(self) -> Option<f64> {
        match self {
            Sample::Ratio(ppm) => Some(ppm as f64 / MILLION as f64),
            Sample::Size(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_rounds_up_exactly_where_floating_point_would_not() {
        // 0.1 × 30 is 3.0000000000000004 in f64: ceil would give 4.
        assert_eq!(Sample::ratio(0.1).unwrap().of(30), 3);
        assert_eq!(Sample::ratio(0.1).unwrap().of(31), 4);
        assert_eq!(Sample::ratio(0.05).unwrap().of(1), 1);
        assert_eq!(Sample::ratio(0.05).unwrap().of(0), 0);
        assert_eq!(Sample::ratio(1.0).unwrap().of(1_000_000), 1_000_000);
        assert_eq!(Sample::ratio(0.03).unwrap().of(1_000_000), 30_000);
        assert_eq!(Sample::ratio(0.000001).unwrap().of(1_000_001), 2);
    }

    #[test]
    fn a_size_is_capped_at_the_snapshot() {
        assert_eq!(Sample::size(50).unwrap().of(30), 30);
        assert_eq!(Sample::size(50).unwrap().of(300), 50);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for r in [0.0, -0.1, 1.000001, f64::NAN, f64::INFINITY, 0.0000001] {
            assert!(Sample::ratio(r).is_err(), "{r}");
        }
        assert!(Sample::size(0).is_err());
        assert!(Sample::size(65_537).is_err());
        assert_eq!(Sample::size(65_536), Ok(Sample::Size(65_536)));
    }
}
