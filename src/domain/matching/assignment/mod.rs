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
//! The transportation problem is solved by successive shortest augmenting
//! paths (Hungarian / Jonker–Volgenant style) directly over mentor
//! capacities: mentees are inserted one at a time (index order); each
//! insertion runs a Dijkstra over mentors on reduced costs
//! `c_ij − u_i − v_j ≥ 0`, stopping at the first mentor with free capacity or
//! when the best "send someone to the dummy" option is cheaper, then updates
//! the duals of the scanned mentors and augments. After each insertion the
//! current assignment is optimal for the inserted mentees (LP duality with
//! complementary slackness: matched edges have reduced cost 0, non-full
//! mentors have `v_j = 0`, full mentors `v_j ≤ 0`).
//!
//! To be fast on dense inputs the solve runs on a *candidate* subgraph (the
//! best `k` edges of every mentee, by `(cost, mentor)`). The resulting duals
//! are then checked against **every** eligible edge: if all reduced costs are
//! non-negative, `(u, v)` is a feasible dual of the full problem with the same
//! objective as the primal, which *proves* optimality on the full edge set.
//! Otherwise the violated edges are added to the candidate set and the solve
//! is repeated, until the certificate holds (at worst on the full graph).
//!
//! # Tie-break rule
//! Among optimal solutions the one returned is the one produced by the
//! deterministic procedure above: mentees inserted in index order, Dijkstra
//! ties broken by `(distance, mentor index)`, a free mentor preferred over the
//! dummy at equal distance, candidate sets chosen by `(cost, mentor index)`.
//! It depends only on the input (`capacity` and the per-mentee edge lists
//! *including their order*, which only matters for duplicate edges); no
//! hashing, threads or timing are involved.

pub mod generate;
mod sap;

use sap::{Arc, Cand, NONE};

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

/// Number of candidate edges kept per mentee in the first round.
const TOP_K: usize = 24;
/// Maximum number of violated edges added per mentee and round.
const ADD_K: usize = 16;

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
    validate(capacity, offsets, mentor, score)?;
    let n = offsets.len() - 1;
    let m = capacity.len();
    let cap: Vec<u32> = capacity.iter().map(|&c| c.min(n as u32)).collect();
    let total_cap: u64 = cap.iter().map(|&c| u64::from(c)).sum();
    let p: i64 = 10_000 + 10_000 * (n as i64).min(total_cap as i64) + 1;
    let cost = |e: usize| u32::from(MAX_SCORE - score[e]);

    // Round 1 candidate set: best TOP_K usable edges per mentee, ordered by
    // (cost, mentor). Mentors without capacity are left out entirely.
    let mut cand = Cand {
        off: Vec::with_capacity(n + 1),
        arcs: Vec::new(),
    };
    cand.off.push(0);
    let mut full_row = vec![false; n];
    let mut buf: Vec<Arc> = Vec::new();
    for i in 0..n {
        buf.clear();
        buf.extend(
            (offsets[i]..offsets[i + 1])
                .filter(|&e| cap[mentor[e] as usize] > 0)
                .map(|e| Arc {
                    col: mentor[e],
                    cost: cost(e),
                }),
        );
        if buf.len() > TOP_K {
            buf.select_nth_unstable_by_key(TOP_K - 1, |a| (a.cost, a.col));
            buf.truncate(TOP_K);
        } else {
            full_row[i] = true;
        }
        cand.arcs.extend_from_slice(&buf);
        cand.off.push(cand.arcs.len());
    }

    // Orientation: when slots are scarce insert mentor slots (rows = mentors,
    // columns = mentees), otherwise insert mentees.
    let by_mentor = match std::env::var("ASSIGN_ORIENT").ok().as_deref() {
        Some("mentor") => true,
        Some("mentee") => false,
        _ => total_cap < n as u64,
    };
    let dbg = std::env::var_os("ASSIGN_DEBUG").is_some();
    let t0 = std::time::Instant::now();
    let (assign, _mentee_dual, _mentor_dual) = loop {
        let (assign, mentee_dual, mentor_dual) = if by_mentor {
            let t = cand.transpose(m);
            let st = sap::solve(&t, &cap, &vec![1; n], vec![0; n], p);
            let assign: Vec<u32> = st
                .members
                .iter()
                .map(|mem| mem.first().copied().unwrap_or(NONE))
                .collect();
            (assign, st.v, st.u)
        } else {
            // Capacity-0 mentors are priced out so their edges stay dual feasible.
            let v0: Vec<i64> = cap.iter().map(|&c| if c == 0 { -p } else { 0 }).collect();
            let st = sap::solve(&cand, &vec![1; n], &cap, v0, p);
            let mut assign = vec![NONE; n];
            for (j, mem) in st.members.iter().enumerate() {
                for &i in mem {
                    assign[i as usize] = j as u32;
                }
            }
            (assign, st.u, st.v)
        };
        if dbg {
            eprintln!(
                "  solve on {} arcs done at {:.3}s",
                cand.arcs.len(),
                t0.elapsed().as_secs_f64()
            );
        }
        // Certificate: reduced cost >= 0 on every unused eligible edge. Rows
        // whose candidate list is complete are covered by the solve itself.
        // The most violated edges (up to ADD_K per mentee) join the next round.
        let mut next = Cand {
            off: Vec::with_capacity(n + 1),
            arcs: Vec::with_capacity(cand.arcs.len()),
        };
        next.off.push(0);
        let mut violating_rows = 0usize;
        let mut viol: Vec<(i64, u32, u32)> = Vec::new();
        for i in 0..n {
            next.arcs.extend_from_slice(cand.row(i));
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
                    violating_rows += 1;
                    if viol.len() > ADD_K {
                        viol.select_nth_unstable(ADD_K - 1);
                        viol.truncate(ADD_K);
                    }
                    next.arcs
                        .extend(viol.iter().map(|&(_, col, cost)| Arc { col, cost }));
                }
            }
            next.off.push(next.arcs.len());
        }
        if dbg {
            eprintln!(
                "  cert done at {:.3}s, violating rows {}",
                t0.elapsed().as_secs_f64(),
                violating_rows
            );
        }
        if violating_rows == 0 {
            break (assign, mentee_dual, mentor_dual);
        }
        cand = next;
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
