//! Core: successive shortest augmenting paths (Jonker–Volgenant style) for a
//! transportation problem with a dummy column, with absolute node potentials.
//!
//! Rows have a supply `supply[r]` that must be shipped completely, either to
//! real columns (capacity `cap[k]`, each row–column pair at most once) or to
//! the dummy column (unbounded capacity, cost `p` from every row). Exactly
//! one side has unit size (`supply <= 1` for all rows, or `cap <= 1` for all
//! columns), which covers both orientations of the mentee/mentor problem.
//!
//! Nodes: rows (potential `pr`), columns (`pc`, the dummy is column `m`) and
//! the sink `t` (`pt`). Residual arcs and their reduced costs, all `>= 0`:
//! * free arc `r -> k`: `c + pr[r] - pc[k]`; used arc `k -> r`: `pc[k] - pr[r] - c`;
//! * `k -> t` if `k` has room: `pc[k] - pt`; `t -> k` if `k` holds something:
//!   `pt - pc[k]`.
//!
//! Each supply unit is inserted by a Dijkstra from its row that stops at the
//! sink, then `π += min(d, D)` and augmentation (successive shortest paths).
//! A *repair* re-inserts a unit row after new arcs were activated for it: the
//! row leaves its column `j0`; if `j0` is priced (`pc < pt`) the Dijkstra
//! targets `j0` itself (refill it) or reaches it through the sink (`t -> j0`,
//! i.e. `j0` keeps a free slot and its price rises to `pt`).

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

/// Candidate graph in CSR form. Only `arcs[off[i]..end[i]]` of row `i` is
/// active (arcs added for a later round are activated row by row).
#[derive(Clone, Debug, Default)]
pub(crate) struct Cand {
    pub off: Vec<usize>,
    pub end: Vec<usize>,
    pub arcs: Vec<Arc>,
}

impl Cand {
    /// Active arcs of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &[Arc] {
        &self.arcs[self.off[i]..self.end[i]]
    }

    /// All stored arcs of row `i` (active or not).
    #[inline]
    pub fn row_all(&self, i: usize) -> &[Arc] {
        &self.arcs[self.off[i]..self.off[i + 1]]
    }

    /// Activate every stored arc of row `i`.
    pub fn activate(&mut self, i: usize) {
        self.end[i] = self.off[i + 1];
    }

    /// Set `end` so that all arcs are active.
    pub fn activate_all(&mut self) {
        self.end = self.off[1..].to_vec();
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
            for a in self.row_all(r) {
                let slot = &mut cnt[a.col as usize];
                arcs[*slot] = Arc {
                    col: r as u32,
                    cost: a.cost,
                };
                *slot += 1;
            }
        }
        let end = off[1..].to_vec();
        Cand { off, end, arcs }
    }
}

const UNSEEN: u8 = 0;
const OPEN: u8 = 1;
const DONE: u8 = 2;
/// Heap ids with this bit set are rows, otherwise columns.
const ROW_BIT: u32 = 1 << 31;
/// Predecessor marker: column reached from the sink `t`.
const PRED_T: u32 = u32::MAX - 1;

/// How a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Term {
    /// Reached the sink `t` (normal insertion).
    Sink,
    /// Reached the deficit column (repair).
    Col(u32),
}

/// Successive-shortest-path solver with absolute node potentials.
///
/// Columns `0..m` are real, column `m` is the dummy (unbounded capacity,
/// implicit arc of cost `p` from every row). Reduced costs: free arc
/// `c + pr[i] - pc[k] >= 0`; used arc `pc[k] - pr[i] - c >= 0`; a column
/// with free capacity has `pc[k] >= pt` (`==` if it holds anything); a
/// column holding something has `pc[k] <= pt`.
pub(crate) struct Solver {
    pub cand: Cand,
    supply: Vec<u32>,
    cap: Vec<u32>,
    unit_rows: bool,
    p: i64,
    pc: Vec<i64>,
    pr: Vec<i64>,
    pt: i64,
    pub members: Vec<Vec<u32>>,
    /// Unit rows: column and slot of the row.
    col_of: Vec<u32>,
    pos: Vec<u32>,
    /// Cost of the arc holding a unit-capacity column.
    hcost: Vec<u32>,
    inserted: Vec<u32>,
    // Dijkstra scratch.
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
    dt: i64,
    t_pred: u32,
    t_done: bool,
}

