//! Free-text fields with their limits: names, notes, interests and certifications.

/// A person's name: 1–120 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("is required".into());
        }
        check_text(trimmed, Self::MAX_CHARS, false)?;
        Ok(Self(trimmed.to_string()))
    }

    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Optional notes from the person to the coordinators: at most 2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notes(String);

impl Notes {
    pub const MAX_CHARS: usize = 2000;

    /// Blank input means no notes.
    pub fn parse(input: &str) -> Result<Option<Self>, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        check_text(trimmed, Self::MAX_CHARS, true)?;
        Ok(Some(Self(trimmed.to_string())))
    }

    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Limits for a list of short free-text tags such as interests or certifications.
#[derive(Debug, Clone, Copy)]
pub struct TagRules {
    pub max_items: usize,
    pub max_chars: usize,
}

pub const INTERESTS: TagRules = TagRules {
    max_items: 20,
    max_chars: 60,
};
pub const CERTIFICATIONS: TagRules = TagRules {
    max_items: 20,
    max_chars: 80,
};

/// Trims each tag, drops blanks and case-insensitive duplicates, keeps the first spelling.
pub fn parse_tags(items: &[String], rules: TagRules) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let tag = item.split_whitespace().collect::<Vec<_>>().join(" ");
        if tag.is_empty() {
            continue;
        }
        check_text(&tag, rules.max_chars, false).map_err(|m| format!("\"{tag}\" {m}"))?;
        if !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            out.push(tag);
        }
    }
    if out.len() > rules.max_items {
        return Err(format!("must have at most {} entries", rules.max_items));
    }
    Ok(out)
}

/// Checks length (in characters) and that no control characters hide in the text.
pub fn check_text(text: &str, max_chars: usize, allow_newlines: bool) -> Result<(), String> {
    if text.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    let bad = text
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')));
    if bad {
        return Err("must not contain control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            FullName::parse("  Zoë O'Brien ").map(|n| n.0),
            Ok("Zoë O'Brien".into())
        );
        assert!(FullName::parse("   ").is_err());
        assert!(FullName::parse(&"é".repeat(120)).is_ok());
        assert!(FullName::parse(&"é".repeat(121)).is_err());
        assert!(FullName::parse("Ana\u{0}").is_err());
    }

    #[test]
    fn notes_may_be_blank_and_have_lines() {
        assert_eq!(Notes::parse("  "), Ok(None));
        assert!(Notes::parse("line one\nline two").is_ok());
        assert!(Notes::parse(&"x".repeat(2000)).is_ok());
        assert!(Notes::parse(&"x".repeat(2001)).is_err());
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let tags = vec![
            " Trauma  care ".to_string(),
            "trauma care".into(),
            "".into(),
            "Teaching".into(),
        ];
        assert_eq!(
            parse_tags(&tags, INTERESTS),
            Ok(vec!["Trauma care".to_string(), "Teaching".into()])
        );
        let many: Vec<String> = (0..21).map(|i| format!("tag {i}")).collect();
        assert!(parse_tags(&many, INTERESTS).is_err());
    }

    proptest! {
        #[test]
        fn full_name_parse_is_total_and_idempotent(s in "\\PC{0,200}") {
            if let Ok(name) = FullName::parse(&s) {
                prop_assert!(name.as_str().chars().count() <= FullName::MAX_CHARS);
                prop_assert_eq!(FullName::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }
}
