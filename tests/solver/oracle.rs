//! Property tests against a brute-force oracle on small random instances.

use belong::domain::matching::assignment::{Options, Orientation, Problem};
use proptest::prelude::*;

/// Exhaustive search: best `(matched, score)` lexicographically.
fn brute_force(p: &Problem) -> (usize, u64) {
    fn rec(p: &Problem, i: usize, load: &mut [u32], cur: (usize, u64), best: &mut (usize, u64)) {
        if i == p.n_mentees() {
            *best = (*best).max(cur);
            return;
        }
        rec(p, i + 1, load, cur, best);
        for e in p.offsets[i]..p.offsets[i + 1] {
            let j = p.mentor[e] as usize;
            if load[j] < p.capacity[j] {
                load[j] += 1;
                rec(
                    p,
                    i + 1,
                    load,
                    (cur.0 + 1, cur.1 + u64::from(p.score[e])),
                    best,
                );
                load[j] -= 1;
            }
        }
    }
    let mut load = vec![0u32; p.capacity.len()];
    let mut best = (0, 0);
    rec(p, 0, &mut load, (0, 0), &mut best);
    best
}

fn score_strategy() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(0u16),
        3 => Just(250u16),
        3 => Just(500u16),
        2 => Just(5000u16),
        2 => Just(10_000u16),
        2 => (0u16..=40).prop_map(|x| x * 250),
        1 => 0u16..=10_000,
    ]
}

fn problem_strategy() -> impl Strategy<Value = Problem> {
    (1usize..=4).prop_flat_map(|m| {
        (
            proptest::collection::vec(0u32..=3, m),
            proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.6, score_strategy()), m),
                0..=7,
            ),
        )
            .prop_map(|(capacity, rows)| {
                let mut p = Problem {
                    capacity,
                    offsets: vec![0],
                    ..Problem::default()
                };
                for row in rows {
                    for (j, s) in row.into_iter().enumerate() {
                        if let Some(s) = s {
                            p.mentor.push(j as u32);
                            p.score.push(s);
                        }
                    }
                    p.offsets.push(p.mentor.len());
                }
                p
            })
    })
}

fn all_options() -> Vec<Options> {
    let mut v = Vec::new();
    for orientation in [
        Orientation::Auto,
        Orientation::Mentees,
        Orientation::Mentors,
    ] {
        for top_k in [1, 2, 24] {
            for mentor_k_per_slot in [0, 1] {
                v.push(Options {
                    top_k,
                    add_k: 1,
                    mentor_k_per_slot,
                    orientation,
                });
            }
        }
    }
    v.push(Options::default());
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn matches_brute_force(p in problem_strategy()) {
        let expect = brute_force(&p);
        for opts in all_options() {
            let sol = p.solve_with(&opts).expect("valid input");
            crate::flow::check_valid(&p, &sol);
            prop_assert_eq!((sol.matched, sol.total_score), expect, "options {:?}", opts);
            let again = p.solve_with(&opts).expect("valid input");
            prop_assert_eq!(&sol, &again, "non-deterministic");
        }
        prop_assert_eq!(crate::flow::ssp_reference(&p), expect);
    }
}

#[test]
fn rejects_bad_input() {
    use belong::domain::matching::assignment::{InputError, solve};
    assert_eq!(solve(&[1], &[], &[], &[]), Err(InputError::BadOffsets));
    assert_eq!(
        solve(&[1], &[0, 1], &[1], &[5]),
        Err(InputError::MentorOutOfRange { edge: 0 })
    );
    assert_eq!(
        solve(&[1], &[0, 1], &[0], &[10_001]),
        Err(InputError::ScoreOutOfRange { edge: 0 })
    );
    assert_eq!(
        solve(&[1], &[0, 1], &[0], &[]),
        Err(InputError::LengthMismatch)
    );
    assert_eq!(
        solve(&[1], &[0, 2, 1], &[0], &[1]),
        Err(InputError::BadOffsets)
    );
}

#[test]
fn empty_and_zero_capacity() {
    let p = Problem {
        capacity: vec![0, 0],
        offsets: vec![0, 2, 2],
        mentor: vec![0, 1],
        score: vec![10_000, 5],
    };
    let sol = p.solve().expect("valid");
    assert_eq!(sol.matched, 0);
    assert_eq!(sol.assignment, vec![None, None]);
    let p = Problem {
        capacity: vec![],
        offsets: vec![0],
        mentor: vec![],
        score: vec![],
    };
    assert_eq!(p.solve().expect("valid").matched, 0);
}