impl Solver {
    /// New solver. Columns with `cap[k] == 0` must not appear in `cand`;
    /// `v0[k]` is their (relative) potential, which must be `<= -p`; all
    /// other entries of `v0` must be 0.
    pub fn new(cand: Cand, supply: Vec<u32>, cap: &[u32], v0: &[i64], p: i64) -> Self {
        let n = cand.n_rows();
        let m = cap.len();
        let unit_rows = supply.iter().all(|&s| s <= 1);
        let mut capx = cap.to_vec();
        capx.push(u32::MAX);
        let mut pc = v0.to_vec();
        pc.push(0);
        Solver {
            cand,
            supply,
            cap: capx,
            unit_rows,
            p,
            pc,
            pr: vec![0; n],
            pt: 0,
            members: vec![Vec::new(); m + 1],
            col_of: vec![NONE; if unit_rows { n } else { 0 }],
            pos: vec![0; if unit_rows { n } else { 0 }],
            hcost: vec![0; m + 1],
            inserted: vec![0; n],
            dist: vec![i64::MAX; m + 1],
            state: vec![UNSEEN; m + 1],
            pred: vec![0; m + 1],
            pcost: vec![0; m + 1],
            rdist: vec![i64::MAX; n],
            rstate: vec![UNSEEN; n],
            via: vec![NONE; n],
            touched: Vec::new(),
            scanned: Vec::new(),
            rtouched: Vec::new(),
            heap: BinaryHeap::new(),
            dt: i64::MAX,
            t_pred: NONE,
            t_done: false,
        }
    }

    /// Shift all potentials so that `pt == 0` (keeps magnitudes bounded
    /// across many repairs; reduced costs are unchanged).
    pub fn normalize(&mut self) {
        let s = self.pt;
        self.pc.iter_mut().for_each(|x| *x -= s);
        self.pr.iter_mut().for_each(|x| *x -= s);
        self.pt = 0;
    }

    fn dummy(&self) -> usize {
        self.cap.len() - 1
    }

    /// Mentee-side dual `u` of row `i` (relative to the sink).
    pub fn row_dual(&self, i: usize) -> i64 {
        self.pt - self.pr[i]
    }

    /// Column dual `v` (relative to the sink), clamped to `<= 0`: a column
    /// with free capacity and `v > 0` holds nothing, so lowering its dual to 0
    /// keeps dual feasibility and complementary slackness.
    pub fn col_dual(&self, k: usize) -> i64 {
        (self.pc[k] - self.pt).min(0)
    }

    /// Column of a unit row (`NONE` = dummy / not inserted).
    pub fn unit_row_col(&self, i: usize) -> u32 {
        let c = self.col_of[i];
        if c as usize == self.dummy() { NONE } else { c }
    }

    /// Insert every supply unit of every row.
    pub fn run(&mut self) {
        for r in 0..self.supply.len() {
            while self.inserted[r] < self.supply[r] {
                self.insert(r as u32);
            }
        }
    }

    /// Give row `r` a potential making all its active arcs dual feasible.
    fn fresh_potential(&mut self, r: usize) {
        let m = self.dummy();
        let mut best = self.pc[m] - self.p;
        for a in self.cand.row(r) {
            best = best.max(self.pc[a.col as usize] - i64::from(a.cost));
        }
        self.pr[r] = best;
    }

    fn insert(&mut self, r: u32) {
        let ru = r as usize;
        if self.inserted[ru] == 0 {
            self.fresh_potential(ru);
        }
        let (term, big_d) = self.search(r, None);
        self.update(big_d);
        self.augment(term, r);
        self.reset();
        self.inserted[ru] += 1;
        self.debug_check();
    }

    /// Re-insert unit row `x` after new arcs were activated for it.
    pub fn repair(&mut self, x: u32) {
        debug_assert!(self.unit_rows);
        let xu = x as usize;
        let j0 = self.col_of[xu];
        self.cand.activate(xu);
        if j0 == NONE {
            self.insert(x);
            return;
        }
        self.remove_member(j0 as usize, self.pos[xu] as usize);
        self.col_of[xu] = NONE;
        self.inserted[xu] = 0;
        let j = j0 as usize;
        if j == self.dummy() || self.pc[j] >= self.pt {
            // Unpriced column (pc == pt): it may keep a free slot, so this
            // is a plain re-insertion.
            self.insert(x);
            return;
        }
        // Column j0 is priced (pc < pt): it must be refilled or released via t.
        self.fresh_potential(xu);
        let (term, big_d) = self.search(x, Some(j0));
        self.update(big_d);
        self.augment(term, x);
        self.reset();
        self.inserted[xu] = 1;
        self.debug_check();
    }

