//! A decision's stored state (its place in the workflow, `workflow.rs`).

use crate::domain::entity::labelled_enum;

labelled_enum! {
    /// A decision's stored state.
    State {
        Draft = "draft", "草稿";
        Submitted = "submitted", "待审核";
        Approved = "approved", "已审核";
        Published = "published", "已公示";
        Withdrawn = "withdrawn", "已撤回";
        Repaired = "repaired", "已信用修复";
        Discarded = "discarded", "已作废";
    }
}
