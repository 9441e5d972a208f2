//! Decisions on pairs: a coordinator's own proposal, approving, rejecting and ending a match
//! (with everything approval and ending do in the same transaction), and letting a person go.

use super::*;

/// A coordinator's own proposal: scored, and refused when it breaks a hard rule.
#[tracing::instrument(name = "propose", skip_all, fields(%mentee_id, %mentor_id))]
pub async fn propose(app: &App, mentee_id: Uuid, mentor_id: Uuid) -> Result<Match, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                propose_in_tx(conn, &config, mentee_id, mentor_id)
            })
        })
        .await
}

/// [`propose`] inside the caller's exclusive transaction.
pub(crate) fn propose_in_tx(
    conn: &mut AnyConnection,
    config: &Settings,
    mentee_id: Uuid,
    mentor_id: Uuid,
) -> Result<Match, AppError> {
    let mentee = profiles::find_mentee(conn, mentee_id)?;
    let mentor = profiles::find_mentor(conn, mentor_id)?;
    let mut errors = FieldErrors::new();
    if mentee.is_none() {
        errors.add(
            "mentee_id",
            format!("there is no mentee with id {mentee_id}"),
        );
    }
    if mentor.is_none() {
        errors.add(
            "mentor_id",
            format!("there is no mentor with id {mentor_id}"),
        );
    }
    let (Some(mentee), Some(_)) = (mentee, mentor) else {
        return Err(AppError::Validation(errors));
    };
    if mentee.status != MenteeStatus::Waiting {
        return Err(broken("mentee_id", &[Rule::MenteeNotWaiting]));
    }
    let pool = Pool::load(conn, config, vec![mentee], Mentors::Only(mentor_id))?;
    let ids = pool.ids();
    let engine = pool.engine(&ids, config);
    let (score, rules) = engine.check(0, 0);
    if !rules.is_empty() {
        return Err(broken("mentor_id", &rules));
    }
    let at = now();
    let proposal = Match {
        id: Uuid::now_v7(),
        run_id: None,
        mentee_id,
        mentor_id,
        status: MatchStatus::Proposed,
        score,
        explanation: engine.explain(0, 0),
        reason: None,
        created_at: at.and_utc(),
        updated_at: at.and_utc(),
        approved_at: None,
        ended_at: None,
    };
    rows::supersede_proposed(conn, &[mentee_id.to_string()], None, at)?;
    rows::insert(conn, &proposal)?;
    Ok(proposal)
}

/// The mentor the engine would propose for a mentee now (pairs rejected or ended before, and
/// the mentor `excluding`, left out), or why there is none.
pub(crate) fn best_mentor(
    conn: &mut AnyConnection,
    config: &Settings,
    mentee: Mentee,
    excluding: Option<Uuid>,
) -> Result<Result<Uuid, String>, AppError> {
    let mentee_id = mentee.id.0.to_string();
    let mut pool = Pool::load(conn, config, vec![mentee], Mentors::All)?;
    if let Some(mentor) = excluding {
        pool.previous.push((mentee_id, mentor.to_string()));
    }
    let ids = pool.ids();
    let outcome = pool
        .engine(&ids, config)
        .run()
        .map_err(|e| AppError::Internal(format!("matching failed: {e}")))?;
    Ok(
        match (outcome.proposals.first(), outcome.unmatched.first()) {
            (Some(p), _) => {
                Ok(Uuid::parse_str(&p.mentor_id).map_err(|e| AppError::Internal(e.to_string()))?)
            }
            (None, Some(u)) => Err(u.reason.clone()),
            (None, None) => Err("no eligible mentor".into()),
        },
    )
}

fn no_match(id: Uuid) -> AppError {
    AppError::NotFound(format!("there is no match with id {id}"))
}

pub async fn get(app: &App, id: Uuid) -> Result<Match, AppError> {
    app.db
        .run(move |conn| rows::find(conn, id)?.ok_or_else(|| no_match(id)))
        .await
}

pub async fn list(
    app: &App,
    status: Option<MatchStatus>,
    after: i64,
    limit: i64,
) -> Result<Page<Match>, AppError> {
    Ok(app
        .db
        .run(move |conn| rows::list(conn, status, after, limit))
        .await?)
}

