//! Reads the category list `seeds/categories.csv`: `code,label,aliases,parent,regulation`, UTF-8
//! (with or without BOM), aliases separated by `;`. Rows keep their file line (header = line 1).

use crate::domain::category::RawCategory;

/// One row of the file, with its line.
pub struct CategoryRow {
    pub line: usize,
    pub category: RawCategory,
}

/// The rows, or the first problem with the file as a whole (`line: message`).
pub fn parse(bytes: &[u8]) -> Result<Vec<CategoryRow>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(code), Some(label)) = (column("code"), column("label")) else {
        return Err("line 1: the header must name code,label[,aliases,parent,regulation]".into());
    };
    let (aliases, parent, regulation) = (column("aliases"), column("parent"), column("regulation"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| format!("{e}"))?;
        let line = r
            .position()
            .map_or(0, |p| line_at(bytes, p.byte() as usize));
        let get = |i: Option<usize>| {
            i.and_then(|i| r.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if r.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        rows.push(CategoryRow {
            line,
            category: RawCategory {
                code: get(Some(code)),
                label: get(Some(label)),
                aliases: get(aliases).map(|a| {
                    a.split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string)
                        .collect()
                }),
                parent: get(parent),
                regulation: get(regulation),
            },
        });
    }
    Ok(rows)
}

/// The line a record starting at byte `start` is on; csv's position can point at the line
/// break that ended the previous record, so breaks right at `start` count too.
fn line_at(bytes: &[u8], start: usize) -> usize {
    let start = start.min(bytes.len());
    let before = bytes[..start].iter().filter(|b| **b == b'\n').count();
    let at = bytes[start..]
        .iter()
        .take_while(|b| **b == b'\r' || **b == b'\n')
        .filter(|b| **b == b'\n')
        .count();
    1 + before + at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::category::{Addition, Vocabulary};

    #[test]
    fn reads_rows_with_their_lines_and_split_aliases() {
        let rows = parse(
            "\u{FEFF}code,label,aliases,parent\r\na_b,甲, 乙 ; 丙 ,\r\n\r\nc_d,丁,,a_b\r\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(
            rows[0].category.aliases,
            Some(vec!["乙".into(), "丙".into()])
        );
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].category.parent.as_deref(), Some("a_b"));
        assert!(parse(b"name,x\n").is_err());
    }

    /// The shipped list parses, every row is admitted in order (parents before children, no
    /// name claimed twice), and it covers the names bureau files use.
    #[test]
    fn the_shipped_list_is_consistent_and_covers_the_bureau_scope() {
        let mut all = Vec::new();
        for row in parse(crate::assets::CATEGORY_SEEDS).unwrap() {
            let v = Vocabulary::new(all.clone());
            match v.admit(&row.category) {
                Ok(Addition::New(c)) => all.push(c),
                other => panic!("line {}: {other:?}", row.line),
            }
        }
        let v = Vocabulary::new(all);
        for name in [
            "旅行社",
            "旅行社分社",
            "旅行社服务网点",
            "星级饭店",
            "A级旅游景区",
            "旅游民宿",
            "娱乐场所",
            "歌舞娱乐场所",
            "游艺娱乐场所",
            "互联网上网服务营业场所",
            "演出场所经营单位",
            "营业性演出场所",
            "文艺表演团体",
            "演出经纪机构",
            "艺术品经营单位",
            "网络文化经营单位",
            "社会艺术水平考级机构",
            "文物商店",
            "文物保护单位",
            "博物馆",
            "广播电视",
            "有线电视",
            "卫星地面接收设施安装服务",
            "电影放映单位",
            "出版物发行单位",
            "印刷企业",
            "其他",
            // what earlier releases accepted
            "travel_agency",
            "star_hotel",
            "scenic_spot",
            "entertainment_venue",
            "internet_service_venue",
            "performance_venue",
            "performance_troupe",
            "performance_agency",
            "art_dealer",
            "online_culture",
            "other",
            "网吧",
            "演出场所",
            "星级酒店",
            "旅游景区",
            "景区",
        ] {
            assert!(v.resolve(name).is_ok(), "{name}");
        }
        let entertainment = v.resolve("娱乐场所").unwrap().code.clone();
        let sub: Vec<String> = v
            .with_descendants(&entertainment)
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            sub,
            [
                "entertainment_venue",
                "song_dance_venue",
                "game_arcade_venue"
            ]
        );
    }
}
