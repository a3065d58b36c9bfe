//! The members of a pool not yet picked, in pool order, with "take the r-th remaining" in
//! O(log n): a Fenwick (binary indexed) tree of 0/1 counts. A province's snapshot holds a
//! million entities; removing from a `Vec` would move half of them on every pick.

/// Positions `0..n` of a pool, each present until taken.
#[derive(Debug, Clone)]
pub struct Remaining {
    /// `tree[i]` (1-based) counts the present positions in `(i - lowbit(i), i]`.
    tree: Vec<u32>,
    len: usize,
    /// The highest power of two not above the pool size (the descent's first step).
    top: usize,
}

impl Remaining {
    /// A pool of `n` positions, all present.
    pub fn new(n: usize) -> Remaining {
        // Built in O(n): each node adds itself to its parent once.
        let mut tree = vec![1u32; n + 1];
        tree[0] = 0;
        for i in 1..=n {
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                tree[parent] += tree[i];
            }
        }
        let top = if n == 0 {
            0
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        Remaining { tree, len: n, top }
    }

    /// How many positions are still present.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes and returns the pool position of the `r`-th (0-based) present position, in pool
    /// order; `None` when `r` is not below [`Remaining::len`].
    pub fn take(&mut self, r: usize) -> Option<usize> {
        if r >= self.len {
            return None;
        }
        // Descend: find the smallest 1-based index whose prefix count is r + 1.
        let mut pos = 0;
        let mut left = r as u32 + 1;
        let mut step = self.top;
        while step > 0 {
            let next = pos + step;
            if next < self.tree.len() && self.tree[next] < left {
                pos = next;
                left -= self.tree[next];
            }
            step >>= 1;
        }
        let index = pos + 1;
        let mut i = index;
        while i < self.tree.len() {
            self.tree[i] -= 1;
            i += i & i.wrapping_neg();
        }
        self.len -= 1;
        Some(index - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious O(n) model: a Vec of the present positions.
    fn check_against_vec(n: usize, rs: &[usize]) {
        let mut fast = Remaining::new(n);
        let mut slow: Vec<usize> = (0..n).collect();
        for &r in rs {
            let r = r % slow.len().max(1);
            let expected = (r < slow.len()).then(|| slow.remove(r));
            assert_eq!(fast.take(r), expected, "n {n}, r {r}");
            assert_eq!(fast.len(), slow.len());
        }
    }

    #[test]
    fn taking_matches_removing_from_a_vec_for_every_pool_size_up_to_70() {
        for n in 0..=70 {
            // Every order of "first", "last" and a stride through the middle.
            let rs: Vec<usize> = (0..n).map(|k| (k * 7 + 3) % (n - k).max(1)).collect();
            check_against_vec(n, &rs);
            check_against_vec(n, &vec![0; n]);
            let lasts: Vec<usize> = (0..n).map(|k| n - k - 1).collect();
            check_against_vec(n, &lasts);
        }
    }

    #[test]
    fn a_pseudo_random_sequence_over_a_large_pool_matches_the_vec_model() {
        let mut x: u64 = 0x2026_1201;
        let rs: Vec<usize> = (0..3_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as usize
            })
            .collect();
        check_against_vec(5_000, &rs);
    }

    #[test]
    fn out_of_range_takes_nothing_and_an_empty_pool_stays_empty() {
        let mut r = Remaining::new(3);
        assert_eq!(r.take(3), None);
        assert_eq!(r.take(2), Some(2));
        assert_eq!(r.take(2), None);
        assert_eq!(r.take(0), Some(0));
        assert_eq!(r.take(0), Some(1));
        assert!(r.is_empty());
        assert_eq!(r.take(0), None);
        assert_eq!(Remaining::new(0).take(0), None);
    }
}
