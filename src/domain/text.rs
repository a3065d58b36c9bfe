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

/// The distinct character bigrams of a name in its search form, sorted, each as an integer
/// key (`first << 21 | second`; a `char` fits in 21 bits). Shorter than two characters: none.
pub fn bigram_keys(chars: &[char]) -> Vec<i64> {
    let mut keys: Vec<i64> = chars.windows(2).map(|w| key(w[0], w[1])).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The index key of one bigram.
pub fn key(first: char, second: char) -> i64 {
    ((first as i64) << 21) | second as i64
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
    fn bigrams_of_a_name_contain_the_bigrams_of_every_substring() {
        let name = search_form("银川星光网吧");
        let keys = bigram_keys(&name);
        assert_eq!(keys.len(), 5);
        for q in ["星光", "星光网吧", "银川", "网吧"] {
            for k in bigram_keys(&search_form(q)) {
                assert!(keys.contains(&k), "{q}");
            }
        }
        // 光星 is not in the name even though both characters are
        assert!(!keys.contains(&key('光', '星')));
    }

    #[test]
    fn repeated_bigrams_are_kept_once() {
        assert_eq!(bigram_keys(&search_form("哈哈哈哈")).len(), 1);
        assert!(bigram_keys(&['吧']).is_empty());
    }
}
