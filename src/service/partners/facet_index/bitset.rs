//! A fixed-size set of row positions, 64 to a word.

/// Rows `0..len` of a campaign's index, each in or out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    /// No rows.
    pub fn empty(len: usize) -> Self {
        Bitset {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Every row.
    pub fn full(len: usize) -> Self {
        let mut set = Bitset {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        set.trim();
        set
    }

    /// The positions of `codes` whose code `accepted` marks (a word of 64 positions at a time,
    /// without a branch per position).
    pub fn from_codes(codes: &[u16], accepted: &[bool]) -> Self {
        let words = codes
            .chunks(64)
            .map(|chunk| {
                chunk.iter().enumerate().fold(0u64, |word, (j, code)| {
                    word | (u64::from(accepted[usize::from(*code)]) << j)
                })
            })
            .collect();
        Bitset {
            words,
            len: codes.len(),
        }
    }

    /// Keeps only the rows `keep` accepts (asked of the rows in only).
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        for (n, word) in self.words.iter_mut().enumerate() {
            let base = (n * 64) as u32;
            let mut rest = *word;
            while rest != 0 {
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                if !keep(base + bit) {
                    *word &= !(1u64 << bit);
                }
            }
        }
    }

    /// Clears the bits past `len` in the last word.
    fn trim(&mut self) {
        let rest = self.len % 64;
        if rest != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << rest) - 1;
            }
        }
    }

    /// Puts row `i` in.
    pub fn insert(&mut self, i: u32) {
        let i = i as usize;
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Whether row `i` is in.
    pub fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Keeps only the rows also in `other`.
    pub fn intersect(&mut self, other: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// Adds the rows of `other`.
    pub fn union(&mut self, other: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// The rows not in this set.
    pub fn complement(&self) -> Bitset {
        let mut set = Bitset {
            words: self.words.iter().map(|w| !w).collect(),
            len: self.len,
        };
        set.trim();
        set
    }

    /// How many rows are in.
    pub fn count(&self) -> i64 {
        self.words.iter().map(|w| i64::from(w.count_ones())).sum()
    }

    /// The rows in, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(n, &word)| {
            let base = (n * 64) as u32;
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(base + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations_stay_within_the_rows() {
        let mut odd = Bitset::empty(130);
        for i in (1..130).step_by(2) {
            odd.insert(i);
        }
        assert_eq!(odd.count(), 65);
        let even = odd.complement();
        assert_eq!(even.count(), 65, "no bits past the last row");
        assert!(even.contains(128) && !even.contains(129));
        let mut both = odd.clone();
        both.union(&even);
        assert_eq!(both, Bitset::full(130));
        both.intersect(&odd);
        assert_eq!(both.iter().take(3).collect::<Vec<_>>(), [1, 3, 5]);
        assert_eq!(both.iter().last(), Some(129));
    }

    #[test]
    fn sets_from_codes_and_retained_rows_keep_exactly_the_accepted_positions() {
        // 150 positions across three words, codes 0..3; codes 1 and 3 accepted.
        let codes: Vec<u16> = (0..150).map(|i| (i * 7 % 4) as u16).collect();
        let accepted = [false, true, false, true];
        let set = Bitset::from_codes(&codes, &accepted);
        let expected: Vec<u32> = (0..150)
            .filter(|i| accepted[codes[*i as usize] as usize])
            .collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), expected);
        assert_eq!(set.complement().count(), 150 - expected.len() as i64);
        let mut kept = set.clone();
        kept.retain(|i| i % 3 == 0);
        let thirds: Vec<u32> = expected.iter().copied().filter(|i| i % 3 == 0).collect();
        assert_eq!(kept.iter().collect::<Vec<_>>(), thirds);
    }
}
