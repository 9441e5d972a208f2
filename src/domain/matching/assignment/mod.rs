//! Exact capacitated bipartite assignment (mentees → mentors with capacities).
//!
//! # Objective
//! Lexicographic: first maximise the number of matched mentees, then maximise
//! the total score. Mentor `j` receives at most `capacity[j]` mentees, every
//! mentee at most one mentor, and only the given (eligible) edges are used.
//!
//! # Algorithm
//! The problem is solved as a transportation problem in minimisation form:
//! a mentee–mentor edge costs `c = 10_000 - score ∈ [0, 10_000]`, and every
//! mentee may instead go to an implicit *dummy* column ("unassigned", unbounded
//! capacity) at cost `P = 10_000 + 10_000·min(n, Σcap) + 1`.
//!
//! *Why this is the lexicographic optimum.* A solution matching `k` mentees
//! with total score `S` costs `n·P − k·(P − 10_000) − S`. With
//! `P − 10_000 > 10_000·min(n, Σcap) ≥ S'` for every feasible score `S'`,
//! one more matched mentee always outweighs any score difference, so
//! minimising cost = maximising `(k, S)` lexicographically.
//!
//! The transportation problem is solved by successive shortest paths
//! (Hungarian / Jonker–Volgenant style) directly over mentor capacities — no
//! slot expansion. One side is inserted one supply unit at a time: mentees
//! (rows = mentees, columns = mentors with capacity) or, when slots are scarce
//! (`Σcap < n`), mentor capacity units (rows = mentors, columns = mentees with
//! capacity 1). Each insertion is a Dijkstra on reduced costs
//! `c_ij + π_i − π_j ≥ 0` that stops when it reaches the sink (a column with
//! free capacity, or the dummy), followed by the potential update
//! `π += min(d, D)` and the augmentation. This is the successive-shortest-path
//! method, so after every insertion the flow is a minimum-cost flow for the
//! supplies inserted so far, and the node potentials are an LP dual
//! certificate (complementary slackness: used edges tight, a mentor with free
//! room has `v_j = 0`, a full one `v_j ≤ 0`, unused edges `c − u − v ≥ 0`).
//!
//! # Candidate sets and the optimality certificate
//! To be fast on dense inputs the solve runs on a *candidate* subgraph: the
//! best `top_k` edges of every mentee by `(cost, mentor)`, plus — on dense
//! inputs — the best `mentor_k_per_slot·cap_j + 8` mentees of every mentor.
//! The duals `(u, v)` of the candidate solution are then checked against
//! **every** eligible edge (rows whose edges are all candidates need no
//! check). If `c_ij − u_i − v_j ≥ 0` everywhere, `(u, v)` is a feasible dual of
//! the full problem whose objective equals the primal cost, which *proves*
//! optimality on the full edge set. Otherwise the most violated edges (up to
//! `add_k` per mentee) are added and the next round runs: warm (only the
//! violating mentees are re-inserted, with a Dijkstra that may also route
//! through the sink to release or refill the slot they vacate) when few
//! mentees violate, cold otherwise. Every round adds at least one edge, so
//! the loop ends, at worst on the full graph.
//!
//! # Tie-break rule
//! The totals are unique; the assignment among tied optima is the one
//! produced by this deterministic procedure: rows inserted in index order,
//! Dijkstra ties broken by `(distance, node index)` (columns before rows, the
//! sink first), candidate arcs chosen by `(cost, mentor)` / `(cost, mentee)`,
//! and violated arcs by `(reduced cost, mentor)`. It depends only on the input
//! (capacities, edge lists including their order, and [`Options`]) — no
//! hashing, threads or timing. It is *not* a canonical rule such as a
//! lexicographic perturbation: relabelling mentees may select a different
//! tied optimum (the caller already sorts its input canonically).

// Index loops over parallel arrays (CSR, duals) read better than zipped iterators.
#![allow(clippy::needless_range_loop)]

pub mod generate;
mod sap;

use sap::{Arc, Cand, NONE, Solver};

/// Maximum score (scores are in hundredths, `0..=10_000`).
pub const MAX_SCORE: u16 = 10_000;

/// Owned problem in CSR form: the eligible mentors of mentee `i` are
/// `mentor[offsets[i]..offsets[i + 1]]` with scores `score[..]` at the same
/// positions. Edges need not be sorted; duplicate pairs are allowed (the
/// better one is effectively used).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problem {
    /// Remaining capacity of each mentor (may be 0).
    pub capacity: Vec<u32>,
    /// CSR offsets, length `n_mentees + 1`, non-decreasing, starting at 0.
    pub offsets: Vec<usize>,
    /// Mentor index of each edge (`< capacity.len()`).
    pub mentor: Vec<u32>,
    /// Score of each edge, `0..=10_000`.
    pub score: Vec<u16>,
}