    fn remove_member(&mut self, k: usize, slot: usize) {
        self.members[k].swap_remove(slot);
        if self.unit_rows && slot < self.members[k].len() {
            let y = self.members[k][slot] as usize;
            self.pos[y] = slot as u32;
        }
    }

    #[inline(always)]
    fn relax(&mut self, k: usize, nd: i64, from: u32, cost: u32) {
        if nd < self.dist[k] {
            if self.state[k] == UNSEEN {
                self.state[k] = OPEN;
                self.touched.push(k as u32);
            }
            self.dist[k] = nd;
            self.pred[k] = from;
            self.pcost[k] = cost;
            self.heap.push(Reverse((nd, k as u32)));
        }
    }

    /// Expand row `i`, final at label `d`.
    fn expand(&mut self, i: u32, d: i64) {
        let iu = i as usize;
        if self.rstate[iu] == UNSEEN {
            self.rtouched.push(i);
        }
        self.rstate[iu] = DONE;
        self.rdist[iu] = d;
        let base = d + self.pr[iu];
        let Solver {
            cand,
            cap,
            members,
            pc,
            dist,
            state,
            pred,
            pcost,
            touched,
            heap,
            p,
            ..
        } = self;
        for a in cand.row(iu) {
            let k = a.col as usize;
            if state[k] == DONE {
                continue;
            }
            if cap[k] == 1 && members[k].first() == Some(&i) {
                continue; // arc already used by row i
            }
            let nd = base + i64::from(a.cost) - pc[k];
            debug_assert!(nd >= d, "negative reduced cost");
            if nd < dist[k] {
                if state[k] == UNSEEN {
                    state[k] = OPEN;
                    touched.push(a.col);
                }
                dist[k] = nd;
                pred[k] = i;
                pcost[k] = a.cost;
                heap.push(Reverse((nd, a.col)));
            }
        }
        let m = cap.len() - 1;
        if state[m] != DONE {
            let nd = base + *p - pc[m];
            debug_assert!(nd >= d, "negative reduced cost (dummy)");
            self.relax(m, nd, i, 0);
        }
    }

    /// Expand the sink (repair searches only): arcs t -> k for every column
    /// holding something, cut off at the current label of the target.
    fn expand_t(&mut self, bound: i64, target: usize) {
        self.t_done = true;
        let dt = self.dt;
        for k in 0..self.cap.len() {
            // The target still ships its full load to t (only its inflow
            // was cancelled), so t -> target is residual even if empty.
            if self.state[k] == DONE || (self.members[k].is_empty() && k != target) {
                continue;
            }
            let nd = dt + self.pt - self.pc[k];
            debug_assert!(nd >= dt, "negative reduced cost (t -> k)");
            if nd < bound {
                self.relax(k, nd, PRED_T, 0);
            }
        }
    }

    fn search(&mut self, src: u32, target: Option<u32>) -> (Term, i64) {
        self.dt = i64::MAX;
        self.t_pred = NONE;
        self.t_done = false;
        self.expand(src, 0);
        loop {
            // Minimum live heap entry.
            let top = loop {
                match self.heap.peek() {
                    None => break None,
                    Some(&Reverse((d, id))) => {
                        let stale = if id & ROW_BIT != 0 {
                            let iu = (id & !ROW_BIT) as usize;
                            self.rstate[iu] == DONE || d != self.rdist[iu]
                        } else {
                            let k = id as usize;
                            self.state[k] == DONE || d != self.dist[k]
                        };
                        if stale {
                            self.heap.pop();
                        } else {
                            break Some((d, id));
                        }
                    }
                }
            };
            let hmin = top.map_or(i64::MAX, |(d, _)| d);
            if !self.t_done && self.dt < i64::MAX && self.dt <= hmin {
                match target {
                    None => return (Term::Sink, self.dt),
                    Some(j0) => {
                        let bound = self.dist[j0 as usize];
                        self.expand_t(bound, j0 as usize);
                        continue;
                    }
                }
            }
            let Some((d, id)) = top else {
                // Unreachable for valid states: the dummy always leads to t,
                // and in a repair the source has an arc to the target.
                return (Term::Sink, self.dt);
            };
            self.heap.pop();
            if id & ROW_BIT != 0 {
                self.expand(id & !ROW_BIT, d);
                continue;
            }
            let k = id as usize;
            if target == Some(id) {
                return (Term::Col(id), d);
            }
            self.state[k] = DONE;
            self.scanned.push(id);
            if (self.members[k].len() as u32) < self.cap[k] && !self.t_done {
                let nd = d + self.pc[k] - self.pt;
                debug_assert!(nd >= d, "negative reduced cost (k -> t)");
                if nd < self.dt {
                    self.dt = nd;
                    self.t_pred = id;
                }
                if target.is_none() && self.dt <= d {
                    return (Term::Sink, self.dt);
                }
            }
            if self.unit_rows {
                // Used arcs of unit rows are tight: members are final at d.
                for idx in 0..self.members[k].len() {
                    let x = self.members[k][idx];
                    let xu = x as usize;
                    if self.rstate[xu] == DONE {
                        continue;
                    }
                    self.via[xu] = id;
                    self.expand(x, d);
                }
            } else if let Some(&x) = self.members[k].first() {
                let xu = x as usize;
                if self.rstate[xu] != DONE && self.cap[k] == 1 {
                    let nd = d + self.pc[k] - self.pr[xu] - i64::from(self.hcost[k]);
                    debug_assert!(nd >= d, "negative reduced cost on used arc");
                    if nd < self.rdist[xu] {
                        if self.rstate[xu] == UNSEEN {
                            self.rstate[xu] = OPEN;
                            self.rtouched.push(x);
                        }
                        self.rdist[xu] = nd;
                        self.via[xu] = id;
                        self.heap.push(Reverse((nd, x | ROW_BIT)));
                    }
                }
            }
        }
    }

