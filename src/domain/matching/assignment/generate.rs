//! Deterministic, seeded instance generator (no external RNG).
//!
//! Scores imitate a real matching rubric: a sum of a few coarse criteria
//! (multiples of 250/500/1000, one of them a per-mentor "popularity" term that
//! makes mentees compete for the same mentors) plus, for a fifth of the pairs,
//! a finer component. This yields many exact ties, which is the hard case for
//! tie handling.

use super::Problem;

/// SplitMix64: tiny, fast, good enough for instance generation.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// New generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `0..n` (`n > 0`), multiply-shift reduction.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Bernoulli trial with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

/// Shape of a benchmark instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Number of mentees.
    pub n_mentees: usize,
    /// Number of mentors.
    pub n_mentors: usize,
    /// `true`: ≈86 % of all pairs eligible; `false`: ≈52 eligible mentors per mentee.
    pub dense: bool,
    /// Capacities are uniform in `1..=cap_max` (3 = "slack", 6 = "tight").
    pub cap_max: u32,
    /// PRNG seed.
    pub seed: u64,
}

/// The benchmark rows: `(name, spec)`.
pub fn benchmark_rows() -> Vec<(&'static str, Spec)> {
    let s = |n, m, dense, cap_max| Spec {
        n_mentees: n,
        n_mentors: m,
        dense,
        cap_max,
        seed: 0x5EED_0000 + n as u64 * 7 + m as u64 + u64::from(dense) * 3 + u64::from(cap_max),
    };
    vec![
        ("300x100 dense slack", s(300, 100, true, 3)),
        ("300x100 dense tight", s(300, 100, true, 6)),
        ("2000x700 dense slack", s(2000, 700, true, 3)),
        ("2000x700 dense tight", s(2000, 700, true, 6)),
        ("10000x3000 dense slack", s(10_000, 3000, true, 3)),
        ("10000x3000 dense tight", s(10_000, 3000, true, 6)),
        ("10000x3000 sparse slack", s(10_000, 3000, false, 3)),
        ("10000x3000 sparse tight", s(10_000, 3000, false, 6)),
        ("50000x15000 sparse slack", s(50_000, 15_000, false, 3)),
        ("50000x15000 sparse tight", s(50_000, 15_000, false, 6)),
    ]
}

/// Generate an instance; edges of each mentee are sorted by mentor index.
pub fn generate(spec: &Spec) -> Problem {
    let mut rng = SplitMix64::new(spec.seed);
    let m = spec.n_mentors;
    let capacity: Vec<u32> = (0..m)
        .map(|_| 1 + rng.below(u64::from(spec.cap_max.max(1))) as u32)
        .collect();
    // Per-mentor popularity (0..=8) * 250, and a per-mentor "language" bucket.
    let popularity: Vec<u16> = (0..m).map(|_| rng.below(9) as u16 * 250).collect();
    let lang_m: Vec<u8> = (0..m).map(|_| rng.below(4) as u8).collect();
    let mut offsets = Vec::with_capacity(spec.n_mentees + 1);
    offsets.push(0usize);
    let expect = if spec.dense { m * 86 / 100 } else { 52.min(m) };
    let mut mentor = Vec::with_capacity(spec.n_mentees * (expect + 2));
    let mut score = Vec::with_capacity(spec.n_mentees * (expect + 2));
    let mut picked: Vec<u32> = Vec::new();
    for _ in 0..spec.n_mentees {
        let lang_i = rng.below(4) as u8;
        picked.clear();
        if spec.dense {
            for j in 0..m {
                if rng.chance(86, 100) {
                    picked.push(j as u32);
                }
            }
        } else {
            let deg = (40 + rng.below(25) as usize).min(m);
            while picked.len() < deg {
                let j = rng.below(m as u64) as u32;
                if !picked.contains(&j) {
                    picked.push(j);
                }
            }
            picked.sort_unstable();
        }
        for &j in &picked {
            let ju = j as usize;
            let mut s = 500 * rng.below(7) as u16 // topic overlap 0..=3000
                + popularity[ju] // 0..=2000
                + 1000 * rng.below(3) as u16; // availability 0..=2000
            if lang_m[ju] == lang_i {
                s += 1000;
            }
            if rng.chance(1, 5) {
                s += rng.below(1001) as u16; // fine-grained component
            }
            mentor.push(j);
            score.push(s.min(10_000));
        }
        offsets.push(mentor.len());
    }
    Problem {
        capacity,
        offsets,
        mentor,
        score,
    }
}
