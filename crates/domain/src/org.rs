//! Administrative units, agencies, their units, officers and roles.
//!
//! Since 1 July 2025 local government has two levels, province → commune (xã, phường,
//! đặc khu); the older province → district → commune structure stays representable for
//! records made before it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Level of an administrative unit (đơn vị hành chính).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminLevel {
    /// Tỉnh, thành phố trực thuộc trung ương.
    Province,
    /// Huyện, quận, thị xã (abolished 1 July 2025; kept for older records).
    District,
    /// Xã, phường, đặc khu.
    Commune,
}

/// An administrative unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUnit {
    /// Code in the national list of administrative units.
    pub code: String,
    /// Name, e.g. `Xã Bình Giã`.
    pub name: String,
    /// Level.
    pub level: AdminLevel,
    /// The unit it belongs to (none for a province).
    pub parent: Option<String>,
}

/// A state agency (cơ quan) with its electronic ID (mã định danh, QĐ 20/2020/QĐ-TTg),
/// e.g. `H15.50.05.13`. Dossier codes start with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// Electronic ID.
    pub code: String,
    /// Name, e.g. `Ủy ban nhân dân xã Bình Giã`.
    pub name: String,
    /// The administrative unit it serves.
    pub admin_unit: String,
    /// Parent agency, if any.
    pub parent: Option<String>,
}

/// A unit (phòng ban, bộ phận) inside an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// Code, unique across the system (by convention `{agency}.{short}`).
    pub code: String,
    /// The agency it belongs to.
    pub agency: String,
    /// Name, e.g. `Bộ phận Một cửa`.
    pub name: String,
}

/// What an officer does (the law names functions; these are ours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ tiếp nhận: guides, receives, checks, forwards, returns results.
    ReceivingOfficer,
    /// Chuyên viên: appraises, consults, drafts the result.
    Specialist,
    /// Lãnh đạo phòng: assigns within the unit, approves.
    UnitLeader,
    /// Lãnh đạo cơ quan: approves, signs, apologises for delays.
    AgencyLeader,
    /// Quản trị hệ thống.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::ReceivingOfficer,
        Role::Specialist,
        Role::UnitLeader,
        Role::AgencyLeader,
        Role::Admin,
    ];

    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReceivingOfficer => "receiving_officer",
            Self::Specialist => "specialist",
            Self::UnitLeader => "unit_leader",
            Self::AgencyLeader => "agency_leader",
            Self::Admin => "admin",
        }
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::ReceivingOfficer => "Cán bộ tiếp nhận",
            Self::Specialist => "Chuyên viên xử lý",
            Self::UnitLeader => "Lãnh đạo phòng",
            Self::AgencyLeader => "Lãnh đạo cơ quan",
            Self::Admin => "Quản trị hệ thống",
        }
    }
}

/// A role held in an agency (and optionally one of its units).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The role.
    pub role: Role,
    /// The agency it is held in.
    pub agency: String,
    /// The unit, when the role is limited to one.
    pub unit: Option<String>,
}

/// Officer or citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Cán bộ, công chức.
    Officer,
    /// Công dân or the representative of an organisation.
    Citizen,
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Officer or citizen.
    pub kind: AccountKind,
    /// Roles (officers only).
    pub roles: Vec<RoleAssignment>,
    /// Personal identification number (số định danh cá nhân), citizens.
    pub id_number: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A logged-in officer.
    Officer {
        /// Login name.
        username: String,
        /// Roles held.
        roles: Vec<RoleAssignment>,
    },
    /// A logged-in citizen.
    Citizen {
        /// Login name.
        username: String,
    },
}

impl Subject {
    /// From an account.
    pub fn from_account(a: &Account) -> Self {
        match a.kind {
            AccountKind::Officer => Subject::Officer {
                username: a.username.clone(),
                roles: a.roles.clone(),
            },
            AccountKind::Citizen => Subject::Citizen {
                username: a.username.clone(),
            },
        }
    }

    /// Login name.
    pub fn username(&self) -> &str {
        match self {
            Self::Officer { username, .. } | Self::Citizen { username } => username,
        }
    }

    /// Whether the subject holds `role` in `agency` (any unit).
    pub fn has_role_in(&self, role: Role, agency: &str) -> bool {
        match self {
            Self::Officer { roles, .. } => {
                roles.iter().any(|r| r.role == role && r.agency == agency)
            }
            Self::Citizen { .. } => false,
        }
    }

    /// Whether the subject holds `role` in any agency.
    pub fn has_role_anywhere(&self, role: Role) -> bool {
        match self {
            Self::Officer { roles, .. } => roles.iter().any(|r| r.role == role),
            Self::Citizen { .. } => false,
        }
    }

    /// Agencies in which the officer holds any role.
    pub fn agencies(&self) -> Vec<&str> {
        self.agencies_where(|_| true)
    }

    /// Agencies in which the officer holds `role`.
    pub fn agencies_with(&self, role: Role) -> Vec<&str> {
        self.agencies_where(|r| r == role)
    }

    fn agencies_where(&self, keep: impl Fn(Role) -> bool) -> Vec<&str> {
        match self {
            Self::Officer { roles, .. } => {
                let mut v: Vec<&str> = roles
                    .iter()
                    .filter(|r| keep(r.role))
                    .map(|r| r.agency.as_str())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            }
            Self::Citizen { .. } => Vec::new(),
        }
    }

    /// Whether this is an officer.
    pub fn is_officer(&self) -> bool {
        matches!(self, Self::Officer { .. })
    }
}

/// The organisation as the rules need it: agencies, units, officers by key. Small (a
/// province has thousands of entries), so it is held in memory and swapped on change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    /// Administrative units by code.
    pub admin_units: BTreeMap<String, AdminUnit>,
    /// Agencies by code.
    pub agencies: BTreeMap<String, Agency>,
    /// Units by code.
    pub units: BTreeMap<String, OrgUnit>,
    /// Officer accounts by username.
    pub officers: BTreeMap<String, Account>,
}

impl Directory {
    /// The agency, if known.
    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies.get(code)
    }

    /// A unit of some agency whose code ends with `suffix` (`.TP`): what a relative
    /// unit in a process names.
    pub fn relative_unit(&self, suffix: &str) -> Option<&OrgUnit> {
        self.units.values().find(|u| u.code.ends_with(suffix))
    }

    /// The unit, if known.
    pub fn unit(&self, code: &str) -> Option<&OrgUnit> {
        self.units.get(code)
    }

    /// The officer, if known.
    pub fn officer(&self, username: &str) -> Option<&Account> {
        self.officers.get(username)
    }
}