    /// Potential update π += min(d, D) (minus the constant D).
    fn update(&mut self, big_d: i64) {
        for &k in &self.scanned {
            let ku = k as usize;
            self.pc[ku] += self.dist[ku] - big_d;
        }
        for &i in &self.rtouched {
            let iu = i as usize;
            if self.rstate[iu] == DONE {
                self.pr[iu] += self.rdist[iu] - big_d;
            }
        }
        if self.t_done {
            self.pt += self.dt - big_d;
        }
    }

    fn augment(&mut self, term: Term, src: u32) {
        let (mut col, mut vacancy) = match term {
            Term::Sink => (self.t_pred, None),
            Term::Col(j) => (j, None),
        };
        loop {
            let cu = col as usize;
            let pk = self.pred[cu];
            if pk == PRED_T {
                // Column `col` sends one unit less to t.
                if let Some(s) = vacancy {
                    self.remove_member(cu, s);
                }
                col = self.t_pred;
                vacancy = None;
                continue;
            }
            let x = pk;
            let xu = x as usize;
            let old = if x == src { NONE } else { self.via[xu] };
            let old_slot = if self.unit_rows {
                self.pos[xu] as usize
            } else {
                0
            };
            let slot = match vacancy {
                Some(s) => {
                    self.members[cu][s] = x;
                    s
                }
                None => {
                    self.members[cu].push(x);
                    self.members[cu].len() - 1
                }
            };
            self.hcost[cu] = self.pcost[cu];
            if self.unit_rows {
                self.pos[xu] = slot as u32;
                self.col_of[xu] = col;
            }
            if x == src || old == NONE {
                break;
            }
            col = old;
            vacancy = Some(old_slot);
        }
    }

    fn reset(&mut self) {
        for &k in &self.touched {
            self.dist[k as usize] = i64::MAX;
            self.state[k as usize] = UNSEEN;
        }
        for &i in &self.rtouched {
            self.rdist[i as usize] = i64::MAX;
            self.rstate[i as usize] = UNSEEN;
        }
        self.touched.clear();
        self.scanned.clear();
        self.rtouched.clear();
        self.heap.clear();
    }

    /// Exhaustive invariant check on small instances (debug builds only).
    fn debug_check(&self) {
        if !cfg!(debug_assertions) || self.pr.len() * self.cap.len() > 50_000 {
            return;
        }
        let m = self.dummy();
        for i in 0..self.pr.len() {
            if self.inserted[i] == 0 {
                continue;
            }
            for a in self.cand.row(i) {
                let k = a.col as usize;
                let held = self.members[k].contains(&(i as u32));
                let rc = i64::from(a.cost) + self.pr[i] - self.pc[k];
                if held {
                    assert!(rc <= 0, "used arc ({i},{k}) rc {rc}");
                } else {
                    assert!(rc >= 0, "free arc ({i},{k}) rc {rc}");
                }
            }
            assert!(self.p + self.pr[i] - self.pc[m] >= 0, "dummy arc of {i}");
        }
        for (k, mem) in self.members.iter().enumerate() {
            let full = mem.len() as u32 >= self.cap[k];
            if !mem.is_empty() {
                assert!(self.pc[k] <= self.pt, "column {k} holds but pc > pt");
            }
            if !full {
                assert!(self.pc[k] >= self.pt, "column {k} has room but pc < pt");
            }
        }
    }
}
