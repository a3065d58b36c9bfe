//! Who may do what (DESIGN §8): one table of actions and the roles that may perform them.
//! Separation of duties: no role includes another, so an admin who manages accounts cannot,
//! with the same account, do a clerk's or a reviewer's work. Services ask [`permits`]; nothing
//! else decides.

use super::role::Role;

/// Everything a staff member may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create, change and disable staff accounts; list them.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
    /// The staff view of the directory: private fields, history, the CSV export.
    ReadDirectory,
    /// Create, change and deregister entities; import the directory from CSV.
    EditDirectory,
    /// The roster with its private fields, its changes and imports, conflicts of interest (回避).
    ManageRoster,
    /// Upload a year of the working-day calendar.
    LoadCalendar,
    /// Add a category (行业类别) or an alias to the reference list.
    ManageCategories,
    /// Create and change 处罚机关 and their publication settings.
    ManageAuthorities,
    /// Add and change items of the 随机抽查事项清单 (each change a new version).
    ManageInspectionItems,
    /// Log, change and submit penalty decisions (drafts).
    DraftPenalties,
    /// Approve, reject, publish, withdraw and repair penalty decisions (先审后发).
    ReviewPenalties,
    /// Discard a decision logged by mistake, before it is published: its drafter (a clerk, the
    /// workflow checks which) or a reviewer.
    DiscardPenalties,
    /// Import decisions as already published (moving legacy records in), skipping review.
    ImportPublishedPenalties,
    /// Read penalty decisions with their private fields.
    ReadPenalties,
    /// Draft random-inspection plans, record their results and complete them.
    PlanInspections,
    /// Announce, draw, void plans and publish their results.
    ReviewInspections,
    /// Read plans with their drafts, staff notes and conflict-aware details.
    ReadPlans,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::ManageUsers,
        Action::ReadAudit,
        Action::ReadDirectory,
        Action::EditDirectory,
        Action::ManageRoster,
        Action::LoadCalendar,
        Action::ManageCategories,
        Action::ManageAuthorities,
        Action::ManageInspectionItems,
        Action::DraftPenalties,
        Action::ReviewPenalties,
        Action::DiscardPenalties,
        Action::ImportPublishedPenalties,
        Action::ReadPenalties,
        Action::PlanInspections,
        Action::ReviewInspections,
        Action::ReadPlans,
    ];
}

/// Whether a staff member with `role` may perform `action`.
pub fn permits(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ManageUsers
        | ManageRoster
        | LoadCalendar
        | ManageCategories
        | ManageAuthorities
        | ManageInspectionItems => role == Admin,
        DraftPenalties | PlanInspections => role == Clerk,
        ReviewPenalties | ReviewInspections => role == Reviewer,
        DiscardPenalties => matches!(role, Clerk | Reviewer),
        ImportPublishedPenalties => matches!(role, Reviewer | Admin),
        ReadPenalties | ReadPlans => matches!(role, Clerk | Reviewer | Admin),
        ReadAudit => matches!(role, Admin | Reviewer),
        ReadDirectory => matches!(role, Clerk | Reviewer | Admin),
        EditDirectory => matches!(role, Clerk | Admin),
    }
}

/// The roles that may perform `action`, in [`Role::ALL`] order (for messages).
pub fn roles_for(action: Action) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| permits(*r, action))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out: a change to who may do what shows here in review.
    #[test]
    fn the_role_matrix() {
        let expected: &[(Action, &[Role])] = &[
            (Action::ManageUsers, &[Role::Admin]),
            (Action::ReadAudit, &[Role::Reviewer, Role::Admin]),
            (
                Action::ReadDirectory,
                &[Role::Clerk, Role::Reviewer, Role::Admin],
            ),
            (Action::EditDirectory, &[Role::Clerk, Role::Admin]),
            (Action::ManageRoster, &[Role::Admin]),
            (Action::LoadCalendar, &[Role::Admin]),
            (Action::ManageCategories, &[Role::Admin]),
            (Action::ManageAuthorities, &[Role::Admin]),
            (Action::ManageInspectionItems, &[Role::Admin]),
            (Action::DraftPenalties, &[Role::Clerk]),
            (Action::ReviewPenalties, &[Role::Reviewer]),
            (Action::DiscardPenalties, &[Role::Clerk, Role::Reviewer]),
            (
                Action::ImportPublishedPenalties,
                &[Role::Reviewer, Role::Admin],
            ),
            (
                Action::ReadPenalties,
                &[Role::Clerk, Role::Reviewer, Role::Admin],
            ),
            (Action::PlanInspections, &[Role::Clerk]),
            (Action::ReviewInspections, &[Role::Reviewer]),
            (
                Action::ReadPlans,
                &[Role::Clerk, Role::Reviewer, Role::Admin],
            ),
        ];
        assert_eq!(expected.len(), Action::ALL.len());
        for (action, roles) in expected {
            assert_eq!(roles_for(*action), *roles, "{action:?}");
        }
    }

    #[test]
    fn every_action_is_allowed_to_someone() {
        for action in Action::ALL {
            assert!(!roles_for(action).is_empty(), "{action:?}");
        }
    }
}
