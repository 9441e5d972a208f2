//! Small-cell suppression. No published figure may rest on fewer than `min_cell` respondents,
//! and no hidden figure may be worked out from the shown ones by adding and subtracting.
//!
//! A figure has a count (answers or check-ins: what adds up along the lines) and a number of
//! respondents (people: what the threshold is about). They differ when one person answers
//! twice, e.g. a mentor about each of two mentees.
//!
//! The figures of a report are related: a total is the sum of its parts (the groups of a
//! step, the cohorts of a group…). Each such relation is a [`Line`]. Hiding one part of a
//! line whose total is shown hides nothing, so whenever a line has exactly one hidden entry
//! the smallest shown part is hidden too ("complementary suppression"). Because a hidden
//! figure can also follow from several lines together, the hidden set is then checked with
//! linear algebra: any hidden figure the shown ones still determine gets a complement too.
//!
//! Counting is not enough where a figure carries answers: "Agree 6 of 6" tells each of the
//! six what they answered, and a mean where all but one answered alike gives the one away to
//! anyone who knows the others. So a figure whose answers are all, or all but one, the same
//! ([`alike`]) is hidden too, and so is a further part of any line whose hidden parts
//! together (what the total minus the shown parts gives) are alike.

use std::collections::BTreeMap;

/// How many gave each answer (a scale point, or 1 for yes and 0 for no).
pub type Answers = BTreeMap<i64, u64>;

/// Whether all, or all but one, of these answers are the same: showing them (or their mean)
/// would tell each respondent's answer to anyone who knows who they are.
pub fn alike(answers: &Answers) -> bool {
    let n: u64 = answers.values().sum();
    let most = answers.values().copied().max().unwrap_or(0);
    n > 0 && n - most <= 1
}

fn add_answers(into: &mut Answers, from: &Answers) {
    for (v, n) in from {
        *into.entry(*v).or_default() += n;
    }
}

/// One additive relation: the figure `total` is the sum of the figures `parts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// The figures of a report (each the count and the respondents behind it) and their
/// relations.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    counts: Vec<u64>,
    respondents: Vec<u64>,
    /// The answers behind each figure; empty when it carries none (a count of check-ins,
    /// of people hired).
    answers: Vec<Answers>,
    forced: Vec<bool>,
    lines: Vec<Line>,
}

impl Figures {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a figure resting on `count` respondents, one answer each; returns its index.
    pub fn add(&mut self, count: u64) -> usize {
        self.add_counted(count, count)
    }

    /// Adds a figure of `count` answers from `respondents` people; returns its index.
    pub fn add_counted(&mut self, count: u64, respondents: u64) -> usize {
        self.counts.push(count);
        self.respondents.push(respondents.min(count));
        self.answers.push(Answers::new());
        self.forced.push(false);
        self.counts.len() - 1
    }

    /// Adds a figure made of these answers from `respondents` people; returns its index. It
    /// is hidden when its answers are [`alike`], and lines it is part of are checked for
    /// alike remainders.
    pub fn add_answers(&mut self, answers: &Answers, respondents: u64) -> usize {
        let i = self.add_counted(answers.values().sum(), respondents);
        self.answers[i] = answers.clone();
        i
    }

    /// States that figure `total` is the sum of `parts`.
    pub fn relate(&mut self, total: usize, parts: Vec<usize>) {
        self.lines.push(Line { total, parts });
    }