impl Problem {
    /// Number of mentees.
    pub fn n_mentees(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Solve this problem; see [`solve`].
    pub fn solve(&self) -> Result<Solution, InputError> {
        solve(&self.capacity, &self.offsets, &self.mentor, &self.score)
    }

    /// Solve this problem with explicit options; see [`solve_with`].
    pub fn solve_with(&self, opts: &Options) -> Result<Solution, InputError> {
        solve_with(
            &self.capacity,
            &self.offsets,
            &self.mentor,
            &self.score,
            opts,
        )
    }
}

/// An optimal assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// Mentor of each mentee, `None` if unmatched.
    pub assignment: Vec<Option<u32>>,
    /// Number of matched mentees (maximum possible).
    pub matched: usize,
    /// Total score of the assignment (maximum among maximum matchings).
    pub total_score: u64,
}

/// Malformed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// `offsets` is empty, does not start at 0, decreases, or does not end at
    /// the number of edges.
    BadOffsets,
    /// `mentor` and `score` lengths differ.
    LengthMismatch,
    /// Edge `edge` refers to a mentor index `>= capacity.len()`.
    MentorOutOfRange { edge: usize },
    /// Edge `edge` has a score above 10 000.
    ScoreOutOfRange { edge: usize },
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadOffsets => write!(f, "invalid CSR offsets"),
            Self::LengthMismatch => write!(f, "mentor and score lengths differ"),
            Self::MentorOutOfRange { edge } => write!(f, "edge {edge}: mentor out of range"),
            Self::ScoreOutOfRange { edge } => write!(f, "edge {edge}: score above 10000"),
        }
    }
}

impl std::error::Error for InputError {}

/// Which side is inserted one unit at a time by the augmenting-path solver.
/// Both give the same (optimal) totals; they differ in speed and possibly in
/// which of several tied optima is returned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orientation {
    /// Mentor slots if `Σ capacity < n_mentees` (slots are scarce), else mentees.
    #[default]
    Auto,
    /// Insert mentees (rows = mentees, columns = mentors).
    Mentees,
    /// Insert mentor capacity units (rows = mentors, columns = mentees).
    Mentors,
}

/// Tuning knobs. They never affect optimality, only speed (and, among tied
/// optima, which one is returned).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Candidate edges kept per mentee in the first round (best by score);
    /// mentees with at most this many usable edges keep all of them.
    pub top_k: usize,
    /// Maximum number of violated edges added per mentee and round.
    pub add_k: usize,
    /// On dense inputs (average degree `>= 4·top_k`), each mentor also
    /// contributes its best `mentor_k_per_slot · capacity + 8` mentees to the
    /// first candidate set (0 disables this).
    pub mentor_k_per_slot: usize,
    /// Insertion side.
    pub orientation: Orientation,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            top_k: 24,
            add_k: 16,
            mentor_k_per_slot: 4,
            orientation: Orientation::Auto,
        }
    }
}

/// Warm repairs are used when at most `n / WARM_DIV` mentees violate the
/// certificate; otherwise the next round is solved from scratch.
const WARM_DIV: usize = 8;

fn validate(
    capacity: &[u32],
    offsets: &[usize],
    mentor: &[u32],
    score: &[u16],
) -> Result<(), InputError> {
    if mentor.len() != score.len() {
        return Err(InputError::LengthMismatch);
    }
    if offsets.first() != Some(&0)
        || offsets.last() != Some(&mentor.len())
        || offsets.windows(2).any(|w| w[0] > w[1])
    {
        return Err(InputError::BadOffsets);
    }
    let m = capacity.len();
    if let Some(edge) = mentor.iter().position(|&j| j as usize >= m) {
        return Err(InputError::MentorOutOfRange { edge });
    }
    if let Some(edge) = score.iter().position(|&s| s > MAX_SCORE) {
        return Err(InputError::ScoreOutOfRange { edge });
    }
    Ok(())
}

/// Solve the lexicographic capacitated assignment problem exactly.
///
/// `capacity[j]` is mentor `j`'s capacity; the eligible edges of mentee `i`
/// are `mentor[offsets[i]..offsets[i+1]]` with matching `score`s (see
/// [`Problem`]). Returns the assignment maximising first the number of
/// matched mentees, then the total score; ties are broken deterministically
/// (see the crate docs).
pub fn solve(
    capacity: &[u32],
    offsets: &[usize],
    mentor: &[u32],
    score: &[u16],
) -> Result<Solution, InputError> {
    solve_with(capacity, offsets, mentor, score, &Options::default())
}

