//! Chinese for the people who read gongshi's messages (issue 25): bureau staff. Every field error
//! carries a Chinese sentence beside its English one; the API answers in zh-CN unless the client
//! asks for English (`Accept-Language: en`). Codes, slugs and field names never change.
//!
//! The rules clerks meet every day (a decision's fields, the workflow, amounts, soft rules, sign
//! in, passwords) say exactly what is wrong in Chinese, site by site. Every other error gets the
//! Chinese sentence [`generic`] builds from the field's Chinese name and the rule's code
//! (`计划名称：必须填写`); its English message keeps the specifics (`Accept-Language: en`).

/// The language of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// zh-CN, the default.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The language an `Accept-Language` header asks for: English when an `en` range comes
    /// before any `zh` one (by quality, then order) and has a quality above 0; zh-CN otherwise,
    /// when the header is absent or unreadable included.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::Zh;
        };
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::trim))
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())
                .unwrap_or(0.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "zh" || tag.starts_with("zh-") || tag == "*" {
                Lang::Zh
            } else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && i < bi)) {
                best = Some((q, i, lang));
            }
        }
        best.map_or(Lang::Zh, |(_, _, l)| l)
    }
}

/// The Chinese name of an input field (its last segment: `results[1].credit_code` →
/// `credit_code`), as the API's `x-label-zh` and the 双公示 layout write it.
pub fn field_label(field: &str) -> &str {
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    match last {
        "credit_code" | "party_credit_code" => "统一社会信用代码",
        "entity_credit_code" => "关联市场主体统一社会信用代码",
        "authority_credit_code" => "处罚机关统一社会信用代码",
        "name" => "名称",
        "party_name" => "行政相对人名称",
        "party_kind" => "行政相对人类别",
        "party_id_type" => "证件类型",
        "party_id_number" | "id_number" => "证件号码",
        "party_address" | "address" => "地址",
        "legal_representative" => "法定代表人",
        "registration_number" => "工商注册号",
        "organisation_code" => "组织机构代码",
        "tax_number" => "税务登记号",
        "institution_number" => "事业单位证书号",
        "social_organisation_number" => "社会组织登记证号",
        "decision_number" => "行政处罚决定书文号",
        "allocate_decision_number" => "自动分配文号",
        "violation_type" => "违法行为类型",
        "facts" => "违法事实",
        "legal_basis" => "处罚依据",
        "penalty_types" | "penalty_type" => "处罚类别",
        "content" => "处罚内容",
        "fine_fen" => "罚款金额",
        "confiscation_fen" => "没收金额",
        "licence_affected" => "暂扣或吊销证照名称及编号",
        "licence_numbers" => "许可证号",
        "decision_date" => "处罚决定日期",
        "procedure" => "程序类型",
        "severity" => "失信程度",
        "severity_reason" => "失信程度说明",
        "case_officers" => "执法人员",
        "internal_notes" => "内部备注",
        "confirm" => "确认提交的提示",
        "authority" | "authority_id" => "处罚机关",
        "number_prefix" => "文号代字",
        "reason" => "理由",
        "event_date" => "撤销或变更日期",
        "applicant" => "信用修复申请人",
        "commitment" => "信用承诺",
        "evidence" => "履行证明材料",
        "version" => "版本号",
        "password" => "密码",
        "role" => "角色",
        "category" | "categories" => "行业类别",
        "district" | "districts" => "行政区划",
        "kind" => "类别",
        "status" => "状态",
        "risk_tags" => "风险标签",
        "certificate_no" => "执法证号",
        "certificate_valid_from" => "执法证有效期起",
        "certificate_valid_to" => "执法证有效期止",
        "unit" => "所在单位",
        "fields" | "field" => "执法领域",
        "phone" => "联系电话",
        "code" => "编码",
        "label" => "名称",
        "aliases" => "别名",
        "parent" => "上级类别",
        "regulation" => "依据",
        "title" => "计划名称",
        "responsible_unit" => "实施单位",
        "planned_month" => "计划月份",
        "sample_size" => "抽取数量",
        "sample_ratio" => "抽取比例",
        "team_size" => "每组检查人员数",
        "load_cap" => "每人检查上限",
        "item_ids" | "items" => "抽查事项",
        "random_sources" | "sources" => "随机数来源",
        "population" => "抽查对象范围",
        "results" => "检查结果",
        "outcome" => "检查结果",
        "inspected_on" => "检查日期",
        "inspectors" => "检查人员",
        "notes" => "备注",
        "methods" => "抽查方式",
        "effective_from" => "生效日期",
        "effective_to" => "失效日期",
        "ratio" => "抽查比例",
        "frequency" => "抽查频次",
        "basis" => "抽查依据",
        "subject" => "抽查主体",
        "year" => "年度",
        "region" => "地区",
        "days" => "工作日数",
        "from" => "起始日期",
        "to" => "截止日期",
        "rule" => "期限规则",
        "q" => "查询词",
        "cursor" => "翻页游标",
        "limit" => "每页条数",
        "state" => "状态",
        "within" => "工作日数",
        "pool" | "pool_size" => "抽取池",
        "picks" => "抽取数",
        "seed" | "seeds" => "随机种子",
        "teams" => "检查组",
        "dry_run" => "仅校验",
        "already_published" => "按已公示导入",
        "skip_invalid" => "跳过错误行",
        "token_ttl_hours" => "令牌有效期",
        "body" => "请求内容",
        _ => "",
    }
}

