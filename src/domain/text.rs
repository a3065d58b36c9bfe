//! Text normalisation shared by identifiers and search.

/// Folds full-width ASCII forms (U+FF01–U+FF5E) to their half-width characters and the
/// ideographic space (U+3000) to a space, as Chinese input methods often produce them.
pub fn fold_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A name or query as the search index sees it: width folded, lower-case, and only letters
/// and digits kept (punctuation, brackets and spaces carry no meaning in a name search).
pub fn search_form(input: &str) -> Vec<char> {
    fold_width(input)
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The name index's keys for a name in its search form: every distinct character bigram, the
/// last character paired with NUL, and every distinct character trigram, sorted. A bigram key
/// is `a << 21 | b` and a trigram key `a << 42 | b << 21 | c` (a `char` fits in 21 bits, and a
/// search form holds no NUL, so a trigram key is always at least 2^42 and never equals a bigram
/// key).
///
/// Bigrams answer two-character queries exactly; trigrams answer three-character queries
/// exactly and narrow longer ones to the names that share their rarest trigram, which keeps a
/// query such as 国际旅游 fast even when each of its bigrams is in tens of thousands of names.
/// With the final `(last, NUL)` pair, every character of a name starts some bigram key, so the
/// names holding a character `c` are those with a key in [`char_range`]`(c)`.
pub fn index_keys(chars: &[char]) -> Vec<i64> {
    let mut keys: Vec<i64> = chars
        .windows(2)
        .map(|w| key(w[0], w[1]))
        .chain(chars.last().map(|&c| key(c, '\0')))
        .chain(chars.windows(3).map(|w| key3(w[0], w[1], w[2])))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The inclusive range of bigram keys that start with `c`: a name holds `c` exactly when one of
/// its [`index_keys`] falls in it.
pub fn char_range(c: char) -> (i64, i64) {
    (key(c, '\0'), key(c, '\0') | 0x1F_FFFF)
}

/// The keys a query in search form must all find in a name's [`index_keys`]: its bigram when
/// it has two characters, its distinct trigrams when it has more, none when it has fewer.
pub fn query_keys(chars: &[char]) -> Vec<i64> {
    let mut keys: Vec<i64> = match chars.len() {
        0 | 1 => Vec::new(),
        2 => vec![key(chars[0], chars[1])],
        _ => chars.windows(3).map(|w| key3(w[0], w[1], w[2])).collect(),
    };
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The index key of one bigram.
pub fn key(first: char, second: char) -> i64 {
    ((first as i64) << 21) | second as i64
}

/// The index key of one trigram.
pub fn key3(first: char, second: char, third: char) -> i64 {
    ((first as i64) << 42) | ((second as i64) << 21) | third as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(fold_width("ＡＢＣ１２３－（）\u{3000}x"), "ABC123-() x");
        assert_eq!(fold_width("银川星光网吧"), "银川星光网吧");
    }

    #[test]
    fn search_form_drops_punctuation_and_case() {
        assert_eq!(
            search_form("银川（星光）网吧 KTV"),
            "银川星光网吧ktv".chars().collect::<Vec<_>>()
        );
        assert_eq!(search_form("ＫＴＶ"), "ktv".chars().collect::<Vec<_>>());
    }

    #[test]
    fn a_name_holds_the_query_keys_of_every_substring() {
        let name = search_form("银川星光网吧");
        let keys = index_keys(&name);
        assert_eq!(
            keys.len(),
            5 + 1 + 4,
            "five bigrams, (吧, NUL) and four trigrams"
        );
        for q in ["星光", "星光网", "星光网吧", "银川", "网吧", "银川星光网吧"] {
            let wanted = query_keys(&search_form(q));
            assert!(!wanted.is_empty(), "{q}");
            for k in wanted {
                assert!(keys.contains(&k), "{q}");
            }
        }
        // 光星 is not in the name even though both characters are; nor is 星网吧
        assert!(!keys.contains(&key('光', '星')));
        assert!(!keys.contains(&key3('星', '网', '吧')));
    }

    #[test]
    fn every_substring_of_every_name_finds_its_keys() {
        for name in ["宁夏国际旅行社有限公司", "KTV量贩式KTV", "哈哈哈哈", "ab12"]
        {
            let chars = search_form(name);
            let keys = index_keys(&chars);
            for i in 0..chars.len() {
                for j in i + 2..=chars.len() {
                    for k in query_keys(&chars[i..j]) {
                        assert!(keys.contains(&k), "{name} [{i}..{j}]");
                    }
                }
            }
        }
    }

    #[test]
    fn every_character_of_a_name_has_a_key_in_its_range() {
        let keys = index_keys(&search_form("银川星光网吧"));
        for c in "银川星光网吧".chars() {
            let (lo, hi) = char_range(c);
            assert!(keys.iter().any(|k| (lo..=hi).contains(k)), "{c}");
        }
        for c in "宁夏宾馆".chars() {
            let (lo, hi) = char_range(c);
            assert!(!keys.iter().any(|k| (lo..=hi).contains(k)), "{c}");
        }
        let single = index_keys(&['龘']);
        let (lo, hi) = char_range('龘');
        assert_eq!(single.len(), 1);
        assert!((lo..=hi).contains(&single[0]));
    }

    #[test]
    fn bigram_and_trigram_keys_never_collide() {
        let smallest_trigram = key3('0', '0', '0');
        let largest_bigram = key(char::MAX, char::MAX);
        assert!(smallest_trigram > largest_bigram);
        assert!(key3(char::MAX, char::MAX, char::MAX) > 0, "fits in i64");
    }

    #[test]
    fn query_keys_by_length() {
        assert!(query_keys(&search_form("星")).is_empty());
        assert_eq!(query_keys(&search_form("星光")), vec![key('星', '光')]);
        assert_eq!(
            query_keys(&search_form("星光网")),
            vec![key3('星', '光', '网')]
        );
        let four = query_keys(&search_form("国际旅游"));
        assert_eq!(four.len(), 2);
        assert!(four.contains(&key3('际', '旅', '游')));
    }

    #[test]
    fn repeated_grams_are_kept_once() {
        assert_eq!(index_keys(&search_form("哈哈哈哈")).len(), 3);
        assert_eq!(query_keys(&search_form("哈哈哈哈")).len(), 1);
        assert!(index_keys(&[]).is_empty());
    }
}
