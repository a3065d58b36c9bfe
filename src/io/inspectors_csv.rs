//! The roster's CSV (执法检查人员名录): the columns the import reads, and a row as the domain's
//! unparsed input. (The roster is not exported: its ID numbers and phones are private.)

use super::table::{col, Column, Row};
use crate::domain::inspector::RawInspector;

pub const COLUMNS: &[Column] = &[
    col("name", &["姓名"], true),
    col(
        "certificate_no",
        &["执法证号", "执法证件号", "执法证件号码", "执法证编号"],
        true,
    ),
    col(
        "certificate_valid_from",
        &["证件有效期起", "有效期起", "有效期自", "valid_from"],
        true,
    ),
    col(
        "certificate_valid_to",
        &["证件有效期止", "有效期止", "有效期至", "valid_to"],
        true,
    ),
    col("unit", &["所属单位", "单位", "执法单位"], true),
    col("fields", &["执法领域", "检查领域", "执法类别"], false),
    col(
        "id_number",
        &["身份证号", "身份证号码", "公民身份号码"],
        false,
    ),
    col("phone", &["联系电话", "电话", "手机号码"], false),
    col("status", &["状态", "在岗状态"], false),
];

/// A row as the domain's unparsed input.
pub fn raw(row: &Row) -> RawInspector {
    RawInspector {
        name: row.get("name"),
        certificate_no: row.get("certificate_no"),
        certificate_valid_from: row.get("certificate_valid_from"),
        certificate_valid_to: row.get("certificate_valid_to"),
        unit: row.get("unit"),
        fields: row.get("fields").map(|v| vec![v]),
        id_number: row.get("id_number"),
        phone: row.get("phone"),
        status: row.get("status"),
    }
}