    /// Hides a figure whatever its count (it is hidden in another report that shows it too).
    pub fn force(&mut self, figure: usize) {
        if let Some(f) = self.forced.get_mut(figure) {
            *f = true;
        }
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Which figures to hide: every figure with fewer than `min_cell` respondents (but at
    /// least one), every forced one, every one whose answers are [`alike`], and as few others
    /// as needed so that none of these can be computed from what is shown and no line's
    /// hidden parts together are alike. Figures resting on nobody are never hidden: a zero
    /// tells nothing about anyone.
    pub fn protect(&self, min_cell: u64) -> Vec<bool> {
        let mut hidden: Vec<bool> = (0..self.counts.len())
            .map(|i| {
                self.counts[i] > 0
                    && (self.forced[i] || self.respondents[i] < min_cell || alike(&self.answers[i]))
            })
            .collect();
        let mut through: Vec<Vec<usize>> = vec![Vec::new(); self.counts.len()];
        for (l, line) in self.lines.iter().enumerate() {
            for i in std::iter::once(line.total).chain(line.parts.iter().copied()) {
                through[i].push(l);
            }
        }
        loop {
            self.close_lines(&mut hidden, &through);
            if let Some(l) = self.alike_remainder(&hidden) {
                match self.cheapest(&[l], &hidden, &through) {
                    Some(c) => hidden[c] = true,
                    None => return hidden,
                }
                continue;
            }
            let determined = self.determined(&hidden);
            let Some(&figure) = determined.first() else {
                return hidden;
            };
            let lines: Vec<usize> = through[figure].clone();
            let any_hidden: Vec<usize> = (0..self.lines.len())
                .filter(|&l| self.entries(l).any(|i| hidden[i]))
                .collect();
            match self
                .cheapest(&lines, &hidden, &through)
                .or_else(|| self.cheapest(&any_hidden, &hidden, &through))
            {
                Some(c) => hidden[c] = true,
                // Nothing shown is related to it any more: it cannot be determined after all.
                None => return hidden,
            }
        }
    }

    /// A line whose total is shown and whose hidden parts, added up (what the total minus
    /// the shown parts gives), are alike.
    fn alike_remainder(&self, hidden: &[bool]) -> Option<usize> {
        (0..self.lines.len()).find(|&l| {
            let line = &self.lines[l];
            if hidden[line.total] || self.answers[line.total].is_empty() {
                return false;
            }
            let mut rest = Answers::new();
            for &p in line.parts.iter().filter(|&&p| hidden[p]) {
                add_answers(&mut rest, &self.answers[p]);
            }
            alike(&rest)
        })
    }

    fn entries(&self, line: usize) -> impl Iterator<Item = usize> + '_ {
        let line = &self.lines[line];
        std::iter::once(line.total).chain(line.parts.iter().copied())
    }

    fn hidden_in(&self, line: usize, hidden: &[bool]) -> usize {
        self.entries(line)
            .filter(|&i| hidden[i] && self.counts[i] > 0)
            .count()
    }

    /// Until no line has exactly one hidden entry: hides a shown entry of such a line.
    fn close_lines(&self, hidden: &mut [bool], through: &[Vec<usize>]) {
        loop {
            let mut changed = false;
            for l in 0..self.lines.len() {
                if self.hidden_in(l, hidden) != 1 {
                    continue;
                }
                if let Some(c) = self.cheapest(&[l], hidden, through) {
                    hidden[c] = true;
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// The shown entry of `lines` best hidden as a complement: a part before a total; then
    /// one that leaves no other line with a single hidden entry (so that one complement
    /// closes two lines); then the fewest respondents (the next-smallest cell); then the
    /// lowest index, so that the same figures always give the same answer.
    fn cheapest(&self, lines: &[usize], hidden: &[bool], through: &[Vec<usize>]) -> Option<usize> {
        lines
            .iter()
            .flat_map(|&l| {
                let line = &self.lines[l];
                std::iter::once((line.total, true)).chain(line.parts.iter().map(|&p| (p, false)))
            })
            .filter(|&(i, _)| !hidden[i] && self.counts[i] > 0)
            .min_by_key(|&(i, is_total)| {
                let opened = through[i]
                    .iter()
                    .filter(|&&l| !lines.contains(&l) && self.hidden_in(l, hidden) == 0)
                    .count();
                (is_total, opened, self.counts[i], i)
            })
            .map(|(i, _)| i)
    }

    /// The hidden figures (with respondents) that the shown figures and the lines determine.
    ///
    /// Each line is an equation over the hidden figures (the shown ones are known numbers).
    /// A hidden figure is determined exactly when its unit vector lies in the row space of
    /// those equations: in reduced row echelon form, a row whose only non-zero is its pivot.
    pub fn determined(&self, hidden: &[bool]) -> Vec<usize> {
        let unknowns: Vec<usize> = (0..self.counts.len())
            .filter(|&i| hidden[i] && self.counts[i] > 0)
            .collect();
        if unknowns.is_empty() {
            return Vec::new();
        }
        let column: std::collections::HashMap<usize, usize> =
            unknowns.iter().enumerate().map(|(c, &i)| (i, c)).collect();
        let mut rows: Vec<Vec<f64>> = Vec::new();
        for line in &self.lines {
            let mut row = vec![0.0; unknowns.len()];
            let mut any = false;
            if let Some(&c) = column.get(&line.total) {
                row[c] += 1.0;
                any = true;
            }
            for p in &line.parts {
                if let Some(&c) = column.get(p) {
                    row[c] -= 1.0;
                    any = true;
                }
            }
            if any {
                rows.push(row);
            }
        }
        let pivots = reduce(&mut rows, unknowns.len());
        pivots
            .into_iter()
            .filter(|&(r, c)| {
                rows[r]
                    .iter()
                    .enumerate()
                    .all(|(j, v)| j == c || v.abs() < EPSILON)
            })
            .map(|(_, c)| unknowns[c])
            .collect()
    }
}

const EPSILON: f64 = 1e-9;

/// Brings `rows` to reduced row echelon form in place; returns the (row, column) pivots.
fn reduce(rows: &mut [Vec<f64>], columns: usize) -> Vec<(usize, usize)> {
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..columns {
        if r == rows.len() {
            break;
        }
        let Some(p) =
            (r..rows.len()).max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < EPSILON {
            continue;
        }
        rows.swap(r, p);
        let pivot = rows[r][c];
        for v in rows[r].iter_mut() {
            *v /= pivot;
        }
        let pivot_row = rows[r].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r && row[c].abs() >= EPSILON {
                let factor = row[c];
                for (v, p) in row.iter_mut().zip(&pivot_row) {
                    *v -= factor * p;
                }
            }
        }
        pivots.push((r, c));
        r += 1;
    }
    pivots
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Groups with a shown total: one line.
    fn one_line(counts: &[u64]) -> (Figures, usize, Vec<usize>) {
        let mut f = Figures::new();
        let total = f.add(counts.iter().sum());
        let parts: Vec<usize> = counts.iter().map(|&n| f.add(n)).collect();
        f.relate(total, parts.clone());
        (f, total, parts)
    }

    #[test]
    fn small_cells_are_hidden_and_big_ones_shown() {
        let (f, total, parts) = one_line(&[12, 3, 0]);
        let hidden = f.protect(5);
        assert!(!hidden[total]);
        assert!(hidden[parts[1]], "3 < 5");
        assert!(
            hidden[parts[0]],
            "else 15 - 12 = 3 gives the hidden cell away"
        );
        assert!(!hidden[parts[2]], "nobody: nothing to hide");
    }

    #[test]
    fn the_next_smallest_cell_is_the_complement() {
        let (f, _, parts) = one_line(&[20, 2, 9, 7]);
        let hidden = f.protect(5);
        assert_eq!(
            parts.iter().map(|&p| hidden[p]).collect::<Vec<_>>(),
            [false, true, false, true]
        );
    }

    #[test]
    fn two_small_cells_protect_each_other() {
        let (f, _, parts) = one_line(&[20, 2, 3]);
        let hidden = f.protect(5);
        assert_eq!(
            parts.iter().map(|&p| hidden[p]).collect::<Vec<_>>(),
            [false, true, true]
        );
    }

    #[test]
    fn a_small_total_hides_everything_in_it() {
        let (f, total, parts) = one_line(&[2, 2]);
        let hidden = f.protect(5);
        assert!(hidden[total] && hidden[parts[0]] && hidden[parts[1]]);
    }

    #[test]
    fn the_threshold_counts_people_not_answers() {
        let mut f = Figures::new();
        let total = f.add_counted(26, 22);
        let twice = f.add_counted(6, 3);
        let others = f.add(20);
        f.relate(total, vec![twice, others]);
        let hidden = f.protect(5);
        assert!(hidden[twice], "six answers from three people");
        assert!(hidden[others], "its complement");
        assert!(!hidden[total]);
    }

    #[test]
    fn a_forced_figure_gets_a_complement() {
        let (mut f, _, parts) = one_line(&[20, 9, 7]);
        f.force(parts[0]);
        let hidden = f.protect(5);
        assert!(hidden[parts[0]] && hidden[parts[2]] && !hidden[parts[1]]);
    }

    fn answers(pairs: &[(i64, u64)]) -> Answers {
        pairs.iter().copied().filter(|(_, n)| *n > 0).collect()
    }

    #[test]
    fn all_or_all_but_one_alike_is_alike() {
        assert!(alike(&answers(&[(4, 6)])), "Agree 6 of 6");
        assert!(alike(&answers(&[(4, 5), (2, 1)])), "all but one");
        assert!(!alike(&answers(&[(4, 4), (2, 1), (5, 1)])));
        assert!(!alike(&answers(&[(4, 3), (3, 3)])));
        assert!(!alike(&Answers::new()), "nobody: nothing to tell");
    }

    /// Answer figures in one line: each group's answers, the total their sum.
    fn answer_line(groups: &[Answers]) -> (Figures, usize, Vec<usize>) {
        let mut f = Figures::new();
        let mut all = Answers::new();
        for g in groups {
            add_answers(&mut all, g);
        }
        let total = f.add_answers(&all, all.values().sum());
        let parts: Vec<usize> = groups
            .iter()
            .map(|g| f.add_answers(g, g.values().sum()))
            .collect();
        f.relate(total, parts.clone());
        (f, total, parts)
    }

    #[test]
    fn a_large_group_answering_alike_is_hidden_with_a_complement() {
        let (f, total, parts) = answer_line(&[
            answers(&[(4, 6)]),
            answers(&[(2, 3), (3, 3), (4, 2)]),
            answers(&[(1, 2), (3, 5), (5, 2)]),
        ]);
        let hidden = f.protect(5);
        assert!(hidden[parts[0]], "Agree 6 of 6");
        assert!(!hidden[total]);
        assert!(hidden[parts[1]], "the next smallest is its complement");
        assert!(!hidden[parts[2]]);
    }

    /// Two groups hidden (three people, and six who all agree) protect each other from
    /// subtraction, but together they are nine who all agree: the total minus the shown
    /// groups would tell it. A third group is hidden with them.
    #[test]
    fn hidden_groups_together_must_not_be_alike() {
        let (f, total, parts) = answer_line(&[
            answers(&[(4, 3)]),
            answers(&[(4, 6)]),
            answers(&[(1, 3), (3, 4), (5, 3)]),
            answers(&[(2, 3), (3, 3)]),
        ]);
        let hidden = f.protect(5);
        assert_eq!(
            parts.iter().map(|&p| hidden[p]).collect::<Vec<_>>(),
            [true, true, false, true]
        );
        assert!(!hidden[total]);
        let mut rest = Answers::new();
        for &p in parts.iter().filter(|&&p| hidden[p]) {
            add_answers(&mut rest, &f.answers[p]);
        }
        assert!(!alike(&rest), "{rest:?}");
    }

    /// A 2 × 2 table with margins where the line rule alone is not enough: the suppressed
    /// pattern must not leave any cell computable across rows and columns.
    #[test]
    fn cross_tables_are_safe_across_rows_and_columns() {
        let cells = [[3u64, 10, 10], [10, 10, 10]];
        let (f, ids) = table(&cells);
        let hidden = f.protect(5);
        assert!(hidden[ids[0][0]]);
        assert!(f.determined(&hidden).is_empty());
        let shown_cells = ids.iter().flatten().filter(|&&i| !hidden[i]).count();
        assert!(shown_cells >= 2, "only a few complements: {hidden:?}");
    }

    /// Builds a rows × columns table with row totals, column totals and a grand total.
    fn table(cells: &[[u64; 3]]) -> (Figures, Vec<Vec<usize>>) {
        let mut f = Figures::new();
        let ids: Vec<Vec<usize>> = cells
            .iter()
            .map(|row| row.iter().map(|&n| f.add(n)).collect())
            .collect();
        let row_totals: Vec<usize> = cells.iter().map(|r| f.add(r.iter().sum())).collect();
        let col_totals: Vec<usize> = (0..3)
            .map(|c| f.add(cells.iter().map(|r| r[c]).sum()))
            .collect();
        let grand = f.add(cells.iter().flatten().sum());
        for (r, row) in ids.iter().enumerate() {
            f.relate(row_totals[r], row.clone());
        }
        for (c, &total) in col_totals.iter().enumerate() {
            f.relate(total, ids.iter().map(|row| row[c]).collect());
        }
        f.relate(grand, row_totals.clone());
        f.relate(grand, col_totals.clone());
        (f, ids)
    }

    /// An independent test of determinacy: figure `i` follows from the equations exactly
    /// when dropping its column lowers the rank of the system by one.
    fn rank(mut rows: Vec<Vec<f64>>, columns: usize) -> usize {
        reduce(&mut rows, columns).len()
    }

    fn equations(f: &Figures, unknowns: &[usize]) -> Vec<Vec<f64>> {
        f.lines
            .iter()
            .map(|line| {
                unknowns
                    .iter()
                    .map(|&u| {
                        let mut v = 0.0;
                        if line.total == u {
                            v += 1.0;
                        }
                        v - line.parts.iter().filter(|&&p| p == u).count() as f64
                    })
                    .collect()
            })
            .collect()
    }

    fn determined_by_rank(f: &Figures, hidden: &[bool], i: usize) -> bool {
        let unknowns: Vec<usize> = (0..f.len())
            .filter(|&j| hidden[j] && f.counts[j] > 0)
            .collect();
        let full = equations(f, &unknowns);
        let without: Vec<usize> = unknowns.iter().copied().filter(|&u| u != i).collect();
        let reduced = equations(f, &without);
        rank(full, unknowns.len()) == rank(reduced, without.len()) + 1
    }

    proptest! {
        #[test]
        fn no_small_cell_is_shown_or_computable(
            cells in proptest::collection::vec(proptest::array::uniform3(0u64..12), 1..5),
            min_cell in 2u64..8,
        ) {
            let (f, _) = table(&cells);
            let hidden = f.protect(min_cell);
            for i in 0..f.len() {
                let n = f.counts[i];
                if n > 0 && n < min_cell {
                    prop_assert!(hidden[i], "figure {i} with {n} is shown");
                }
                if hidden[i] && n > 0 {
                    prop_assert!(!determined_by_rank(&f, &hidden, i), "figure {i} can be computed");
                }
            }
        }

        /// Groups of answers on a 1–5 scale: no shown group is alike, and whatever the
        /// shown total and groups leave over is not alike either.
        #[test]
        fn no_shown_or_remaining_answers_are_alike(
            groups in proptest::collection::vec(proptest::collection::vec(1i64..=5, 0..9), 1..6),
            min_cell in 2u64..6,
        ) {
            let groups: Vec<Answers> = groups
                .iter()
                .map(|g| g.iter().fold(Answers::new(), |mut a, v| { *a.entry(*v).or_default() += 1; a }))
                .collect();
            let (f, total, parts) = answer_line(&groups);
            let hidden = f.protect(min_cell);
            for (i, answers) in f.answers.iter().enumerate() {
                if !hidden[i] {
                    prop_assert!(!alike(answers), "figure {i} shown: {answers:?}");
                }
            }
            if !hidden[total] {
                let mut rest = Answers::new();
                for &p in parts.iter().filter(|&&p| hidden[p]) {
                    add_answers(&mut rest, &f.answers[p]);
                }
                prop_assert!(!alike(&rest), "what the total leaves over: {rest:?}");
                for &p in parts.iter().filter(|&&p| hidden[p]) {
                    prop_assert!(!determined_by_rank(&f, &hidden, p), "figure {p} can be computed");
                }
            }
        }

        #[test]
        fn nothing_is_hidden_when_every_cell_is_large(
            cells in proptest::collection::vec(proptest::array::uniform3(5u64..40), 1..5),
        ) {
            let (f, _) = table(&cells);
            prop_assert!(f.protect(5).iter().all(|h| !h));
        }
    }
}
