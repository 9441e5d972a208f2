//! Shared checks: a solution's validity, and an independent min-cost-flow reference solver.
#![allow(dead_code)]

use belong::domain::matching::assignment::{Problem, Solution};

/// Checks feasibility and internal consistency of `sol` for `p`.
pub fn check_valid(p: &Problem, sol: &Solution) {
    let n = p.n_mentees();
    assert_eq!(sol.assignment.len(), n);
    let mut load = vec![0u32; p.capacity.len()];
    let mut matched = 0usize;
    let mut total = 0u64;
    for (i, a) in sol.assignment.iter().enumerate() {
        if let Some(j) = *a {
            let best = (p.offsets[i]..p.offsets[i + 1])
                .filter(|&e| p.mentor[e] == j)
                .map(|e| p.score[e])
                .max()
                .expect("assignment uses a non-eligible edge");
            load[j as usize] += 1;
            matched += 1;
            total += u64::from(best);
        }
    }
    for (j, &l) in load.iter().enumerate() {
        assert!(l <= p.capacity[j], "capacity of mentor {j} exceeded");
    }
    assert_eq!(matched, sol.matched, "reported matched count");
    assert_eq!(total, sol.total_score, "reported total score");
}

/// Independent reference: plain successive shortest paths with Bellman-Ford
/// (SPFA) on the network s → mentee → mentor → t, cost = −score. SSP yields
/// a maximum flow of minimum cost, i.e. the lexicographic optimum.
pub fn ssp_reference(p: &Problem) -> (usize, u64) {
    let n = p.n_mentees();
    let m = p.capacity.len();
    let nodes = n + m + 2;
    let (s, t) = (0, n + m + 1);
    // Edge list with reverse edges at index ^ 1.
    let mut to = Vec::new();
    let mut capv: Vec<i64> = Vec::new();
    let mut cost: Vec<i64> = Vec::new();
    let mut adj = vec![Vec::new(); nodes];
    let mut add = |a: usize, b: usize, c: i64, w: i64, adj: &mut Vec<Vec<usize>>| {
        adj[a].push(to.len());
        to.push(b);
        capv.push(c);
        cost.push(w);
        adj[b].push(to.len());
        to.push(a);
        capv.push(0);
        cost.push(-w);
    };
    for i in 0..n {
        add(s, 1 + i, 1, 0, &mut adj);
        for e in p.offsets[i]..p.offsets[i + 1] {
            add(
                1 + i,
                1 + n + p.mentor[e] as usize,
                1,
                -i64::from(p.score[e]),
                &mut adj,
            );
        }
    }
    for j in 0..m {
        add(1 + n + j, t, i64::from(p.capacity[j]), 0, &mut adj);
    }
    let (mut flow, mut total) = (0usize, 0i64);
    loop {
        let mut dist = vec![i64::MAX; nodes];
        let mut pred = vec![usize::MAX; nodes];
        let mut inq = vec![false; nodes];
        let mut q = std::collections::VecDeque::new();
        dist[s] = 0;
        q.push_back(s);
        while let Some(a) = q.pop_front() {
            inq[a] = false;
            for &e in &adj[a] {
                let b = to[e];
                if capv[e] > 0 && dist[a] + cost[e] < dist[b] {
                    dist[b] = dist[a] + cost[e];
                    pred[b] = e;
                    if !inq[b] {
                        inq[b] = true;
                        q.push_back(b);
                    }
                }
            }
        }
        if dist[t] == i64::MAX {
            break;
        }
        let mut v = t;
        while v != s {
            let e = pred[v];
            capv[e] -= 1;
            capv[e ^ 1] += 1;
            v = to[e ^ 1];
        }
        flow += 1;
        total += dist[t];
    }
    (flow, (-total) as u64)
}
