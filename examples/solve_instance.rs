//! Solves one assignment instance read from a file with Belong's exact solver and prints
//! one JSON line: `{"seconds": .., "peak_rss_mib": .., "matched": .., "total_score": ..}`.
//!
//! `cargo run --release --example solve_instance -- FILE`
//!
//! `seconds` covers the solve only (not reading the file); `peak_rss_mib` is the process's
//! peak resident set (`VmHWM` in `/proc/self/status`), file contents included.
//!
//! # Instance format
//! Little-endian binary, no padding:
//!
//! | field          | type              | count            |
//! |----------------|-------------------|------------------|
//! | magic          | bytes `BELASGN1`  | 8                |
//! | `n_mentees`    | u64               | 1                |
//! | `n_mentors`    | u64               | 1                |
//! | `n_edges`      | u64               | 1                |
//! | capacity       | u32               | `n_mentors`      |
//! | offsets (CSR)  | u64               | `n_mentees + 1`  |
//! | mentor         | u32               | `n_edges`        |
//! | score          | u16 (hundredths)  | `n_edges`        |
//!
//! The eligible mentors of mentee `i` are `mentor[offsets[i]..offsets[i + 1]]`, with the
//! scores (`0..=10000`) at the same positions.

use std::error::Error;
use std::time::Instant;

use belong::domain::matching::assignment;

/// The first eight bytes of every instance file.
pub const MAGIC: &[u8; 8] = b"BELASGN1";

/// Reads little-endian values off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if self.0.len() < len {
            return Err(format!(
                "file truncated: wanted {len} more bytes, {} left",
                self.0.len()
            ));
        }
        let (head, tail) = self.0.split_at(len);
        self.0 = tail;
        Ok(head)
    }

    fn u64s(&mut self, count: usize) -> Result<Vec<u64>, String> {
        let bytes = self.take(count.checked_mul(8).ok_or("count overflows")?)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }

    fn u32s(&mut self, count: usize) -> Result<Vec<u32>, String> {
        let bytes = self.take(count.checked_mul(4).ok_or("count overflows")?)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn u16s(&mut self, count: usize) -> Result<Vec<u16>, String> {
        let bytes = self.take(count.checked_mul(2).ok_or("count overflows")?)?;
        Ok(bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect())
    }
}

fn read_instance(path: &str) -> Result<assignment::Problem, Box<dyn Error>> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let mut r = Reader(&bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return Err(format!("{path}: not an instance file (bad magic)").into());
    }
    let header = r.u64s(3)?;
    let size = |v: u64| usize::try_from(v).map_err(|_| format!("{path}: size {v} too large"));
    let (n, m, edges) = (size(header[0])?, size(header[1])?, size(header[2])?);
    let capacity = r.u32s(m)?;
    let offsets = r
        .u64s(n.checked_add(1).ok_or("n_mentees overflows")?)?
        .into_iter()
        .map(size)
        .collect::<Result<Vec<usize>, String>>()?;
    let mentor = r.u32s(edges)?;
    let score = r.u16s(edges)?;
    if !r.0.is_empty() {
        return Err(format!("{path}: {} trailing bytes", r.0.len()).into());
    }
    Ok(assignment::Problem {
        capacity,
        offsets,
        mentor,
        score,
    })
}

/// Peak resident set size in MiB (`VmHWM`), or `None` off Linux.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or(
        "usage: solve_instance FILE (see the format at the top of examples/solve_instance.rs)",
    )?;
    let problem = read_instance(&path)?;
    let start = Instant::now();
    let solution = problem.solve()?;
    let seconds = start.elapsed().as_secs_f64();
    let rss = peak_rss_mib().map_or_else(|| "null".to_string(), |v| format!("{v:.1}"));
    println!(
        "{{\"seconds\": {seconds:.6}, \"peak_rss_mib\": {rss}, \"matched\": {}, \"total_score\": {}}}",
        solution.matched, solution.total_score
    );
    Ok(())
}