/// The Chinese sentence for a rule's `code` on `field`, when its site gives none of its own:
/// the field's Chinese name and what is wrong with it.
pub fn generic(field: &str, code: &str) -> String {
    let what = match code {
        "required" => "必须填写",
        "format" => "格式不正确",
        "unknown" => "不是可识别的值",
        "range" => "超出允许的范围",
        "too_long" => "过长",
        "too_short" => "过短",
        "too_large" => "过大",
        "too_few" => "数量不足",
        "not_applicable" => "不适用于此情形，请删去",
        "immutable" => "不可修改",
        "invalid" => "无效",
        "exclusive" | "one_of" => "与其他字段只能二选一",
        "future" => "不能晚于今天",
        "too_early" | "before_from" | "before_start" | "before_decision" => "日期早于允许的日期",
        "checksum" => "校验码不正确",
        "length" => "长度不正确",
        "character" => "含有控制字符或换行",
        "bidi" => "含有改变文字显示方向的字符",
        "invisible" => "没有可见的文字",
        "duplicate" => "重复",
        "conflict" => "与已记录的内容不一致",
        "forbidden" => "不在本账号的权限范围内",
        "empty" => "不能为空",
        "count" => "数量不正确",
        "inactive" => "不在有效状态",
        "region" => "地区未配置",
        "statutory_holidays_missing" => "缺少法定节假日",
        "not_enough_inspectors" => "具备资格的检查人员不足",
        "incomplete" => "不完整",
        "draw" => "无法抽取",
        "private_in_public_text" => "含有不得公开的个人信息",
        "amount_mismatch" => "与处罚内容所写金额不一致",
        "party_name_differs" => "与名录库登记的名称不一致",
        "large_amount" => "金额异常大",
        _ => "有误",
    };
    match field_label(field) {
        "" => format!("{field}：{what}"),
        label => format!("{label}：{what}"),
    }
}

/// The Chinese title of a problem type (its slug).
pub fn title(slug: &str) -> &'static str {
    match slug {
        "validation" => "输入有误",
        "malformed-json" => "请求内容不是有效的 JSON",
        "body-unreadable" => "请求内容不完整",
        "bad-request" => "请求无法解析",
        "unauthorized" => "未登录或登录已失效",
        "forbidden" => "无权执行此操作",
        "separation-of-duties" => "审核人不能审核自己起草的决定",
        "not-found" => "未找到",
        "unknown-route" => "没有这个地址",
        "method-not-allowed" => "此地址不支持该请求方法",
        "stale-version" => "记录已被他人修改",
        "duplicate" => "记录已存在",
        "invalid-transition" => "当前状态不允许此操作",
        "concurrent-change" => "同时有其他修改",
        "last-admin" => "不能停用最后一名管理员",
        "not-publishable" => "此类决定不予公示",
        "length-required" => "缺少请求长度",
        "payload-too-large" => "请求内容过大",
        "uri-too-long" => "地址过长",
        "unsupported-media-type" => "请求内容类型不受支持",
        "calendar-not-loaded" => "工作日日历未载入",
        "import-refused" => "导入被拒绝",
        "too-many-attempts" => "登录失败次数过多",
        "rate-limited" => "请求过于频繁",
        "headers-too-large" => "请求头过大",
        "internal" => "服务器内部错误",
        "database-unavailable" => "数据库不可用",
        "database-busy" => "数据库繁忙",
        "body-timeout" => "请求内容发送超时",
        "too-many-connections" => "连接数已满",
        _ => "请求未能完成",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_only_when_asked_for_before_chinese() {
        for (header, lang) in [
            (None, Lang::Zh),
            (Some(""), Lang::Zh),
            (Some("en"), Lang::En),
            (Some("en-US,en;q=0.9"), Lang::En),
            (Some("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh),
            (Some("en;q=0.5,zh;q=0.9"), Lang::Zh),
            (Some("fr,en;q=0.3"), Lang::En),
            (Some("en;q=0"), Lang::Zh),
            (Some("de"), Lang::Zh),
            (Some("*"), Lang::Zh),
            (Some("EN-gb"), Lang::En),
            (Some("en;q=abc"), Lang::Zh),
        ] {
            assert_eq!(Lang::from_accept_language(header), lang, "{header:?}");
        }
    }

    #[test]
    fn a_generic_sentence_names_the_field_in_chinese() {
        assert_eq!(generic("title", "required"), "计划名称：必须填写");
        assert_eq!(
            generic("results[1].credit_code", "checksum"),
            "统一社会信用代码：校验码不正确"
        );
        assert_eq!(
            generic("party_other_codes.tax_number", "too_long"),
            "税务登记号：过长"
        );
        assert_eq!(generic("mystery", "odd"), "mystery：有误");
    }
}