/// Approves, rejects or ends a match, all or nothing. Approving also takes one of the
/// mentor's places, marks the mentee matched and queues the introduction email, in the same
/// transaction; the database refuses a second approved match for a mentee and a mentor
/// beyond capacity, whatever races.
#[tracing::instrument(name = "decide", skip_all, fields(match_id = %id, decision = ?decision))]
pub async fn decide(
    app: &App,
    id: Uuid,
    decision: Decision,
    reason: Option<String>,
) -> Result<Match, AppError> {
    let config = app.settings.clone();
    let decided = app
        .db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                decide_in_tx(
                    conn,
                    &config,
                    id,
                    decision,
                    reason,
                    flags::Closing {
                        resolution: Resolution::MatchEnded,
                        by: None,
                    },
                )
            })
        })
        .await?;
    if decision == Decision::Approve {
        app.outbox.ring();
    }
    Ok(decided)
}

/// [`decide`] inside the caller's exclusive transaction; ending closes the match's open
/// risk flags with `closing`.
pub(crate) fn decide_in_tx(
    conn: &mut AnyConnection,
    config: &Settings,
    id: Uuid,
    decision: Decision,
    reason: Option<String>,
    closing: flags::Closing<'_>,
) -> Result<Match, AppError> {
    let at = now();
    if !rows::lock(conn, id)? {
        return Err(no_match(id));
    }
    let current = rows::find(conn, id)?.ok_or_else(|| no_match(id))?;
    // Checked once the match is known to exist, so an unknown id is a 404.
    let reason = match decision {
        Decision::Approve => None,
        _ => Some(
            parse_reason(reason.as_deref().unwrap_or_default())
                .map_err(|m| AppError::Validation(FieldErrors::single("reason", m)))?,
        ),
    };
    let to = match decision.apply(current.status) {
        Transition::AlreadyDone => return Ok(current),
        Transition::Refused(message) => return Err(AppError::conflict(message)),
        Transition::To(to) => to,
    };
    match decision {
        Decision::Approve => approve(conn, config, &current, at)?,
        Decision::Reject => {}
        Decision::End => end(conn, &current, closing, at)?,
    }
    if !rows::transition(conn, id, current.status, to, reason.as_deref(), at)? {
        return Err(AppError::conflict("the match changed meanwhile; try again"));
    }
    rows::find(conn, id)?.ok_or_else(|| no_match(id))
}

/// What ending an approved match undoes, in the caller's transaction: its check-ins not yet
/// sent are cancelled, its open risk flags closed with `closing`, the mentor's place freed
/// and the mentee waiting again.
fn end(
    conn: &mut AnyConnection,
    m: &Match,
    closing: flags::Closing<'_>,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let match_id = m.id.to_string();
    checkins::cancel_for_match(conn, &match_id)?;
    flags::close_for_ended(conn, &match_id, closing, at)?;
    profiles::free_place(conn, m.mentor_id, at)?;
    profiles::move_mentee(
        conn,
        m.mentee_id,
        MenteeStatus::Matched,
        MenteeStatus::Waiting,
        at,
    )?;
    Ok(())
}

fn approve(
    conn: &mut AnyConnection,
    config: &Settings,
    m: &Match,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let gone = |who: &str| AppError::conflict(format!("the {who}'s profile was erased"));
    let mentee = profiles::find_mentee(conn, m.mentee_id)?.ok_or_else(|| gone("mentee"))?;
    let mentor = profiles::find_mentor(conn, m.mentor_id)?.ok_or_else(|| gone("mentor"))?;
    match mentee.status {
        MenteeStatus::Waiting => {}
        MenteeStatus::Matched => {
            return Err(AppError::conflict(
                "the mentee already has an approved match",
            ));
        }
        MenteeStatus::Withdrawn => return Err(broken("mentee_id", &[Rule::MenteeNotWaiting])),
    }
    // The profiles may have changed since the proposal: check the hard rules again on what
    // they say now (places are checked by take_place below; a score that has since fallen
    // under the minimum does not undo a coordinator's decision).
    let pool = Pool::load(
        conn,
        config,
        vec![mentee.clone()],
        Mentors::Only(m.mentor_id),
    )?;
    let ids = pool.ids();
    let engine = pool.engine(&ids, config);
    let (_, rules) = engine.check(0, 0);
    let rules: Vec<Rule> = rules
        .into_iter()
        .filter(|r| !matches!(r, Rule::NoCapacity | Rule::MinScore | Rule::PreviousPair))
        .collect();
    if !rules.is_empty() {
        return Err(broken("mentor_id", &rules));
    }
    let explanation = engine.explain(0, 0);
    if !profiles::take_place(conn, m.mentor_id, at)? {
        return Err(broken("mentor_id", &[Rule::NoCapacity]));
    }
    if !profiles::move_mentee(
        conn,
        m.mentee_id,
        MenteeStatus::Waiting,
        MenteeStatus::Matched,
        at,
    )? {
        return Err(AppError::conflict(
            "the mentee already has an approved match",
        ));
    }
    rows::supersede_proposed(conn, &[m.mentee_id.to_string()], Some(m.id), at)?;
    queue_introduction(conn, config, m.id, &explanation, &mentee, &mentor, at)?;
    plan_checkins(conn, config, m, at)
}

