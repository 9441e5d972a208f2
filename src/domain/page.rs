//! One page of a list, in insertion order: what every list in the API and the console pages
//! through (the position is what [`super::cursor::Cursor`] encodes).

/// One page of a list, in insertion order, after position `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The position of the last item, when there may be more.
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    /// A page from up to `limit + 1` rows read in order: the extra row only tells that
    /// there is more.
    pub fn from_rows<R, E>(
        mut rows: Vec<R>,
        limit: i64,
        position: impl Fn(&R) -> i64,
        convert: impl FnMut(R) -> Result<T, E>,
    ) -> Result<Page<T>, E> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_after = if more {
            rows.last().map(&position)
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(convert).collect::<Result<_, _>>()?,
            next_after,
        })
    }

    /// The same page with each item converted; the first failure fails the page.
    pub fn try_map<U, E>(self, convert: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self
                .items
                .into_iter()
                .map(convert)
                .collect::<Result<_, _>>()?,
            next_after: self.next_after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_row_only_tells_there_is_more() {
        let page: Page<i64> =
            Page::from_rows(vec![1, 2, 3], 2, |r| *r, Ok::<_, ()>).expect("converts");
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_after, Some(2));
        let last: Page<i64> =
            Page::from_rows(vec![1, 2], 2, |r| *r, Ok::<_, ()>).expect("converts");
        assert_eq!(last.next_after, None);
    }
}
