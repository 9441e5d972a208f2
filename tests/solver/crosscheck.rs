//! Larger instances: the solver must agree with an independent, plain
//! successive-shortest-path min-cost-flow (Bellman-Ford) reference.

use belong::domain::matching::assignment::generate::{Spec, SplitMix64, benchmark_rows, generate};
use belong::domain::matching::assignment::{Options, Orientation, Problem};

fn check(p: &Problem) {
    let reference = crate::flow::ssp_reference(p);
    for orientation in [
        Orientation::Auto,
        Orientation::Mentees,
        Orientation::Mentors,
    ] {
        for (top_k, mentor_k_per_slot) in [(4, 0), (4, 1), (24, 4)] {
            let opts = Options {
                top_k,
                add_k: 8,
                mentor_k_per_slot,
                orientation,
            };
            let sol = p.solve_with(&opts).expect("valid input");
            crate::flow::check_valid(p, &sol);
            assert_eq!(
                (sol.matched, sol.total_score),
                reference,
                "options {opts:?}"
            );
            assert_eq!(
                sol,
                p.solve_with(&opts).expect("valid input"),
                "determinism"
            );
        }
    }
}

#[test]
fn benchmark_300x100_rows() {
    for (name, spec) in benchmark_rows() {
        if name.starts_with("300x100") {
            check(&generate(&spec));
        }
    }
}

#[test]
fn generated_sparse_and_dense() {
    for (seed, dense, cap_max) in [(1, false, 3), (2, false, 6), (3, true, 2), (4, true, 9)] {
        let p = generate(&Spec {
            n_mentees: 400,
            n_mentors: 120,
            dense,
            cap_max,
            seed,
        });
        check(&p);
    }
}

/// Random instance with zero capacities, uneven degrees and coarse scores.
#[test]
fn random_irregular() {
    let mut rng = SplitMix64::new(99);
    for _ in 0..4 {
        let n = 200 + rng.below(200) as usize;
        let m = 30 + rng.below(60) as usize;
        let capacity: Vec<u32> = (0..m).map(|_| rng.below(5) as u32).collect();
        let mut p = Problem {
            capacity,
            offsets: vec![0],
            ..Problem::default()
        };
        for _ in 0..n {
            let deg_p = 1 + rng.below(60);
            for j in 0..m {
                if rng.below(100) < deg_p {
                    p.mentor.push(j as u32);
                    p.score.push(if rng.chance(1, 2) {
                        250 * rng.below(41) as u16
                    } else {
                        rng.below(10_001) as u16
                    });
                }
            }
            p.offsets.push(p.mentor.len());
        }
        check(&p);
    }
}

/// Larger benchmark rows: every orientation / candidate setting must give the
/// same totals (the reference SSP would be too slow here). Run with
/// `cargo test --release -- --ignored`.
#[test]
#[ignore = "slow in debug builds"]
fn benchmark_rows_settings_agree() {
    for (name, spec) in benchmark_rows() {
        if !(name.starts_with("2000x700") || name.starts_with("10000x3000 sparse")) {
            continue;
        }
        let p = generate(&spec);
        let base = p.solve().expect("valid input");
        crate::flow::check_valid(&p, &base);
        for orientation in [Orientation::Mentees, Orientation::Mentors] {
            for (top_k, mentor_k_per_slot) in [(8, 0), (8, 2), (100_000, 0)] {
                let opts = Options {
                    top_k,
                    add_k: 4,
                    mentor_k_per_slot,
                    orientation,
                };
                let sol = p.solve_with(&opts).expect("valid input");
                crate::flow::check_valid(&p, &sol);
                assert_eq!(
                    (sol.matched, sol.total_score),
                    (base.matched, base.total_score),
                    "{name} {opts:?}"
                );
            }
        }
    }
}