/// Plans the pair's check-ins over the first year, in the approval's transaction. They fall
/// due by the database's clock, which the scheduler reads too, whichever process approved.
fn plan_checkins(
    conn: &mut AnyConnection,
    config: &Settings,
    m: &Match,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let start = crate::store::database_now(conn)?;
    for planned in checkin::plan(&config.checkin_steps, start.and_utc()) {
        let person = if planned.role == "mentee" {
            m.mentee_id
        } else {
            m.mentor_id
        };
        let survey = config
            .checkin_steps
            .iter()
            .find(|s| s.key == planned.step)
            .map_or_else(String::new, |s| s.survey.clone());
        checkins::plan(
            conn,
            &checkins::CheckinRow {
                seq: 0,
                id: Uuid::now_v7().to_string(),
                match_id: m.id.to_string(),
                person_id: person.to_string(),
                role: planned.role.to_string(),
                step: planned.step,
                survey,
                due_at: planned.due_at.naive_utc().trunc_subsecs(6),
                status: "scheduled".into(),
                answered_at: None,
                created_at: at,
                sent_at: None,
                expires_at: None,
                reminders_sent: 0,
                next_reminder_at: None,
            },
        )?;
    }
    Ok(())
}

/// Writes the introduction email into the outbox, in the approval's transaction.
fn queue_introduction(
    conn: &mut AnyConnection,
    config: &Settings,
    match_id: Uuid,
    explanation: &[crate::domain::matching::score::Explained],
    mentee: &Mentee,
    mentor: &Mentor,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let rendered = templates::introduction(
        &mentee.details,
        &mentor.details,
        explanation,
        &config.taxonomy,
        &config.email,
    )
    .map_err(|e| AppError::Internal(format!("introduction template: {e}")))?;
    let recipients: Vec<Recipient> = [&mentee.details.person, &mentor.details.person]
        .iter()
        .map(|p| Recipient {
            name: p.full_name.as_str().to_string(),
            email: p.email.as_str().to_string(),
        })
        .collect();
    Queued::new("introduction", recipients, rendered)
        .about_match(match_id)
        .queue(conn, &config.email.from, at)?;
    Ok(())
}

/// Ends a person's running matches and withdraws their open proposals (before erasure).
pub fn release_person(
    conn: &mut AnyConnection,
    person: Uuid,
    at: chrono::NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let open = [MatchStatus::Approved, MatchStatus::Proposed];
    for m in rows::of_person(conn, person, &open)? {
        let to = if m.status == MatchStatus::Approved {
            MatchStatus::Ended
        } else {
            MatchStatus::Superseded
        };
        let reason = (to == MatchStatus::Ended).then_some("a profile was erased");
        // Only the transaction that moved the match gives the place back.
        if rows::transition(conn, m.id, m.status, to, reason, at)? && to == MatchStatus::Ended {
            let closing = flags::Closing {
                resolution: Resolution::MatchEnded,
                by: None,
            };
            end(conn, &m, closing, at)?;
        }
    }
    // Nothing that identifies the person stays in emails or explanations about them.
    let mut message_ids = Vec::new();
    for m in rows::of_person(conn, person, &[])? {
        message_ids.extend(emails::scrub_for_match(conn, &m.id.to_string())?);
        flags::scrub_for_match(conn, &m.id.to_string())?;
        rows::forget_details(conn, m.id)?;
    }
    checkins::forget_person(conn, &person.to_string())?;
    crate::store::answers::forget_text(conn, &person.to_string())?;
    Ok(message_ids)
}

/// Withdraws a mentee's open proposals (when they withdraw).
pub fn supersede_for(
    conn: &mut AnyConnection,
    mentee: Uuid,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    rows::supersede_proposed(conn, &[mentee.to_string()], None, at).map(|_| ())
}
