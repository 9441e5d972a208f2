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
    }
}

diesel::allow_tables_to_appear_in_same_query!(profiles, api_tokens);
