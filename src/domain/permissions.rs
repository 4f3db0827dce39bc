//! What an account user may do: a set of [`Permission`]s. A user's set is stored with the user
//! (`account_users.permissions`, names joined by commas); a user without a stored set has the
//! preset of their role.

use super::{Permission, UserRole};

/// A set of permissions (one bit per [`Permission`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PermissionSet(u16);

impl PermissionSet {
    /// No permission: read only.
    pub const NONE: PermissionSet = PermissionSet(0);

    fn bit(p: Permission) -> u16 {
        let index = Permission::ALL.iter().position(|q| *q == p).unwrap_or(0);
        1 << index
    }

    /// The set of these permissions.
    pub fn of(permissions: &[Permission]) -> Self {
        PermissionSet(permissions.iter().fold(0, |bits, p| bits | Self::bit(*p)))
    }

    /// The preset of a role: an administrator may do everything; an editor everything but
    /// expiring partners and managing users; a read-only user nothing.
    pub fn preset(role: UserRole) -> Self {
        match role {
            UserRole::Administrator => Self::of(Permission::ALL),
            UserRole::Editor => Self::of(&[
                Permission::ManageGroups,
                Permission::AssignPartners,
                Permission::ManageContracts,
                Permission::EditPartners,
            ]),
            UserRole::ReadOnly => Self::NONE,
        }
    }

    /// The set stored for a user (`None`: the role's preset). An unknown name in the stored
    /// text is ignored: a permission removed from the code grants nothing.
    pub fn stored_or_preset(stored: Option<&str>, role: UserRole) -> Self {
        match stored {
            None => Self::preset(role),
            Some(text) => Self::of(
                &text
                    .split(',')
                    .filter_map(|name| Permission::parse(name.trim()))
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// Whether the set holds `p`.
    pub fn contains(self, p: Permission) -> bool {
        self.0 & Self::bit(p) != 0
    }

    /// The permissions of the set, in declaration order.
    pub fn to_vec(self) -> Vec<Permission> {
        Permission::ALL
            .iter()
            .copied()
            .filter(|p| self.contains(*p))
            .collect()
    }

    /// The stored form: names joined by commas.
    pub fn to_stored(self) -> String {
        self.to_vec()
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_grant_what_each_role_documents() {
        let admin = PermissionSet::preset(UserRole::Administrator);
        assert!(Permission::ALL.iter().all(|p| admin.contains(*p)));
        let editor = PermissionSet::preset(UserRole::Editor);
        assert!(editor.contains(Permission::ManageContracts));
        assert!(!editor.contains(Permission::ExpirePartners));
        assert!(!editor.contains(Permission::ManageUsers));
        assert_eq!(PermissionSet::preset(UserRole::ReadOnly).to_vec(), vec![]);
    }

    #[test]
    fn a_stored_set_replaces_the_preset_and_round_trips() {
        let set = PermissionSet::stored_or_preset(
            Some("EXPIRE_PARTNERS, NO_SUCH_THING,MANAGE_GROUPS"),
            UserRole::ReadOnly,
        );
        assert_eq!(
            set.to_vec(),
            vec![Permission::ManageGroups, Permission::ExpirePartners]
        );
        assert_eq!(set.to_stored(), "MANAGE_GROUPS,EXPIRE_PARTNERS");
        assert_eq!(
            PermissionSet::stored_or_preset(Some(""), UserRole::Administrator),
            PermissionSet::NONE
        );
        assert_eq!(
            PermissionSet::stored_or_preset(None, UserRole::Editor),
            PermissionSet::preset(UserRole::Editor)
        );
    }
}
