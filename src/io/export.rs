//! What every CSV export shares: Excel on a Chinese Windows machine opens it correctly (UTF-8 with
//! BOM, CRLF), `gongshi import` reads it back unchanged, and every cell goes through
//! `cells::neutralise`. Each file kind's writer is beside its reader (`entities_csv`,
//! `penalties_csv`).

pub const BOM: &[u8] = b"\xEF\xBB\xBF";
