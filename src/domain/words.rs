//! Words for people to read: counts with the right plural.

/// `n` and the noun in the number it needs: `count(1, "place", "places")` is "1 place",
/// `count(0, "place", "places")` is "0 places".
pub fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", noun(n, one, many))
}

/// The noun alone in the number `n` needs: "place" for 1, "places" otherwise.
pub fn noun<'a>(n: impl Into<i64>, one: &'a str, many: &'a str) -> &'a str {
    if n.into() == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1u32, "year", "years"), "1 year");
        assert_eq!(count(0u32, "year", "years"), "0 years");
        assert_eq!(count(2u8, "place", "places"), "2 places");
        assert_eq!(count(-1i64, "day", "days"), "-1 days");
        assert_eq!(noun(1u32, "place", "places"), "place");
        assert_eq!(noun(12u32, "place", "places"), "places");
    }
}
