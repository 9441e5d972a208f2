//! Table definitions, written by hand in the types both backends share (UUIDs as text,
//! times as UTC timestamps, lists as JSON text).

diesel::table! {
    profiles (seq) {
        seq -> BigInt,
        id -> Text,
        role -> Text,
        full_name -> Text,
        email -> Nullable<Text>,
        profession -> Text,
        specialty -> Text,
        site -> Text,
        shift -> Text,
        languages -> Text,
        interests -> Text,
        goals -> Text,
        affinity_groups -> Text,
        preferred_meeting -> Text,
        manager_email -> Nullable<Text>,
        notes -> Nullable<Text>,
        start_date -> Nullable<Date>,
        years_experience -> Nullable<Integer>,
        capacity -> Nullable<Integer>,
        can_help_with -> Text,
        certifications -> Text,
        active_mentees -> Integer,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
        share_affinity_with_partner -> Bool,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        role -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    matching_settings (id) {
        id -> Integer,
        body -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    matching_runs (id) {
        id -> Text,
        settings -> Text,
        mentees -> Integer,
        mentors -> Integer,
        matched -> Integer,
        total_score -> BigInt,
        min_score -> Integer,
        unmatched -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    matches (seq) {
        seq -> BigInt,
        id -> Text,
        run_id -> Nullable<Text>,
        mentee_id -> Text,
        mentor_id -> Text,
        status -> Text,
        score -> Integer,
        explanation -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        approved_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    emails (seq) {
        seq -> BigInt,
        id -> Text,
        kind -> Text,
        match_id -> Nullable<Text>,
        recipients -> Text,
        subject -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        list_unsubscribe -> Nullable<Text>,
        checkin_id -> Nullable<Text>,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    coordinators (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        coordinator_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (subject) {
        subject -> Text,
        hits -> Integer,
        last_ms -> BigInt,
        wait_ms -> BigInt,
        expires_ms -> BigInt,
    }
}

diesel::table! {
    checkins (seq) {
        seq -> BigInt,
        id -> Text,
        match_id -> Text,
        person_id -> Text,
        role -> Text,
        step -> Text,
        survey -> Text,
        due_at -> Timestamp,
        status -> Text,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        reminders_sent -> Integer,
        next_reminder_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    checkin_links (token_hash) {
        token_hash -> Text,
        checkin_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    answers (seq) {
        seq -> BigInt,
        checkin_id -> Text,
        match_id -> Text,
        person_id -> Text,
        role -> Text,
        step -> Text,
        question -> Text,
        number -> Nullable<Double>,
        text -> Nullable<Text>,
        answered_at -> Timestamp,
        publication -> Nullable<BigInt>,
    }
}

diesel::table! {
    outcome_publications (step, cohort, role) {
        step -> Text,
        cohort -> Text,
        role -> Text,
        checkins -> BigInt,
        publications -> BigInt,
        published_at -> Timestamp,
    }
}

diesel::table! {
    reminder_optouts (person_id) {
        person_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    employment_events (seq) {
        seq -> BigInt,
        id -> Text,
        person_id -> Nullable<Text>,
        subject -> Text,
        role -> Text,
        event -> Text,
        voluntary -> Nullable<Bool>,
        occurred_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    risk_flags (seq) {
        seq -> BigInt,
        id -> Text,
        match_id -> Text,
        person_id -> Nullable<Text>,
        role -> Nullable<Text>,
        rule -> Text,
        severity -> Text,
        evidence -> Text,
        basis -> Text,
        flag_key -> Text,
        open_key -> Nullable<Text>,
        status -> Text,
        raised_at -> Timestamp,
        updated_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<Text>,
        resolution -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    health_digests (day) {
        day -> Date,
        sent_at -> Timestamp,
        recipients -> Integer,
    }
}

diesel::joinable!(sessions -> coordinators (coordinator_id));

diesel::allow_tables_to_appear_in_same_query!(
    answers,
    app_secrets,
    checkin_links,
    checkins,
    employment_events,
    reminder_optouts,
    coordinators,
    sessions,
    rate_limits,
    profiles,
    api_tokens,
    matching_settings,
    matching_runs,
    matches,
    emails,
    risk_flags,
    health_digests,
    outcome_publications
);
