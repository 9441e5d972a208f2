//! Core: successive shortest augmenting paths (Jonker–Volgenant style) for a
//! transportation problem with an implicit dummy column.
//!
//! Rows have a supply `supply[r]` that must be shipped completely, either to
//! real columns (capacity `cap[k]`, each row–column pair at most once) or to
//! the implicit dummy column (unbounded capacity, cost `p` from every row).
//! Exactly one of the two sides has unit size (`supply == 1` for all rows, or
//! `cap <= 1` for all columns); this covers both orientations of the
//! mentee/mentor problem.
//!
//! Duals (potentials): `u[r]` per row, `v[k] <= 0` per column, `v_dummy = 0`.
//! Invariants after every insertion (these are LP complementary slackness):
//! * unused candidate edge: `c - u[r] - v[k] >= 0`; used edge: `<= 0`;
//! * dummy: `p - u[r] >= 0`, and `u[r] >= p` if row `r` uses the dummy;
//! * a column with free capacity has `v[k] == 0`.
//!
//! Each supply unit is inserted by a Dijkstra over columns from its row,
//! stopping at the first column with free capacity or the dummy, followed by
//! the standard potential update `π += min(d, D)` and augmentation. This is
//! the successive-shortest-path method, so after every insertion the flow is
//! a minimum-cost flow for the inserted supplies.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// "Not a column": the dummy column / unassigned.
pub(crate) const NONE: u32 = u32::MAX;

/// Candidate edge: column and cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arc {
    pub col: u32,
    pub cost: u32,
}

/// Candidate graph in CSR form.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cand {
    pub off: Vec<usize>,
    pub arcs: Vec<Arc>,
}

impl Cand {
    #[inline]
    pub fn row(&self, i: usize) -> &[Arc] {
        &self.arcs[self.off[i]..self.off[i + 1]]
    }

    pub fn n_rows(&self) -> usize {
        self.off.len() - 1
    }

    /// Transpose (rows become columns); arcs keep their costs and come out
    /// sorted by the old row index.
    pub fn transpose(&self, n_cols: usize) -> Cand {
        let mut cnt = vec![0usize; n_cols + 1];
        for a in &self.arcs {
            cnt[a.col as usize + 1] += 1;
        }
        for k in 0..n_cols {
            cnt[k + 1] += cnt[k];
        }
        let off = cnt.clone();
        let mut arcs = vec![Arc { col: 0, cost: 0 }; self.arcs.len()];
        for r in 0..self.n_rows() {
            for a in self.row(r) {
                let slot = &mut cnt[a.col as usize];
                arcs[*slot] = Arc {
                    col: r as u32,
                    cost: a.cost,
                };
                *slot += 1;
            }
        }
        Cand { off, arcs }
    }
}

/// Final primal/dual state of one solve.
pub(crate) struct State {
    /// Rows holding each column.
    pub members: Vec<Vec<u32>>,
    /// Row potentials.
    pub u: Vec<i64>,
    /// Column potentials.
    pub v: Vec<i64>,
}

const UNSEEN: u8 = 0;
const OPEN: u8 = 1;
const DONE: u8 = 2;
/// Heap ids with this bit set are rows, otherwise columns.
const ROW_BIT: u32 = 1 << 31;

fn check(
    cand: &Cand,
    cap: &[u32],
    members: &[Vec<u32>],
    u: &[i64],
    v: &[i64],
    p: i64,
    upto: usize,
) {
    for i in 0..=upto {
        assert!(u[i] <= p, "row {i} u > p");
        for a in cand.row(i) {
            let k = a.col as usize;
            let held = members[k].contains(&(i as u32));
            let rc = i64::from(a.cost) - u[i] - v[k];
            if held {
                assert!(rc <= 0, "held edge ({i},{k}) rc {rc} after row {upto}");
            } else {
                assert!(rc >= 0, "free edge ({i},{k}) rc {rc} after row {upto}");
            }
        }
    }
    for (k, mem) in members.iter().enumerate() {
        if (mem.len() as u32) < cap[k] {
            assert!(v[k] == 0, "non-full col {k} v {}", v[k]);
        } else {
            assert!(v[k] <= 0, "col {k} v>0");
        }
    }
}