/// [`solve`] with explicit tuning [`Options`].
pub fn solve_with(
    capacity: &[u32],
    offsets: &[usize],
    mentor: &[u32],
    score: &[u16],
    opts: &Options,
) -> Result<Solution, InputError> {
    validate(capacity, offsets, mentor, score)?;
    let n = offsets.len() - 1;
    let m = capacity.len();
    let cap: Vec<u32> = capacity.iter().map(|&c| c.min(n as u32)).collect();
    let total_cap: u64 = cap.iter().map(|&c| u64::from(c)).sum();
    let p: i64 = 10_000 + 10_000 * (n as i64).min(total_cap as i64) + 1;
    let cost = |e: usize| u32::from(MAX_SCORE - score[e]);

    let top_k = opts.top_k.max(1);
    let add_k = opts.add_k.max(1);

    // Round 1 candidate set: best `top_k` usable edges per mentee, ordered by
    // (cost, mentor). Mentors without capacity are left out entirely.
    let mut cand = Cand::default();
    cand.off.push(0);
    let mut full_row = vec![false; n];
    // Streaming selection: keep a buffer of at most 2·top_k arcs and a
    // running cut-off key, so most arcs are rejected by a single comparison.
    // The same pass collects, for every mentor, its best mentees (up to
    // `mentor_k_per_slot · cap + 8`, by (cost, mentee)); those arcs are
    // added too, so that scarce mentors are represented from the start.
    let mut buf: Vec<Arc> = Vec::with_capacity(2 * top_k);
    let key = |a: &Arc| (a.cost, a.col);
    // Only worthwhile when rows are long compared with `top_k` (dense input).
    let use_mentor_picks = n > 0 && mentor.len() / n >= 4 * top_k;
    let mk: Vec<usize> = cap
        .iter()
        .map(|&c| {
            if c == 0 || opts.mentor_k_per_slot == 0 || !use_mentor_picks {
                0
            } else {
                opts.mentor_k_per_slot * c as usize + 8
            }
        })
        .collect();
    let mut mbuf: Vec<Vec<(u32, u32)>> = vec![Vec::new(); m];
    let mut mcut: Vec<(u32, u32)> = vec![(u32::MAX, u32::MAX); m];
    for i in 0..n {
        buf.clear();
        let mut cut = (u32::MAX, u32::MAX);
        let mut usable = 0usize;
        for e in offsets[i]..offsets[i + 1] {
            let j = mentor[e];
            let ju = j as usize;
            if cap[ju] == 0 {
                continue;
            }
            usable += 1;
            let a = Arc {
                col: j,
                cost: cost(e),
            };
            let mkey = (a.cost, i as u32);
            if mk[ju] > 0 && mkey <= mcut[ju] {
                let mb = &mut mbuf[ju];
                mb.push(mkey);
                if mb.len() == 2 * mk[ju] {
                    mb.select_nth_unstable(mk[ju] - 1);
                    mb.truncate(mk[ju]);
                    mcut[ju] = mb[mk[ju] - 1];
                }
            }
            if key(&a) > cut {
                continue;
            }
            buf.push(a);
            if buf.len() == 2 * top_k {
                buf.select_nth_unstable_by_key(top_k - 1, key);
                buf.truncate(top_k);
                cut = key(&buf[top_k - 1]);
            }
        }
        if usable > top_k {
            buf.select_nth_unstable_by_key(top_k - 1, key);
            buf.truncate(top_k);
        } else {
            full_row[i] = true;
        }
        cand.arcs.extend_from_slice(&buf);
        cand.off.push(cand.arcs.len());
    }
    // Merge the mentor-side picks into the mentee rows (skipping arcs the
    // row already has).
    let mut extra: Vec<Vec<Arc>> = vec![Vec::new(); n];
    for (j, mb) in mbuf.iter_mut().enumerate() {
        if mb.len() > mk[j] {
            mb.select_nth_unstable(mk[j] - 1);
            mb.truncate(mk[j]);
        }
        for &(c, i) in mb.iter() {
            let iu = i as usize;
            if !full_row[iu] {
                extra[iu].push(Arc {
                    col: j as u32,
                    cost: c,
                });
            }
        }
    }
    drop(mbuf);
    if extra.iter().any(|x| !x.is_empty()) {
        let mut merged = Cand::default();
        merged.off.push(0);
        merged.arcs.reserve(cand.arcs.len() + n);
        for i in 0..n {
            let row = cand.row_all(i);
            merged.arcs.extend_from_slice(row);
            for a in &extra[i] {
                if !row.iter().any(|b| b.col == a.col) {
                    merged.arcs.push(*a);
                }
            }
            merged.off.push(merged.arcs.len());
        }
        cand = merged;
    }
    drop(extra);
    cand.activate_all();

    // Orientation: when slots are scarce insert mentor slots (rows = mentors,
    // columns = mentees), otherwise insert mentees.
    let by_mentor = match opts.orientation {
        Orientation::Mentors => true,
        Orientation::Mentees => false,
        Orientation::Auto => total_cap < n as u64,
    };
    // Capacity-0 mentors are priced out so their edges stay dual feasible.
    let v0: Vec<i64> = cap.iter().map(|&c| if c == 0 { -p } else { 0 }).collect();
    let mut mentee_solver: Option<Solver> = None;
    let mut viol: Vec<(i64, u32, u32)> = Vec::new();
    let assign = loop {
        // Solve (cold for the mentor orientation, warm repairs otherwise).
        let (assign, mentee_dual, mentor_dual): (Vec<u32>, Vec<i64>, Vec<i64>) = if by_mentor {
            let mut sv = Solver::new(cand.transpose(m), cap.clone(), &vec![1; n], &vec![0; n], p);
            sv.run();
            let assign = (0..n)
                .map(|i| sv.members[i].first().copied().unwrap_or(NONE))
                .collect();
            let md = (0..n).map(|i| sv.col_dual(i)).collect();
            let rd = (0..m).map(|j| sv.row_dual(j)).collect();
            (assign, md, rd)
        } else {
            let sv = mentee_solver.get_or_insert_with(|| {
                let mut sv = Solver::new(std::mem::take(&mut cand), vec![1; n], &cap, &v0, p);
                sv.run();
                sv
            });
            let assign = (0..n).map(|i| sv.unit_row_col(i)).collect();
            let md = (0..n).map(|i| sv.row_dual(i)).collect();
            let rd = (0..m).map(|j| sv.col_dual(j)).collect();
            (assign, md, rd)
        };
        let cur: &Cand = match &mentee_solver {
            Some(sv) => &sv.cand,
            None => &cand,
        };
        // Certificate: reduced cost >= 0 on every unused eligible edge. Rows
        // whose candidate list is complete are covered by the solve itself.
        // The most violated edges (up to `add_k` per mentee) join the next
        // round.
        let mut next = Cand {
            off: Vec::with_capacity(n + 1),
            end: Vec::with_capacity(n),
            arcs: Vec::with_capacity(cur.arcs.len()),
        };
        next.off.push(0);
        let mut violating: Vec<u32> = Vec::new();
        for i in 0..n {
            next.arcs.extend_from_slice(cur.row_all(i));
            next.end.push(next.arcs.len());
            if !full_row[i] {
                let ui = mentee_dual[i];
                viol.clear();
                for e in offsets[i]..offsets[i + 1] {
                    let j = mentor[e];
                    let c = cost(e);
                    let rc = i64::from(c) - ui - mentor_dual[j as usize];
                    if rc < 0 && j != assign[i] {
                        viol.push((rc, j, c));
                    }
                }
                if !viol.is_empty() {
                    violating.push(i as u32);
                    if viol.len() > add_k {
                        viol.select_nth_unstable(add_k - 1);
                        viol.truncate(add_k);
                    }
                    next.arcs
                        .extend(viol.iter().map(|&(_, col, cost)| Arc { col, cost }));
                }
            }
            next.off.push(next.arcs.len());
        }
        if violating.is_empty() {
            if let Some(sv) = mentee_solver.take() {
                cand = sv.cand;
            }
            break assign;
        }
        let warm = violating.len() * WARM_DIV <= n;
        match &mut mentee_solver {
            Some(sv) if warm => {
                // Warm start: new arcs stay inactive until their row is
                // repaired; unmatched rows first, then in index order.
                sv.cand = next;
                sv.normalize();
                for &i in violating.iter().filter(|&&i| assign[i as usize] == NONE) {
                    sv.repair(i);
                }
                for &i in violating.iter().filter(|&&i| assign[i as usize] != NONE) {
                    sv.repair(i);
                }
            }
            _ => {
                // Many violations (or mentor orientation): cold re-solve.
                mentee_solver = None;
                next.activate_all();
                cand = next;
            }
        }
    };

    let mut assignment = Vec::with_capacity(n);
    let mut matched = 0usize;
    let mut total_score = 0u64;
    for i in 0..n {
        match assign[i] {
            NONE => assignment.push(None),
            j => {
                matched += 1;
                // Cost of the used edge: the cheapest parallel candidate to j.
                let c = cand
                    .row(i)
                    .iter()
                    .filter(|a| a.col == j)
                    .map(|a| a.cost)
                    .min()
                    .unwrap_or(0);
                total_score += u64::from(u32::from(MAX_SCORE) - c);
                assignment.push(Some(j));
            }
        }
    }
    Ok(Solution {
        assignment,
        matched,
        total_score,
    })
}
