//! `belong match-file`: the engine offline, deterministic to the byte, with clear errors.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::common::{Backend, TestDb, belong_command, mentee_body, mentor_body, merge};

fn person(body: Value, id: &str, extra: Value) -> Value {
    merge(merge(body, json!({"id": id})), extra)
}

fn roster() -> Value {
    json!({
        "mentees": [
            person(mentee_body(1), "m-ana", json!({"manager_email": "boss@example.org"})),
            person(mentee_body(2), "m-ben", json!({"specialty": "oncology"})),
            person(mentee_body(3), "m-cai", json!({"profession": "midwife"})),
        ],
        "mentors": [
            person(mentor_body(1), "t-boss", json!({"email": "boss@example.org", "capacity": 1})),
            person(mentor_body(2), "t-grace", json!({"capacity": 1, "active_mentees": 0, "languages": ["en", "pt"]})),
            person(mentor_body(3), "t-full", json!({"capacity": 2, "active_mentees": 2})),
        ]
    })
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let db = TestDb::new(Backend::Sqlite);
    belong_command(&db)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run belong")
}

fn write(dir: &Path, name: &str, value: &Value) {
    std::fs::write(
        dir.join(name),
        serde_json::to_string_pretty(value).expect("json"),
    )
    .expect("write");
}

#[test]
fn matches_a_roster_deterministically() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "roster.json", &roster());
    let out = run(dir.path(), &["match-file", "--input", "roster.json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("json output");
    let proposals = result["proposals"].as_array().expect("proposals");
    // Ana's manager is t-boss, so Ana takes Grace and Ben takes the boss.
    let pairs: Vec<(&str, &str)> = proposals
        .iter()
        .map(|p| {
            (
                p["mentee_id"].as_str().unwrap_or_default(),
                p["mentor_id"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(pairs, vec![("m-ana", "t-grace"), ("m-ben", "t-boss")]);
    for p in proposals {
        let sum: f64 = p["explanation"]
            .as_array()
            .expect("lines")
            .iter()
            .filter_map(|l| l["points"].as_f64())
            .sum();
        assert!((sum - p["score"].as_f64().unwrap_or_default()).abs() < 1e-9);
    }
    assert_eq!(result["unmatched"][0]["mentee_id"], "m-cai");
    assert_eq!(
        result["unmatched"][0]["reason"],
        "no eligible mentor: 1 with no capacity left, 2 of another profession"
    );
    assert_eq!(result["stats"]["matched"], 2);

    // The same roster in another order gives the same bytes; so does --output.
    let mut shuffled = roster();
    shuffled["mentees"].as_array_mut().expect("list").reverse();
    shuffled["mentors"]
        .as_array_mut()
        .expect("list")
        .rotate_left(1);
    write(dir.path(), "shuffled.json", &shuffled);
    let again = run(
        dir.path(),
        &[
            "match-file",
            "--input",
            "shuffled.json",
            "--output",
            "out.json",
        ],
    );
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("out.json")).expect("output file"),
        out.stdout
    );

    // Settings in the roster apply.
    let mut strict = roster();
    strict["settings"] = json!({"min_score": 99});
    write(dir.path(), "strict.json", &strict);
    let out = run(dir.path(), &["match-file", "--input", "strict.json"]);
    let result: Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(result["stats"]["matched"], 0);
    assert_eq!(result["stats"]["min_score"], 99.0);
}

#[test]
fn bad_rosters_are_named_precisely() {
    let dir = tempfile::tempdir().expect("dir");
    let check = |name: &str, text: &str, expected: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
        let out = run(dir.path(), &["match-file", "--input", name]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} should fail");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty());
    };
    check(
        "broken.json",
        "{\n  \"mentees\": [\n    {\"id\": \"a\",\n  ]\n}",
        "broken.json:4:3",
    );
    check("list.json", "[]", "must be a JSON object");
    let mut bad = roster();
    bad["mentees"][1]["email"] = json!("not-an-email");
    check(
        "email.json",
        &bad.to_string(),
        "mentees[1] (id \"m-ben\"): email: must be an email address",
    );
    let mut bad = roster();
    bad["mentors"][0]["years_experience"] = json!(99);
    check(
        "years.json",
        &bad.to_string(),
        "mentors[0] (id \"t-boss\"): years_experience",
    );
    let mut bad = roster();
    bad["mentors"][2]["id"] = json!("m-ana");
    check("dup.json", &bad.to_string(), "\"m-ana\" is used twice");
    let mut bad = roster();
    bad["mentees"][0]
        .as_object_mut()
        .expect("object")
        .remove("id");
    check("noid.json", &bad.to_string(), "mentees[0]: id: is required");
    let mut bad = roster();
    bad["settings"] = json!({"weights": {"specialty": 100}});
    check("settings.json", &bad.to_string(), "settings: weights");
    check(
        "extra.json",
        "{\"mentees\": [], \"teams\": []}",
        "\"teams\" is not part of a roster",
    );
    let out = run(dir.path(), &["match-file", "--input", "missing.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read missing.json"));
}
