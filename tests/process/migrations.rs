//! Migrations: the same names on both backends, up → down → up, and `schema.rs` in step
//! with the tables.

use belong::store::{Db, StoreError, migrate};
use diesel::prelude::*;

use crate::common::{Backend, TestDb};

fn connect(db: &TestDb) -> Db {
    let url = belong::store::DatabaseUrl::parse(&db.url).expect("url");
    Db::connect(&url, 2, std::time::Duration::from_secs(5), 5000).expect("connect")
}

#[test]
fn both_backends_have_the_same_migrations() {
    let (sqlite, postgres) = migrate::names_per_backend().expect("names");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

/// Selects through every column of every table, so a drift between `schema.rs` and the SQL
/// fails here rather than in production.
fn select_everything(db: &Db) -> Result<(), StoreError> {
    use belong::store::schema::{
        answers, api_tokens, checkin_links, checkins, coordinators, employment_events,
        health_digests, outcome_publications, profiles, rate_limits, reminder_optouts, risk_flags,
    };
    db.run_blocking(|conn| {
        profiles::table
            .select(profiles::all_columns)
            .load::<ProfileColumns>(conn)?;
        api_tokens::table.select(api_tokens::all_columns).load::<(
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        )>(conn)?;
        coordinators::table
            .select(coordinators::all_columns)
            .load::<(String, String, String, String, Time, Option<Time>)>(conn)?;
        checkins::table
            .select(checkins::all_columns)
            .load::<CheckinColumns>(conn)?;
        checkin_links::table
            .select(checkin_links::all_columns)
            .load::<(String, String, Time)>(conn)?;
        answers::table
            .select(answers::all_columns)
            .load::<AnswerColumns>(conn)?;
        outcome_publications::table
            .select(outcome_publications::all_columns)
            .load::<(String, String, String, i64, i64, Time)>(conn)?;
        reminder_optouts::table
            .select(reminder_optouts::all_columns)
            .load::<(String, Time)>(conn)?;
        risk_flags::table
            .select(risk_flags::all_columns)
            .load::<FlagColumns>(conn)?;
        health_digests::table
            .select(health_digests::all_columns)
            .load::<(chrono::NaiveDate, Time, i32)>(conn)?;
        employment_events::table
            .select(employment_events::all_columns)
            .load::<(
                i64,
                String,
                Option<String>,
                String,
                String,
                String,
                Option<bool>,
                chrono::NaiveDate,
                chrono::NaiveDateTime,
            )>(conn)?;
        rate_limits::table
            .select(rate_limits::all_columns)
            .load::<(String, i32, i64, i64, i64)>(conn)?;
        Ok(())
    })
}

type CheckinColumns = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Time,
    String,
    Option<Time>,
    Time,
    Option<Time>,
    Option<Time>,
    i32,
    Option<Time>,
    Option<String>,
    Option<Time>,
);

type FlagColumns = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Time,
    Time,
    Option<Time>,
    Option<String>,
    Option<Time>,
    Option<String>,
    Option<String>,
    Option<String>,
);

type AnswerColumns = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<f64>,
    Option<String>,
    Time,
    Option<i64>,
);

type Time = chrono::NaiveDateTime;
type ProfileColumns = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<chrono::NaiveDate>,
    Option<i32>,
    Option<i32>,
    String,
    String,
    i32,
    String,
    Time,
    Time,
    Option<Time>,
    bool,
);

fn up_down_up(backend: Backend) {
    let db = TestDb::new(backend);
    let pool = connect(&db);
    let applied = pool.run_blocking(migrate::run_pending).expect("up");
    assert!(!applied.is_empty());
    select_everything(&pool).expect("schema matches after up");
    let reverted = pool.run_blocking(migrate::revert_all).expect("down");
    assert_eq!(reverted.len(), applied.len());
    assert!(
        select_everything(&pool).is_err(),
        "tables are gone after down"
    );
    let again = pool.run_blocking(migrate::run_pending).expect("up again");
    assert_eq!(again, applied);
    select_everything(&pool).expect("schema matches after up again");
    assert!(
        pool.run_blocking(migrate::run_pending)
            .expect("idempotent")
            .is_empty()
    );
}

#[test]
fn up_down_up_sqlite() {
    up_down_up(Backend::Sqlite);
}

#[test]
fn up_down_up_postgres() {
    up_down_up(Backend::Postgres);
}
