//! What the audit log says was done (issue 24): one closed list, so a new kind of write names
//! itself here and every reader (the console's history, the transparency log) knows them all.

crate::domain::entity::labelled_enum! {
    /// An audit record's `action`, as stored (the code), with its Chinese label for staff.
    AuditAction {
        AuthorityCreate = "authority.create", "新增处罚机关";
        AuthorityUpdate = "authority.update", "修改处罚机关";
        CalendarReplace = "calendar.replace", "上传年度日历";
        CalendarReseed = "calendar.reseed", "更新内置日历";
        CalendarSeed = "calendar.seed", "载入内置日历";
        CategoryAlias = "category.alias", "新增行业别名";
        CategoryCreate = "category.create", "新增行业类别";
        ConflictDeclare = "conflict.declare", "登记回避";
        ConsoleSignIn = "console.sign_in", "登录工作台";
        ConsoleSignOut = "console.sign_out", "退出工作台";
        ConflictRemove = "conflict.remove", "撤销回避";
        EntityCreate = "entity.create", "新增市场主体";
        EntityDeregister = "entity.deregister", "注销市场主体";
        EntityImportCreate = "entity.import_create", "导入新增市场主体";
        EntityImportUpdate = "entity.import_update", "导入更新市场主体";
        EntityUpdate = "entity.update", "修改市场主体";
        InspectionItemCreate = "inspection_item.create", "新增抽查事项";
        InspectionItemUpdate = "inspection_item.update", "修改抽查事项";
        InspectorCreate = "inspector.create", "新增执法人员";
        InspectorImportCreate = "inspector.import_create", "导入新增执法人员";
        InspectorImportUpdate = "inspector.import_update", "导入更新执法人员";
        InspectorUpdate = "inspector.update", "修改执法人员";
        LoginFailed = "login.failed", "登录失败";
        PenaltyCreate = "penalty.create", "登记处罚决定";
        PenaltyDeadlineRecomputed = "penalty.deadline_recomputed", "重算公示期限";
        PenaltyExport = "penalty.export", "导出处罚决定";
        PenaltyImport = "penalty.import", "导入处罚决定（待审核）";
        PenaltyImportPublished = "penalty.import_published", "导入已公示的处罚决定";
        PenaltyUpdate = "penalty.update", "修改处罚决定";
        PenaltySubmit = "penalty.submit", "提交审核";
        PenaltyApprove = "penalty.approve", "审核通过";
        PenaltyReject = "penalty.reject", "退回修改";
        PenaltyPublish = "penalty.publish", "公示";
        PenaltyWithdraw = "penalty.withdraw", "撤下公示";
        PenaltyRepair = "penalty.repair", "信用修复";
        PenaltyDiscard = "penalty.discard", "作废处罚决定";
        PlanAnnounce = "plan.announce", "发布抽查计划";
        PlanComplete = "plan.complete", "完成检查";
        PlanCreate = "plan.create", "制定抽查计划";
        PlanDeadlineRecomputed = "plan.deadline_recomputed", "重算结果公示期限";
        PlanDraw = "plan.draw", "随机抽取";
        PlanDrawRefused = "plan.draw_refused", "抽取未成功";
        PlanPublishResults = "plan.publish_results", "公示抽查结果";
        PlanResults = "plan.results", "录入检查结果";
        PlanVoid = "plan.void", "作废抽查计划";
        TokenIssue = "token.issue", "签发令牌";
        TokenRevoke = "token.revoke", "注销令牌";
        TokenRevokeAll = "token.revoke_all", "注销全部令牌";
        UserCreate = "user.create", "新增账号";
        UserUpdate = "user.update", "修改账号";
        Import = "import", "导入文件";
    }
}

impl AuditAction {
    /// The action of a penalty decision's workflow step.
    pub fn of_step(step: super::penalty::workflow::Step) -> AuditAction {
        use super::penalty::workflow::Step;
        match step {
            Step::Submit => AuditAction::PenaltySubmit,
            Step::Approve => AuditAction::PenaltyApprove,
            Step::Reject => AuditAction::PenaltyReject,
            Step::Publish => AuditAction::PenaltyPublish,
            Step::Withdraw => AuditAction::PenaltyWithdraw,
            Step::Repair => AuditAction::PenaltyRepair,
            Step::Discard => AuditAction::PenaltyDiscard,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_code_and_steps_have_their_own() {
        for &a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.code()), Some(a));
        }
        use crate::domain::penalty::workflow::Step;
        for step in [
            Step::Submit,
            Step::Approve,
            Step::Reject,
            Step::Publish,
            Step::Withdraw,
            Step::Repair,
            Step::Discard,
        ] {
            assert_eq!(
                AuditAction::of_step(step).code(),
                format!("penalty.{}", step.name())
            );
        }
    }
}
