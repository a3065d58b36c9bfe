//! Holiday layers: `CN` (national, State Council) and `CN-XX` provincial layers (ISO 3166-2:CN),
//! e.g. `CN-NX` for 宁夏's 开斋节 and 古尔邦节.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Region(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a region: use CN, or CN- and a two-letter province code such as CN-NX")]
pub struct RegionError(pub String);

impl Region {
    pub fn national() -> Region {
        Region("CN".to_string())
    }

    pub fn parse(raw: &str) -> Result<Region, RegionError> {
        let code = raw.trim().to_ascii_uppercase();
        let ok = code == "CN"
            || (code.len() == 5
                && code.starts_with("CN-")
                && code[3..].chars().all(|c| c.is_ascii_uppercase()));
        if ok {
            Ok(Region(code))
        } else {
            Err(RegionError(raw.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_national(&self) -> bool {
        self.0 == "CN"
    }

    /// The layers whose days apply here, most general first: `CN-NX` → `[CN, CN-NX]`.
    pub fn layers(&self) -> Vec<Region> {
        if self.is_national() {
            vec![self.clone()]
        } else {
            vec![Region::national(), self.clone()]
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse_case_insensitively() {
        assert_eq!(Region::parse("cn").unwrap().as_str(), "CN");
        assert_eq!(Region::parse(" CN-nx ").unwrap().as_str(), "CN-NX");
        for bad in ["", "C", "US", "CN-", "CN-N", "CN-NXX", "CN_NX", "CN-1X"] {
            assert!(Region::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_regional_layer_stands_on_the_national_one() {
        let nx = Region::parse("CN-NX").unwrap();
        assert_eq!(nx.layers(), vec![Region::national(), nx.clone()]);
        assert_eq!(Region::national().layers(), vec![Region::national()]);
    }
}
