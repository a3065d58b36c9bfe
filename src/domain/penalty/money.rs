//! Amounts: stored as integer 分; the 双公示 layout writes 万元 with six decimals (1 万元 =
//! 1,000,000 分), converted exactly, never through floating point.

/// 分 per 万元.
const FEN_PER_WAN: i64 = 1_000_000;

/// `"0.5"` 万元 → 500,000 分. Digits with at most six decimals (trailing zeros beyond six are
/// fine), no sign, no exponent; `None` when the text is not such an amount or is too large.
pub fn wan_to_fen(text: &str) -> Option<i64> {
    let t = text.trim().replace(',', "");
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 6 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().ok()?
    };
    whole.checked_mul(FEN_PER_WAN)?.checked_add(frac)
}

/// `"5,000.5"` 元 → 500,050 分: an amount as staff type it in the console. Digits, optionally
/// grouped by commas, with at most two decimals (角 and 分); no sign, no exponent, no 万; `None`
/// otherwise or when too large.
pub fn yuan_to_fen(text: &str) -> Option<i64> {
    let t = text.trim().replace([',', '，'], "");
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && frac.is_empty())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

/// 500,000 分 → `"0.500000"` 万元.
pub fn fen_to_wan(fen: i64) -> String {
    format!("{}.{:06}", fen / FEN_PER_WAN, fen % FEN_PER_WAN)
}

/// 200,000 分 → `"2,000"`, 2,050 分 → `"20.50"`: an amount in 元 as staff write it, thousands
/// separated, 角 and 分 only when there are any.
pub fn yuan(fen: i64) -> String {
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fen % 100 {
        0 => grouped,
        cents => format!("{grouped}.{cents:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_as_typed_become_exact_fen() {
        for (text, fen) in [
            ("5000", Some(500_000)),
            ("5,000", Some(500_000)),
            ("5，000.5", Some(500_050)),
            (" 123.45 ", Some(12_345)),
            ("0.01", Some(1)),
            ("10.100", Some(1_010)),
            ("0", Some(0)),
            ("1.005", None),
            ("-5", None),
            ("5e3", None),
            ("五千", None),
            ("5000元", None),
            (".5", None),
            ("5.", None),
            ("", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(yuan_to_fen(text), fen, "{text:?}");
        }
    }

    #[test]
    fn wan_converts_exactly_both_ways() {
        assert_eq!(wan_to_fen("0.5"), Some(500_000));
        assert_eq!(wan_to_fen("0.500000"), Some(500_000));
        assert_eq!(wan_to_fen("1"), Some(1_000_000));
        assert_eq!(wan_to_fen(" 12.345678 "), Some(12_345_678));
        assert_eq!(wan_to_fen("0.000001"), Some(1), "one 分");
        assert_eq!(
            wan_to_fen("0.1000000"),
            Some(100_000),
            "a trailing zero beyond six"
        );
        assert_eq!(wan_to_fen(".5"), Some(500_000));
        assert_eq!(wan_to_fen("1,000"), Some(1_000_000_000));
        for bad in ["", ".", "-1", "1e3", "0.0000001", "五千", "1.2.3", "+1"] {
            assert_eq!(wan_to_fen(bad), None, "{bad:?}");
        }
        // 0.1 + 0.2 in floating point is 0.30000000000000004: not here.
        assert_eq!(wan_to_fen("0.3"), Some(300_000));
        for fen in [1, 12_345, 500_000, 1_000_000, 123_456_789_012] {
            assert_eq!(wan_to_fen(&fen_to_wan(fen)), Some(fen));
        }
        assert_eq!(fen_to_wan(1_234_567), "1.234567");
        assert_eq!(fen_to_wan(5), "0.000005");
    }

    #[test]
    fn yuan_is_written_as_staff_write_it() {
        assert_eq!(yuan(200_000), "2,000");
        assert_eq!(yuan(2_000), "20");
        assert_eq!(yuan(2_050), "20.50");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(10_000_000_000), "100,000,000");
        assert_eq!(yuan(99_900), "999");
    }
}