/// Reusable Dijkstra scratch space.
struct Scratch {
    dist: Vec<i64>,
    state: Vec<u8>,
    pred: Vec<u32>,
    pcost: Vec<u32>,
    rdist: Vec<i64>,
    rstate: Vec<u8>,
    via: Vec<u32>,
    touched: Vec<u32>,
    scanned: Vec<u32>,
    rtouched: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

/// Solve exactly. Columns with `cap[k] == 0` must not appear in `cand` and
/// must have `v_init[k] <= -p`; every other `v_init[k]` must be 0.
pub(crate) fn solve(cand: &Cand, supply: &[u32], cap: &[u32], mut v: Vec<i64>, p: i64) -> State {
    let n = cand.n_rows();
    let m = cap.len();
    let unit_rows = supply.iter().all(|&s| s <= 1);
    debug_assert!(unit_rows || cap.iter().all(|&c| c <= 1));
    let mut u = vec![0i64; n];
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); m];
    // Unit-row orientation: slot of the row inside its column's member list.
    let mut pos = vec![0u32; if unit_rows { n } else { 0 }];
    // Cost of the edge holding a unit-capacity column.
    let mut hcost = vec![0u32; m];
    let mut sc = Scratch {
        dist: vec![i64::MAX; m],
        state: vec![UNSEEN; m],
        pred: vec![0; m],
        pcost: vec![0; m],
        rdist: vec![i64::MAX; n],
        rstate: vec![UNSEEN; n],
        via: vec![NONE; n],
        touched: Vec::new(),
        scanned: Vec::new(),
        rtouched: Vec::new(),
        heap: BinaryHeap::new(),
    };

    for r in 0..n {
        for _unit in 0..supply[r] {
            let mut best_dummy = i64::MAX;
            let mut dummy_pred = NONE;
            // Expand row `i`, finalised at label `d`.
            let expand = |sc: &mut Scratch,
                          v: &[i64],
                          members: &[Vec<u32>],
                          i: u32,
                          d: i64,
                          best_dummy: &mut i64,
                          dummy_pred: &mut u32| {
                let iu = i as usize;
                if sc.rstate[iu] == UNSEEN {
                    sc.rtouched.push(i);
                }
                sc.rstate[iu] = DONE;
                sc.rdist[iu] = d;
                let ui = u[iu];
                let dd = d + p - ui;
                if dd < *best_dummy {
                    *best_dummy = dd;
                    *dummy_pred = i;
                }
                let base = d - ui;
                for a in cand.row(iu) {
                    let k = a.col as usize;
                    if sc.state[k] == DONE {
                        continue;
                    }
                    if cap[k] == 1 && members[k].first() == Some(&i) {
                        continue; // edge already used by row i
                    }
                    let nd = base + i64::from(a.cost) - v[k];
                    debug_assert!(nd >= d, "negative reduced cost");
                    if nd < sc.dist[k] {
                        if sc.state[k] == UNSEEN {
                            sc.state[k] = OPEN;
                            sc.touched.push(a.col);
                        }
                        sc.dist[k] = nd;
                        sc.pred[k] = i;
                        sc.pcost[k] = a.cost;
                        sc.heap.push(Reverse((nd, a.col)));
                    }
                }
            };
            expand(
                &mut sc,
                &v,
                &members,
                r as u32,
                0,
                &mut best_dummy,
                &mut dummy_pred,
            );
            let (terminal, big_d) = loop {
                let Some(Reverse((d, id))) = sc.heap.pop() else {
                    break (NONE, best_dummy);
                };
                if id & ROW_BIT != 0 {
                    let i = id & !ROW_BIT;
                    let iu = i as usize;
                    if sc.rstate[iu] == DONE || d != sc.rdist[iu] {
                        continue;
                    }
                    if d >= best_dummy {
                        break (NONE, best_dummy);
                    }
                    expand(
                        &mut sc,
                        &v,
                        &members,
                        i,
                        d,
                        &mut best_dummy,
                        &mut dummy_pred,
                    );
                    continue;
                }
                let k = id as usize;
                if sc.state[k] == DONE || d != sc.dist[k] {
                    continue;
                }
                if (members[k].len() as u32) < cap[k] {
                    if d <= best_dummy {
                        break (id, d);
                    }
                    break (NONE, best_dummy);
                }
                if d >= best_dummy {
                    break (NONE, best_dummy);
                }
                sc.state[k] = DONE;
                sc.scanned.push(id);
                if unit_rows {
                    // Held edges are tight: holders are final at label d.
                    for idx in 0..members[k].len() {
                        let i = members[k][idx];
                        sc.via[i as usize] = id;
                        expand(
                            &mut sc,
                            &v,
                            &members,
                            i,
                            d,
                            &mut best_dummy,
                            &mut dummy_pred,
                        );
                    }
                } else if let Some(&i) = members[k].first() {
                    let iu = i as usize;
                    if sc.rstate[iu] != DONE {
                        let nd = d + u[iu] + v[k] - i64::from(hcost[k]);
                        debug_assert!(nd >= d, "negative reduced cost on used edge");
                        if nd < sc.rdist[iu] {
                            if sc.rstate[iu] == UNSEEN {
                                sc.rstate[iu] = OPEN;
                                sc.rtouched.push(i);
                            }
                            sc.rdist[iu] = nd;
                            sc.via[iu] = id;
                            sc.heap.push(Reverse((nd, i | ROW_BIT)));
                        }
                    }
                }
            };
            sc.heap.clear();
            // Potential update π += min(d, D) on finalised nodes.
            for &k in &sc.scanned {
                v[k as usize] += sc.dist[k as usize] - big_d;
            }
            for &i in &sc.rtouched {
                let iu = i as usize;
                if sc.rstate[iu] == DONE {
                    u[iu] += big_d - sc.rdist[iu];
                }
            }
            // Augment along the predecessor chain.
            let (mut col, mut row, mut c) = if terminal == NONE {
                (NONE, dummy_pred, 0)
            } else {
                let t = terminal as usize;
                (terminal, sc.pred[t], sc.pcost[t])
            };
            let mut slot = 0u32;
            if terminal != NONE {
                let t = terminal as usize;
                members[t].push(row);
                slot = (members[t].len() - 1) as u32;
            }
            loop {
                let ru = row as usize;
                let old_col = if ru == r { NONE } else { sc.via[ru] };
                let old_slot = if unit_rows && old_col != NONE {
                    pos[ru]
                } else {
                    0
                };
                if col != NONE {
                    let cu = col as usize;
                    members[cu][slot as usize] = row;
                    hcost[cu] = c;
                    if unit_rows {
                        pos[ru] = slot;
                    }
                }
                if ru == r {
                    break;
                }
                if old_col == NONE {
                    break; // unreachable: non-source rows on the path were entered via a column
                }
                col = old_col;
                slot = old_slot;
                row = sc.pred[col as usize];
                c = sc.pcost[col as usize];
            }
            for &k in &sc.touched {
                sc.dist[k as usize] = i64::MAX;
                sc.state[k as usize] = UNSEEN;
            }
            for &i in &sc.rtouched {
                sc.rdist[i as usize] = i64::MAX;
                sc.rstate[i as usize] = UNSEEN;
            }
            sc.touched.clear();
            sc.scanned.clear();
            sc.rtouched.clear();
            if cfg!(debug_assertions) && n * m < 100_000 {
                check(cand, cap, &members, &u, &v, p, r);
            }
        }
    }
    State { members, u, v }
}
