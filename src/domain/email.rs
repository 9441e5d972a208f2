//! Email addresses as Belong accepts them: the syntax browsers check for `<input type=email>`
//! (WHATWG), tightened where mail servers would refuse, and always stored lower-case.

use std::fmt;

/// A syntactically valid, lower-cased email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const HINT: &str = "must be an email address like name@hospital.org";

impl EmailAddress {
    /// Parses user input: surrounding spaces are ignored, the result is lower-case.
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("is required".into());
        }
        if trimmed.len() > MAX_LEN {
            return Err(format!("must be at most {MAX_LEN} characters"));
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(HINT.into());
        };
        if !valid_local(local) || !valid_domain(domain) {
            return Err(HINT.into());
        }
        Ok(Self(trimmed.to_ascii_lowercase()))
    }

    /// Wraps a value read back from storage, where it was stored only after [`Self::parse`].
    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_lowercases() {
        let email = EmailAddress::parse("  Ana.Souza+mentor@Example.ORG ").expect("valid");
        assert_eq!(email.as_str(), "ana.souza+mentor@example.org");
    }

    #[test]
    fn rejects_common_mistakes() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "ana@@example.org",
            "ana..souza@example.org",
            ".ana@example.org",
            "ana@-example.org",
            "ana@example..org",
            "ana souza@example.org",
            "ana@exa mple.org",
            "anä@example.org",
            "ana@example.123",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_valid_ones_are_normalised(s in "\\PC{0,80}") {
            if let Ok(email) = EmailAddress::parse(&s) {
                prop_assert_eq!(email.as_str(), email.as_str().to_ascii_lowercase());
                prop_assert!(email.as_str().contains('@'));
                prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn generated_addresses_are_accepted(
            local in "[a-z0-9]{1,20}([._+-][a-z0-9]{1,10}){0,2}",
            domain in "[a-z0-9]{1,20}(-[a-z0-9]{1,10})?\\.(org|com|nhs\\.uk|health)",
        ) {
            let address = format!("{local}@{domain}");
            prop_assert_eq!(EmailAddress::parse(&address).map(|e| e.into_inner()), Ok(address));
        }
    }
}
