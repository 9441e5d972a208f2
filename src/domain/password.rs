//! What makes a coordinator's password acceptable.

/// Passwords nobody should use, in any case (checked case-insensitively).
const COMMON: &[&str] = &[
    "password", "passw0rd", "123456", "qwerty", "letmein", "welcome", "iloveyou", "admin",
    "hospital", "mentor", "belong", "nurse", "changeme",
];

pub const MIN_CHARS: usize = 12;

/// Checks a new password; the message says what to change.
pub fn check(password: &str, email: &str, name: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!(
            "must be at least {MIN_CHARS} characters (a short sentence works well)"
        ));
    }
    if chars > 256 {
        return Err("must be at most 256 characters".into());
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err("uses too few different characters".into());
    }
    let lower = password.to_lowercase();
    // A common word with a little added ("Password1234") is still easy to guess.
    if COMMON
        .iter()
        .any(|c| lower.contains(c) && chars < c.len() + 8)
    {
        return Err("is too easy to guess".into());
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if local.len() >= 3 && lower.contains(&local) {
        return Err("must not contain your email address".into());
    }
    if name
        .split_whitespace()
        .any(|part| part.chars().count() >= 3 && lower.contains(&part.to_lowercase()))
    {
        return Err("must not contain your name".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        for weak in [
            "",
            "short",
            "aaaaaaaaaaaaaaaa",
            "password1234",
            "ababababababab",
            "grace.okafor-2026!",
            "Okafor is my name 9",
        ] {
            assert!(
                check(weak, "grace.okafor@example.org", "Grace Okafor").is_err(),
                "{weak}"
            );
        }
        assert!(
            check(
                "tea before the night shift, 7 sugars",
                "grace.okafor@example.org",
                "Grace Okafor"
            )
            .is_ok()
        );
    }
}
