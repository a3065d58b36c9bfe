//! What the public may read of a natural person: the name masked as the authority configures
//! (张三 → 张*, 欧阳明华 → 欧阳**), and nothing else about them.

/// Two-character surnames (复姓) kept whole when a name is masked, so 欧阳明华 shows as 欧阳**
/// rather than 欧***. The common ones of the 百家姓 and of present-day registers.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛",
    "尉迟", "公羊", "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容",
    "仲孙", "钟离", "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马",
    "公西", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐",
    "段干", "百里", "呼延", "东郭", "南门", "羊舌", "微生", "公户", "公玉", "公仪", "梁丘", "公仲",
    "公上", "公门", "公山", "公坚", "左丘", "公伯", "西门", "公祖", "第五", "公乘", "贯丘", "公皙",
    "南荣", "东里", "东宫", "仲长", "子书", "子桑", "即墨", "达奚", "褚师",
];

/// How many characters of `name` are its surname: 2 for a 复姓 of a name longer than 2, else 1.
pub fn surname_len(name: &str) -> usize {
    let name = name.trim();
    if COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) && name.chars().count() > 2 {
        2
    } else {
        1
    }
}

/// The name with everything after the surname replaced by one `*` per character (spaces and
/// the middle dot of transliterated names kept, so `约翰·史密斯` shows as `约*·***`). A name of
/// one character is shown as `*`.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    let keep = surname_len(name);
    if chars.len() <= 1 {
        return "*".to_string();
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i < keep || c == '·' || c == '•' || c.is_whitespace() {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_surname_stays_and_every_other_character_is_masked() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name(" 张三丰 "), "张**");
        assert_eq!(mask_name("欧阳明华"), "欧阳**");
        assert_eq!(mask_name("欧阳华"), "欧阳*");
        assert_eq!(
            mask_name("欧阳"),
            "欧*",
            "a two-character name is a surname and a given name"
        );
        assert_eq!(mask_name("诸葛亮"), "诸葛*");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name(""), "*");
        assert_eq!(mask_name("约翰·史密斯"), "约*·***");
        assert_eq!(mask_name("John Smith"), "J*** *****");
    }

    #[test]
    fn the_masked_name_never_holds_two_adjacent_characters_of_the_given_name() {
        for name in ["欧阳明华", "李小龙", "司马相如", "马云"] {
            let masked = mask_name(name);
            let given: Vec<char> = name.chars().skip(1).collect();
            for w in given.windows(2) {
                let pair: String = w.iter().collect();
                assert!(!masked.contains(&pair), "{name} → {masked}");
            }
        }
    }
}
