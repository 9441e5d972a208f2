//! Who may do what through the API.

use std::fmt;
use std::str::FromStr;

/// The role an API token carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Program coordinators: everything.
    Coordinator,
    /// HR systems and other tools: profiles, and read-only matches and emails.
    Integration,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Integration => "integration",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "coordinator" => Ok(Role::Coordinator),
            "integration" => Ok(Role::Integration),
            other => Err(format!(
                "unknown role \"{other}\": use coordinator or integration"
            )),
        }
    }
}
